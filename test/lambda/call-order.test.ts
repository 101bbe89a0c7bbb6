/**
 * The order of App Runner calls under the concurrency limit: a service moves on as soon as it can,
 * instead of waiting behind every other service's earlier steps.
 */
import { MARKER_TAG_KEY } from '../../lambda/scheduler-tags';
import { startHarness, type SchedulerHarness } from '../support/scheduler-harness';

const OFFICE_HOURS = { schedule: 'office-hours' };
const MARKED_PAUSED = { ...OFFICE_HOURS, [MARKER_TAG_KEY]: 'paused 2026-11-29T19:00:00Z' };

let harness: SchedulerHarness;

beforeEach(async () => {
  harness = await startHarness({ handler: { concurrency: 1 } });
});

afterEach(() => harness.close());

function mutations(): string[] {
  return harness.emulator.mutatingCalls().map((c) => `${c.operation} ${c.targetArn?.split('/')[1]}`);
}

describe('calls under the concurrency limit', () => {
  it("pauses a service right after marking it, before marking the next one", async () => {
    for (const name of ['svc-a', 'svc-b', 'svc-c']) harness.emulator.addService({ name, tags: OFFICE_HOURS });

    await harness.invoke({ action: 'pause', tags: OFFICE_HOURS });

    expect(mutations()).toEqual([
      'TagResource svc-a',
      'PauseService svc-a',
      'TagResource svc-b',
      'PauseService svc-b',
      'TagResource svc-c',
      'PauseService svc-c',
    ]);
  });

  it('deploys a service that is RUNNING again before it resumes the next one', async () => {
    harness.emulator.setTimings({ resume: 0 });
    harness.emulator.setLatency(20);
    for (const name of ['svc-a', 'svc-b']) harness.emulator.addService({ name, status: 'PAUSED', tags: MARKED_PAUSED });

    await harness.invoke({ action: 'resume', tags: OFFICE_HOURS, deployAfterResume: 'always' });

    const calls = mutations();
    expect(calls.indexOf('StartDeployment svc-a')).toBeLessThan(calls.indexOf('ResumeService svc-b'));
  });
});
