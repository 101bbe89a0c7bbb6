/**
 * The invariants of runs over accounts under random conditions: fast-check draws services spread
 * over the function's own account and two member accounts (statuses, markers, regions), a pause or
 * resume by tags in those accounts, by their ARNs or both, call faults on some services, and for each member account what
 * befalls it: its role missing, removed or its sessions revoked or expired mid-run, STS throttling
 * within or beyond the retries. Each case runs the real handler (with the production
 * `StsAccountAccess`) through the real SDK against a fresh emulator; then a person mends what broke,
 * the faults clear, the same event is retried in a new container, and every invariant is checked.
 *
 * Bounded like `property.test.ts`: a fixed seed (RELIABILITY_SEED overrides it), a fixed number of
 * cases (RELIABILITY_ACCOUNT_CASES), no shrinking, small fleets.
 */
import fc from 'fast-check';
import { memberRoleArn } from '../../contract/member-role';
import { MARKER_TAG_KEY } from '../../contract/scheduler-tags';
import { OFFICE_HOURS, PAUSED_MARKER, RESUMED_MARKER } from '../support/scheduler-harness';
import { checkInvariants, type Violation } from './invariants';
import { contextWithBudget, startReliabilityHarness } from './reliability-harness';
import { checkCases, countFault, type CaseFigures } from './summary';

const SEED = Number(process.env.RELIABILITY_SEED ?? 20261202);
const CASES = Number(process.env.RELIABILITY_ACCOUNT_CASES ?? 20);
const REGIONS = ['eu-west-1', 'us-east-1'];
const MEMBERS = ['210987654321', '345678901234'];

/** What befalls a member account during the run. */
type AccountEvent =
  | 'none'
  | 'role-missing'
  | 'role-removed-mid-run'
  | 'sessions-revoked-mid-run'
  | 'sessions-expired-mid-run'
  | 'sts-throttled-briefly'
  | 'sts-throttled-throughout';

interface ServiceCase {
  readonly status: 'RUNNING' | 'PAUSED';
  readonly marker?: string;
  readonly region: string;
  readonly selected: boolean;
  readonly fault?: { readonly kind: 'throttle' | 'internal'; readonly operation: string; readonly times: number };
}

interface AccountCase {
  readonly event: AccountEvent;
  readonly services: readonly ServiceCase[];
}

interface RunCase {
  readonly action: 'pause' | 'resume';
  /** By tags in the accounts, by listing the selected services' ARNs (each called in its own account), or both. */
  readonly selection: 'tags' | 'ARNs' | 'both';
  readonly deployAfterResume: 'never' | 'always';
  /** Whether tag selection also looks in the function's own account. */
  readonly home: boolean;
  readonly homeServices: readonly ServiceCase[];
  readonly members: readonly AccountCase[];
}

const serviceArb: fc.Arbitrary<ServiceCase> = fc.record({
  status: fc.constantFrom('RUNNING' as const, 'PAUSED' as const),
  marker: fc.constantFrom(undefined, undefined, PAUSED_MARKER, RESUMED_MARKER),
  region: fc.constantFrom(...REGIONS),
  selected: fc.constantFrom(true, true, true, false),
  fault: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constantFrom('throttle' as const, 'internal' as const),
        operation: fc.constantFrom('GetResources', 'TagResource', 'PauseService', 'ResumeService', 'DescribeService', 'StartDeployment'),
        // 1: the SDK's retries absorb it; 4: every attempt fails.
        times: fc.constantFrom(1, 4),
      }),
    },
  ),
});

const accountArb: fc.Arbitrary<AccountCase> = fc.record({
  event: fc.constantFrom<AccountEvent>(
    'none',
    'none',
    'role-missing',
    'role-removed-mid-run',
    'sessions-revoked-mid-run',
    'sessions-expired-mid-run',
    'sts-throttled-briefly',
    'sts-throttled-throughout',
  ),
  services: fc.array(serviceArb, { minLength: 1, maxLength: 3 }),
});

const runCaseArb: fc.Arbitrary<RunCase> = fc.record({
  action: fc.constantFrom('pause' as const, 'resume' as const),
  selection: fc.constantFrom('tags' as const, 'tags' as const, 'ARNs' as const, 'both' as const),
  deployAfterResume: fc.constantFrom('never' as const, 'always' as const),
  home: fc.boolean(),
  homeServices: fc.array(serviceArb, { minLength: 0, maxLength: 2 }),
  members: fc.tuple(accountArb, accountArb),
});

const MID_RUN: ReadonlySet<AccountEvent> = new Set(['role-removed-mid-run', 'sessions-revoked-mid-run', 'sessions-expired-mid-run']);

async function runCase(c: RunCase, figures: CaseFigures): Promise<Violation[]> {
  const harness = await startReliabilityHarness({ members: { stsMaxAttempts: 2 } });
  const { emulator } = harness;
  try {
    const accounts = [...(c.home ? [emulator.defaultAccount] : []), ...MEMBERS];
    const listed: string[] = [];
    const add = (account: string, services: readonly ServiceCase[]) =>
      services.forEach((s, i) => {
        const arn = emulator.addService({
          name: `svc-${account.slice(-4)}-${i}`,
          account,
          region: s.region,
          status: s.status,
          tags: { ...(s.selected ? OFFICE_HOURS : { schedule: 'never' }), ...(s.marker === undefined ? {} : { [MARKER_TAG_KEY]: s.marker }) },
        });
        if (s.selected && (account !== emulator.defaultAccount || c.home)) listed.push(arn);
        if (s.fault) {
          countFault(figures, `call:${s.fault.kind}`);
          const target = s.fault.operation === 'GetResources' ? { account, operation: 'GetResources' } : { serviceArn: arn, operation: s.fault.operation };
          emulator.injectFault({ kind: s.fault.kind, times: s.fault.times, ...target });
        }
        figures.services += 1;
      });
    add(emulator.defaultAccount, c.homeServices);
    c.members.forEach(({ event, services }, i) => {
      const account = MEMBERS[i];
      countFault(figures, event);
      add(account, services);
      if (event !== 'role-missing') emulator.addRole(account);
      if (event === 'sts-throttled-briefly') emulator.injectFault({ kind: 'throttle', api: 'STS', serviceArn: memberRoleArn('aws', account), times: 1 });
      if (event === 'sts-throttled-throughout') emulator.injectFault({ kind: 'throttle', api: 'STS', serviceArn: memberRoleArn('aws', account), times: 2 });
    });
    const byArns = c.selection !== 'tags' && listed.length > 0;
    const event = {
      action: c.action,
      ...(c.selection !== 'ARNs' || !byArns ? { tags: OFFICE_HOURS, regions: REGIONS, accounts } : {}),
      ...(byArns ? { services: listed } : {}),
      deployAfterResume: c.deployAfterResume,
    };

    const firstCall = harness.lastSeq();
    const running = harness.run(event, contextWithBudget(20_000));
    let runEnded = false;
    void running.then(
      () => (runEnded = true),
      () => (runEnded = true),
    );
    const strikes = c.members.map(async ({ event: befalls }, i) => {
      if (!MID_RUN.has(befalls)) return;
      const account = MEMBERS[i];
      await harness.whenCall((call) => call.seq > firstCall && call.account === account && call.api !== 'STS' && call.httpStatus === 200, running);
      // Only during the run: the retry must follow the run with nothing in between.
      if (runEnded) return;
      countFault(figures, `${befalls}:struck`);
      if (befalls === 'role-removed-mid-run') emulator.removeRole(account);
      if (befalls === 'sessions-revoked-mid-run') emulator.revokeSessions(account);
      if (befalls === 'sessions-expired-mid-run') emulator.expireSessions(account);
    });
    await Promise.all([running, ...strikes]);

    // A person mends what broke (the role back where it is missing), the faults clear, and Lambda's
    // retry lands in a new container (a warm one keeps a denied session until near its Expiration).
    for (const account of MEMBERS) if (!emulator.hasRole(account)) emulator.addRole(account);
    emulator.clearFaults();
    await emulator.settled();
    harness.coldStart();
    const retry = await harness.run(event, contextWithBudget(20_000));
    await emulator.settled();
    figures.handlerRuns += 2;
    // Every case ends with a retry in a new container, once the accounts are mended.
    figures.retriesRequired += 1;
    return checkInvariants(harness, [retry]);
  } finally {
    await harness.close();
  }
}

describe('random fleets over accounts, with the accounts\' own faults', () => {
  it('keeps every invariant in every case, and a retry in a new container finishes the work once the accounts are mended', async () => {
    await checkCases(runCaseArb, runCase, { seed: SEED, numRuns: CASES });
  }, 120_000);
});
