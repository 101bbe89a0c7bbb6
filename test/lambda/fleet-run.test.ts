/**
 * A run over accounts and regions: split into one unit per account and region, each run by today's
 * engine, with its own call bound, under one bound for the invocation; one report. Each account here
 * is an emulator of its own, reached through the real SDK; an account whose role cannot be assumed
 * is a gateway whose credentials fail, as StsAccountAccess's do.
 */
import type { AccountAccess } from '../../lambda/accounts';
import { SdkAppRunnerGateway, type AppRunnerGateway } from '../../lambda/app-runner';
import { MemberRoleError } from '../../lambda/errors';
import { DEFAULT_FLEET_CONCURRENCY, planUnits, runFleet, type FleetRunOptions } from '../../lambda/fleet-run';
import { runScheduler, type RunProgress } from '../../lambda/run';
import { mergeReports, type RunReport, type ServiceOutcome } from '../../lambda/report';
import { parseEvent } from '../../contract/event';
import { startEmulator, type AppRunnerEmulator } from '../../emulator/app-runner-emulator';
import { FAST_POLL, emulatorGateway, OFFICE_HOURS, outcomeOf, REGION } from '../support/scheduler-harness';

const HOME = '123456789012';
const STAGING = '210987654321';
const SANDBOX = '333333333333';
const OTHER_REGION = 'us-east-1';
const ROLE = (account: string) => `arn:aws:iam::${account}:role/AppRunnerSchedulerMember`;

/** Accounts that are emulators of their own, and accounts whose member role cannot be assumed. */
class TestAccounts implements AccountAccess {
  readonly emulators = new Map<string, AppRunnerEmulator>();
  private readonly gateways = new Map<string, AppRunnerGateway>();
  /** Calls in flight now and at most, across every account, and per account. */
  inFlight = 0;
  peak = 0;
  readonly peakByAccount = new Map<string, number>();
  private readonly inFlightByAccount = new Map<string, number>();

  async add(account: string, latencyMs = 0): Promise<AppRunnerEmulator> {
    const emulator = await startEmulator({ account, latencyMs, timings: { pause: 30, resume: 30, deploy: 30 } });
    this.emulators.set(account, emulator);
    this.gateways.set(account, this.counted(account, emulatorGateway(emulator)));
    return emulator;
  }

  /** An account whose every call fails as when AssumeRole is refused: through the real SDK, with credentials that cannot be had. */
  unreachable(account: string): void {
    const refused = Object.assign(new Error('not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
    const gateway = new SdkAppRunnerGateway({
      maxAttempts: 2,
      endpoint: 'http://127.0.0.1:9',
      credentials: () => Promise.reject(new MemberRoleError(account, ROLE(account), refused)),
    });
    this.gateways.set(account, this.counted(account, gateway));
  }

  homeAccount(): Promise<string> {
    return Promise.resolve(HOME);
  }

  gatewayFor(account: string): AppRunnerGateway {
    const gateway = this.gateways.get(account);
    if (!gateway) throw new Error(`no such test account ${account}`);
    return gateway;
  }

  emulator(account: string): AppRunnerEmulator {
    return this.emulators.get(account)!;
  }

  close(): Promise<unknown> {
    return Promise.all([...this.emulators.values()].map((e) => e.close()));
  }

  private counted(account: string, gateway: AppRunnerGateway): AppRunnerGateway {
    return new Proxy(gateway, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const now = (this.inFlightByAccount.get(account) ?? 0) + 1;
          this.inFlightByAccount.set(account, now);
          this.peakByAccount.set(account, Math.max(now, this.peakByAccount.get(account) ?? 0));
          this.peak = Math.max(this.peak, ++this.inFlight);
          try {
            return await value.apply(target, args);
          } finally {
            this.inFlight -= 1;
            this.inFlightByAccount.set(account, this.inFlightByAccount.get(account)! - 1);
          }
        };
      },
    });
  }
}

let accounts: TestAccounts;
beforeEach(() => {
  accounts = new TestAccounts();
});
afterEach(() => accounts.close());

function run(event: Record<string, unknown>, options: Partial<FleetRunOptions> = {}): Promise<RunReport> {
  const request = parseEvent(event, { defaultRegion: REGION });
  return runFleet(request, { access: accounts, deadline: Date.now() + 30_000, poll: FAST_POLL, ...options });
}

function statuses(account: string, arns: readonly string[]): string[] {
  return arns.map((arn) => accounts.emulator(account).service(arn).status);
}

describe('a run over accounts and regions', () => {
  it('selects by tags in every account and region the event names, and reports them all in one report', async () => {
    const home = await accounts.add(HOME);
    const staging = await accounts.add(STAGING);
    const arns = {
      [HOME]: [home.addService({ name: 'home-web', tags: OFFICE_HOURS }), home.addService({ name: 'home-east', region: OTHER_REGION, tags: OFFICE_HOURS })],
      [STAGING]: [staging.addService({ name: 'staging-web', tags: OFFICE_HOURS }), staging.addService({ name: 'staging-east', region: OTHER_REGION, tags: OFFICE_HOURS })],
    };
    const untagged = staging.addService({ name: 'staging-other' });

    const report = await run({ action: 'pause', tags: OFFICE_HOURS, accounts: [HOME, STAGING], regions: [REGION, OTHER_REGION] });

    expect(statuses(HOME, arns[HOME])).toEqual(['PAUSED', 'PAUSED']);
    expect(statuses(STAGING, [...arns[STAGING], untagged])).toEqual(['PAUSED', 'PAUSED', 'RUNNING']);
    expect(report.services.map((s) => s.serviceArn)).toEqual([...arns[HOME], ...arns[STAGING]].sort());
    expect(report.counts).toEqual({ changed: 4, unchanged: 0, skipped: 0, failed: 0, planned: 0 });
    expect(report.selectionFailures).toEqual([]);
  });

  it('looks in the function\'s own account when the event names no accounts', async () => {
    const home = await accounts.add(HOME);
    const staging = await accounts.add(STAGING);
    const mine = home.addService({ name: 'home-web', tags: OFFICE_HOURS });
    const theirs = staging.addService({ name: 'staging-web', tags: OFFICE_HOURS });

    await run({ action: 'pause', tags: OFFICE_HOURS, regions: [REGION, OTHER_REGION] });

    expect(statuses(HOME, [mine])).toEqual(['PAUSED']);
    expect(statuses(STAGING, [theirs])).toEqual(['RUNNING']);
    expect(staging.calls).toEqual([]);
  });

  it('calls a listed ARN in its own account', async () => {
    await accounts.add(HOME);
    const staging = await accounts.add(STAGING);
    const arn = staging.addService({ name: 'staging-web' });

    const report = await run({ action: 'pause', services: [arn] });

    expect(statuses(STAGING, [arn])).toEqual(['PAUSED']);
    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(accounts.emulator(HOME).calls).toEqual([]);
  });

  it('reports the services and regions of an account it cannot reach failed, naming the account and the role, and finishes the others', async () => {
    const home = await accounts.add(HOME);
    const staging = await accounts.add(STAGING);
    accounts.unreachable(SANDBOX);
    const reachable = [home.addService({ name: 'home-web', tags: OFFICE_HOURS }), staging.addService({ name: 'staging-web', tags: OFFICE_HOURS })];
    const listed = `arn:aws:apprunner:${REGION}:${SANDBOX}:service/sandbox-web/0123456789abcdef0123456789abcdef`;

    const report = await run({ action: 'pause', tags: OFFICE_HOURS, accounts: [HOME, STAGING, SANDBOX], services: [listed] });

    expect(statuses(HOME, [reachable[0]])).toEqual(['PAUSED']);
    expect(statuses(STAGING, [reachable[1]])).toEqual(['PAUSED']);
    const because = `could not assume ${ROLE(SANDBOX)} to act in account ${SANDBOX}: AccessDenied: not authorized to perform: sts:AssumeRole`;
    expect(outcomeOf(report, listed)).toMatchObject({ outcome: 'failed', reason: expect.stringContaining(because) });
    expect(report.selectionFailures).toEqual([{ target: REGION, account: SANDBOX, reason: expect.stringContaining(because) }]);
    expect(report.counts).toMatchObject({ changed: 2, failed: 1 });
  });

  it('is exactly today\'s run when it is one account in one region', async () => {
    const home = await accounts.add(HOME);
    home.addService({ name: 'home-web', tags: OFFICE_HOURS });
    home.addService({ name: 'home-api', tags: { ...OFFICE_HOURS, 'apprunner-scheduler:skip': 'true' } });
    const clock = () => Date.parse('2026-12-01T19:00:00Z');
    const request = parseEvent({ action: 'pause', tags: OFFICE_HOURS, dryRun: true }, { defaultRegion: REGION });
    const options = { deadline: Date.now() + 30_000, poll: FAST_POLL, clock };

    const fleet = await runFleet(request, { ...options, access: accounts });
    const today = await runScheduler(request, { ...options, gateway: accounts.gatewayFor(HOME) });

    expect(fleet).toEqual(today);
  });

  it('keeps the run\'s own bound when it is one account in one region, above the invocation\'s default too', async () => {
    const home = await accounts.add(HOME, 10);
    for (let i = 0; i < 60; i++) home.addService({ name: `svc-home-${i}`, tags: OFFICE_HOURS });

    await run({ action: 'pause', tags: OFFICE_HOURS }, { concurrency: 50 });

    expect(accounts.peak).toBeGreaterThan(DEFAULT_FLEET_CONCURRENCY);
    expect(accounts.peak).toBeLessThanOrEqual(50);
  });

  it('bounds the calls in flight in each account and region, and across them all', async () => {
    for (const account of [HOME, STAGING, SANDBOX]) {
      const emulator = await accounts.add(account, 10);
      for (let i = 0; i < 8; i++) emulator.addService({ name: `svc-${account}-${i}`, tags: OFFICE_HOURS });
    }

    await run({ action: 'pause', tags: OFFICE_HOURS, accounts: [HOME, STAGING, SANDBOX] }, { concurrency: 3, fleetConcurrency: 7 });

    expect([...accounts.peakByAccount.values()].every((peak) => peak <= 3)).toBe(true);
    expect(accounts.peak).toBe(7);
  });

  it('tells of its progress over every unit: each service selected, and each outcome once', async () => {
    const home = await accounts.add(HOME);
    const staging = await accounts.add(STAGING);
    home.addService({ name: 'home-web', tags: OFFICE_HOURS });
    staging.addService({ name: 'staging-web', tags: OFFICE_HOURS });
    staging.addService({ name: 'staging-api', tags: OFFICE_HOURS });
    const told: { selected: number; ended: string[] }[] = [];
    const onProgress = (p: RunProgress) => told.push({ selected: p.selected.length, ended: p.ended.map((o: ServiceOutcome) => o.serviceName) });

    const report = await run({ action: 'pause', tags: OFFICE_HOURS, accounts: [HOME, STAGING] }, { onProgress });

    const last = told[told.length - 1];
    expect(last.selected).toBe(3);
    expect([...last.ended].sort()).toEqual(report.services.map((s) => s.serviceName).sort());
    expect(new Set(last.ended).size).toBe(3);
  });
});

describe('units of a run', () => {
  const request = (event: Record<string, unknown>) => parseEvent(event, { defaultRegion: REGION });
  const arnIn = (account: string, region: string, name: string) => `arn:aws:apprunner:${region}:${account}:service/${name}/0123456789abcdef0123456789abcdef`;
  const one = {} as AppRunnerGateway;
  const perAccount = new Map([HOME, STAGING].map((a) => [a, { account: a } as unknown as AppRunnerGateway]));
  const summary = (units: ReturnType<typeof planUnits>) => units.map((u) => ({ account: u.account, region: u.region, services: u.request.services, tags: u.request.tags, regions: u.request.regions }));

  it('put a listed ARN of the home account in the unit of its region\'s tag selection, so that it is selected once', () => {
    const arn = arnIn(HOME, REGION, 'home-web');
    expect(summary(planUnits(request({ action: 'pause', tags: OFFICE_HOURS, services: [arn] }), HOME, (a) => perAccount.get(a)!))).toEqual([
      { account: HOME, region: REGION, services: [arn], tags: OFFICE_HOURS, regions: [REGION] },
    ]);
  });

  it('give each account and region its own unit, tag selection first', () => {
    const arn = arnIn(STAGING, OTHER_REGION, 'staging-east');
    expect(summary(planUnits(request({ action: 'pause', tags: OFFICE_HOURS, services: [arn], accounts: [HOME, STAGING] }), HOME, (a) => perAccount.get(a)!))).toEqual([
      { account: HOME, region: REGION, services: [], tags: OFFICE_HOURS, regions: [REGION] },
      { account: STAGING, region: REGION, services: [], tags: OFFICE_HOURS, regions: [REGION] },
      { account: STAGING, region: OTHER_REGION, services: [arn], tags: {}, regions: [] },
    ]);
  });

  it('keep accounts reached through one gateway together, one unit per region', () => {
    const arns = [arnIn(STAGING, REGION, 'staging-web'), arnIn(HOME, OTHER_REGION, 'home-east')];
    expect(summary(planUnits(request({ action: 'pause', tags: OFFICE_HOURS, services: arns }), HOME, () => one))).toEqual([
      { account: HOME, region: REGION, services: [arns[0]], tags: OFFICE_HOURS, regions: [REGION] },
      { account: HOME, region: OTHER_REGION, services: [arns[1]], tags: {}, regions: [] },
    ]);
  });
});

describe('merged report', () => {
  const row = (name: string, outcome: ServiceOutcome['outcome']): ServiceOutcome => ({
    serviceArn: `arn:aws:apprunner:${REGION}:${HOME}:service/${name}/0123456789abcdef0123456789abcdef`,
    serviceName: name,
    region: REGION,
    actions: [],
    operationIds: [],
    outcome,
    reason: outcome,
  });
  const part = (startedAt: string, finishedAt: string, services: ServiceOutcome[], failures: RunReport['selectionFailures'] = []): RunReport => ({
    action: 'pause',
    dryRun: false,
    startedAt,
    finishedAt,
    counts: { changed: 0, unchanged: 0, skipped: 0, failed: 0, planned: 0 },
    services,
    selectionFailures: failures,
  });

  it('holds every part\'s rows in ARN order, counts them all, spans the parts\' times and names the account of each selection failure', () => {
    const merged = mergeReports([
      { account: HOME, report: part('2026-12-01T19:00:01.000Z', '2026-12-01T19:02:00.000Z', [row('web-b', 'changed')]) },
      {
        account: STAGING,
        report: part('2026-12-01T19:00:00.500Z', '2026-12-01T19:01:00.000Z', [row('web-a', 'failed'), row('web-c', 'skipped')], [{ target: OTHER_REGION, reason: 'AccessDenied' }]),
      },
    ]);

    expect(merged).toEqual({
      action: 'pause',
      dryRun: false,
      startedAt: '2026-12-01T19:00:00.500Z',
      finishedAt: '2026-12-01T19:02:00.000Z',
      counts: { changed: 1, unchanged: 0, skipped: 1, failed: 1, planned: 0 },
      services: [row('web-a', 'failed'), row('web-b', 'changed'), row('web-c', 'skipped')],
      selectionFailures: [{ target: OTHER_REGION, account: STAGING, reason: 'AccessDenied' }],
    });
  });
});
