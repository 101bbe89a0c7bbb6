/**
 * The call limiter: the order of App Runner calls under the concurrency limit, by lane, so that a
 * service moves on as soon as it can instead of waiting behind every other service's earlier steps.
 */
import type { AppRunnerGateway } from '../../lambda/app-runner';
import { callLanes, limitCalls, type GatewayCall } from '../../lambda/call-limiter';
import { MARKER_TAG_KEY } from '../../contract/scheduler-tags';
import { MARKED_PAUSED, OFFICE_HOURS, startHarness, type SchedulerHarness } from '../support/scheduler-harness';

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

/** A gateway whose calls stay in flight until the test ends them, oldest first; it records the order they started in. */
function heldGateway() {
  const started: string[] = [];
  const inFlight: (() => void)[] = [];
  const gateway = new Proxy({} as AppRunnerGateway, {
    get: (_target, method) => (target: string) => {
      started.push(`${String(method)} ${target}`);
      return new Promise<void>((resolve) => inFlight.push(resolve));
    },
  });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 3; i += 1) await new Promise((resolve) => setImmediate(resolve));
  };
  /** Ends the oldest call in flight and lets the limiter hand its slot on. */
  const endOldest = async (): Promise<void> => {
    await settle();
    inFlight.shift()!();
    await settle();
  };
  return { gateway, started, endOldest };
}

describe('the limiter of a resume run, at 5 calls in flight', () => {
  function fiveDeploymentsInFlight() {
    const held = heldGateway();
    const limited = limitCalls(held.gateway, 5, callLanes('resume', 5));
    for (const name of ['d1', 'd2', 'd3', 'd4', 'd5']) void limited.startDeployment(name);
    return { ...held, limited };
  }

  it('keeps one slot (a fifth) for starting services while deployments queue', async () => {
    const { limited, started, endOldest } = fiveDeploymentsInFlight();
    void limited.startDeployment('d6');
    void limited.startDeployment('d7');
    void limited.tagService('s1', MARKER_TAG_KEY, 'resumed');
    void limited.resumeService('s2');

    await endOldest();
    await endOldest();
    await endOldest();

    expect(started.slice(5)).toEqual(['resumeService s2', 'startDeployment d6', 'startDeployment d7']);
  });

  it('keeps no slot for them while a status read queues: the read, then deployments, go first', async () => {
    const { limited, started, endOldest } = fiveDeploymentsInFlight();
    void limited.tagService('s1', MARKER_TAG_KEY, 'resumed');
    void limited.describeService('r1');
    void limited.startDeployment('d6');

    await endOldest();
    await endOldest();
    await endOldest();

    expect(started.slice(5)).toEqual(['startDeployment d6', 'describeService r1', 'tagService s1']);
  });

  it('starts a queued ListServices walk before any queued deployment', async () => {
    const { limited, started, endOldest } = fiveDeploymentsInFlight();
    void limited.startDeployment('d6');
    void limited.listServices('eu-west-1');

    await endOldest();

    expect(started.slice(5)).toEqual(['listServices eu-west-1']);
  });
});

describe('the lanes', () => {
  /** Every gateway method: the type check fails when the gateway gains one that this list lacks. */
  const GATEWAY_CALLS = Object.keys({
    listServices: true,
    findTaggedServices: true,
    describeService: true,
    listTags: true,
    listRecentOperations: true,
    tagService: true,
    untagService: true,
    pauseService: true,
    resumeService: true,
    startDeployment: true,
    describeAutoScalingConfiguration: true,
  } satisfies Record<GatewayCall, true>);

  it.each(['pause', 'resume'] as const)('of a %s run hold every gateway call exactly once', (action) => {
    const calls = callLanes(action, 10).lanes.flatMap((lane) => lane.calls);

    expect([...calls].sort()).toEqual([...GATEWAY_CALLS].sort());
  });

  it('of a resume run keep a fifth of the slots for the lanes that start a service', () => {
    expect(callLanes('resume', 10).startingSlots).toBe(2);
    expect(callLanes('pause', 10).startingSlots).toBe(0);
  });
});
