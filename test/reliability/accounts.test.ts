/**
 * What a run over several accounts survives: the member role of one account vanishing mid-run, STS
 * throttling, credentials that expire while the run waits. The real handler reaches the member
 * accounts as in production (`StsAccountAccess`, the member role assumed through the emulator's STS)
 * and the invariants of `invariants.ts` hold over everything that happened.
 */
import { MEMBER_ROLE_NAME, memberRoleArn } from '../../contract/member-role';
import { MARKER_TAG_KEY } from '../../contract/scheduler-tags';
import { OFFICE_HOURS } from '../support/scheduler-harness';
import { startReliabilityHarness, type ReliabilityHarness, type ReliabilityHarnessOptions } from './reliability-harness';
import { verifyScenario } from './summary';

const MEMBER_A = '210987654321';
const MEMBER_B = '345678901234';

let harness: ReliabilityHarness;

async function start(options: ReliabilityHarnessOptions = {}): Promise<ReliabilityHarness> {
  harness = await startReliabilityHarness({ members: {}, ...options });
  return harness;
}

afterEach(() => harness?.close());

/** `count` services selected by OFFICE_HOURS in `account`, named `<account's last 4 digits>-N`, and one outside the selection. */
function accountFleet(account: string, count: number): { hit: string[]; outsider: string } {
  const prefix = `acct-${account.slice(-4)}`;
  const hit = Array.from({ length: count }, (_, i) => harness.emulator.addService({ name: `${prefix}-${i + 1}`, account, tags: OFFICE_HOURS }));
  const outsider = harness.emulator.addService({ name: `${prefix}-outsider`, account, tags: { schedule: 'never' } });
  return { hit, outsider };
}

function statuses(arns: readonly string[]): string[] {
  return arns.map((arn) => harness.emulator.service(arn).status);
}

/** A pause by tags in the home account and both member accounts. */
function pauseEverywhere(): { action: 'pause'; tags: typeof OFFICE_HOURS; accounts: string[] } {
  return { action: 'pause', tags: OFFICE_HOURS, accounts: [harness.emulator.defaultAccount, MEMBER_A, MEMBER_B] };
}

/** Successful calls of one operation to one service, over the whole scenario. */
function succeeded(operation: string, arn: string): number {
  return harness.emulator.callsTo(operation).filter((c) => c.targetArn === arn && c.httpStatus === 200).length;
}

/** How a member account is cut off mid-run, and how a person mends it before the retry. */
const CUT_OFF = [
  {
    incident: 'its member role removed',
    fault: 'member role of one account removed mid-run (after its first PauseService), added again before the retry',
    strike: () => harness.emulator.removeRole(MEMBER_B),
    mend: () => void harness.emulator.addRole(MEMBER_B),
  },
  {
    incident: 'its role\'s sessions revoked',
    fault: 'active sessions of one account\'s member role revoked mid-run (IAM\'s "Revoke active sessions")',
    strike: () => harness.emulator.revokeSessions(MEMBER_B),
    mend: () => undefined,
  },
];

describe('a member account cut off mid-run', () => {
  it.each(CUT_OFF)('with $incident: fails only that account\'s services, finishes the others, and a retry in a new container pauses the rest once', async ({ fault, strike, mend }) => {
    await start();
    const home = accountFleet(harness.emulator.defaultAccount, 2);
    const a = accountFleet(MEMBER_A, 2);
    const b = accountFleet(MEMBER_B, 3);
    harness.emulator.addRole(MEMBER_A);
    harness.emulator.addRole(MEMBER_B);
    harness.emulator.setTimings({ pause: 300 });

    const running = harness.run(pauseEverywhere());
    await harness.whenCall((c) => c.operation === 'PauseService' && c.account === MEMBER_B && c.httpStatus === 200, running);
    strike();
    const first = await running;

    expect(first.rejected).toBe(true);
    expect(statuses([...home.hit, ...a.hit])).toEqual(['PAUSED', 'PAUSED', 'PAUSED', 'PAUSED']);
    const failedInB = first.report.services.filter((s) => s.outcome === 'failed');
    expect(failedInB.length).toBeGreaterThan(0);
    for (const row of failedInB) {
      expect(row.serviceArn).toContain(`:${MEMBER_B}:`);
      expect(row.reason).toContain('AccessDeniedException');
    }
    expect(statuses([home.outsider, a.outsider, b.outsider])).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);

    mend();
    await harness.emulator.settled();
    // A new container, as Lambda's retry may land: a warm one assumes the role again only for a
    // refused session 30 s old (RECHECK_DENIED_SESSION_AFTER_MS), which this scenario does not wait
    // for; the warm container's recovery is shown below.
    harness.coldStart();
    const retry = await harness.run(pauseEverywhere());

    expect(retry.rejected).toBe(false);
    expect(statuses(b.hit)).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    expect(b.hit.map((arn) => harness.emulator.service(arn).tags[MARKER_TAG_KEY])).toEqual([
      expect.stringMatching(/^paused /),
      expect.stringMatching(/^paused /),
      expect.stringMatching(/^paused /),
    ]);
    expect([...home.hit, ...a.hit, ...b.hit].map((arn) => succeeded('PauseService', arn))).toEqual([1, 1, 1, 1, 1, 1, 1]);
    expect(verifyScenario(harness, { fault, retries: [retry] })).toEqual([]);
  });
});

describe('a member account changed between runs, in a warm container', () => {
  it.each(CUT_OFF)('with $incident and mended: the next run assumes the role again for the session it kept, and pauses every service once', async ({ strike, mend }) => {
    // Every refused session counts as old enough to check (30 s by default), so that the test need not wait.
    await start({ members: { recheckDeniedSessionAfterMs: 0 } });
    const home = accountFleet(harness.emulator.defaultAccount, 2);
    const b = accountFleet(MEMBER_B, 3);
    harness.emulator.addRole(MEMBER_A);
    harness.emulator.addRole(MEMBER_B);
    const planned = await harness.run({ ...pauseEverywhere(), dryRun: true });
    expect(planned.rejected).toBe(false);

    strike();
    mend();
    const run = await harness.run(pauseEverywhere());

    expect(run.rejected).toBe(false);
    expect(statuses([...home.hit, ...b.hit])).toEqual(Array(5).fill('PAUSED'));
    expect([...home.hit, ...b.hit].map((arn) => succeeded('PauseService', arn))).toEqual([1, 1, 1, 1, 1]);
    const assumedInB = harness.emulator.callsTo('AssumeRole').filter((c) => c.targetArn === memberRoleArn('aws', MEMBER_B) && c.httpStatus === 200);
    expect(assumedInB).toHaveLength(2);
    expect(verifyScenario(harness, { fault: 'member role of one account changed between a dry run and the pause run of the same container (removed and added again, or its sessions revoked)' })).toEqual([]);
  });
});

describe('a member role missing before the run', () => {
  it('reports the account\'s region unlisted when its role is gone before the run, and touches nothing there', async () => {
    await start();
    const home = accountFleet(harness.emulator.defaultAccount, 2);
    const b = accountFleet(MEMBER_B, 2);
    harness.emulator.addRole(MEMBER_A);
    accountFleet(MEMBER_A, 1);

    const run = await harness.run(pauseEverywhere());

    expect(run.rejected).toBe(true);
    expect(run.report.selectionFailures).toEqual([
      expect.objectContaining({ account: MEMBER_B, target: 'eu-west-1', reason: expect.stringContaining(memberRoleArn('aws', MEMBER_B)) }),
    ]);
    expect(statuses(home.hit)).toEqual(['PAUSED', 'PAUSED']);
    expect(statuses(b.hit)).toEqual(['RUNNING', 'RUNNING']);
    expect(harness.emulator.mutatingCalls().filter((c) => c.account === MEMBER_B)).toEqual([]);
    expect(verifyScenario(harness, { fault: `no member role (${MEMBER_ROLE_NAME}) in one of three accounts` })).toEqual([]);
  });
});

describe('STS throttling', () => {
  it('pauses every account once the SDK retries outlast a throttled AssumeRole', async () => {
    await start({ members: { stsMaxAttempts: 4 } });
    const fleets = [accountFleet(harness.emulator.defaultAccount, 2), accountFleet(MEMBER_A, 2), accountFleet(MEMBER_B, 2)];
    harness.emulator.addRole(MEMBER_A);
    harness.emulator.addRole(MEMBER_B);
    // Three throttles, so that even if they all hit one account's AssumeRole its fourth attempt gets through.
    harness.emulator.injectFault({ kind: 'throttle', api: 'STS', operation: 'AssumeRole', times: 3 });

    const run = await harness.run(pauseEverywhere());

    expect(run.rejected).toBe(false);
    expect(statuses(fleets.flatMap((f) => f.hit))).toEqual(Array(6).fill('PAUSED'));
    expect(harness.emulator.callsTo('AssumeRole').filter((c) => c.errorType === 'Throttling')).toHaveLength(3);
    expect(harness.emulator.callsTo('AssumeRole').filter((c) => c.httpStatus === 200).map((c) => c.targetArn).sort()).toEqual([
      memberRoleArn('aws', MEMBER_A),
      memberRoleArn('aws', MEMBER_B),
    ]);
    expect(verifyScenario(harness, { fault: 'STS Throttling on the first 3 AssumeRole calls' })).toEqual([]);
  });

  it('fails the throttled account\'s region when throttling outlasts the retries, and a retry in a new container pauses it once', async () => {
    await start({ members: { stsMaxAttempts: 2 } });
    const home = accountFleet(harness.emulator.defaultAccount, 2);
    const a = accountFleet(MEMBER_A, 2);
    const b = accountFleet(MEMBER_B, 2);
    harness.emulator.addRole(MEMBER_A);
    harness.emulator.addRole(MEMBER_B);
    harness.emulator.injectFault({ kind: 'throttle', api: 'STS', serviceArn: memberRoleArn('aws', MEMBER_B), times: 2 });

    const first = await harness.run(pauseEverywhere());

    expect(first.rejected).toBe(true);
    expect(first.report.selectionFailures).toEqual([
      expect.objectContaining({ account: MEMBER_B, target: 'eu-west-1', reason: expect.stringContaining('Throttling') }),
    ]);
    expect(statuses([...home.hit, ...a.hit, ...b.hit])).toEqual(['PAUSED', 'PAUSED', 'PAUSED', 'PAUSED', 'RUNNING', 'RUNNING']);

    harness.coldStart();
    const retry = await harness.run(pauseEverywhere());

    expect(retry.rejected).toBe(false);
    expect(statuses(b.hit)).toEqual(['PAUSED', 'PAUSED']);
    expect([...home.hit, ...a.hit, ...b.hit].map((arn) => succeeded('PauseService', arn))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(verifyScenario(harness, { fault: 'STS Throttling on every AssumeRole attempt (2 of 2) for one account', retries: [retry] })).toEqual([]);
  });
});

describe('credentials that expire during a wait', () => {
  it('assumes the role again when its credentials near their end, so that a pause longer than their lifetime completes', async () => {
    // Credentials live 1.5 s and are asked again 1 s before their end (a margin a loaded machine's
    // pauses do not eat up); each pause takes 1.5 s, so every set of credentials ends during a wait.
    await start({ members: { refreshBeforeExpiryMs: 1_000 } });
    const a = accountFleet(MEMBER_A, 3);
    harness.emulator.addRole(MEMBER_A);
    harness.emulator.setCredentialLifetime(1.5);
    harness.emulator.setTimings({ pause: 1_500 });

    const run = await harness.run({ action: 'pause', tags: OFFICE_HOURS, accounts: [MEMBER_A] });

    expect(run.rejected).toBe(false);
    expect(statuses(a.hit)).toEqual(['PAUSED', 'PAUSED', 'PAUSED']);
    expect(harness.emulator.callsTo('AssumeRole').filter((c) => c.httpStatus === 200).length).toBeGreaterThan(1);
    expect(harness.emulator.calls.filter((c) => c.errorType === 'ExpiredTokenException')).toEqual([]);
    expect(verifyScenario(harness, { fault: 'member credentials that live 1.5 s (assumed again 1 s before their end), pauses that take 1.5 s' })).toEqual([]);
  });

  it('assumes the role again when STS expires a session before its Expiration, mid-run, and pauses every service once', async () => {
    await start();
    const home = accountFleet(harness.emulator.defaultAccount, 2);
    const a = accountFleet(MEMBER_A, 3);
    harness.emulator.addRole(MEMBER_A);
    harness.emulator.setTimings({ pause: 400 });

    const running = harness.run({ action: 'pause', tags: OFFICE_HOURS, accounts: [harness.emulator.defaultAccount, MEMBER_A] });
    await harness.whenCall((c) => c.operation === 'PauseService' && c.account === MEMBER_A && c.httpStatus === 200, running);
    harness.emulator.expireSessions(MEMBER_A);
    const run = await running;

    expect(run.rejected).toBe(false);
    expect(statuses([...home.hit, ...a.hit])).toEqual(['PAUSED', 'PAUSED', 'PAUSED', 'PAUSED', 'PAUSED']);
    expect(harness.emulator.calls.filter((c) => c.errorType === 'ExpiredTokenException').length).toBeGreaterThan(0);
    expect(harness.emulator.callsTo('AssumeRole').filter((c) => c.httpStatus === 200)).toHaveLength(2);
    expect([...home.hit, ...a.hit].map((arn) => succeeded('PauseService', arn))).toEqual([1, 1, 1, 1, 1]);
    expect(verifyScenario(harness, { fault: 'member sessions expired by STS mid-run, their Expiration still an hour ahead' })).toEqual([]);
  });
});
