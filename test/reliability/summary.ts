/**
 * The figures RELIABILITY.md is generated from. When `RELIABILITY_SUMMARY` names a file, every
 * scenario, table of bad inputs and property run appends one JSON line to it (jest's workers append
 * whole lines, so they do not interleave); `scripts/reliability-report.mjs` turns the lines into the
 * document. Without the variable nothing is written.
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Outcome } from '../../lambda/report';
import { checkInvariants, INVARIANTS, type InvariantId, type Violation } from './invariants';
import type { ReliabilityHarness, RunRecord } from './reliability-harness';

/** One run of a scenario, as the document shows it. */
export interface RunLine {
  readonly action: string;
  /** `run`, `retry` (of the same event after the fault cleared), or `overlapping`. */
  readonly role: 'run' | 'retry' | 'overlapping';
  readonly rejected: boolean;
  readonly counts: Readonly<Record<Outcome, number>>;
  readonly selectionFailures: number;
}

/** A fault scenario's line. */
export interface ScenarioLine {
  readonly kind: 'scenario';
  readonly name: string;
  readonly fault: string;
  readonly selection: string;
  readonly services: number;
  readonly runs: readonly RunLine[];
  /** Services per status at the end; deleted services count as `deleted`. */
  readonly endState: Readonly<Record<string, number>>;
  readonly calls: number;
  /** Calls answered by an injected fault (throttle, 5xx, dropped connection). */
  readonly faultedCalls: number;
  /** StartDeployment calls App Runner refused (another actor got there first). */
  readonly refusedDeployments: number;
  readonly invariantsChecked: readonly InvariantId[];
  readonly violations: readonly Violation[];
  /** From the first run's start to the check, in ms: indicative only, it depends on the machine. */
  readonly durationMs: number;
}

/** A table of bad inputs' line. */
export interface BadInputLine {
  readonly kind: 'bad-input';
  readonly name: string;
  readonly cases: number;
  /** App Runner calls the emulator received (events) or mutating calls to the bad-tag services (tags): must be 0. */
  readonly forbiddenCalls: number;
}

/** A property's line. */
export interface PropertyLine {
  readonly kind: 'property';
  readonly name: string;
  readonly seed: number;
  readonly cases: number;
  readonly handlerRuns: number;
  readonly services: number;
  /** Cases in which the retry had to finish the work (every fault had cleared). */
  readonly retriesRequired: number;
  readonly faults: Readonly<Record<string, number>>;
  readonly violations: readonly Violation[];
}

/** A check of the invariant check: a scheduler broken on purpose, and whether the check caught it. */
export interface SelfCheckLine {
  readonly kind: 'self-check';
  readonly name: string;
  readonly invariant: InvariantId;
  /** The invariant, in words. */
  readonly statement: string;
  readonly caught: boolean;
}

/** One line of the summary. */
export type SummaryLine = ScenarioLine | BadInputLine | PropertyLine | SelfCheckLine;

/** Appends a line to the summary file, when one is asked for. */
export function recordSummary(line: SummaryLine): void {
  const file = process.env.RELIABILITY_SUMMARY;
  if (file) appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** The name jest gives the running test: its describe blocks and its own name. */
export function currentTestName(): string {
  return expect.getState().currentTestName ?? '(unnamed)';
}

/** What a scenario states besides its runs. */
export interface ScenarioFacts {
  /** The fault, as a person reads it. */
  readonly fault: string;
  /** The runs that must have finished the work once the fault cleared (invariant 5). */
  readonly retries?: readonly RunRecord[];
  /** Runs started together with another. */
  readonly overlapping?: readonly RunRecord[];
}

/** Whether one event ran more than once: invariant 5's count of pauses, resumes and deployments applies. */
function repeatsAnEvent(runs: readonly RunRecord[]): boolean {
  return new Set(runs.map((r) => JSON.stringify(r.event))).size < runs.length;
}

/** The line of a self-check, with the invariant's statement. */
export function selfCheckLine(invariant: InvariantId, caught: boolean): SelfCheckLine {
  return { kind: 'self-check', name: currentTestName(), invariant, statement: INVARIANTS[invariant], caught };
}

function selectionOf(runs: readonly RunRecord[]): string {
  const modes = new Set<string>();
  for (const run of runs) {
    const accounts = run.request.accounts.length;
    if (Object.keys(run.request.tags).length > 0) modes.add(accounts > 1 ? `tags in ${accounts} accounts` : 'tags');
    if (run.request.services.length > 0) modes.add('ARNs');
  }
  return [...modes].join(' + ');
}

/**
 * Checks every invariant over what the harness ran, records the scenario in the summary, and returns
 * the violations (the test expects none).
 */
export function verifyScenario(harness: ReliabilityHarness, facts: ScenarioFacts): Violation[] {
  const retries = facts.retries ?? [];
  const violations = checkInvariants(harness, retries);
  const endState: Record<string, number> = {};
  const known = new Set<string>();
  for (const run of harness.runs) for (const s of run.before) known.add(s.arn);
  for (const arn of known) {
    const status = harness.emulator.hasService(arn) ? harness.emulator.service(arn).status : 'deleted';
    endState[status] = (endState[status] ?? 0) + 1;
  }
  const calls = harness.emulator.calls;
  recordSummary({
    kind: 'scenario',
    name: currentTestName(),
    fault: facts.fault,
    selection: selectionOf(harness.runs),
    services: known.size,
    runs: harness.runs.map((run) => ({
      action: run.request.action,
      role: retries.includes(run) ? 'retry' : facts.overlapping?.includes(run) ? 'overlapping' : 'run',
      rejected: run.rejected,
      counts: run.report.counts,
      selectionFailures: run.report.selectionFailures.length,
    })),
    endState,
    calls: calls.length,
    faultedCalls: calls.filter((c) => c.fault !== undefined).length,
    refusedDeployments: calls.filter((c) => c.operation === 'StartDeployment' && c.httpStatus === 400).length,
    invariantsChecked: retries.length > 0 || repeatsAnEvent(harness.runs) ? [1, 2, 3, 4, 5, 6] : [1, 2, 3, 4, 6],
    violations,
    durationMs: Date.now() - Math.min(...harness.runs.map((r) => r.startedAt)),
  });
  return violations;
}

/** What a property's cases add up to, for its summary line; `runCase` adds to it. */
export interface CaseFigures {
  handlerRuns: number;
  services: number;
  retriesRequired: number;
  readonly faults: Record<string, number>;
}

/** Counts one more case of a fault (or event) kind. */
export function countFault(figures: CaseFigures, kind: string): void {
  figures.faults[kind] = (figures.faults[kind] ?? 0) + 1;
}

/**
 * Runs `runCase` on every case fast-check draws (fixed seed, no shrinking past the first failure),
 * fails at the first case whose invariants break, naming them, and records the property's summary
 * line for RELIABILITY.md whether it passed or not.
 */
export async function checkCases<C>(
  cases: fc.Arbitrary<C>,
  runCase: (c: C, figures: CaseFigures) => Promise<readonly Violation[]>,
  { seed, numRuns }: { readonly seed: number; readonly numRuns: number },
): Promise<void> {
  const figures: CaseFigures = { handlerRuns: 0, services: 0, retriesRequired: 0, faults: {} };
  const violations: Violation[] = [];
  let run = 0;
  try {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        run += 1;
        const found = await runCase(c, figures);
        violations.push(...found);
        if (found.length > 0) throw new Error(`invariants broken: ${JSON.stringify(found, null, 2)}`);
      }),
      { seed, numRuns, endOnFailure: true },
    );
  } finally {
    recordSummary({
      kind: 'property',
      name: currentTestName(),
      seed,
      cases: run,
      handlerRuns: figures.handlerRuns,
      services: figures.services,
      retriesRequired: figures.retriesRequired,
      faults: figures.faults,
      violations,
    });
  }
}
