/**
 * The handler end to end: the real AWS SDK against the App Runner emulator, one specification per
 * rule of the README's "How it decides".
 */
import type { AppRunnerGateway } from '../../lambda/app-runner';
import { InvalidEventError } from '../../contract/event';
import type { InvocationContext } from '../../lambda/index';
import { RunFailedError } from '../../lambda/errors';
import { awaitedDeployment, readMarker } from '../../lambda/decide';
import { MARKER_TAG_KEY, SKIP_TAG_KEY } from '../../contract/scheduler-tags';
import type { AppRunnerEmulator } from '../../emulator/app-runner-emulator';
import {
  MARKED_PAUSED,
  MARKED_RESUMED,
  OFFICE_HOURS,
  contextWithRemaining,
  emulatorGateway,
  harnessHandler,
  mutationsOf,
  outcomeOf,
  startHarness,
  withOverrides,
  type Invoke,
  type SchedulerHarness,
} from '../support/scheduler-harness';

const PAUSE = { action: 'pause', tags: OFFICE_HOURS };
const RESUME = { action: 'resume', tags: OFFICE_HOURS };

let harness: SchedulerHarness;
let emulator: AppRunnerEmulator;
let invoke: Invoke;

beforeEach(async () => {
  harness = await startHarness();
  ({ emulator, invoke } = harness);
});

afterEach(() => harness.close());

/** The mutating calls of this test's emulator. */
function mutations(): string[] {
  return mutationsOf(emulator);
}

/** The RunFailedError a run rejects with; fails the test when the run resolves or rejects otherwise. */
async function failedRun(event: unknown, context?: InvocationContext): Promise<RunFailedError> {
  const error = await invoke(event, context).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RunFailedError)) throw new Error(`expected the run to fail, got ${String(error)}`);
  return error;
}

describe('pause run', () => {
  it('marks a running service, pauses it and waits until App Runner reports PAUSED', async () => {
    const arn = emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });

    const report = await invoke(PAUSE);

    expect(emulator.service(arn).status).toBe('PAUSED');
    expect(emulator.service(arn).tags[MARKER_TAG_KEY]).toMatch(/^paused \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(outcomeOf(report, arn)).toMatchObject({
      serviceName: 'web-api',
      region: 'eu-west-1',
      statusBefore: 'RUNNING',
      statusAfter: 'PAUSED',
      actions: ['pause'],
      outcome: 'changed',
    });
    expect(outcomeOf(report, arn).operationIds).toEqual([emulator.service(arn).operations[0].id]);
    expect(mutations()).toEqual(['TagResource web-api', 'PauseService web-api']);
  });

  it('leaves a service that someone else paused alone, without marking it', async () => {
    const arn = emulator.addService({ name: 'paused-by-hand', status: 'PAUSED', tags: OFFICE_HOURS });

    const report = await invoke(PAUSE);

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'unchanged', actions: [] });
    expect(emulator.service(arn).tags[MARKER_TAG_KEY]).toBeUndefined();
    expect(mutations()).toEqual([]);
  });

  it('waits for an operation in progress to settle, then decides again', async () => {
    emulator.setTimings({ deploy: 200 });
    const arn = emulator.addService({ name: 'deploying', tags: OFFICE_HOURS });
    emulator.deployByHand(arn);

    const report = await invoke(PAUSE);

    expect(outcomeOf(report, arn)).toMatchObject({ statusBefore: 'OPERATION_IN_PROGRESS', statusAfter: 'PAUSED', outcome: 'changed' });
    expect(emulator.service(arn).status).toBe('PAUSED');
  });

  test.each(['CREATE_FAILED', 'DELETE_FAILED', 'DELETED'] as const)('skips a %s service with the reason', async (status) => {
    const arn = emulator.addService({ name: 'broken-one', status, tags: OFFICE_HOURS });

    const report = await invoke({ ...PAUSE, services: [arn] });

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining(status) });
    expect(mutations()).toEqual([]);
  });

  it('selects only the services that carry every selector tag, in the regions asked for', async () => {
    const both = emulator.addService({ name: 'dev-team-a', tags: { env: 'dev', team: 'a' } });
    const envOnly = emulator.addService({ name: 'dev-team-b', tags: { env: 'dev', team: 'b' } });
    const elsewhere = emulator.addService({ name: 'dev-team-a-us', region: 'us-east-1', tags: { env: 'dev', team: 'a' } });
    const otherRegion = emulator.addService({ name: 'dev-team-a-ie', region: 'eu-central-1', tags: { env: 'dev', team: 'a' } });

    const report = await invoke({ action: 'pause', tags: { env: 'dev', team: 'a' }, regions: ['eu-west-1', 'us-east-1'] });

    expect(report.services.map((s) => s.serviceArn).sort()).toEqual([both, elsewhere].sort());
    expect(emulator.service(envOnly).status).toBe('RUNNING');
    expect(emulator.service(otherRegion).status).toBe('RUNNING');
    expect(emulator.service(elsewhere).status).toBe('PAUSED');
  });

  it('reads listed ARNs’ statuses from one ListServices walk of their region, and their tags ARN by ARN', async () => {
    const listed = [emulator.addService({ name: 'listed-api', region: 'ap-southeast-2' }), emulator.addService({ name: 'listed-web', region: 'ap-southeast-2' })];
    const other = emulator.addService({ name: 'other-api', region: 'ap-southeast-2' });

    const report = await invoke({ action: 'pause', services: listed });

    expect(report.services.map((s) => s.serviceArn)).toEqual([...listed].sort());
    expect(listed.map((arn) => emulator.service(arn).status)).toEqual(['PAUSED', 'PAUSED']);
    expect(emulator.service(other).status).toBe('RUNNING');
    expect(emulator.callsTo('ListServices').length).toBeGreaterThanOrEqual(2); // selection, then the waits
    expect(emulator.callsTo('DescribeService')).toEqual([]);
    expect(emulator.callsTo('ListTagsForResource').map((c) => c.targetArn).sort()).toEqual([...listed].sort());
    expect(emulator.callsTo('GetResources')).toEqual([]);
    expect(emulator.mutatingCalls().map((c) => c.targetArn)).not.toContain(other);
  });

  it('describes a listed ARN when its region has more pages of services than ARNs are listed, and never walks that region again', async () => {
    for (let i = 0; i < 45; i += 1) emulator.addService({ name: `crowd-${i}`, region: 'ap-southeast-2' });
    const listed = emulator.addService({ name: 'listed-api', region: 'ap-southeast-2' });

    const report = await invoke({ action: 'pause', services: [listed] });

    expect(outcomeOf(report, listed)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(emulator.callsTo('ListServices')).toHaveLength(1); // one page of three, at most one page per listed ARN
    expect(emulator.callsTo('DescribeService').every((c) => c.targetArn === listed)).toBe(true);
    expect(emulator.callsTo('DescribeService').length).toBeGreaterThanOrEqual(2); // selection, then the wait
  });

  it('reads listed ARNs one by one when the function may not list services, and still acts on every one', async () => {
    const listed = [emulator.addService({ name: 'listed-api' }), emulator.addService({ name: 'listed-web' })];
    emulator.injectFault({ kind: 'accessDenied', operation: 'ListServices', times: 100 });

    const report = await invoke({ action: 'pause', services: listed });

    expect(report.services.map((s) => s.outcome)).toEqual(['changed', 'changed']);
    expect(report.selectionFailures).toEqual([]);
    expect(emulator.callsTo('ListServices')).toHaveLength(1);
    expect(new Set(emulator.callsTo('DescribeService').map((c) => c.targetArn))).toEqual(new Set(listed));
  });

  it('takes the union of listed ARNs and tag selection', async () => {
    const tagged = emulator.addService({ name: 'tagged-api', tags: OFFICE_HOURS });
    const listed = emulator.addService({ name: 'listed-api' });

    const report = await invoke({ ...PAUSE, services: [listed] });

    expect(report.services.map((s) => s.serviceArn).sort()).toEqual([tagged, listed].sort());
    expect(report.counts.changed).toBe(2);
  });

  it('fails a listed ARN that App Runner does not know, and still pauses the others', async () => {
    const known = emulator.addService({ name: 'known-api' });
    const unknown = 'arn:aws:apprunner:eu-west-1:123456789012:service/ghost-api/0123456789abcdef0123456789abcdef';

    const error = await failedRun({ action: 'pause', services: [known, unknown] });

    expect(outcomeOf(error.report, unknown)).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('no such service') });
    expect(outcomeOf(error.report, known).outcome).toBe('changed');
    expect(error.message).toContain(unknown);
  });

  it('reports an empty selection as an empty, successful run', async () => {
    emulator.addService({ name: 'untagged-api' });

    const report = await invoke(PAUSE);

    expect(report.services).toEqual([]);
    expect(mutations()).toEqual([]);
  });
});

describe('resume run', () => {
  it('resumes a service the scheduler paused, deploys it, and replaces the marker with the deployment it awaits', async () => {
    const arn = emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });

    const report = await invoke(RESUME);

    expect(outcomeOf(report, arn)).toMatchObject({ statusBefore: 'PAUSED', actions: ['resume', 'deploy'], outcome: 'changed' });
    const [, deployment] = outcomeOf(report, arn).operationIds;
    await emulator.settled();
    expect(emulator.service(arn)).toMatchObject({ status: 'RUNNING', deployments: 1 });
    expect(readMarker(emulator.service(arn).tags)).toBeUndefined();
    expect(awaitedDeployment(emulator.service(arn).tags)).toBe(deployment);
    expect(mutations()).toEqual(['TagResource web-api', 'ResumeService web-api', 'StartDeployment web-api', 'TagResource web-api']);
  });

  it('puts the versions pushed while the service slept live', async () => {
    const arn = emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    await invoke(PAUSE);
    const pushed = emulator.publishVersion(arn);

    await invoke(RESUME);
    await emulator.settled();

    expect(emulator.service(arn).deployedVersion).toBe(pushed);
  });

  it('leaves paused a service that was paused outside the scheduler, and says so', async () => {
    const arn = emulator.addService({ name: 'paused-by-hand', status: 'PAUSED', tags: OFFICE_HOURS });

    const report = await invoke(RESUME);

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'unchanged', reason: expect.stringContaining('no marker tag') });
    expect(emulator.service(arn).status).toBe('PAUSED');
    expect(mutations()).toEqual([]);
  });

  it('resumes a service paused outside the scheduler when resumeManuallyPaused is set', async () => {
    const arn = emulator.addService({ name: 'paused-by-hand', status: 'PAUSED', tags: OFFICE_HOURS });

    const report = await invoke({ ...RESUME, resumeManuallyPaused: true });
    await emulator.settled();

    expect(emulator.service(arn).status).toBe('RUNNING');
    expect(readMarker(emulator.service(arn).tags)).toBeUndefined();
    expect(awaitedDeployment(emulator.service(arn).tags)).toBe(outcomeOf(report, arn).operationIds[1]);
  });

  it('finishes a resume that an earlier run left cut short: deploys and records the deployment in the marker', async () => {
    const arn = emulator.addService({ name: 'cut-short', tags: MARKED_RESUMED });

    const report = await invoke(RESUME);

    expect(outcomeOf(report, arn)).toMatchObject({ actions: ['deploy'], outcome: 'changed', reason: expect.stringContaining('cut short') });
    await emulator.settled();
    expect(emulator.service(arn).deployments).toBe(1);
    expect(readMarker(emulator.service(arn).tags)).toBeUndefined();
    expect(awaitedDeployment(emulator.service(arn).tags)).toBe(outcomeOf(report, arn).operationIds[0]);
  });

  it('does not deploy twice when the cut-short run had already started its deployment', async () => {
    const arn = emulator.addService({ name: 'cut-short', status: 'PAUSED', tags: OFFICE_HOURS });
    emulator.resumeByHand(arn);
    await emulator.settled();
    emulator.deployByHand(arn);
    await emulator.settled();
    emulator.setTags(arn, MARKED_RESUMED);

    const report = await invoke(RESUME);

    expect(outcomeOf(report, arn)).toMatchObject({ actions: [], outcome: 'changed' });
    expect(emulator.service(arn).deployments).toBe(1);
    expect(emulator.service(arn).tags[MARKER_TAG_KEY]).toBeUndefined();
  });

  it('removes the marker of a pause that never happened, without deploying', async () => {
    const arn = emulator.addService({ name: 'never-paused', tags: MARKED_PAUSED });

    const report = await invoke(RESUME);

    expect(outcomeOf(report, arn)).toMatchObject({ actions: [], outcome: 'changed' });
    expect(mutations()).toEqual(['UntagResource never-paused']);
  });

  it('leaves a running service without a marker alone', async () => {
    const arn = emulator.addService({ name: 'awake-api', tags: OFFICE_HOURS });

    const report = await invoke(RESUME);

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'unchanged', reason: 'already running' });
    expect(mutations()).toEqual([]);
  });

  describe.each<[string, boolean, boolean]>([
    ['never', true, false],
    ['auto', true, true],
    ['auto', false, false],
    ['always', false, true],
  ])('with deployAfterResume %s and automatic deployments %s', (policy, autoDeploymentsEnabled, deploys) => {
    it(deploys ? 'deploys after the resume' : 'does not deploy', async () => {
      const arn = emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED, autoDeploymentsEnabled });

      const report = await invoke({ ...RESUME, deployAfterResume: policy });

      expect(outcomeOf(report, arn).actions).toEqual(deploys ? ['resume', 'deploy'] : ['resume']);
      await emulator.settled();
      expect(emulator.service(arn).deployments).toBe(deploys ? 1 : 0);
      expect(emulator.callsTo('StartDeployment')).toHaveLength(deploys ? 1 : 0);
    });
  });

  it('starts no deployment when the service did not come back RUNNING, and reports the operation', async () => {
    const arn = emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });
    emulator.failNextOperation(arn, 'RESUME_SERVICE', 'ROLLBACK_SUCCEEDED');

    const error = await failedRun(RESUME);

    expect(outcomeOf(error.report, arn)).toMatchObject({
      outcome: 'failed',
      statusAfter: 'PAUSED',
      reason: expect.stringMatching(/RESUME_SERVICE.*ROLLBACK_SUCCEEDED/),
    });
    expect(emulator.callsTo('StartDeployment')).toEqual([]);
    expect(emulator.service(arn).tags[MARKER_TAG_KEY]).toMatch(/^resumed /);
  });
});

describe('holidays', () => {
  it('changes nothing on a holiday in the run’s time zone, and reports why', async () => {
    const arn = emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Pacific/Kiritimati' });

    const report = await invoke({ ...RESUME, timeZone: 'Pacific/Kiritimati', holidays: ['2020-01-01', today] });

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'unchanged', reason: expect.stringContaining(today) });
    expect(outcomeOf(report, arn).reason).toContain('Pacific/Kiritimati');
    expect(emulator.service(arn).status).toBe('PAUSED');
    expect(mutations()).toEqual([]);
  });

  it('does not hold back a pause run', async () => {
    const arn = emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'UTC' });

    await invoke({ ...PAUSE, holidays: [today] });

    expect(emulator.service(arn).status).toBe('PAUSED');
  });
});

describe('opt-out tag', () => {
  test.each(['pause', 'resume'])('keeps a service tagged skip=true out of %s runs', async (action) => {
    const running = emulator.addService({ name: 'opted-out-a', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: 'true' } });
    const paused = emulator.addService({ name: 'opted-out-b', status: 'PAUSED', tags: { ...MARKED_PAUSED, [SKIP_TAG_KEY]: 'true' } });

    const report = await invoke({ action, tags: OFFICE_HOURS });

    expect(report.counts.skipped).toBe(2);
    expect([emulator.service(running).status, emulator.service(paused).status]).toEqual(['RUNNING', 'PAUSED']);
    expect(mutations()).toEqual([]);
  });

  it('keeps a service out until the date in the tag, then acts on it', async () => {
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const lastYear = `${new Date().getUTCFullYear() - 1}-06-01`;
    const until = emulator.addService({ name: 'skip-until', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: tomorrow } });
    const expired = emulator.addService({ name: 'skip-expired', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: lastYear } });

    const report = await invoke(PAUSE);

    expect(outcomeOf(report, until)).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining(`until ${tomorrow}`) });
    expect(emulator.service(until).status).toBe('RUNNING');
    expect(emulator.service(expired).status).toBe('PAUSED');
  });

  it('skips a service whose skip tag it cannot read, naming the value', async () => {
    const arn = emulator.addService({ name: 'typo-api', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: 'ture' } });

    const report = await invoke(PAUSE);

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('"ture"') });
    expect(mutations()).toEqual([]);
  });
});

describe('dry run', () => {
  it('plans every change, with the calls a real run would make, and makes none', async () => {
    const paused = emulator.addService({ name: 'to-resume', status: 'PAUSED', tags: MARKED_PAUSED, autoDeploymentsEnabled: true });
    const manual = emulator.addService({ name: 'paused-by-hand', status: 'PAUSED', tags: OFFICE_HOURS });
    const cutShort = emulator.addService({ name: 'cut-short', tags: MARKED_RESUMED });

    const report = await invoke({ ...RESUME, dryRun: true });

    expect(report.dryRun).toBe(true);
    expect(outcomeOf(report, paused)).toMatchObject({ outcome: 'planned', actions: ['resume', 'deploy'] });
    expect(outcomeOf(report, manual)).toMatchObject({ outcome: 'unchanged', actions: [] });
    expect(outcomeOf(report, cutShort)).toMatchObject({ outcome: 'planned', actions: ['deploy'] });
    expect(mutations()).toEqual([]);
  });
});

describe('faults', () => {
  it('absorbs throttling and 500s through the SDK’s retries', async () => {
    const arns = ['api-one', 'api-two', 'api-three'].map((name) => emulator.addService({ name, tags: OFFICE_HOURS }));
    emulator.injectFault({ kind: 'throttle', operation: 'PauseService', times: 2 });
    emulator.injectFault({ kind: 'throttle', operation: 'ListServices', times: 1, throttleStatus: 429 });
    emulator.injectFault({ kind: 'internal', operation: 'TagResource', times: 2 });

    const report = await invoke(PAUSE);

    expect(report.counts).toMatchObject({ changed: 3, failed: 0 });
    expect(arns.map((arn) => emulator.service(arn).status)).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    expect(emulator.calls.filter((c) => c.errorType).length).toBeGreaterThanOrEqual(5);
  });

  it('reports a pause operation that fails, rejects, and still pauses the other services', async () => {
    const failing = emulator.addService({ name: 'failing-api', tags: OFFICE_HOURS });
    const healthy = emulator.addService({ name: 'healthy-api', tags: OFFICE_HOURS });
    emulator.failNextOperation(failing, 'PAUSE_SERVICE', 'FAILED');

    const error = await failedRun(PAUSE);

    expect(error.message).toMatch(/^The pause run failed for 1 of its targets: arn:aws:apprunner:eu-west-1:\d{12}:service\/failing-api\//);
    expect(outcomeOf(error.report, failing)).toMatchObject({
      outcome: 'failed',
      statusAfter: 'RUNNING',
      reason: expect.stringMatching(/PAUSE_SERVICE.*FAILED/),
    });
    expect(emulator.service(healthy).status).toBe('PAUSED');
    expect(outcomeOf(error.report, healthy).outcome).toBe('changed');
  });

  it('reports a service still changing at the deadline as failed, after the others finished', async () => {
    const hung = emulator.addService({ name: 'hung-api', tags: OFFICE_HOURS });
    const healthy = emulator.addService({ name: 'healthy-api', tags: OFFICE_HOURS });
    emulator.hangNextOperation(hung, 'PAUSE_SERVICE');

    const { report } = await failedRun(PAUSE, contextWithRemaining(30_000 + 1_500));

    expect(outcomeOf(report, hung)).toMatchObject({ outcome: 'failed', reason: expect.stringContaining("deadline") });
    expect(outcomeOf(report, healthy).outcome).toBe('changed');
  });

  it('skips a service deleted between selection and action', async () => {
    const doomed = emulator.addService({ name: 'doomed-api', tags: OFFICE_HOURS });
    emulator.injectFault({ kind: 'notFound', operation: 'TagResource', serviceArn: doomed, times: 10 });

    const report = await invoke(PAUSE);

    expect(outcomeOf(report, doomed)).toMatchObject({ outcome: 'skipped', reason: 'deleted during the run' });
  });
});

/** A handler whose gateway lets a test step in after one call, the way a person or a lagging API would. */
function handlerWith(overrides: (gateway: AppRunnerGateway) => Partial<AppRunnerGateway>): Invoke {
  const gateway = emulatorGateway(emulator);
  return harnessHandler(withOverrides(gateway, overrides(gateway)));
}

describe('races with people and lagging reads', () => {
  it('reports a pause that another pause beat, without a pause call of its own, and keeps its marker', async () => {
    const arn = emulator.addService({ name: 'raced-api', tags: OFFICE_HOURS });
    const racing = handlerWith((gateway) => ({
      tagService: async (target, key, value) => {
        await gateway.tagService(target, key, value);
        emulator.pauseByHand(target);
      },
    }));

    const report = await racing(PAUSE);

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'unchanged', actions: [], statusAfter: 'PAUSED', reason: expect.stringContaining('another pause got there first') });
    expect(emulator.service(arn).tags[MARKER_TAG_KEY]).toMatch(/^paused /);
  });

  it('confirms a stale "paused" marker before dropping a cut-short resume’s deployment', async () => {
    const arn = emulator.addService({ name: 'cut-short', tags: MARKED_RESUMED });
    const lagging = handlerWith((gateway) => ({
      findTaggedServices: async (region, tags) => {
        const found = await gateway.findTaggedServices(region, tags);
        found.set(arn, { ...OFFICE_HOURS, [MARKER_TAG_KEY]: MARKED_PAUSED[MARKER_TAG_KEY] });
        return found;
      },
    }));

    const report = await lagging(RESUME);
    await emulator.settled();

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'changed', actions: ['deploy'] });
    expect(emulator.service(arn).deployments).toBe(1);
    expect(awaitedDeployment(emulator.service(arn).tags)).toBe(outcomeOf(report, arn).operationIds[0]);
  });

  it('starts no new pause once the deadline has passed, and reports each service as not started', async () => {
    const arn = emulator.addService({ name: 'late-api', tags: OFFICE_HOURS });

    const error = await failedRun(PAUSE, contextWithRemaining(20_000));

    expect(outcomeOf(error.report, arn)).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('not started') });
    expect(mutations()).toEqual([]);
  });
});

describe('deadline', () => {
  it('starts no deployment once the deadline has passed: keeps the marker, reports the service failed, and a retry deploys', async () => {
    const arn = emulator.addService({ name: 'late-api', tags: MARKED_RESUMED });
    const event = { ...RESUME, deployAfterResume: 'always' };

    const error = await failedRun(event, contextWithRemaining(20_000));

    expect(outcomeOf(error.report, arn)).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('deployment was not started') });
    expect(mutations()).toEqual([]);
    expect(emulator.service(arn).tags).toEqual(MARKED_RESUMED);

    const retry = await invoke(event);

    expect(outcomeOf(retry, arn)).toMatchObject({ outcome: 'changed', actions: ['deploy'] });
    expect(mutations()).toEqual(['StartDeployment late-api', 'TagResource late-api']);
  });
});

describe('idempotence', () => {
  test.each([
    ['pause', PAUSE],
    ['resume', RESUME],
  ])('a second identical %s run makes no mutating call', async (_name, event) => {
    emulator.addService({ name: 'running-api', tags: OFFICE_HOURS });
    emulator.addService({ name: 'paused-api', status: 'PAUSED', tags: MARKED_PAUSED });
    emulator.addService({ name: 'manual-api', status: 'PAUSED', tags: OFFICE_HOURS });
    emulator.addService({ name: 'cut-short', tags: MARKED_RESUMED });
    await invoke(event);
    await emulator.settled();
    emulator.clearCalls();

    const second = await invoke(event);

    expect(mutations()).toEqual([]);
    expect(second.counts.changed).toBe(0);
  });
});

describe('bad events', () => {
  // The wording of each message is the event contract's, pinned by its own test: here, the fields named.
  test.each<[string, unknown, string[]]>([
    ['a missing action', { tags: OFFICE_HOURS }, ['action']],
    ['an unknown key', { ...PAUSE, dryrun: true }, ['dryrun']],
    ['an invalid ARN', { action: 'pause', services: ['web-api'] }, ['services[0]']],
    ['an unknown time zone', { ...RESUME, timeZone: 'Europe/Atlantis' }, ['timeZone']],
    ['an impossible holiday', { ...RESUME, holidays: ['2026-02-30'] }, ['holidays[0]']],
    ['no selection', { action: 'pause' }, ['services']],
  ])('rejects %s before any App Runner call', async (_name, event, fields) => {
    emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });

    const error = await invoke(event).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).problems.map((p) => p.field)).toEqual(fields);
    expect(emulator.calls).toEqual([]);
  });
});
