/**
 * The figures of a run report that metrics and notifications both show, counted in one place: how
 * many services were paused, resumed, deployed, skipped or failed, how many are paused at the end,
 * and the savings. A figure the report does not carry is absent, never zero.
 */
import type { ActionTaken, RunReport, ServiceOutcome } from './report';

/** An amount of money. */
export interface Money {
  readonly amount: number;
  readonly currency: string;
}

/** What a run did (or, in a dry run, would do), counted. */
export interface RunFigures {
  /** Services paused (dry run: that would be paused). */
  readonly paused: number;
  /** Services resumed (dry run: that would be resumed). */
  readonly resumed: number;
  /** Services whose deployment was started (dry run: would be started). */
  readonly deployed: number;
  readonly skipped: number;
  readonly failed: number;
  /** Selected services that were PAUSED when the run ended. */
  readonly pausedNow: number;
  /** Hours the resumed services had been paused, summed; absent when the report has no such figure. */
  readonly hoursPaused?: number;
  /** What the resumed services saved while paused; absent when the report has no such figure. */
  readonly saved?: Money;
}

/**
 * Whether a row counts a call: made, in a real run's changed service, or planned, in a dry run. A
 * failed service counts as failed only, even when one of its calls was made.
 */
export function tookAction(service: ServiceOutcome, action: ActionTaken, dryRun: boolean): boolean {
  return service.outcome === (dryRun ? 'planned' : 'changed') && service.actions.includes(action);
}

/** The run's figures. */
export function runFigures(report: RunReport): RunFigures {
  const count = (action: ActionTaken) => report.services.filter((s) => tookAction(s, action, report.dryRun)).length;
  const savings = runSavings(report);
  return {
    paused: count('pause'),
    resumed: count('resume'),
    deployed: count('deploy'),
    skipped: report.counts.skipped,
    failed: report.counts.failed,
    pausedNow: report.services.filter((s) => s.statusAfter === 'PAUSED').length,
    ...savings,
  };
}

/**
 * The savings fields of the report as branch `savings` adds them (`RunReport.savings`, and
 * `ServiceOutcome.savings` per service). Read structurally so that a report without them, or with
 * a figure marked unpriced or unknown, yields no figure rather than a zero.
 */
interface SavingsFields {
  readonly pausedHours?: unknown;
  readonly amount?: unknown;
  readonly currency?: unknown;
}

/** A savings record's hours and money, each only when it is a finite number. */
export function savingsOf(record: unknown): { hoursPaused?: number; saved?: Money } {
  if (typeof record !== 'object' || record === null) return {};
  const fields = record as SavingsFields;
  const hours = finite(fields.pausedHours);
  const amount = finite(fields.amount);
  const currency = typeof fields.currency === 'string' ? fields.currency : undefined;
  return {
    ...(hours === undefined ? {} : { hoursPaused: hours }),
    ...(amount === undefined || currency === undefined ? {} : { saved: { amount, currency } }),
  };
}

/** The run's savings total. */
function runSavings(report: RunReport): { hoursPaused?: number; saved?: Money } {
  return savingsOf((report as { readonly savings?: unknown }).savings);
}

/** A service's savings, for its line in a notification. */
export function serviceSavings(service: ServiceOutcome): { hoursPaused?: number; saved?: Money } {
  return savingsOf((service as { readonly savings?: unknown }).savings);
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
