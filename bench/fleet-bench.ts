/**
 * One fleet run: an emulator with `services` App Runner services, the production handler against it
 * through the real AWS SDK, and what the run cost: wall time, engine CPU time, App Runner calls by
 * operation, and for a resume how long each deployment started after its service was RUNNING.
 */
import { performance } from 'node:perf_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { STSClient } from '@aws-sdk/client-sts';
import { SdkStsGateway, StsAccountAccess } from '../lambda/accounts';
import { SdkAppRunnerGateway, type AppRunnerGateway } from '../lambda/app-runner';
import { RunFailedError } from '../lambda/errors';
import { createHandler, SAFETY_MARGIN_MS } from '../lambda/index';
import type { Outcome, RunReport } from '../lambda/report';
import { DEFAULT_FLEET_CONCURRENCY } from '../lambda/fleet-run';
import { DEFAULT_CONCURRENCY } from '../lambda/run';
import { MARKER_TAG_KEY } from '../contract/scheduler-tags';
import { DEFAULT_POLL, pollFor, type PollSettings } from '../lambda/status-watcher';
import { MUTATING_OPERATIONS, type CallRecord, type FaultSpec, type ServiceSnapshot, type ServiceSpec, type Timings } from '../emulator/app-runner-emulator';
import { REGION } from '../test/support/scheduler-harness';
import { accountsCallBound, accountsTimeBound, callBound, listServicesPages, pollsPerWait, timeBound, type CallCounts, type FleetAction, type SelectionMode, type TimeBound } from './bounds';
import { FUNCTION_MEMORY_MB, MB_PER_VCPU } from './cost';
import { startBenchEmulator, type EmulatorPlacement } from './emulator-host';
import type { RateQuota } from './throttling-proxy';

/** The tag that selects the fleet in tag mode. */
const SELECTOR = { team: 'bench' };
const CREDENTIALS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };

/** What a fleet run does. */
export interface FleetScenario {
  readonly action: FleetAction;
  readonly selection: SelectionMode;
  readonly services: number;
  /** Every service starts where the action takes it (a pause run over a fleet the scheduler paused): the run only reads. @default false */
  readonly settled?: boolean;
}

/** How a fleet run is set up. */
export interface FleetSettings {
  /** Added to every App Runner call by the emulator, in ms. */
  readonly latencyMs: number;
  /** How long operations run in the emulator, in ms. */
  readonly timings: Timings;
  /** @default DEFAULT_POLL */
  readonly poll?: PollSettings;
  /** @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
  /** The SDK's retry settings. @default the gateway's production defaults */
  readonly retry?: { readonly mode: 'standard' | 'adaptive'; readonly maxAttempts: number };
  /** A fault armed for the whole run (e.g. probabilistic throttling). @default none */
  readonly fault?: FaultSpec;
  /** A request-rate quota in front of the emulator. @default none */
  readonly quota?: RateQuota;
  /** @default 'child-process' */
  readonly placement?: EmulatorPlacement;
}

/** Distribution of a set of durations, in ms. */
export interface Spread {
  readonly count: number;
  readonly median: number;
  readonly p95: number;
  readonly max: number;
}

/** What a run measured, next to its bounds: the fields every bench run reports. */
export interface RunMeasurement {
  readonly transitionMs: number;
  readonly wallMs: number;
  /** CPU time of this process during the run (the engine and the SDK; the emulator runs elsewhere unless in-process). */
  readonly cpuMs: number;
  readonly outcomes: Readonly<Record<Outcome, number>>;
  /** Requests the emulator received, retries included, by operation. */
  readonly calls: CallCounts;
  /** Requests that were an SDK retry (attempt 2 and up). */
  readonly retries: number;
  /** Requests answered with an error, by error type. */
  readonly errors: Readonly<Record<string, number>>;
  readonly callBound: CallCounts;
  /** The bound with each call taking its configured latency. */
  readonly timeBound: TimeBound;
  /** The bound with each call taking what one call measured here: what is left of the ratio is the engine's own. */
  readonly timeBoundHere: TimeBound;
  /** Measured calls / bound calls. */
  readonly callRatio: number;
  /** Measured wall time / `timeBound`. */
  readonly timeRatio: number;
  /** Measured wall time / `timeBoundHere`. */
  readonly timeRatioHere: number;
  /** From the end of the last transition to the end of the run. */
  readonly tailMs: number;
  /** Resume runs: StartDeployment StartedAt minus RESUME_SERVICE EndedAt, per service. */
  readonly deployLag?: Spread;
}

/** What one fleet run measured, next to its bounds. */
export interface FleetResult extends RunMeasurement {
  readonly scenario: FleetScenario;
  readonly concurrency: number;
  readonly latencyMs: number;
  /** One call's round trip here (the emulator's latency plus HTTP, SigV4, the SDK and the emulator's own work), in ms. */
  readonly callMs: number;
  /** Requests the quota answered with ThrottlingException during the run (they never reach the emulator's log). */
  readonly throttled: number;
  readonly peakInFlight: number;
  /** The report as the handler logs it, in bytes. */
  readonly reportBytes: number;
}

/**
 * The services a scenario starts from: all RUNNING for a pause, all PAUSED by the scheduler for a
 * resume; for a settled scenario, where the action would take them (PAUSED by the scheduler, or RUNNING).
 */
function fleetSpecs(scenario: FleetScenario): ServiceSpec[] {
  const marker = `paused ${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
  const paused = (scenario.action === 'resume') !== (scenario.settled ?? false);
  return Array.from({ length: scenario.services }, (_, i) => ({
    name: `bench-${String(i + 1).padStart(4, '0')}`,
    region: REGION,
    status: paused ? 'PAUSED' : 'RUNNING',
    tags: paused ? { ...SELECTOR, [MARKER_TAG_KEY]: marker } : { ...SELECTOR },
    autoDeploymentsEnabled: true,
  }));
}

/** Median, 95th percentile and maximum. */
function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  return { count: sorted.length, median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? 0 };
}

function countCalls(calls: readonly CallRecord[]): CallCounts {
  const byOperation: Record<string, number> = {};
  for (const call of calls) byOperation[call.operation] = (byOperation[call.operation] ?? 0) + 1;
  const mutating = calls.filter((call) => MUTATING_OPERATIONS.has(call.operation)).length;
  return { byOperation, mutating, reads: calls.length - mutating, total: calls.length };
}

/** Deployment lag per resumed service, and when the run's last transition ended (epoch ms). */
function transitions(services: readonly ServiceSnapshot[], since: number): { lags: number[]; lastEnd: number } {
  const lags: number[] = [];
  let lastEnd = since;
  for (const service of services) {
    const ours = service.operations.filter((o) => o.startedAt >= since);
    for (const o of ours) {
      if (o.type !== 'START_DEPLOYMENT' && o.endedAt !== undefined) lastEnd = Math.max(lastEnd, o.endedAt);
    }
    const resume = ours.find((o) => o.type === 'RESUME_SERVICE');
    const deploy = ours.find((o) => o.type === 'START_DEPLOYMENT');
    if (resume?.endedAt !== undefined && deploy) lags.push(deploy.startedAt - resume.endedAt);
  }
  return { lags, lastEnd };
}

/**
 * The round trip of one call here, in ms: the median of 20 DescribeService calls made one at a time.
 * No call of the run can be faster, so a bound computed with it is still a lower bound.
 */
async function timeOneCall(gateway: SdkAppRunnerGateway, arn: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const t0 = performance.now();
    await gateway.describeService(arn);
    times.push(performance.now() - t0);
  }
  return spread(times).median;
}

/** Runs one scenario on a fresh emulator and measures it. */
export async function runFleet(scenario: FleetScenario, settings: FleetSettings): Promise<FleetResult> {
  const concurrency = settings.concurrency ?? DEFAULT_CONCURRENCY;
  const emulator = await startBenchEmulator(settings.placement ?? 'child-process', {
    latencyMs: settings.latencyMs,
    timings: settings.timings,
    quota: settings.quota,
  });
  try {
    const arns = await emulator.addServices(fleetSpecs(scenario));
    const gateway = new SdkAppRunnerGateway({
      endpoint: emulator.endpoint,
      credentials: CREDENTIALS,
      ...(settings.retry && { retryMode: settings.retry.mode, maxAttempts: settings.retry.maxAttempts }),
    });
    const handler = createHandler({
      gateway,
      region: REGION,
      poll: settings.poll ?? DEFAULT_POLL,
      concurrency,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    // Warm up the SDK client and the connection pool, as a Lambda container's first call would, off the clock.
    await handler({ action: scenario.action, services: [arns[0]], dryRun: true });
    const callMs = await timeOneCall(gateway, arns[0]);
    await emulator.clearCalls();
    const throttledBefore = await emulator.throttled();
    if (settings.fault) await emulator.injectFault(settings.fault);

    const event =
      scenario.selection === 'arn' ? { action: scenario.action, services: arns } : { action: scenario.action, tags: SELECTOR };
    const { report, wallMs, cpu, startedAt, endedAt } = await timedRun(handler, event);

    const calls = await emulator.calls();
    const { lags, lastEnd } = transitions(await emulator.services(), startedAt);
    const measured = countCalls(calls);
    const errors = errorCounts(calls);
    const transitionMs = scenario.action === 'pause' ? settings.timings.pause : settings.timings.resume;
    const boundInput = { ...scenario, regionServices: scenario.services, concurrency, latencyMs: settings.latencyMs, transitionMs };
    const bound = callBound(boundInput);
    const time = timeBound(boundInput);
    const timeHere = timeBound({ ...boundInput, latencyMs: callMs });
    return {
      scenario,
      concurrency,
      latencyMs: settings.latencyMs,
      transitionMs,
      callMs,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      outcomes: report.counts,
      calls: measured,
      retries: calls.filter((call) => (call.attempt ?? 1) > 1).length,
      throttled: (await emulator.throttled()) - throttledBefore,
      errors,
      peakInFlight: await emulator.peakInFlight(),
      callBound: bound,
      timeBound: time,
      timeBoundHere: timeHere,
      callRatio: measured.total / bound.total,
      timeRatio: wallMs / time.ms,
      timeRatioHere: wallMs / timeHere.ms,
      tailMs: endedAt - lastEnd,
      reportBytes: Buffer.byteLength(JSON.stringify(report)),
      ...(scenario.action === 'resume' && { deployLag: spread(lags) }),
    };
  } finally {
    await emulator.close();
  }
}

/** A run over accounts and regions: `accounts` member accounts, each with `servicesPerUnit` services in each region, all selected by tag. */
export interface AccountsScenario {
  readonly action: FleetAction;
  readonly accounts: number;
  /** The first is the function's own region (where STS is called). */
  readonly regions: readonly string[];
  readonly servicesPerUnit: number;
}

/** How a run over accounts is set up, besides `FleetSettings`. */
export interface AccountsSettings extends FleetSettings {
  /** Extra round trip to each region from the function's, in ms, on top of `latencyMs`. @default none */
  readonly regionLatencyMs?: Readonly<Record<string, number>>;
  /** @default DEFAULT_FLEET_CONCURRENCY */
  readonly fleetConcurrency?: number;
}

/** What the run would take with App Runner's real transitions, from the per-call costs measured here. */
export interface RealTransitionProjection {
  /** The transition time assumed, in ms. */
  readonly transitionMs: number;
  /** Status reads the longer waits add (ListServices pages, every unit's waiters polling `pollsPerWait` times). */
  readonly extraReads: number;
  /** With this machine's CPU: the last pause/resume started as here, then the transition, then the tail as here. */
  readonly wallMs: number;
  /** With the CPU share of a FUNCTION_MEMORY_MB function: the calls before the last start and after the last transition, at the engine CPU per call measured here. */
  readonly lambdaWallMs: number;
  /** The longest transition with which one invocation still ends within Lambda's 15 minutes (less the engine's safety margin), at that CPU share. */
  readonly longestTransitionMs: number;
}

/** What one run over accounts measured, next to its bounds. */
export interface AccountsResult extends RunMeasurement {
  readonly scenario: AccountsScenario;
  readonly services: number;
  readonly units: number;
  readonly concurrency: number;
  readonly fleetConcurrency: number;
  /** One call's time to each region, as the bounds take it: the emulator's latency plus the region's distance. */
  readonly regionLatencyMs: readonly number[];
  /** One call's round trip here, per region (median of 20 DescribeService calls). */
  readonly callMs: readonly number[];
  /** From the start of the run to the last PauseService/ResumeService App Runner accepted. */
  readonly lastStartMs: number;
  /** Calls that arrived before the last pause/resume started, and after the last transition ended. */
  readonly callsBeforeLastStart: number;
  readonly callsAfterLastEnd: number;
  readonly projection: RealTransitionProjection;
}

/** The hub: the function's own account, which holds none of the services. */
const HUB_ACCOUNT = '123456789012';

/** The member accounts of a scenario: 12-digit IDs, none the hub. */
export function memberAccounts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => String(210_000_000_000 + i + 1));
}

/** Lambda's longest invocation (the construct's timeout). */
const LAMBDA_TIMEOUT_MS = 900_000;

/**
 * The same run with App Runner's real transitions, from what this one measured. The pauses or resumes
 * start as here (the start phase is the same calls); each service then waits `transitionMs` instead
 * of the emulator's, reading every poll interval (more ListServices pages, counted); and what follows
 * the last transition takes what it took here. With real transitions the start phase no longer
 * overlaps the deployments of the first services, so the estimate errs long. At a Lambda function's
 * CPU share the engine's CPU per call measured here (the SDK, signing, the engine) is what paces the
 * calls, when it is slower than the calls' latency.
 */
export function projectRealTransitions(
  measured: Pick<AccountsResult, 'lastStartMs' | 'tailMs' | 'callsBeforeLastStart' | 'callsAfterLastEnd' | 'cpuMs' | 'calls' | 'units' | 'scenario' | 'transitionMs'>,
  transitionMs: number,
  poll: PollSettings,
): RealTransitionProjection {
  const polls = (ms: number) => pollsPerWait(ms, pollFor(measured.scenario.action, poll));
  const extraReads = measured.units * (polls(transitionMs) - polls(measured.transitionMs)) * listServicesPages(measured.scenario.servicesPerUnit);
  const cpuPerCall = measured.cpuMs / Math.max(1, measured.calls.total);
  const share = FUNCTION_MEMORY_MB / MB_PER_VCPU;
  const startAtShare = Math.max(measured.lastStartMs, (measured.callsBeforeLastStart * cpuPerCall) / share);
  const tailAtShare = Math.max(measured.tailMs, (measured.callsAfterLastEnd * cpuPerCall) / share);
  // The waits' reads spread over the transition; at the CPU share they must fit in it too.
  const waitAtShare = Math.max(transitionMs, (extraReads * cpuPerCall) / share);
  const lambdaWallMs = startAtShare + waitAtShare + tailAtShare;
  return {
    transitionMs,
    extraReads,
    wallMs: measured.lastStartMs + transitionMs + measured.tailMs,
    lambdaWallMs,
    longestTransitionMs: LAMBDA_TIMEOUT_MS - SAFETY_MARGIN_MS - startAtShare - tailAtShare,
  };
}

/** The services of a run over accounts: PAUSED by the scheduler for a resume, RUNNING for a pause. */
function accountSpecs(scenario: AccountsScenario, accounts: readonly string[]): ServiceSpec[] {
  const marker = `paused ${new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
  const paused = scenario.action === 'resume';
  return accounts.flatMap((account, a) =>
    scenario.regions.flatMap((region) =>
      Array.from({ length: scenario.servicesPerUnit }, (_, i) => ({
        name: `bench-${String(a + 1).padStart(2, '0')}-${String(i + 1).padStart(3, '0')}`,
        account,
        region,
        status: paused ? ('PAUSED' as const) : ('RUNNING' as const),
        tags: paused ? { ...SELECTOR, [MARKER_TAG_KEY]: marker } : { ...SELECTOR },
        autoDeploymentsEnabled: true,
      })),
    ),
  );
}

/** The production access (StsAccountAccess) pointed at the emulator: the hub's credentials, the member role assumed through the emulator's STS. */
function stsAccess(endpoint: string, home: string, settings: FleetSettings): StsAccountAccess {
  const retry = settings.retry ? { retryMode: settings.retry.mode, maxAttempts: settings.retry.maxAttempts } : {};
  const client = new STSClient({ region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: settings.retry?.maxAttempts ?? 8, retryMode: settings.retry?.mode ?? 'adaptive' });
  return new StsAccountAccess({ home: { account: home, partition: 'aws' }, sts: new SdkStsGateway(client), gateway: { endpoint, credentials: CREDENTIALS, ...retry } });
}

/** The time of one call to each region: 20 DescribeService calls through a member account's gateway, one at a time. */
async function timeCallPerRegion(gateway: AppRunnerGateway, arns: readonly string[]): Promise<number[]> {
  const times: number[] = [];
  for (const arn of arns) {
    const each: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const t0 = performance.now();
      await gateway.describeService(arn);
      each.push(performance.now() - t0);
    }
    times.push(spread(each).median);
  }
  return times;
}

/** Runs a scenario over accounts on a fresh emulator, with the production handler and StsAccountAccess, and measures it. */
export async function runAccountsFleet(scenario: AccountsScenario, settings: AccountsSettings, realTransitionMs: number): Promise<AccountsResult> {
  const concurrency = settings.concurrency ?? DEFAULT_CONCURRENCY;
  const fleetConcurrency = settings.fleetConcurrency ?? DEFAULT_FLEET_CONCURRENCY;
  const poll = settings.poll ?? DEFAULT_POLL;
  const emulator = await startBenchEmulator(settings.placement ?? 'child-process', {
    latencyMs: settings.latencyMs,
    timings: settings.timings,
    quota: settings.quota,
    account: HUB_ACCOUNT,
    regionLatencyMs: settings.regionLatencyMs,
  });
  try {
    const accounts = memberAccounts(scenario.accounts);
    await emulator.addRoles(accounts);
    const specs = accountSpecs(scenario, accounts);
    const arns = await emulator.addServices(specs);
    const handlerFor = (access: StsAccountAccess) =>
      createHandler({ accounts: access, region: REGION, poll, concurrency, fleetConcurrency, logger: new Logger({ logLevel: 'SILENT' }) });
    // Warm up the engine's code and the SDK with a dry run of one listed service, through an access of
    // its own: the measured run starts with no credentials and no connections, as a Lambda's first run.
    const warm = stsAccess(emulator.endpoint, HUB_ACCOUNT, settings);
    await handlerFor(warm)({ action: scenario.action, services: [arns[0]], dryRun: true });
    const firstOfRegion = scenario.regions.map((_, r) => arns[r * scenario.servicesPerUnit]);
    const callMs = await timeCallPerRegion(warm.gatewayFor(accounts[0]), firstOfRegion);
    await emulator.clearCalls();

    const handler = handlerFor(stsAccess(emulator.endpoint, HUB_ACCOUNT, settings));
    const event = { action: scenario.action, tags: SELECTOR, accounts, regions: [...scenario.regions] };
    const { report, wallMs, cpu, startedAt, endedAt } = await timedRun(handler, event);

    const calls = await emulator.calls();
    const services = await emulator.services();
    const { lags, lastEnd } = transitions(services, startedAt);
    const starting = scenario.action === 'pause' ? 'PAUSE_SERVICE' : 'RESUME_SERVICE';
    const lastStart = Math.max(startedAt, ...services.flatMap((s) => s.operations.filter((o) => o.type === starting && o.startedAt >= startedAt).map((o) => o.startedAt)));
    const measured = countCalls(calls);
    const errors = errorCounts(calls);
    const transitionMs = scenario.action === 'pause' ? settings.timings.pause : settings.timings.resume;
    const regionLatencyMs = scenario.regions.map((region) => settings.latencyMs + (settings.regionLatencyMs?.[region] ?? 0));
    const boundInput = { action: scenario.action, accounts: scenario.accounts, regionLatencyMs, servicesPerUnit: scenario.servicesPerUnit, concurrency, fleetConcurrency, stsLatencyMs: settings.latencyMs, transitionMs };
    const bound = accountsCallBound(boundInput);
    const time = accountsTimeBound(boundInput);
    const timeHere = accountsTimeBound({ ...boundInput, regionLatencyMs: callMs, stsLatencyMs: callMs[0] });
    const result = {
      scenario,
      services: specs.length,
      units: scenario.accounts * scenario.regions.length,
      concurrency,
      fleetConcurrency,
      regionLatencyMs,
      callMs,
      transitionMs,
      wallMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      outcomes: report.counts,
      calls: measured,
      retries: calls.filter((call) => (call.attempt ?? 1) > 1).length,
      errors,
      callBound: bound,
      timeBound: time,
      timeBoundHere: timeHere,
      callRatio: measured.total / bound.total,
      timeRatio: wallMs / time.ms,
      timeRatioHere: wallMs / timeHere.ms,
      lastStartMs: lastStart - startedAt,
      tailMs: endedAt - lastEnd,
      callsBeforeLastStart: calls.filter((call) => call.at <= lastStart).length,
      callsAfterLastEnd: calls.filter((call) => call.at >= lastEnd).length,
      ...(scenario.action === 'resume' && { deployLag: spread(lags) }),
    };
    return { ...result, projection: projectRealTransitions(result, realTransitionMs, poll) };
  } finally {
    await emulator.close();
  }
}

/** One handler run, timed: its report (a run with failed services rejects with it, and the bench reports the failures), wall and CPU time. */
async function timedRun(handler: (event: unknown) => Promise<RunReport>, event: unknown) {
  const startedAt = Date.now();
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();
  const report: RunReport = await handler(event).catch((error: unknown) => {
    if (error instanceof RunFailedError) return error.report;
    throw error;
  });
  const wallMs = performance.now() - t0;
  return { report, wallMs, cpu: process.cpuUsage(cpuBefore), startedAt, endedAt: Date.now() };
}

/** How many calls answered each error type. */
function errorCounts(calls: readonly { readonly errorType?: string }[]): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const call of calls) if (call.errorType) errors[call.errorType] = (errors[call.errorType] ?? 0) + 1;
  return errors;
}
