/**
 * The invariants under random conditions: fast-check draws small fleets (statuses, marker and skip
 * tags including garbage, regions), an event (action, selection by tags, ARNs or both, deployment
 * policy, sometimes two overlapping runs of it), people pausing, resuming or deploying by hand before
 * or during the run, and faults (throttling, 500s, 503s and dropped connections, failed and hung
 * operations, services deleted mid-run). Each case runs the real handler through the real SDK against
 * a fresh emulator, clears the faults, retries the same event, and checks every invariant.
 *
 * Bounded: a fixed seed (RELIABILITY_SEED overrides it; fast-check prints it on failure), a fixed
 * number of cases (RELIABILITY_CASES), no shrinking (each case is a real run), small fleets.
 */
import fc from 'fast-check';
import { readMarker } from '../../lambda/decide';
import { MARKER_TAG_KEY, SKIP_TAG_KEY } from '../../contract/scheduler-tags';
import type { InitialServiceStatus, StartableOperation } from '../../emulator/app-runner-emulator';
import { OFFICE_HOURS, PAUSED_MARKER, RESUMED_MARKER } from '../support/scheduler-harness';
import { checkInvariants, type Violation } from './invariants';
import { contextWithBudget, startReliabilityHarness, type RunRecord } from './reliability-harness';
import { checkCases, countFault, type CaseFigures } from './summary';

const SEED = Number(process.env.RELIABILITY_SEED ?? 20261130);
const CASES = Number(process.env.RELIABILITY_CASES ?? 60);
const REGIONS = ['eu-west-1', 'us-east-1'];

/** What happens to one service besides the run: a fault on it, or a person's action before or during the run. */
type ServiceEvent =
  | { readonly kind: 'none' }
  | { readonly kind: 'fail-operation'; readonly operation: StartableOperation }
  | { readonly kind: 'hang-operation'; readonly operation: 'PAUSE_SERVICE' | 'RESUME_SERVICE' }
  | { readonly kind: 'call-fault'; readonly fault: 'throttle' | 'internal'; readonly operation: string; readonly times: number }
  | { readonly kind: 'delete-during-run' }
  | { readonly kind: 'by-hand'; readonly action: 'pause' | 'resume' | 'deploy' }
  | { readonly kind: 'by-hand-during-run'; readonly action: 'pause' | 'deploy'; readonly when: 'first-call' | 'deployment' };

interface ServiceCase {
  readonly status: InitialServiceStatus;
  readonly region: string;
  readonly selected: boolean;
  readonly marker?: string;
  readonly skip?: string;
  readonly autoDeploymentsEnabled: boolean;
  readonly event: ServiceEvent;
}

interface RunCase {
  readonly action: 'pause' | 'resume';
  readonly selection: 'tags' | 'ARNs' | 'both';
  readonly deployAfterResume: 'never' | 'auto' | 'always';
  readonly resumeManuallyPaused: boolean;
  readonly storm?: { readonly kind: 'throttle' | 'internal' | 'unavailable' | 'reset'; readonly probability: number };
  /** Two runs of the event at once (a Lambda retry overlapping a run, or a person invoking it by hand). */
  readonly overlap: boolean;
  readonly services: readonly ServiceCase[];
}

/** A status and marker: mostly the states the rules name, sometimes any mix, garbage markers included. */
const stateArb: fc.Arbitrary<{ status: InitialServiceStatus; marker?: string }> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      { status: 'RUNNING' as const },
      { status: 'PAUSED' as const, marker: PAUSED_MARKER },
      { status: 'PAUSED' as const },
      { status: 'RUNNING' as const, marker: RESUMED_MARKER },
      { status: 'RUNNING' as const, marker: PAUSED_MARKER },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      status: fc.constantFrom<InitialServiceStatus>('RUNNING', 'PAUSED', 'CREATE_FAILED', 'DELETE_FAILED', 'DELETED'),
      marker: fc.option(fc.constantFrom(PAUSED_MARKER, RESUMED_MARKER, 'paused', 'PAUSED', 'paused yesterday', ''), { nil: undefined }),
    }),
  },
);
/** `value` one time in `outOf`, else undefined. */
function sometimes<T>(value: fc.Arbitrary<T>, outOf: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: outOf - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });
}

const skipArb = sometimes(fc.constantFrom('true', '2020-01-01', '2099-12-31T08:00', 'yes', '2026-02-30', ''), 5);

const serviceEventArb: fc.Arbitrary<ServiceEvent> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' } as const) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail-operation' as const), operation: fc.constantFrom<StartableOperation>('PAUSE_SERVICE', 'RESUME_SERVICE', 'START_DEPLOYMENT') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hang-operation' as const), operation: fc.constantFrom('PAUSE_SERVICE' as const, 'RESUME_SERVICE' as const) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('call-fault' as const),
      fault: fc.constantFrom('throttle' as const, 'internal' as const),
      operation: fc.constantFrom('TagResource', 'UntagResource', 'PauseService', 'ResumeService', 'StartDeployment', 'DescribeService', 'ListTagsForResource', 'ListOperations'),
      // 1-2 hits: the SDK's retries absorb them; 4: every attempt fails.
      times: fc.constantFrom(1, 2, 4, 4),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'delete-during-run' } as const) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('by-hand' as const), action: fc.constantFrom('pause' as const, 'resume' as const, 'deploy' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('by-hand-during-run' as const),
      action: fc.constantFrom('pause' as const, 'deploy' as const),
      when: fc.constantFrom('first-call' as const, 'deployment' as const),
    }),
  },
);

const serviceArb: fc.Arbitrary<ServiceCase> = fc
  .record({
    state: stateArb,
    region: fc.constantFrom(...REGIONS),
    selected: fc.constantFrom(true, true, true, false),
    skip: skipArb,
    autoDeploymentsEnabled: fc.boolean(),
    event: serviceEventArb,
  })
  .map(({ state, ...rest }) => ({ ...state, ...rest }));

const runCaseArb: fc.Arbitrary<RunCase> = fc.record({
  action: fc.constantFrom('pause' as const, 'resume' as const),
  selection: fc.constantFrom('tags' as const, 'ARNs' as const, 'both' as const),
  deployAfterResume: fc.constantFrom('never' as const, 'auto' as const, 'always' as const),
  resumeManuallyPaused: fc.constantFrom(false, false, false, true),
  storm: sometimes(
    fc.record({ kind: fc.constantFrom('throttle' as const, 'internal' as const, 'unavailable' as const, 'reset' as const), probability: fc.constantFrom(0.2, 0.4) }),
    3,
  ),
  overlap: fc.constantFrom(false, false, false, true),
  services: fc.array(serviceArb, { minLength: 2, maxLength: 4 }),
}).map(withoutDelayedDeployments);

/**
 * Two overlapping runs may both read an operation history without a deployment and both call
 * StartDeployment; App Runner refuses the second while the first runs, and App Runner's deployments
 * take minutes. A fault that delays a StartDeployment for longer than a deployment lasts (SDK
 * retries of throttling wait seconds, the emulator deploys in 300 ms) would let both through: a race
 * no client can close, since App Runner has no conditional write to lock on. Overlapping cases keep
 * such faults out; RELIABILITY.md says so.
 */
function withoutDelayedDeployments(c: RunCase): RunCase {
  if (!c.overlap) return c;
  const delaysDeployment = (e: ServiceEvent) =>
    e.kind === 'call-fault' && (e.operation === 'StartDeployment' || e.operation === 'ListOperations');
  return {
    ...c,
    storm: undefined,
    services: c.services.map((s) => (delaysDeployment(s.event) ? { ...s, event: { kind: 'none' } } : s)),
  };
}

/** Can a person do this to a service in this state (App Runner would accept it, and it does not forge a scheduler's pause)? */
function handActionApplies(service: ServiceCase, action: 'pause' | 'resume' | 'deploy'): boolean {
  const marked = service.marker !== undefined && ['paused', 'resumed'].includes(String(readMarker({ [MARKER_TAG_KEY]: service.marker })));
  if (action === 'pause') return service.status === 'RUNNING' && !marked;
  if (action === 'resume') return service.status === 'PAUSED';
  return service.status === 'RUNNING';
}

async function runCase(c: RunCase, figures: CaseFigures): Promise<Violation[]> {
  const harness = await startReliabilityHarness({ emulator: { timings: { deploy: c.overlap ? 300 : 50 } } });
  try {
    const arns = c.services.map((s, i) =>
      harness.emulator.addService({
        name: `svc-${i}`,
        region: s.region,
        status: s.status,
        autoDeploymentsEnabled: s.autoDeploymentsEnabled,
        tags: {
          ...(s.selected ? OFFICE_HOURS : { schedule: 'never' }),
          ...(s.marker === undefined ? {} : { [MARKER_TAG_KEY]: s.marker }),
          ...(s.skip === undefined ? {} : { [SKIP_TAG_KEY]: s.skip }),
        },
      }),
    );
    const listed = arns.filter((_, i) => c.services[i].selected);
    const event = {
      action: c.action,
      ...(c.selection !== 'ARNs' ? { tags: OFFICE_HOURS, regions: REGIONS } : {}),
      ...(c.selection !== 'tags' && listed.length > 0 ? { services: listed } : {}),
      ...(c.selection === 'ARNs' && listed.length === 0 ? { services: [arns[0]] } : {}),
      deployAfterResume: c.deployAfterResume,
      resumeManuallyPaused: c.resumeManuallyPaused,
    };

    const deletions: string[] = [];
    const duringRun: { arn: string; action: 'pause' | 'deploy'; when: 'first-call' | 'deployment' }[] = [];
    let hung = false;
    c.services.forEach((s, i) => {
      const arn = arns[i];
      const e = s.event;
      if (e.kind !== 'none') countFault(figures, e.kind);
      if (e.kind === 'fail-operation') harness.failNextOperation(arn, e.operation);
      if (e.kind === 'hang-operation') {
        harness.emulator.hangNextOperation(arn, e.operation);
        hung = true;
      }
      if (e.kind === 'call-fault') harness.emulator.injectFault({ kind: e.fault, operation: e.operation, serviceArn: arn, times: e.times });
      if (e.kind === 'delete-during-run') deletions.push(arn);
      if (e.kind === 'by-hand-during-run') {
        duringRun.push({ arn, action: e.action, when: e.when });
        // Holds the run's deployment on the wire, so that the person's action lands in between.
        if (e.when === 'deployment') harness.emulator.injectFault({ kind: 'latency', latencyMs: 100, operation: 'StartDeployment', serviceArn: arn });
      }
      if (e.kind === 'by-hand' && handActionApplies(s, e.action)) {
        if (e.action === 'pause') harness.pauseByHand(arn);
        if (e.action === 'resume') harness.resumeByHand(arn);
        if (e.action === 'deploy') harness.deployByHand(arn);
      }
    });
    if (c.storm) {
      countFault(figures, `storm:${c.storm.kind}`);
      harness.emulator.injectFault({ kind: c.storm.kind, forMs: 300, probability: c.storm.probability });
    }

    // A hung operation holds the run until its deadline: keep that short, or the case takes seconds.
    const budget = hung ? 400 : 20_000;
    const firstCall = harness.lastSeq();
    const running = c.overlap ? harness.runTogether([event, event], contextWithBudget(budget)) : harness.run(event, contextWithBudget(budget));
    let runEnded = false;
    void running.then(
      () => (runEnded = true),
      () => (runEnded = true),
    );
    const people = [
      ...deletions.map(async (arn) => {
        // Deleted once the run is under way: before or after the run read it, as the timing falls.
        await harness.whenCall((call) => call.seq > firstCall && (call.targetArn === arn || call.targetArn === undefined), running);
        harness.deleteService(arn);
      }),
      ...duringRun.map(async ({ arn, action, when }) => {
        const operation = when === 'deployment' ? 'StartDeployment' : undefined;
        await harness.whenCall((call) => call.seq > firstCall && call.targetArn === arn && (operation === undefined || call.operation === operation), running);
        // Only during the run (a retry must follow the first run with nothing in between), and only when
        // App Runner would accept it (RUNNING and idle); otherwise the person shrugs and moves on.
        if (!runEnded && harness.emulator.hasService(arn) && harness.emulator.service(arn).status === 'RUNNING') {
          if (action === 'pause') harness.pauseByHand(arn);
          else harness.deployByHand(arn);
        }
      }),
    ];
    await Promise.all([running, ...people]);
    harness.emulator.clearFaults();
    await harness.emulator.settled();

    const retry = await harness.run(event, contextWithBudget(budget));
    await harness.emulator.settled();
    figures.handlerRuns += c.overlap ? 3 : 2;
    figures.services += arns.length;

    // The retry must finish the work once every fault cleared: no hung operation, no armed failure
    // left unused (its operation never started), and no listed ARN deleted (App Runner no longer knows it).
    const unusedArming = harness.armedFailures.some(
      (armed) =>
        harness.emulator.hasService(armed.serviceArn) &&
        !harness.emulator.service(armed.serviceArn).operations.some((o) => o.type === armed.type && o.status === 'FAILED'),
    );
    const deletedListed = deletions.some((arn) => (event.services ?? []).includes(arn));
    const retries: RunRecord[] = hung || unusedArming || deletedListed ? [] : [retry];
    figures.retriesRequired += retries.length;
    return checkInvariants(harness, retries);
  } finally {
    await harness.close();
  }
}

describe('random fleets, events and faults', () => {
  it('keeps every invariant in every case, and a retry finishes the work once the faults clear', async () => {
    await checkCases(runCaseArb, runCase, { seed: SEED, numRuns: CASES });
  }, 120_000);
});
