/** The benchmark figures as Markdown tables, for the console and for BENCHMARKS.md. */
import { MUTATING_OPERATIONS } from '../emulator/app-runner-emulator';
import type { ColdStartResult } from './cold-start';
import { APP_RUNNER_SAVING_PER_SERVICE_USD, STACK_CONFIGURATIONS, shareOfSaving, stackCost, type MonthlyCost } from './cost';
import type { AccountsResult, FleetResult } from './fleet-bench';
import type { SynthResult } from './synth-bench';

/** A Markdown table. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const seconds = (ms: number) => (ms / 1000).toFixed(ms < 1000 ? 2 : 1);
const ratio = (value: number) => `${value.toFixed(2)}x`;
const fixed = (value: number, digits = 2) => value.toFixed(digits);
const usd = (value: number) => (value < 0.01 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`);

/** "pause by tag", "resume + deploy by ARN", "idle pause by tag". */
export function runName(result: FleetResult): string {
  const { action, selection, settled } = result.scenario;
  const what = action === 'pause' ? 'pause' : 'resume + deploy';
  return `${settled ? 'no-op ' : ''}${what} by ${selection === 'arn' ? 'ARN' : 'tag'}`;
}

function lag(result: FleetResult): string {
  const l = result.deployLag;
  return l && l.count > 0 ? `${seconds(l.median)} / ${seconds(l.p95)} / ${seconds(l.max)}` : '-';
}

function cpuPerCall(result: FleetResult): string {
  return fixed(result.cpuMs / Math.max(1, result.calls.total));
}

/** Wall time against the bounds. */
export function fleetTimeTable(results: readonly FleetResult[]): string {
  return table(
    [
      'run',
      'services',
      'wall (s)',
      `bound at ${results[0]?.latencyMs ?? 0} ms/call (s)`,
      'ratio',
      'one call here (ms)',
      'bound at that (s)',
      'ratio',
      'after last transition (s)',
      'deploy lag p50 / p95 / max (s)',
      'engine CPU per call (ms)',
    ],
    results.map((r) => [
      runName(r),
      String(r.scenario.services),
      seconds(r.wallMs),
      seconds(r.timeBound.ms),
      ratio(r.timeRatio),
      fixed(r.callMs, 1),
      seconds(r.timeBoundHere.ms),
      ratio(r.timeRatioHere),
      r.scenario.settled ? '-' : seconds(r.tailMs),
      lag(r),
      cpuPerCall(r),
    ]),
  );
}

function perService(count: number | undefined, services: number): string {
  return fixed((count ?? 0) / services);
}

/** Calls per service against the bound, reads by operation. */
export function fleetCallTable(results: readonly FleetResult[]): string {
  return table(
    ['run', 'services', 'calls per service (mutating + reads)', 'bound', 'ratio', 'reads per service by operation: measured (bound)', 'retries'],
    results.map((r) => {
      const n = r.scenario.services;
      const reads = [...new Set([...Object.keys(r.calls.byOperation), ...Object.keys(r.callBound.byOperation)])]
        .filter((op) => !MUTATING_OPERATIONS.has(op))
        .sort()
        .map((op) => `${op} ${perService(r.calls.byOperation[op], n)} (${perService(r.callBound.byOperation[op], n)})`);
      return [
        runName(r),
        String(n),
        `${perService(r.calls.total, n)} (${perService(r.calls.mutating, n)} + ${perService(r.calls.reads, n)})`,
        `${perService(r.callBound.total, n)} (${perService(r.callBound.mutating, n)} + ${perService(r.callBound.reads, n)})`,
        ratio(r.callRatio),
        reads.join(', '),
        String(r.retries),
      ];
    }),
  );
}

/** The concurrency sweep. */
export function sweepTable(results: readonly FleetResult[], lambdaVcpu: number): string {
  return table(
    [
      'concurrency',
      'run',
      'services',
      'wall (s)',
      'bound (s)',
      'ratio',
      'one call here (ms)',
      'ratio at that',
      'deploy lag p50 / p95 / max (s)',
      'calls per service',
      'engine CPU (s)',
      `CPU alone at ${fixed(lambdaVcpu, 3)} vCPU (s)`,
    ],
    results.map((r) => [
      String(r.concurrency),
      runName(r),
      String(r.scenario.services),
      seconds(r.wallMs),
      seconds(r.timeBound.ms),
      ratio(r.timeRatio),
      fixed(r.callMs, 1),
      ratio(r.timeRatioHere),
      lag(r),
      perService(r.calls.total, r.scenario.services),
      seconds(r.cpuMs),
      seconds(r.cpuMs / lambdaVcpu),
    ]),
  );
}

/** A throttled run under each retry setting. */
export function throttleTable(rows: readonly { label: string; result: FleetResult }[]): string {
  return table(
    ['SDK retry', 'requests sent', 'throttled', 'retries seen by App Runner', 'services failed', 'wall (s)', 'requests per second'],
    rows.map(({ label, result }) => {
      const throttledHere = Object.entries(result.errors).filter(([type]) => /Thrott/.test(type)).reduce((sum, [, n]) => sum + n, 0);
      const sent = result.calls.total + result.throttled;
      return [
        label,
        String(sent),
        String(result.throttled + throttledHere),
        String(result.retries),
        String(result.outcomes.failed),
        seconds(result.wallMs),
        fixed(sent / (result.wallMs / 1000), 0),
      ];
    }),
  );
}

/** Asset size and load times. */
export function coldStartTable(result: ColdStartResult): string {
  const ms = (value: number | undefined) => (value === undefined ? '-' : fixed(value, 0));
  return [
    `Asset \`assets/handler/index.js\`: ${result.assetBytes.toLocaleString('en-US')} bytes minified, ` +
      `${result.assetDeflatedBytes.toLocaleString('en-US')} bytes deflated (about its size in the deployment zip). ` +
      `Medians of ${result.repeats} fresh processes.`,
    '',
    table(
      ['module', 'require (ms)', 'process, spawn to exit (ms)', 'first invocation (ms)', 'second invocation (ms)'],
      result.loads.map((l) => [l.what, ms(l.requireMs), ms(l.processMs), ms(l.firstInvokeMs), ms(l.warmInvokeMs)]),
    ),
  ].join('\n');
}

/** Synth times of the two stacks. */
export function synthTable(results: readonly SynthResult[]): string {
  const ms = (value: number | undefined) => (value === undefined ? 'not run' : fixed(value, 0));
  return table(
    ['stack', 'resources', 'import (ms)', 'build, first (ms)', 'synth, first (ms)', 'build, warm (ms)', 'synth, warm (ms)', '`cdk synth` CLI (ms)'],
    results.map((r) => [
      r.variant === 'scheduler' ? 'Stack + AppRunnerScheduler' : 'Stack + one lambda.Function (same asset)',
      String(r.resources),
      ms(r.importMs),
      ms(r.firstBuildMs),
      ms(r.firstSynthMs),
      ms(r.warmBuildMs),
      ms(r.warmSynthMs),
      ms(r.cliMs),
    ]),
  );
}

/** The monthly bill of both designs per fleet size. */
export function costTable(rows: readonly { services: number; scheduled: MonthlyCost; polling: MonthlyCost }[]): string {
  return table(
    ['services', 'design', 'invocations / month', 'GB-s / month', 'Lambda', 'logs', 'total / month', 'App Runner saving / month'],
    rows.flatMap(({ services, scheduled, polling }) => [
      [String(services), 'this scheduler (2 runs a day)', fixed(scheduled.invocations, 0), fixed(scheduled.gbSeconds, 0), usd(scheduled.lambdaUsd), usd(scheduled.logsUsd), usd(scheduled.usd), usd(services * APP_RUNNER_SAVING_PER_SERVICE_USD)],
      [String(services), 'poller every 5 min', fixed(polling.invocations, 0), fixed(polling.gbSeconds, 0), usd(polling.lambdaUsd), usd(polling.logsUsd), usd(polling.usd), ''],
    ]),
  );
}

const percent = (share: number) => `${(share * 100).toFixed(share < 0.001 ? 2 : share < 0.1 ? 1 : 0)}%`;
const usdOrNone = (value: number) => (value === 0 ? '-' : value < 0.0001 ? '< $0.0001' : usd(value));

/** The whole stack's monthly bill per configuration and fleet size, and its share of what the fleet saves. */
export function stackCostTable(rows: readonly { services: number; scheduled: MonthlyCost }[]): string {
  return table(
    ['services', 'configuration', 'Lambda', 'logs', 'schedules', 'SNS', 'alarms', 'metrics', 'dashboard', 'key', 'total / month', 'total from the key’s 3rd year', 'share of the fleet’s saving'],
    rows.flatMap(({ services, scheduled }) =>
      STACK_CONFIGURATIONS.map((configuration) => {
        const cost = stackCost(scheduled, configuration, 1, services);
        const later = stackCost(scheduled, configuration, 3, services);
        return [
          String(services),
          configuration.name,
          usd(cost.lambdaUsd),
          usd(cost.logsUsd),
          usdOrNone(cost.schedulerUsd),
          usdOrNone(cost.snsUsd),
          usd(cost.alarmUsd),
          usd(cost.metricsUsd),
          usdOrNone(cost.dashboardUsd),
          usdOrNone(cost.keyUsd),
          usd(cost.usd),
          usd(later.usd),
          percent(shareOfSaving(cost.usd, services)),
        ];
      }),
    ),
  );
}

/** "resume + deploy by tag, 20 accounts x 3 regions x 50". */
function accountsRunName(result: AccountsResult): string {
  const { action, accounts, regions, servicesPerUnit } = result.scenario;
  return `${action === 'pause' ? 'pause' : 'resume + deploy'} by tag, ${accounts} accounts x ${regions.length} regions x ${servicesPerUnit}`;
}

/** Runs over accounts: wall time and calls against their bounds. */
export function accountsTable(results: readonly AccountsResult[]): string {
  return table(
    [
      'run',
      'services',
      'wall (s)',
      'bound (s)',
      'ratio',
      'bound at the calls measured here (s)',
      'ratio',
      'deploy lag p50 / p95 / max (s)',
      'calls per service (mutating + reads)',
      'bound',
      'ratio',
      'AssumeRole: measured (bound)',
      'failed',
      'retries',
    ],
    results.map((r) => {
      const n = r.services;
      const l = r.deployLag;
      return [
        accountsRunName(r),
        String(n),
        seconds(r.wallMs),
        seconds(r.timeBound.ms),
        ratio(r.timeRatio),
        seconds(r.timeBoundHere.ms),
        ratio(r.timeRatioHere),
        l && l.count > 0 ? `${seconds(l.median)} / ${seconds(l.p95)} / ${seconds(l.max)}` : '-',
        `${perService(r.calls.total, n)} (${perService(r.calls.mutating, n)} + ${perService(r.calls.reads, n)})`,
        `${perService(r.callBound.total, n)} (${perService(r.callBound.mutating, n)} + ${perService(r.callBound.reads, n)})`,
        ratio(r.callRatio),
        `${r.calls.byOperation.AssumeRole ?? 0} (${r.callBound.byOperation.AssumeRole ?? 0})`,
        String(r.outcomes.failed),
        String(r.retries),
      ];
    }),
  );
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(1)}`;

/** Runs over accounts with App Runner's real transitions, projected from the runs measured here. */
export function accountsProjectionTable(results: readonly AccountsResult[], lambdaVcpu: number): string {
  return table(
    [
      'run',
      'last pause/resume started after (s)',
      'after the last transition (s)',
      'engine CPU per call (ms)',
      'transition assumed (min)',
      'status reads it adds',
      'projected wall, this CPU (min)',
      `projected wall at ${fixed(lambdaVcpu, 3)} vCPU (min)`,
      'longest transition that fits one 15-minute invocation (min)',
    ],
    results.map((r) => [
      accountsRunName(r),
      seconds(r.lastStartMs),
      seconds(r.tailMs),
      fixed(r.cpuMs / Math.max(1, r.calls.total)),
      minutes(r.projection.transitionMs),
      String(r.projection.extraReads),
      minutes(r.projection.wallMs),
      minutes(r.projection.lambdaWallMs),
      minutes(r.projection.longestTransitionMs),
    ]),
  );
}
