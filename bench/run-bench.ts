/**
 * `npm run bench`: every benchmark of BENCHMARKS.md, printed as Markdown.
 *
 *   npm run bench                        all sections, fleets of 10, 100 and 1,000 services (about 10 min)
 *   npm run bench -- --quick             fleets of 10 and 100, fewer repeats (about 3 min)
 *   npm run bench -- --only=fleet,cold   some sections: fleet, noop, sweep, throttle, accounts, cold, synth (cost needs fleet, noop, cold)
 *   npm run bench -- --write             also replace the generated part of BENCHMARKS.md
 *   npm run bench -- --json=results.json also write the raw results
 */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONCURRENCY } from '../lambda/run';
import { DEFAULT_POLL, pollFor } from '../lambda/status-watcher';
import type { Timings } from '../emulator/app-runner-emulator';
import { callBound, listServicesPages, pollsPerWait, type FleetAction, type SelectionMode } from './bounds';
import { measureColdStart, type ColdStartResult } from './cold-start';
import { engineSeconds, FUNCTION_MEMORY_MB, MB_PER_VCPU, pollingCost, scheduledCost, type RunUsage } from './cost';
import { runAccountsFleet, runFleet, type AccountsResult, type AccountsSettings, type FleetResult, type FleetScenario, type FleetSettings } from './fleet-bench';
import {
  accountsProjectionTable,
  accountsTable,
  coldStartTable,
  costTable,
  fleetCallTable,
  fleetTimeTable,
  stackCostTable,
  sweepTable,
  synthTable,
  table,
  throttleTable,
} from './report';
import { measureSynth, type SynthResult } from './synth-bench';
import type { RateQuota } from './throttling-proxy';

/** Per-call latency the emulator adds: a plausible App Runner control-plane round trip. */
const LATENCY_MS = 30;
/** Operation times, scaled down from App Runner's minutes so that a full run stays short. */
const TIMINGS: Timings = { pause: 4_000, resume: 4_000, deploy: 4_000 };
/** What App Runner's pause and resume take for the cost estimate: "minutes", and no documented figure. */
const ASSUMED_REAL_TRANSITION_S = 180;
const SWEEP = [5, 10, 20, 40];
/** A request-rate quota for the throttling runs. App Runner publishes none: an assumption, well below what the engine sends here. */
const QUOTA: RateQuota = { ratePerSecond: 50, burst: 50 };
/**
 * The multi-account fleet (issue #14): member accounts x regions x services per account and region,
 * the function in the first region. `--quick` runs 5 accounts.
 */
const ACCOUNTS = 20;
const ACCOUNT_REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-1'] as const;
const SERVICES_PER_UNIT = 50;
/**
 * The extra round trip from a function in eu-west-1 to App Runner's endpoint in each other region, in
 * ms, on top of LATENCY_MS: public inter-region round-trip times (Ireland to N. Virginia about 70 ms,
 * to Singapore about 170 ms), an assumption of the benchmark, not an App Runner figure.
 */
const REGION_LATENCY_MS: Readonly<Record<string, number>> = { 'us-east-1': 70, 'ap-southeast-1': 170 };
const SECTIONS = ['fleet', 'noop', 'sweep', 'throttle', 'accounts', 'cold', 'synth'] as const;
type Section = (typeof SECTIONS)[number];
const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

interface Options {
  readonly sizes: number[];
  readonly accounts: number;
  readonly sections: ReadonlySet<Section>;
  readonly coldRepeats: number;
  readonly synthProcesses: number;
  readonly synthCliRuns: number;
  readonly write: boolean;
  readonly json?: string;
}

function parseArgs(argv: readonly string[]): Options {
  const quick = argv.includes('--quick');
  const flag = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const only = flag('only')?.split(',');
  const unknown = only?.filter((s) => !(SECTIONS as readonly string[]).includes(s)) ?? [];
  if (unknown.length > 0) throw new Error(`--only takes ${SECTIONS.join(', ')}; got ${unknown.join(', ')}`);
  return {
    sizes: flag('sizes')?.split(',').map(Number) ?? (quick ? [10, 100] : [10, 100, 1000]),
    accounts: Number(flag('accounts') ?? (quick ? 5 : ACCOUNTS)),
    sections: new Set((only ?? SECTIONS) as Section[]),
    coldRepeats: quick ? 3 : 10,
    synthProcesses: quick ? 1 : 3,
    synthCliRuns: quick ? 0 : 2,
    write: argv.includes('--write'),
    json: flag('json'),
  };
}

function log(message: string): void {
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
}

const SETTINGS: FleetSettings = { latencyMs: LATENCY_MS, timings: TIMINGS, poll: DEFAULT_POLL };

async function fleet(scenario: FleetScenario, settings: FleetSettings = SETTINGS): Promise<FleetResult> {
  const result = await runFleet(scenario, settings);
  log(
    `${scenario.settled ? 'no-op ' : ''}${scenario.action} by ${scenario.selection}, ${scenario.services} services, ` +
      `concurrency ${result.concurrency}: ${(result.wallMs / 1000).toFixed(1)} s, ${result.calls.total} calls, ${result.outcomes.failed} failed`,
  );
  return result;
}

/** The deployment-lag target of the issue, in s: a deployment starts within it of RUNNING. */
const DEPLOY_TARGET_S = 5;

/** Calls per service with the production poll's reads per wait (pause and resume runs poll differently), against the bound (one read), for 100 services. */
function pollProjection(): string {
  const n = 100;
  const pages = listServicesPages(n);
  const rows = [4, 30, 60, 120, 300].map((s) => {
    const polls = (action: FleetAction) => pollsPerWait(s * 1000, pollFor(action, DEFAULT_POLL));
    // The bound (one read per wait), plus one ListServices walk for every further read.
    const perService = (selection: SelectionMode, action: FleetAction, reads: number) => {
      const bound = callBound({ action, selection, services: n, regionServices: n, concurrency: 1, latencyMs: 0, transitionMs: 0 }).total / n;
      return bound + ((reads - 1) * pages) / n;
    };
    const cell = (selection: SelectionMode, action: FleetAction) => {
      const measured = perService(selection, action, polls(action));
      const ratio = `${(measured / perService(selection, action, 1)).toFixed(2)}x`;
      if (action === 'pause') return `${measured.toFixed(2)} (${ratio})`;
      // To start every deployment within 5 s of RUNNING, any scheduler that cannot know when App Runner finishes must read every 5 s.
      const needed = perService(selection, action, Math.max(1, Math.ceil(s / DEPLOY_TARGET_S)));
      return `${measured.toFixed(2)} (${ratio}; ${(measured / needed).toFixed(2)}x)`;
    };
    return [`${s} s`, `${polls('pause')} / ${polls('resume')}`, cell('arn', 'pause'), cell('arn', 'resume'), cell('tag', 'pause'), cell('tag', 'resume')];
  });
  return table(
    ['pause/resume takes', 'reads per wait (pause / resume run)', 'pause by ARN', 'resume + deploy by ARN', 'pause by tag', 'resume + deploy by tag'],
    rows,
  );
}

function machine(): string {
  const cpu = os.cpus();
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Not a git checkout: the commit is left unknown.
  }
  return (
    `${new Date().toISOString().slice(0, 10)}, ${cpu.length} CPUs (\`nproc\`) ${cpu[0]?.model ?? ''}, ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}, commit ${commit} ` +
    `(plus uncommitted changes, if any); load average ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')} at the start`
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const out: string[] = [];
  const raw: Record<string, unknown> = {};
  const emit = (text: string) => {
    out.push(text);
    process.stdout.write(`${text}\n\n`);
  };
  const shown = process.argv.slice(2).filter((a) => a !== '--write' && !a.startsWith('--json='));
  emit(
    `_Generated by \`npm run bench${shown.length > 0 ? ` -- ${shown.join(' ')}` : ''}\`: ${machine()}._\n\n` +
      `Settings: ${LATENCY_MS} ms added to every App Runner call by the emulator (in its own process); pause, resume and deployment ` +
      `take ${TIMINGS.pause / 1000} s each in the emulator; production polling (DEFAULT_POLL: ${DEFAULT_POLL.initialMs / 1000} s growing ` +
      `x${DEFAULT_POLL.factor} to ${DEFAULT_POLL.maxMs / 1000} s in resume runs, to ${(DEFAULT_POLL.pauseMaxMs ?? DEFAULT_POLL.maxMs) / 1000} s in pause runs); DEFAULT_CONCURRENCY ${DEFAULT_CONCURRENCY}; the SDK's retry as in production ` +
      `(adaptive, 8 attempts); the real handler through the real AWS SDK.`,
  );

  const fleetResults: FleetResult[] = [];
  if (options.sections.has('fleet')) {
    for (const services of options.sizes) {
      for (const action of ['pause', 'resume'] as const) {
        for (const selection of ['tag', 'arn'] as const) fleetResults.push(await fleet({ action, selection, services }));
      }
    }
    raw.fleet = fleetResults;
    emit(`### Fleet runs: time\n\n${fleetTimeTable(fleetResults)}`);
    emit(`### Fleet runs: App Runner calls\n\n${fleetCallTable(fleetResults)}`);
    emit(
      `### Reads per wait with DEFAULT_POLL, computed (not measured): calls per service for 100 services, and the ratio to the bound ` +
        `(resume: also to the bound with the reads the ${DEPLOY_TARGET_S} s deployment target needs, one walk per ${DEPLOY_TARGET_S} s of wait)\n\n${pollProjection()}`,
    );
  }

  const noopResults: FleetResult[] = [];
  if (options.sections.has('noop')) {
    for (const services of options.sizes) noopResults.push(await fleet({ action: 'pause', selection: 'tag', services, settled: true }));
    raw.noop = noopResults;
    emit(`### No-op runs (a pause run over a fleet already paused: what a poller pays every tick)\n\n${fleetTimeTable(noopResults)}\n\n${fleetCallTable(noopResults)}`);
  }

  if (options.sections.has('sweep')) {
    const services = Math.max(...options.sizes);
    const sweep: FleetResult[] = [];
    for (const selection of ['tag', 'arn'] as const) {
      for (const concurrency of SWEEP) sweep.push(await fleet({ action: 'resume', selection, services }, { ...SETTINGS, concurrency }));
    }
    raw.sweep = sweep;
    emit(`### Concurrency sweep\n\n${sweepTable(sweep, FUNCTION_MEMORY_MB / MB_PER_VCPU)}`);
  }

  if (options.sections.has('throttle')) {
    const scenario: FleetScenario = { action: 'resume', selection: 'arn', services: Math.min(100, Math.max(...options.sizes)) };
    const rows = [];
    for (const [label, retry] of [
      ['adaptive, 8 attempts (production)', { mode: 'adaptive', maxAttempts: 8 }],
      ['standard, 8 attempts', { mode: 'standard', maxAttempts: 8 }],
      ["standard, 3 attempts (the SDK's default)", { mode: 'standard', maxAttempts: 3 }],
    ] as const) {
      rows.push({ label, result: await fleet(scenario, { ...SETTINGS, retry, quota: QUOTA }) });
    }
    emit(
      `### Throttling: ${scenario.services} services resumed by ARN against a quota of ${QUOTA.ratePerSecond} requests/s ` +
        `(burst ${QUOTA.burst}); above it App Runner answers ThrottlingException\n\n${throttleTable(rows)}`,
    );
    // Throttling that does not ease when this client slows down: another client spending the same quota.
    const unrelenting: FleetScenario = { action: 'resume', selection: 'arn', services: 10 };
    const fault = { kind: 'throttle' as const, probability: 0.2, forMs: 3_600_000 };
    const others = [];
    for (const [label, retry] of [
      ['adaptive, 8 attempts (production)', { mode: 'adaptive', maxAttempts: 8 }],
      ['standard, 8 attempts', { mode: 'standard', maxAttempts: 8 }],
    ] as const) {
      others.push({ label, result: await fleet(unrelenting, { ...SETTINGS, retry, fault }) });
    }
    raw.throttle = { quota: rows, unrelenting: others };
    emit(
      `### Throttling that does not ease: ${unrelenting.services} services resumed by ARN, 20% of all calls throttled whatever the rate\n\n` +
        throttleTable(others),
    );
  }

  if (options.sections.has('accounts')) {
    const settings: AccountsSettings = { ...SETTINGS, regionLatencyMs: REGION_LATENCY_MS };
    const results: AccountsResult[] = [];
    for (const action of ['pause', 'resume'] as const) {
      const scenario = { action, accounts: options.accounts, regions: ACCOUNT_REGIONS, servicesPerUnit: SERVICES_PER_UNIT };
      const result = await runAccountsFleet(scenario, settings, ASSUMED_REAL_TRANSITION_S * 1000);
      log(`${action} over ${scenario.accounts} accounts x ${scenario.regions.length} regions x ${scenario.servicesPerUnit}: ${(result.wallMs / 1000).toFixed(1)} s, ${result.calls.total} calls, ${result.outcomes.failed} failed`);
      results.push(result);
    }
    raw.accounts = results;
    const latencies = ACCOUNT_REGIONS.map((region) => `${region} ${LATENCY_MS + (REGION_LATENCY_MS[region] ?? 0)} ms`).join(', ');
    emit(
      `### Many accounts: ${options.accounts} member accounts x ${ACCOUNT_REGIONS.length} regions x ${SERVICES_PER_UNIT} services, by tag, the function in ${ACCOUNT_REGIONS[0]} ` +
        `(one call: ${latencies}; STS ${LATENCY_MS} ms; ${DEFAULT_CONCURRENCY} calls in flight per account and region, ${results[0]?.fleetConcurrency ?? ''} across them)\n\n${accountsTable(results)}`,
    );
    emit(
      `### Many accounts with App Runner's real transitions, projected (not measured): pause and resume assumed to take ${ASSUMED_REAL_TRANSITION_S / 60} min each\n\n` +
        accountsProjectionTable(results, FUNCTION_MEMORY_MB / MB_PER_VCPU),
    );
  }

  let cold: ColdStartResult | undefined;
  if (options.sections.has('cold')) {
    log('cold start');
    cold = await measureColdStart(options.coldRepeats, LATENCY_MS);
    raw.cold = cold;
    emit(`### Cold start\n\n${coldStartTable(cold)}`);
  }

  if (options.sections.has('synth')) {
    const synth: SynthResult[] = [];
    for (const variant of ['scheduler', 'function'] as const) {
      log(`synth ${variant}`);
      synth.push(await measureSynth(variant, options.synthProcesses, 5, options.synthCliRuns));
    }
    raw.synth = synth;
    emit(`### Synth\n\n${synthTable(synth)}`);
  }

  if (fleetResults.length > 0 && noopResults.length > 0 && cold) {
    const handler = cold.loads[cold.loads.length - 1];
    const initSeconds = handler.requireMs / 1000;
    const usage = (result: FleetResult, waitingSeconds: number): RunUsage => ({
      engineSeconds: engineSeconds(result.wallMs - (result.scenario.settled ? 0 : result.transitionMs), result.cpuMs),
      waitingSeconds,
      initSeconds,
      logBytes: result.reportBytes,
    });
    const find = (action: FleetAction, services: number) =>
      fleetResults.find((r) => r.scenario.action === action && r.scenario.selection === 'tag' && r.scenario.services === services);
    const rows = options.sizes.flatMap((services) => {
      const pause = find('pause', services);
      const resume = find('resume', services);
      const idle = noopResults.find((r) => r.scenario.services === services);
      if (!pause || !resume || !idle) return [];
      return [
        {
          services,
          scheduled: scheduledCost(usage(pause, ASSUMED_REAL_TRANSITION_S), usage(resume, ASSUMED_REAL_TRANSITION_S)),
          polling: pollingCost({ ...usage(idle, 0), initSeconds: 0 }, usage(pause, 0), usage(resume, 0)),
        },
      ];
    });
    raw.cost = rows;
    emit(`### Monthly cost of the runs (selection by tag; App Runner's pause and resume assumed to take ${ASSUMED_REAL_TRANSITION_S / 60} min each)\n\n${costTable(rows)}`);
    emit(`### Monthly cost of the whole stack, per configuration (the runs above; the key in its first year)\n\n${stackCostTable(rows)}`);
  }

  emit(`_Bench took ${((Date.now() - started) / 60_000).toFixed(1)} min; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')}._`);
  if (options.json) writeFileSync(options.json, JSON.stringify(raw, null, 2));
  if (options.write) {
    const file = path.join(__dirname, '..', 'BENCHMARKS.md');
    const doc = readFileSync(file, 'utf8');
    const begin = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    if (begin < 0 || end < begin) throw new Error(`BENCHMARKS.md has no ${BEGIN} ... ${END} block to replace`);
    writeFileSync(file, `${doc.slice(0, begin + BEGIN.length)}\n${out.join('\n\n')}\n${doc.slice(end)}`);
    log('BENCHMARKS.md updated');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
