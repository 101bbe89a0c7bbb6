/**
 * Named schedules over accounts: which schedule a service follows depends on the accounts each
 * selection reaches. Each account is an emulator of its own, reached through the real SDK; the run
 * is split into units per account and region (runFleet), each deciding ownership with the tags its
 * selection read.
 */
import type { AccountAccess } from '../../lambda/accounts';
import type { AppRunnerGateway } from '../../lambda/app-runner';
import { runFleet } from '../../lambda/fleet-run';
import type { RunReport } from '../../lambda/report';
import { parseEvent } from '../../contract/event';
import { parseSchedules } from '../../contract/schedules';
import { startEmulator, type AppRunnerEmulator } from '../../emulator/app-runner-emulator';
import { FAST_POLL, emulatorGateway, mutationsOf, outcomeOf, REGION } from '../support/scheduler-harness';

const HOME = '123456789012';
const STAGING = '210987654321';

/** Two accounts, each an emulator of its own. */
class TwoAccounts implements AccountAccess {
  readonly emulators = new Map<string, AppRunnerEmulator>();
  private readonly gateways = new Map<string, AppRunnerGateway>();

  async start(): Promise<void> {
    for (const account of [HOME, STAGING]) {
      const emulator = await startEmulator({ account, timings: { pause: 30, resume: 30, deploy: 30 } });
      this.emulators.set(account, emulator);
      this.gateways.set(account, emulatorGateway(emulator));
    }
  }

  homeAccount(): Promise<string> {
    return Promise.resolve(HOME);
  }

  gatewayFor(account: string): AppRunnerGateway {
    return this.gateways.get(account)!;
  }

  emulator(account: string): AppRunnerEmulator {
    return this.emulators.get(account)!;
  }

  close(): Promise<unknown> {
    return Promise.all([...this.emulators.values()].map((e) => e.close()));
  }
}

/** london reaches both accounts; staging only its own account, with a tag london's services carry too. */
const SCHEDULES = parseSchedules(
  JSON.stringify({
    london: { tags: { site: 'london' }, accounts: [HOME, STAGING] },
    staging: { tags: { env: 'staging' }, accounts: [STAGING] },
  }),
);

let accounts: TwoAccounts;
beforeEach(async () => {
  accounts = new TwoAccounts();
  await accounts.start();
});
afterEach(() => accounts.close());

function run(event: Record<string, unknown>): Promise<RunReport> {
  return runFleet(parseEvent(event, { defaultRegion: REGION }), {
    access: accounts,
    deadline: Date.now() + 30_000,
    poll: FAST_POLL,
    schedules: { schedules: SCHEDULES, home: { account: HOME, region: REGION } },
  });
}

describe('named schedules over accounts', () => {
  it('gives a service both selections\' tags to the one schedule that reaches its account, and skips it where both do', async () => {
    const homeBoth = accounts.emulator(HOME).addService({ name: 'home-both', tags: { site: 'london', env: 'staging' } });
    const stagingLondon = accounts.emulator(STAGING).addService({ name: 'staging-london', tags: { site: 'london' } });
    const stagingBoth = accounts.emulator(STAGING).addService({ name: 'staging-both', tags: { site: 'london', env: 'staging' } });

    const london = await run({ action: 'pause', tags: { site: 'london' }, accounts: [HOME, STAGING], schedule: 'london' });

    expect(outcomeOf(london, homeBoth)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(outcomeOf(london, stagingLondon)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(outcomeOf(london, stagingBoth)).toMatchObject({
      outcome: 'skipped',
      reason: 'selected by schedules london and staging: tag it apprunner-scheduler:schedule=<name> to choose; no schedule\'s run changes it until then',
    });

    const staging = await run({ action: 'pause', tags: { env: 'staging' }, accounts: [STAGING], schedule: 'staging' });

    expect(outcomeOf(staging, stagingBoth)).toMatchObject({ outcome: 'skipped', actions: [] });
    expect(mutationsOf(accounts.emulator(STAGING))).toEqual(['TagResource staging-london', 'PauseService staging-london']);
  });
});
