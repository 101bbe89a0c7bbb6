/**
 * The report a run returns and logs, and the one place its rows are built: one row per selected
 * service, and one per selection read that failed.
 */
import { errorMessage, ServiceNotFoundError } from './errors';
import type { Action } from '../contract/event';
import type { Selection, UnreadableService } from './select';

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
  /**
   * The operation id of a deployment an earlier resume run started and whose outcome was never reported
   * (its App Runner event did not arrive before this run). @default none
   */
  readonly unconfirmedDeployment?: string;
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

/** Who a report row is about. */
export interface ReportedService {
  readonly arn: string;
  readonly name: string;
  readonly region: string;
}

/** What the run made of a service: a row without the service's identity. */
export type ServiceResult = Omit<ServiceOutcome, 'serviceArn' | 'serviceName' | 'region'>;

/** A service's row in the report. */
export function serviceOutcome(service: ReportedService, result: ServiceResult): ServiceOutcome {
  return { serviceArn: service.arn, serviceName: service.name, region: service.region, ...result };
}

/** The row of a listed ARN that could not be read: failed, since the event asked for it by name. */
function unreadableOutcome(service: UnreadableService): ServiceOutcome {
  const reason =
    service.error instanceof ServiceNotFoundError
      ? 'no such service (it is listed in the event but App Runner does not know it)'
      : `could not read the service: ${errorMessage(service.error)}`;
  return serviceOutcome(service, { actions: [], operationIds: [], outcome: 'failed', reason });
}

/** The report of a run: the rows of the services it handled, and what selection could not read. */
export function runReport(
  run: Pick<RunReport, 'action' | 'dryRun' | 'startedAt' | 'finishedAt'>,
  handled: readonly ServiceOutcome[],
  selection: Selection,
): RunReport {
  const services = [...handled, ...selection.unreadable.map(unreadableOutcome)].sort((a, b) => a.serviceArn.localeCompare(b.serviceArn));
  const counts: Record<Outcome, number> = { changed: 0, unchanged: 0, skipped: 0, failed: 0, planned: 0 };
  for (const service of services) counts[service.outcome] += 1;
  return {
    ...run,
    counts,
    services,
    selectionFailures: selection.unlistedRegions.map(({ region, error }) => ({
      target: region,
      reason: `could not list the services selected by tags: ${errorMessage(error)}`,
    })),
  };
}

/** True when the run must fail: a service failed, or a selection read did. */
export function runFailed(report: RunReport): boolean {
  return report.counts.failed > 0 || report.selectionFailures.length > 0;
}
