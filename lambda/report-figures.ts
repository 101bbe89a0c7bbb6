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
  /** What the resumed services saved while paused (a floor, see lambda/savings.ts); absent when the report has no such figure. */
  readonly saved?: Money;
  /** Resumed services in regions without a price, when the report counts them. */
  readonly unpricedServices?: number;
  /** Resumed services without a savings figure for another reason, when the report counts them. */
  readonly unknownSavings?: number;
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

/** The run's savings total, as lambda/report.ts carries it: figures only where the report has them. */
function runSavings(report: RunReport): Pick<RunFigures, 'hoursPaused' | 'saved' | 'unpricedServices' | 'unknownSavings'> {
  const total = report.savings;
  if (!total) return {};
  return {
    ...(total.hours === undefined ? {} : { hoursPaused: total.hours }),
    ...(total.amount === undefined ? {} : { saved: { amount: total.amount, currency: total.currency } }),
    unpricedServices: total.unpriced,
    unknownSavings: total.unknown,
  };
}
