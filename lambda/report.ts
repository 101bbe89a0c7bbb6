/**
 * The report a run returns and logs: one entry per selected service. Pure data and its summary.
 */
import type { Action } from '../contract/event';

/** What became of a service in a run. `planned` is a dry run's outcome for a service it would change. */
export type Outcome = 'changed' | 'unchanged' | 'skipped' | 'failed' | 'planned';

/** A state-changing App Runner call the run made (or, in a dry run, would make). */
export type ActionTaken = 'pause' | 'resume' | 'deploy';

/** One service's outcome. */
export interface ServiceOutcome {
  readonly serviceArn: string;
  readonly serviceName: string;
  readonly region: string;
  /** The status when the run selected it; absent when it could not be read. */
  readonly statusBefore?: string;
  /** The last status the run saw. */
  readonly statusAfter?: string;
  /** Pause, resume and deploy calls made, in order (in a dry run: the calls it would make). */
  readonly actions: readonly ActionTaken[];
  /** The operation ids App Runner returned for those calls. */
  readonly operationIds: readonly string[];
  readonly outcome: Outcome;
  /** Why, for a person. */
  readonly reason: string;
}

/** A failure that is not one service's: a region whose services could not be listed. */
export interface SelectionFailure {
  /** The region, or the ARN whose lookup failed. */
  readonly target: string;
  readonly reason: string;
}

/** Everything a run did. */
export interface RunReport {
  readonly action: Action;
  readonly dryRun: boolean;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** How many services ended with each outcome. */
  readonly counts: Readonly<Record<Outcome, number>>;
  readonly services: readonly ServiceOutcome[];
  /** Selection reads that failed, so that some services may be missing from `services`. */
  readonly selectionFailures: readonly SelectionFailure[];
}

/** Counts outcomes, every outcome present. */
export function countOutcomes(services: readonly ServiceOutcome[]): Record<Outcome, number> {
  const counts: Record<Outcome, number> = { changed: 0, unchanged: 0, skipped: 0, failed: 0, planned: 0 };
  for (const service of services) counts[service.outcome] += 1;
  return counts;
}

/** True when the run must fail: a service failed, or a selection read did. */
export function runFailed(report: RunReport): boolean {
  return report.counts.failed > 0 || report.selectionFailures.length > 0;
}

/**
 * The run finished, but something in it failed. Thrown after every other service was handled, so
 * that Lambda's retry, the dead-letter queue and the alarm see it. Carries the full report.
 */
export class RunFailedError extends Error {
  constructor(readonly report: RunReport) {
    const failures = [
      ...report.services.filter((s) => s.outcome === 'failed').map((s) => `${s.serviceArn}: ${s.reason}`),
      ...report.selectionFailures.map((f) => `${f.target}: ${f.reason}`),
    ];
    super(`The ${report.action} run failed for ${failures.length} of its targets: ${failures.join('; ')}`);
    this.name = 'RunFailedError';
  }
}
