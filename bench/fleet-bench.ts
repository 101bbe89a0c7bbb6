/**
 * One fleet run: an emulator with `services` App Runner services, the production handler against it
 * through the real AWS SDK, and what the run cost: wall time, engine CPU time, App Runner calls by
 * operation, and for a resume how long each deployment started after its service was RUNNING.
 */
import { performance } from 'node:perf_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { SdkAppRunnerGateway } from '../lambda/app-runner';
import { RunFailedError } from '../lambda/errors';
import { createHandler } from '../lambda/index';
import type { Outcome, RunReport } from '../lambda/report';
import { DEFAULT_CONCURRENCY } from '../lambda/run';
import { MARKER_TAG_KEY } from '../contract/scheduler-tags';
import { DEFAULT_POLL, type PollSettings } from '../lambda/status-watcher';
import { MUTATING_OPERATIONS, type CallRecord, type FaultSpec, type ServiceSnapshot, type ServiceSpec, type Timings } from '../emulator/app-runner-emulator';
import { REGION } from '../test/support/scheduler-harness';
import { callBound, timeBound, type CallCounts, type FleetAction, type SelectionMode, type TimeBound } from './bounds';
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

/** What one fleet run measured, next to its bounds. */
export interface FleetResult {
  readonly scenario: FleetScenario;
  readonly concurrency: number;
  readonly latencyMs: number;
  readonly transitionMs: number;
  /** One call's round trip here (the emulator's latency plus HTTP, SigV4, the SDK and the emulator's own work), in ms. */
  readonly callMs: number;
  readonly wallMs: number;
  /** CPU time of this process during the run (the engine and the SDK; the emulator runs elsewhere unless in-process). */
  readonly cpuMs: number;
  readonly outcomes: Readonly<Record<Outcome, number>>;
  /** Requests the emulator received, retries included, by operation. */
  readonly calls: CallCounts;
  /** Requests that were an SDK retry (attempt 2 and up). */
  readonly retries: number;
  /** Requests the quota answered with ThrottlingException during the run (they never reach the emulator's log). */
  readonly throttled: number;
  /** Requests answered with an error, by error type. */
  readonly errors: Readonly<Record<string, number>>;
  readonly peakInFlight: number;
  readonly callBound: CallCounts;
  /** The bound with each call taking `latencyMs`. */
  readonly timeBound: TimeBound;
  /** The bound with each call taking `callMs`: what is left of the ratio is the engine's own. */
  readonly timeBoundHere: TimeBound;
  /** Measured calls / bound calls. */
  readonly callRatio: number;
  /** Measured wall time / `timeBound`. */
  readonly timeRatio: number;
  /** Measured wall time / `timeBoundHere`. */
  readonly timeRatioHere: number;
  /** From the end of the last transition to the end of the run. */
  readonly tailMs: number;
  /** The report as the handler logs it, in bytes. */
  readonly reportBytes: number;
  /** Resume runs: StartDeployment StartedAt minus RESUME_SERVICE EndedAt, per service. */
  readonly deployLag?: Spread;
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
    const startedAt = Date.now();
    const cpuBefore = process.cpuUsage();
    const t0 = performance.now();
    // A run with failed services rejects with its report; the benchmark reports the failures.
    const report: RunReport = await handler(event).catch((error: unknown) => {
      if (error instanceof RunFailedError) return error.report;
      throw error;
    });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpuBefore);
    const endedAt = Date.now();

    const calls = await emulator.calls();
    const { lags, lastEnd } = transitions(await emulator.services(), startedAt);
    const measured = countCalls(calls);
    const errors: Record<string, number> = {};
    for (const call of calls) if (call.errorType) errors[call.errorType] = (errors[call.errorType] ?? 0) + 1;
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

