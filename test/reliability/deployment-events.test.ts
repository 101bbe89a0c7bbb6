/**
 * What deployment outcomes survive: App Runner's events delivered twice, late (after the next pause)
 * or never, over a fleet whose deployments partly roll back, met by the real handler through the real
 * SDK. Each scenario states what is reported, then checks the invariants of `invariants.ts`: the
 * marker that records a deployment must never undo a guarantee, above all never resume a service a
 * person paused.
 */
import { SCHEDULER_METRICS } from '../../contract/metric-names';
import { MARKED_PAUSED, MetricsInMemory, OFFICE_HOURS, outcomeOf, recordingNotifier } from '../support/scheduler-harness';
import { startReliabilityHarness, type ReliabilityHarness } from './reliability-harness';
import { verifyScenario } from './summary';

const RESUME = { action: 'resume', tags: OFFICE_HOURS, deployAfterResume: 'always' };
const PAUSE = { action: 'pause', tags: OFFICE_HOURS };
/** The next morning's resume: the invariants take two runs of one same event for a retry, so it says its (default) zone. */
const NEXT_RESUME = { ...RESUME, timeZone: 'UTC' };

let harness: ReliabilityHarness;
let notifier: ReturnType<typeof recordingNotifier>;
let metrics: MetricsInMemory;

beforeEach(async () => {
  notifier = recordingNotifier();
  metrics = new MetricsInMemory();
  harness = await startReliabilityHarness({ handler: { notifier, metrics } });
});

afterEach(() => harness.close());

/** Four paused services; the first two roll back their next deployment. */
function fleet(): { failing: string[]; healthy: string[] } {
  const arns = Array.from({ length: 4 }, (_, i) => harness.emulator.addService({ name: `svc-${i + 1}`, status: 'PAUSED', tags: MARKED_PAUSED }));
  for (const arn of arns.slice(0, 2)) harness.emulator.failNextDeployment(arn);
  return { failing: arns.slice(0, 2), healthy: arns.slice(2) };
}

function count(name: string): number {
  return metrics.flushed.filter((m) => m.name === name).length;
}

describe('deployment events delivered twice', () => {
  it('report each deployment once, and the next runs keep every guarantee', async () => {
    const { failing, healthy } = fleet();

    const resume = await harness.run(RESUME);
    await harness.deliverEvents('twice');

    expect(notifier.deployments.map((d) => [d.serviceArn, d.result, d.attribution])).toEqual(
      expect.arrayContaining([...failing.map((arn) => [arn, 'failed', 'scheduler']), ...healthy.map((arn) => [arn, 'succeeded', 'scheduler'])]),
    );
    expect(notifier.deployments).toHaveLength(4);
    expect([count(SCHEDULER_METRICS.deploymentsFailed), count(SCHEDULER_METRICS.deploymentsSucceeded)]).toEqual([2, 2]);
    expect(resume.rejected).toBe(false);

    harness.emulator.pauseByHand(healthy[0]);
    await harness.emulator.settled();
    await harness.run(PAUSE);
    const next = await harness.run(NEXT_RESUME);

    expect(harness.emulator.service(healthy[0]).status).toBe('PAUSED');
    expect(outcomeOf(next.report, healthy[0]).reason).toContain('paused outside the scheduler');
    expect(verifyScenario(harness, { fault: 'every App Runner event delivered twice; 2 of 4 deployments roll back' })).toEqual([]);
  });
});

describe('deployment events delivered late', () => {
  it('report a failure that arrives after the next pause as unattributable, and lose none', async () => {
    const { failing } = fleet();

    await harness.run(RESUME);
    await harness.emulator.settled();
    const pause = await harness.run(PAUSE);
    await harness.deliverEvents();

    expect(pause.report.services.filter((s) => s.unconfirmedDeployment !== undefined)).toHaveLength(4);
    expect(notifier.deployments.map((d) => [d.serviceArn, d.attribution, d.result])).toEqual(expect.arrayContaining(failing.map((arn) => [arn, 'unattributable', 'failed'])));
    expect(notifier.deployments).toHaveLength(2);
    expect(count(SCHEDULER_METRICS.deploymentsFailed)).toBe(2);
    expect(harness.emulator.services().map((s) => s.status)).toEqual(['PAUSED', 'PAUSED', 'PAUSED', 'PAUSED']);
    expect(verifyScenario(harness, { fault: 'App Runner events delivered after the next pause; 2 of 4 deployments roll back' })).toEqual([]);
  });
});

describe('deployment events never delivered', () => {
  it('leave the next run to say each outcome is unconfirmed, and the runs after it keep every guarantee', async () => {
    fleet();

    await harness.run(RESUME);
    await harness.deliverEvents('never');
    const [person] = harness.emulator.services().map((s) => s.arn);
    harness.emulator.pauseByHand(person);
    await harness.emulator.settled();
    const pause = await harness.run(PAUSE);
    const resume = await harness.run(NEXT_RESUME);

    expect(pause.report.services.map((s) => s.unconfirmedDeployment !== undefined)).toEqual([true, true, true, true]);
    expect(notifier.deployments).toEqual([]);
    expect(harness.emulator.service(person).status).toBe('PAUSED');
    expect(resume.report.services.filter((s) => s.actions.includes('resume'))).toHaveLength(3);
    expect(verifyScenario(harness, { fault: 'no App Runner event delivered; a person pauses one service afterwards' })).toEqual([]);
  });
});
