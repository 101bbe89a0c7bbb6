/**
 * What a run survives: faults injected into the App Runner emulator, met by the real handler through
 * the real AWS SDK. Each scenario states the end state of every service and what is reported, then
 * checks the invariants of `invariants.ts` over everything that happened.
 */
import { MARKER_TAG_KEY, SKIP_TAG_KEY } from '../../contract/scheduler-tags';
import type { ServiceSpec } from '../../emulator/app-runner-emulator';
import { readMarker } from '../../lambda/decide';
import { MARKED_PAUSED, OFFICE_HOURS, outcomeOf, withOverrides } from '../support/scheduler-harness';
import { contextWithBudget, startReliabilityHarness, type ReliabilityHarness, type ReliabilityHarnessOptions } from './reliability-harness';
import { verifyScenario } from './summary';

type Selection = 'tags' | 'ARNs';
/** The gateway's production settings (lambda/app-runner.ts): adaptive retries, 8 attempts. */
const PRODUCTION_RETRIES = { maxAttempts: 8, retryMode: 'adaptive' } as const;
const SELECTIONS: Selection[] = ['tags', 'ARNs'];
/** Why a resume run leaves paused a service someone paused after the run saw it running; pinned here only. */
const PAUSED_BY_SOMEONE_ELSE =
  'paused by someone else during the run, after the scheduler saw it running: left paused, and its marker removed so that later runs leave it paused too';

let harness: ReliabilityHarness;

async function start(options: ReliabilityHarnessOptions = {}): Promise<ReliabilityHarness> {
  harness = await startReliabilityHarness(options);
  return harness;
}

afterEach(() => harness?.close());

/** A fleet: `count` selected services named `<prefix>-N`, one opted out, one outside the selection. */
function fleet(count: number, spec: Omit<ServiceSpec, 'name'> = {}, prefix = 'svc'): { hit: string[]; optedOut: string; outsider: string } {
  const hit = Array.from({ length: count }, (_, i) => harness.emulator.addService({ ...spec, name: `${prefix}-${i + 1}`, tags: { ...OFFICE_HOURS, ...spec.tags } }));
  const optedOut = harness.emulator.addService({ ...spec, name: `${prefix}-opted-out`, tags: { ...OFFICE_HOURS, ...spec.tags, [SKIP_TAG_KEY]: 'true' } });
  const outsider = harness.emulator.addService({ ...spec, name: `${prefix}-outsider`, tags: { schedule: 'never' } });
  return { hit, optedOut, outsider };
}

/** The event for a selection mode: by tags, or by listing the ARNs. */
function event(selection: Selection, action: 'pause' | 'resume', arns: readonly string[], extra: Record<string, unknown> = {}) {
  return selection === 'tags' ? { action, tags: OFFICE_HOURS, ...extra } : { action, services: [...arns], ...extra };
}

function statuses(arns: readonly string[]): string[] {
  return arns.map((arn) => harness.emulator.service(arn).status);
}

/** Successful calls of one operation to one service, over the whole scenario. */
function succeeded(operation: string, arn: string): number {
  return harness.emulator.callsTo(operation).filter((c) => c.targetArn === arn && c.httpStatus === 200).length;
}

describe('throttling storm', () => {
  it.each<[Selection, 'adaptive' | 'standard']>([
    ['tags', 'adaptive'],
    ['ARNs', 'standard'],
  ])('pauses every service once the storm passes (selection by %s, %s SDK retries, 8 attempts)', async (selection, retryMode) => {
    await start({ gateway: { maxAttempts: 8, retryMode } });
    const { hit, optedOut, outsider } = fleet(4);
    harness.emulator.injectFault({ kind: 'throttle', forMs: 1_000, probability: 0.8 });

    const run = await harness.run(event(selection, 'pause', [...hit, optedOut]));

    expect(run.rejected).toBe(false);
    expect(statuses(hit)).toEqual(['PAUSED', 'PAUSED', 'PAUSED', 'PAUSED']);
    expect(statuses([optedOut, outsider])).toEqual(['RUNNING', 'RUNNING']);
    expect(run.report.counts).toMatchObject({ changed: 4, skipped: 1, failed: 0 });
    expect(harness.emulator.calls.some((c) => c.fault === 'throttle')).toBe(true);
    expect(verifyScenario(harness, { fault: `ThrottlingException on 80% of all calls for 1 s (${retryMode} retries)` })).toEqual([]);
  });
});

describe('throttling that outlasts the SDK retries', () => {
  it('fails only the throttled service, and a retry pauses it with one more PauseService', async () => {
    await start({ gateway: { maxAttempts: 2 } });
    const { hit } = fleet(3);
    const [throttled, ...others] = hit;
    harness.emulator.injectFault({ kind: 'throttle', operation: 'PauseService', serviceArn: throttled, times: 2 });

    const first = await harness.run(event('tags', 'pause', hit));

    expect(first.rejected).toBe(true);
    expect(outcomeOf(first.report, throttled)).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('PauseService') });
    expect(outcomeOf(first.report, throttled).reason).toContain('ThrottlingException');
    expect(harness.emulator.service(throttled)).toMatchObject({ status: 'RUNNING', tags: { [MARKER_TAG_KEY]: expect.stringMatching(/^paused /) } });
    expect(statuses(others)).toEqual(['PAUSED', 'PAUSED']);

    const retry = await harness.run(event('tags', 'pause', hit));

    expect(retry.rejected).toBe(false);
    expect(statuses(hit)).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    expect(hit.map((arn) => succeeded('PauseService', arn))).toEqual([1, 1, 1]);
    expect(verifyScenario(harness, { fault: 'PauseService of one service throttled on every attempt (2 of 2)', retries: [retry] })).toEqual([]);
  });
});

describe('500s, 503s and dropped connections', () => {
  it('resumes and deploys every service once they pass, with the production retry settings', async () => {
    await start({ gateway: PRODUCTION_RETRIES });
    const { hit, optedOut, outsider } = fleet(4, { status: 'PAUSED', tags: MARKED_PAUSED });
    harness.emulator.injectFault({ kind: 'internal', forMs: 500, probability: 0.25 });
    harness.emulator.injectFault({ kind: 'unavailable', forMs: 500, probability: 0.15 });
    harness.emulator.injectFault({ kind: 'reset', forMs: 500, probability: 0.1 });

    const run = await harness.run(event('tags', 'resume', hit, { deployAfterResume: 'always' }));
    await harness.emulator.settled();

    expect(run.rejected).toBe(false);
    expect(run.report.counts).toMatchObject({ changed: 4, skipped: 1, failed: 0 });
    expect(statuses(hit)).toEqual(['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING']);
    expect(hit.map((arn) => harness.emulator.service(arn).deployments)).toEqual([1, 1, 1, 1]);
    expect(hit.map((arn) => readMarker(harness.emulator.service(arn).tags))).toEqual([undefined, undefined, undefined, undefined]);
    expect(statuses([optedOut, outsider])).toEqual(['PAUSED', 'PAUSED']);
    expect(harness.emulator.calls.some((c) => c.fault !== undefined)).toBe(true);
    expect(verifyScenario(harness, { fault: '500 on 25%, 503 on 15%, dropped connection on 10% of all calls for 0.5 s' })).toEqual([]);
  });

  it('touches nothing when the region cannot be listed, reports the region, and a retry pauses every service', async () => {
    await start();
    const { hit, optedOut } = fleet(3);
    harness.emulator.injectFault({ kind: 'internal', operation: 'GetResources', times: 4 });

    const first = await harness.run(event('tags', 'pause', hit));

    expect(first.rejected).toBe(true);
    expect(first.report.services).toEqual([]);
    expect(first.report.selectionFailures).toEqual([
      { target: 'eu-west-1', reason: expect.stringContaining('GetResources on eu-west-1 failed: InternalServiceException') },
    ]);
    expect(harness.emulator.mutatingCalls()).toEqual([]);

    const retry = await harness.run(event('tags', 'pause', hit));

    expect(retry.rejected).toBe(false);
    expect(statuses([...hit, optedOut])).toEqual(['PAUSED', 'PAUSED', 'PAUSED', 'RUNNING']);
    expect(verifyScenario(harness, { fault: 'GetResources answers 500 on every attempt (4 of 4)', retries: [retry] })).toEqual([]);
  });
});

describe('slow responses', () => {
  it.each(SELECTIONS)('pauses every service when every answer takes 150 ms (selection by %s)', async (selection) => {
    await start({ emulator: { latencyMs: 150 } });
    const { hit, optedOut, outsider } = fleet(3);

    const run = await harness.run(event(selection, 'pause', [...hit, optedOut]));

    expect(run.rejected).toBe(false);
    expect(statuses([...hit, optedOut, outsider])).toEqual(['PAUSED', 'PAUSED', 'PAUSED', 'RUNNING', 'RUNNING']);
    expect(verifyScenario(harness, { fault: 'every answer delayed 150 ms' })).toEqual([]);
  });
});

describe('a pause or resume operation that fails', () => {
  it('reports the failed pause with its operation, keeps the marker, and a retry pauses the service', async () => {
    await start();
    const { hit } = fleet(3);
    const [failing, ...others] = hit;
    harness.failNextOperation(failing, 'PAUSE_SERVICE');

    const first = await harness.run(event('ARNs', 'pause', hit));

    expect(first.rejected).toBe(true);
    const operation = harness.emulator.service(failing).operations[0];
    expect(outcomeOf(first.report, failing)).toMatchObject({
      outcome: 'failed',
      statusAfter: 'RUNNING',
      reason: `operation ${operation.id} (PAUSE_SERVICE) ended FAILED; the service is RUNNING, not PAUSED`,
    });
    expect(harness.emulator.service(failing).tags[MARKER_TAG_KEY]).toMatch(/^paused /);
    expect(statuses(others)).toEqual(['PAUSED', 'PAUSED']);

    const retry = await harness.run(event('ARNs', 'pause', hit));

    expect(retry.rejected).toBe(false);
    expect(statuses(hit)).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    expect(hit.map((arn) => succeeded('PauseService', arn))).toEqual([2, 1, 1]);
    expect(verifyScenario(harness, { fault: 'one PAUSE_SERVICE operation ends FAILED', retries: [retry] })).toEqual([]);
  });

  it('reports the failed resume, sends it no deployment, and a retry resumes and deploys it once', async () => {
    await start();
    const { hit } = fleet(3, { status: 'PAUSED', tags: MARKED_PAUSED });
    const [failing, ...others] = hit;
    harness.failNextOperation(failing, 'RESUME_SERVICE');
    const resume = event('tags', 'resume', hit, { deployAfterResume: 'always' });

    const first = await harness.run(resume);

    expect(first.rejected).toBe(true);
    expect(outcomeOf(first.report, failing)).toMatchObject({ outcome: 'failed', actions: ['resume'], reason: expect.stringContaining('(RESUME_SERVICE) ended FAILED; the service is PAUSED, not RUNNING') });
    expect(harness.emulator.service(failing).tags[MARKER_TAG_KEY]).toMatch(/^resumed /);
    expect(succeeded('StartDeployment', failing)).toBe(0);
    // The others' deployments started in the same run (whether the emulator's 50 ms deployments ended before the run did is timing).
    expect(others.map((arn) => succeeded('StartDeployment', arn))).toEqual([1, 1]);

    const retry = await harness.run(resume);
    await harness.emulator.settled();

    expect(retry.rejected).toBe(false);
    expect(statuses(hit)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect(hit.map((arn) => harness.emulator.service(arn).deployments)).toEqual([1, 1, 1]);
    expect(hit.map((arn) => succeeded('ResumeService', arn))).toEqual([2, 1, 1]);
    expect(verifyScenario(harness, { fault: 'one RESUME_SERVICE operation ends FAILED', retries: [retry] })).toEqual([]);
  });
});

describe('a read the savings figure needs that fails', () => {
  it('reports the savings of every service as unknown when DescribeAutoScalingConfiguration keeps failing; the resumes and deployments all happen and the run succeeds', async () => {
    await start();
    const { hit } = fleet(3, { status: 'PAUSED', tags: MARKED_PAUSED });
    harness.emulator.injectFault({ kind: 'internal', operation: 'DescribeAutoScalingConfiguration', forMs: 60_000 });

    const run = await harness.run(event('tags', 'resume', hit, { deployAfterResume: 'always' }));
    await harness.emulator.settled();

    expect(run.rejected).toBe(false);
    expect(run.report.counts).toMatchObject({ changed: 3, failed: 0 });
    expect(statuses(hit)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect(hit.map((arn) => harness.emulator.service(arn).deployments)).toEqual([1, 1, 1]);
    for (const arn of hit) {
      expect(outcomeOf(run.report, arn).savings).toEqual(
        expect.objectContaining({ status: 'unknown', reason: expect.stringContaining('could not read the auto scaling configuration') }),
      );
    }
    expect(run.report.savings).toEqual({ currency: 'USD', hours: expect.any(Number), priced: 0, unpriced: 0, unknown: 3 });
    expect(verifyScenario(harness, { fault: 'DescribeAutoScalingConfiguration answers 500 on every attempt for 60 s' })).toEqual([]);
  });

  it('prices every service once throttling of DescribeAutoScalingConfiguration passes within the SDK retries, reading the shared configuration once', async () => {
    await start({ gateway: PRODUCTION_RETRIES });
    const { hit } = fleet(4, { status: 'PAUSED', tags: MARKED_PAUSED });
    harness.emulator.injectFault({ kind: 'throttle', operation: 'DescribeAutoScalingConfiguration', times: 2 });

    const run = await harness.run(event('ARNs', 'resume', hit, { deployAfterResume: 'never' }));

    expect(run.rejected).toBe(false);
    expect(run.report.savings).toMatchObject({ priced: 4, unpriced: 0, unknown: 0, amount: expect.any(Number) });
    expect(harness.emulator.callsTo('DescribeAutoScalingConfiguration').filter((c) => c.httpStatus === 200)).toHaveLength(1);
    expect(verifyScenario(harness, { fault: 'DescribeAutoScalingConfiguration throttled twice (the SDK retries)' })).toEqual([]);
  });

  it('says unpriced for services in a region without a price, prices the others, and makes no auto scaling read for them', async () => {
    await start();
    const priced = fleet(2, { status: 'PAUSED', tags: MARKED_PAUSED }, 'ireland');
    const unpriced = fleet(2, { status: 'PAUSED', tags: MARKED_PAUSED, region: 'eu-central-1' }, 'frankfurt');

    const run = await harness.run(event('tags', 'resume', [], { regions: ['eu-west-1', 'eu-central-1'], deployAfterResume: 'never' }));

    expect(run.rejected).toBe(false);
    expect(priced.hit.map((arn) => outcomeOf(run.report, arn).savings?.status)).toEqual(['priced', 'priced']);
    expect(unpriced.hit.map((arn) => outcomeOf(run.report, arn).savings)).toEqual([
      expect.objectContaining({ status: 'unpriced', reason: expect.stringContaining('eu-central-1') }),
      expect.objectContaining({ status: 'unpriced', reason: expect.stringContaining('eu-central-1') }),
    ]);
    expect(harness.emulator.callsTo('DescribeAutoScalingConfiguration').map((c) => c.region)).toEqual(['eu-west-1']);
    expect(run.report.savings).toMatchObject({ priced: 2, unpriced: 2, unknown: 0 });
    expect(verifyScenario(harness, { fault: 'no price for eu-central-1 (the price table has none)' })).toEqual([]);
  });
});

describe('an operation that does not finish before the deadline', () => {
  it('reports a hung pause as failed at the deadline, and a second run waits again instead of pausing again', async () => {
    await start();
    const { hit } = fleet(3);
    const [hung, ...others] = hit;
    harness.emulator.hangNextOperation(hung, 'PAUSE_SERVICE');

    const first = await harness.run(event('tags', 'pause', hit), contextWithBudget(800));

    expect(first.rejected).toBe(true);
    expect(outcomeOf(first.report, hung)).toMatchObject({
      outcome: 'failed',
      statusAfter: 'OPERATION_IN_PROGRESS',
      reason: "still OPERATION_IN_PROGRESS when the run's deadline came; the next run will pick it up",
    });
    expect(statuses(others)).toEqual(['PAUSED', 'PAUSED']);

    const second = await harness.run(event('tags', 'pause', hit), contextWithBudget(300));

    expect(second.rejected).toBe(true);
    expect(outcomeOf(second.report, hung).outcome).toBe('failed');
    expect(second.report.counts).toMatchObject({ unchanged: 2, failed: 1 });
    expect(succeeded('PauseService', hung)).toBe(1);
    expect(verifyScenario(harness, { fault: 'one PAUSE_SERVICE operation never finishes' })).toEqual([]);
  });

  it('reports pauses still running at the deadline as failed, and a retry once they finished changes nothing', async () => {
    await start({ emulator: { timings: { pause: 1_000 } } });
    const { hit } = fleet(3);

    const first = await harness.run(event('ARNs', 'pause', hit), contextWithBudget(300));

    expect(first.rejected).toBe(true);
    expect(first.report.counts).toMatchObject({ failed: 3 });
    await harness.emulator.settled();
    const retry = await harness.run(event('ARNs', 'pause', hit));

    expect(retry.rejected).toBe(false);
    expect(retry.report.counts).toMatchObject({ unchanged: 3 });
    expect(statuses(hit)).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    expect(hit.map((arn) => succeeded('PauseService', arn))).toEqual([1, 1, 1]);
    expect(verifyScenario(harness, { fault: 'pauses take 1 s, the run has 0.3 s', retries: [retry] })).toEqual([]);
  });

  it('sends no deployment to a resume still running at the deadline, and a retry deploys once and removes the marker', async () => {
    await start({ emulator: { timings: { resume: 1_000 } } });
    const { hit } = fleet(2, { status: 'PAUSED', tags: MARKED_PAUSED });
    const resume = event('tags', 'resume', hit, { deployAfterResume: 'always' });

    const first = await harness.run(resume, contextWithBudget(300));

    expect(first.rejected).toBe(true);
    expect(first.report.counts).toMatchObject({ failed: 2 });
    expect(harness.emulator.callsTo('StartDeployment')).toEqual([]);
    await harness.emulator.settled();
    const retry = await harness.run(resume);
    await harness.emulator.settled();

    expect(retry.rejected).toBe(false);
    expect(hit.map((arn) => harness.emulator.service(arn).deployments)).toEqual([1, 1]);
    expect(hit.map((arn) => readMarker(harness.emulator.service(arn).tags))).toEqual([undefined, undefined]);
    expect(verifyScenario(harness, { fault: 'resumes take 1 s, the run has 0.3 s', retries: [retry] })).toEqual([]);
  });
});

describe('a deployment that fails to start', () => {
  it('keeps the resumed marker when StartDeployment keeps failing, and a retry deploys once without resuming again', async () => {
    await start();
    const { hit } = fleet(3, { status: 'PAUSED', tags: MARKED_PAUSED });
    const [failing, ...others] = hit;
    harness.emulator.injectFault({ kind: 'internal', operation: 'StartDeployment', serviceArn: failing, times: 4 });
    const resume = event('ARNs', 'resume', hit, { deployAfterResume: 'always' });

    const first = await harness.run(resume);

    expect(first.rejected).toBe(true);
    expect(outcomeOf(first.report, failing)).toMatchObject({ outcome: 'failed', actions: ['resume'], reason: expect.stringContaining('StartDeployment') });
    expect(harness.emulator.service(failing)).toMatchObject({ status: 'RUNNING', deployments: 0, tags: { [MARKER_TAG_KEY]: expect.stringMatching(/^resumed /) } });
    expect(others.map((arn) => readMarker(harness.emulator.service(arn).tags))).toEqual([undefined, undefined]);

    const retry = await harness.run(resume);
    await harness.emulator.settled();

    expect(retry.rejected).toBe(false);
    expect(outcomeOf(retry.report, failing)).toMatchObject({ outcome: 'changed', actions: ['deploy'] });
    expect(hit.map((arn) => harness.emulator.service(arn).deployments)).toEqual([1, 1, 1]);
    expect(hit.map((arn) => succeeded('ResumeService', arn))).toEqual([1, 1, 1]);
    expect(verifyScenario(harness, { fault: 'StartDeployment of one service answers 500 on every attempt', retries: [retry] })).toEqual([]);
  });

  it("starts no second deployment when someone else's deployment got there first", async () => {
    await start({ emulator: { timings: { deploy: 1_000 } } });
    const { hit } = fleet(2, { status: 'PAUSED', tags: MARKED_PAUSED });
    const [raced, other] = hit;
    harness.emulator.injectFault({ kind: 'latency', latencyMs: 500, operation: 'StartDeployment', serviceArn: raced });
    const running = harness.run(event('tags', 'resume', hit, { deployAfterResume: 'always' }));
    await harness.whenCall((c) => c.operation === 'StartDeployment' && c.targetArn === raced);
    harness.deployByHand(raced);

    const run = await running;
    await harness.emulator.settled();

    expect(run.rejected).toBe(false);
    expect(outcomeOf(run.report, raced)).toMatchObject({ outcome: 'changed', actions: ['resume'] });
    expect(harness.emulator.callsTo('StartDeployment').find((c) => c.targetArn === raced)?.errorType).toBe('InvalidRequestException');
    expect(harness.emulator.service(raced)).toMatchObject({ status: 'RUNNING', deployments: 1, tags: { ...OFFICE_HOURS } });
    expect(harness.emulator.service(other).deployments).toBe(1);
    expect(verifyScenario(harness, { fault: 'a person deploys the service while the run’s StartDeployment is on the wire' })).toEqual([]);
  });

  it('reports a deployment that starts and then fails as started: the run does not wait for deployments', async () => {
    await start();
    const { hit } = fleet(2, { status: 'PAUSED', tags: MARKED_PAUSED });
    const [failing, other] = hit;
    harness.failNextOperation(failing, 'START_DEPLOYMENT');

    const run = await harness.run(event('tags', 'resume', hit, { deployAfterResume: 'always' }));
    await harness.emulator.settled();

    expect(run.rejected).toBe(false);
    expect(outcomeOf(run.report, failing)).toMatchObject({ outcome: 'changed', reason: expect.stringMatching(/^paused by the scheduler: resumed; deployment \S+ started/) });
    expect(harness.emulator.service(failing)).toMatchObject({ status: 'RUNNING', deployments: 0 });
    expect(harness.emulator.service(failing).operations[0]).toMatchObject({ type: 'START_DEPLOYMENT', status: 'FAILED' });
    expect(harness.emulator.service(other).deployments).toBe(1);
    expect(verifyScenario(harness, { fault: 'one START_DEPLOYMENT operation ends FAILED' })).toEqual([]);
  });
});

describe.each(SELECTIONS)('a service deleted between listing and acting (selection by %s)', (selection) => {
  it('skips a service deleted before it was marked, as deleted during the run, and pauses the others', async () => {
    await start();
    const { hit } = fleet(3);
    const [deleted, ...others] = hit;
    harness.emulator.injectFault({ kind: 'latency', latencyMs: 400, operation: 'TagResource', serviceArn: deleted });
    const running = harness.run(event(selection, 'pause', hit));
    await harness.whenCall((c) => c.operation === 'TagResource' && c.targetArn === deleted);
    harness.deleteService(deleted);

    const run = await running;

    expect(run.rejected).toBe(false);
    expect(outcomeOf(run.report, deleted)).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('deleted') });
    expect(statuses(others)).toEqual(['PAUSED', 'PAUSED']);
    expect(verifyScenario(harness, { fault: 'a service is deleted while its marker is being written' })).toEqual([]);
  });

  it('skips a service deleted while the run waits for its pause', async () => {
    await start({ emulator: { timings: { pause: 600 } } });
    const { hit } = fleet(3);
    const [deleted, ...others] = hit;
    const running = harness.run(event(selection, 'pause', hit));
    await harness.whenCall((c) => c.operation === 'PauseService' && c.targetArn === deleted && c.httpStatus === 200);
    harness.deleteService(deleted);

    const run = await running;

    expect(run.rejected).toBe(false);
    expect(outcomeOf(run.report, deleted)).toMatchObject({ outcome: 'skipped', actions: ['pause'], reason: expect.stringContaining('deleted') });
    expect(statuses(others)).toEqual(['PAUSED', 'PAUSED']);
    expect(verifyScenario(harness, { fault: 'a service is deleted while its pause runs' })).toEqual([]);
  });
});

describe('a tag call and a state call: one fails after the other succeeded', () => {
  it('marker written, then PauseService keeps failing: reported failed, and a retry pauses the service', async () => {
    await start();
    const { hit } = fleet(3);
    const [failing, ...others] = hit;
    harness.emulator.injectFault({ kind: 'internal', operation: 'PauseService', serviceArn: failing, times: 4 });

    const first = await harness.run(event('ARNs', 'pause', hit));

    expect(first.rejected).toBe(true);
    expect(outcomeOf(first.report, failing).reason).toMatch(/^PauseService on arn:aws:apprunner:eu-west-1:\d{12}:service\/svc-1\/[0-9a-f]{32} failed: InternalServiceErrorException: /);
    expect(harness.emulator.service(failing)).toMatchObject({ status: 'RUNNING', tags: { [MARKER_TAG_KEY]: expect.stringMatching(/^paused /) } });
    expect(statuses(others)).toEqual(['PAUSED', 'PAUSED']);

    const retry = await harness.run(event('ARNs', 'pause', hit));

    expect(retry.rejected).toBe(false);
    expect(statuses(hit)).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    expect(hit.map((arn) => succeeded('PauseService', arn))).toEqual([1, 1, 1]);
    expect(verifyScenario(harness, { fault: 'TagResource succeeds, PauseService answers 500 on every attempt', retries: [retry] })).toEqual([]);
  });

  it('marker cannot be written: PauseService is never sent, and a retry pauses the service', async () => {
    await start();
    const { hit } = fleet(3);
    const [failing] = hit;
    harness.emulator.injectFault({ kind: 'internal', operation: 'TagResource', serviceArn: failing, times: 4 });

    const first = await harness.run(event('tags', 'pause', hit));

    expect(first.rejected).toBe(true);
    expect(outcomeOf(first.report, failing)).toMatchObject({ outcome: 'failed', actions: [], reason: expect.stringContaining('TagResource') });
    expect(harness.emulator.service(failing)).toMatchObject({ status: 'RUNNING', tags: OFFICE_HOURS });
    expect(harness.emulator.callsTo('PauseService').filter((c) => c.targetArn === failing)).toEqual([]);

    const retry = await harness.run(event('tags', 'pause', hit));

    expect(retry.rejected).toBe(false);
    expect(statuses(hit)).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    expect(verifyScenario(harness, { fault: 'TagResource answers 500 on every attempt, before the pause', retries: [retry] })).toEqual([]);
  });

  it('resumed and deployed, then the marker cannot be replaced: reported failed, and a retry removes it without deploying again', async () => {
    // The run's last marker write (the deployment's id, after StartDeployment) answers 500 on every attempt.
    await start({
      wrapGateway: (gateway) =>
        withOverrides(gateway, {
          startDeployment: async (target) => {
            const id = await gateway.startDeployment(target);
            if (target === failing) harness.emulator.injectFault({ kind: 'internal', operation: 'TagResource', serviceArn: target, times: 4 });
            return id;
          },
        }),
    });
    const { hit } = fleet(3, { status: 'PAUSED', tags: MARKED_PAUSED });
    const [failing] = hit;
    const resume = event('tags', 'resume', hit, { deployAfterResume: 'always' });

    const first = await harness.run(resume);

    expect(first.rejected).toBe(true);
    expect(outcomeOf(first.report, failing)).toMatchObject({ outcome: 'failed', actions: ['resume', 'deploy'], reason: expect.stringContaining('TagResource') });
    expect(harness.emulator.service(failing).tags[MARKER_TAG_KEY]).toMatch(/^resumed /);

    const retry = await harness.run(resume);
    await harness.emulator.settled();

    expect(retry.rejected).toBe(false);
    expect(outcomeOf(retry.report, failing)).toMatchObject({ outcome: 'changed', actions: [] });
    expect(harness.emulator.service(failing)).toMatchObject({ status: 'RUNNING', deployments: 1, tags: OFFICE_HOURS });
    expect(verifyScenario(harness, { fault: 'ResumeService and StartDeployment succeed, the last TagResource answers 500 on every attempt', retries: [retry] })).toEqual([]);
  });

  it('resume marker written, then ResumeService keeps failing: no deployment, and a retry resumes and deploys once', async () => {
    await start();
    const { hit } = fleet(3, { status: 'PAUSED', tags: MARKED_PAUSED });
    const [failing] = hit;
    harness.emulator.injectFault({ kind: 'internal', operation: 'ResumeService', serviceArn: failing, times: 4 });
    const resume = event('ARNs', 'resume', hit, { deployAfterResume: 'always' });

    const first = await harness.run(resume);

    expect(first.rejected).toBe(true);
    expect(harness.emulator.service(failing)).toMatchObject({ status: 'PAUSED', tags: { [MARKER_TAG_KEY]: expect.stringMatching(/^resumed /) } });
    expect(harness.emulator.callsTo('StartDeployment').filter((c) => c.targetArn === failing)).toEqual([]);

    const retry = await harness.run(resume);
    await harness.emulator.settled();

    expect(retry.rejected).toBe(false);
    expect(hit.map((arn) => harness.emulator.service(arn).deployments)).toEqual([1, 1, 1]);
    expect(statuses(hit)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect(verifyScenario(harness, { fault: 'TagResource succeeds, ResumeService answers 500 on every attempt', retries: [retry] })).toEqual([]);
  });
});

describe.each(SELECTIONS)('someone acts by hand during the night (selection by %s)', (selection) => {
  it('removes the marker of a service resumed by hand and deploys nothing to it; resumes and deploys the others', async () => {
    await start();
    const { hit } = fleet(3);
    const [byHand, ...others] = hit;
    await harness.run(event(selection, 'pause', hit));
    harness.resumeByHand(byHand);
    await harness.emulator.settled();

    const morning = await harness.run(event(selection, 'resume', hit, { deployAfterResume: 'always' }));
    await harness.emulator.settled();

    expect(morning.rejected).toBe(false);
    expect(outcomeOf(morning.report, byHand)).toMatchObject({
      outcome: 'changed',
      actions: [],
      reason: 'running although marked paused (the pause never happened, or someone resumed it): marker removed, no deployment',
    });
    expect(harness.emulator.service(byHand)).toMatchObject({ status: 'RUNNING', deployments: 0, tags: OFFICE_HOURS });
    expect(others.map((arn) => harness.emulator.service(arn).deployments)).toEqual([1, 1]);
    expect(statuses(hit)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect(verifyScenario(harness, { fault: 'a person resumes a paused service between the pause run and the resume run' })).toEqual([]);
  });

  it('leaves paused a service that someone paused by hand during the night', async () => {
    await start();
    const { hit } = fleet(3);
    const [byHand, ...others] = hit;
    await harness.run(event('ARNs', 'pause', others));
    harness.pauseByHand(byHand);
    await harness.emulator.settled();

    const morning = await harness.run(event(selection, 'resume', hit));
    await harness.emulator.settled();

    expect(morning.rejected).toBe(false);
    expect(outcomeOf(morning.report, byHand)).toMatchObject({ outcome: 'unchanged', reason: expect.stringContaining('no marker tag') });
    expect(statuses(hit)).toEqual(['PAUSED', 'RUNNING', 'RUNNING']);
    expect(verifyScenario(harness, { fault: 'a person pauses a running service during the night' })).toEqual([]);
  });

  it('leaves paused a service that someone pauses while the resume run is deploying it, and reports it', async () => {
    await start();
    const { hit } = fleet(3, { status: 'PAUSED', tags: MARKED_PAUSED });
    const [byHand, ...others] = hit;
    harness.emulator.injectFault({ kind: 'latency', latencyMs: 500, operation: 'StartDeployment', serviceArn: byHand });
    const resume = event(selection, 'resume', hit, { deployAfterResume: 'always' });
    const running = harness.run(resume);
    await harness.whenCall((c) => c.operation === 'StartDeployment' && c.targetArn === byHand);
    harness.pauseByHand(byHand);

    const first = await running;
    await harness.emulator.settled();

    expect(first.rejected).toBe(true);
    expect(outcomeOf(first.report, byHand)).toMatchObject({
      outcome: 'failed',
      actions: ['resume'],
      reason: PAUSED_BY_SOMEONE_ELSE,
    });
    expect(harness.emulator.service(byHand)).toMatchObject({ status: 'PAUSED', deployments: 0, tags: OFFICE_HOURS });
    expect(harness.emulator.callsTo('ResumeService').filter((c) => c.targetArn === byHand)).toHaveLength(1);
    expect(others.map((arn) => harness.emulator.service(arn).deployments)).toEqual([1, 1]);

    const retry = await harness.run(resume);

    expect(retry.rejected).toBe(false);
    expect(outcomeOf(retry.report, byHand)).toMatchObject({ outcome: 'unchanged' });
    expect(harness.emulator.service(byHand).status).toBe('PAUSED');
    expect(verifyScenario(harness, { fault: 'a person pauses a service between its resume and its deployment', retries: [retry] })).toEqual([]);
  });
});

describe.each(SELECTIONS)('someone pauses a service right after the run resumed it (selection by %s)', (selection) => {
  it('leaves it paused, removes the marker and deploys nothing, instead of resuming it again', async () => {
    await start();
    const { hit } = fleet(2, { status: 'PAUSED', tags: MARKED_PAUSED });
    const [byHand, other] = hit;
    // The run's status reads take 300 ms, so that the person's pause lands before the run sees the service RUNNING.
    harness.emulator.injectFault({ kind: 'latency', latencyMs: 300, operation: 'DescribeService', serviceArn: byHand, forMs: 10_000 });
    harness.emulator.injectFault({ kind: 'latency', latencyMs: 300, operation: 'ListServices', forMs: 10_000 });
    const resume = event(selection, 'resume', hit, { deployAfterResume: 'always' });
    const running = harness.run(resume);
    await harness.whenCall((c) => c.operation === 'ResumeService' && c.targetArn === byHand && c.httpStatus === 200);
    while (harness.emulator.service(byHand).status !== 'RUNNING') await new Promise((resolve) => setTimeout(resolve, 1));
    harness.pauseByHand(byHand);

    const first = await running;
    await harness.emulator.settled();

    expect(first.rejected).toBe(true);
    expect(outcomeOf(first.report, byHand)).toMatchObject({
      outcome: 'failed',
      actions: ['resume'],
      reason: PAUSED_BY_SOMEONE_ELSE,
    });
    expect(harness.emulator.service(byHand)).toMatchObject({ status: 'PAUSED', deployments: 0, tags: OFFICE_HOURS });
    expect(harness.emulator.service(other).deployments).toBe(1);

    harness.emulator.clearFaults();
    const retry = await harness.run(resume);

    expect(retry.rejected).toBe(false);
    expect(outcomeOf(retry.report, byHand)).toMatchObject({ outcome: 'unchanged', reason: expect.stringContaining('no marker tag') });
    expect(succeeded('ResumeService', byHand)).toBe(1);
    expect(verifyScenario(harness, { fault: 'a person pauses a service as soon as its resume finished', retries: [retry] })).toEqual([]);
  });
});

describe.each(SELECTIONS)('two runs overlapping on the same services (selection by %s)', (selection) => {
  it('two pause runs pause each service once, and both succeed', async () => {
    await start();
    const { hit, optedOut } = fleet(3);
    const pause = event(selection, 'pause', [...hit, optedOut]);

    const runs = await harness.runTogether([pause, pause]);

    expect(runs.map((r) => r.rejected)).toEqual([false, false]);
    expect(statuses(hit)).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    expect(hit.map((arn) => succeeded('PauseService', arn))).toEqual([1, 1, 1]);
    expect(harness.emulator.service(optedOut).status).toBe('RUNNING');
    expect(verifyScenario(harness, { fault: 'the same pause event runs twice at once', overlapping: runs })).toEqual([]);
  });

  it('two resume runs resume and deploy each service once, and both succeed', async () => {
    await start({ emulator: { timings: { deploy: 400 } } });
    const { hit } = fleet(3, { status: 'PAUSED', tags: MARKED_PAUSED });
    const resume = event(selection, 'resume', hit, { deployAfterResume: 'always' });

    const runs = await harness.runTogether([resume, resume]);
    await harness.emulator.settled();

    expect(runs.map((r) => r.rejected)).toEqual([false, false]);
    expect(statuses(hit)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect(hit.map((arn) => succeeded('ResumeService', arn))).toEqual([1, 1, 1]);
    expect(hit.map((arn) => harness.emulator.service(arn).deployments)).toEqual([1, 1, 1]);
    expect(hit.map((arn) => harness.emulator.service(arn).tags[MARKER_TAG_KEY])).toEqual([undefined, undefined, undefined]);
    expect(verifyScenario(harness, { fault: 'the same resume event runs twice at once', overlapping: runs })).toEqual([]);
  });
});
