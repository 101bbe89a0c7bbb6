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

/**
 * A pause at the end of a snooze or wake: `arranged` (a one-time schedule pauses the service then),
 * `planned` (a dry run would arrange it), `not-arranged` (see the reason), `failed` (the schedule
 * could not be created: the service's outcome is `failed` too).
 */
export type Arrangement = 'arranged' | 'planned' | 'not-arranged' | 'failed';

/** What a run arranged for the end of a service's snooze (dated skip tag) or wake (resume with `until`). */
export interface EndingOutcome {
  readonly kind: 'snooze' | 'wake';
  /** When the snooze or wake ends, ISO-8601 UTC, to the minute. */
  readonly at: string;
  readonly arrangement: Arrangement;
  /** The one-time schedule's name, when one is (or would be) created. */
  readonly schedule?: string;
  readonly reason: string;
}

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
  /**
   * What its pause saved, on the row of a service this run resumed (it reached RUNNING): a figure, or
   * why there is none. Absent on every other row (pause runs, dry runs, services not resumed by this
   * run). See `lambda/savings.ts`.
   */
  readonly savings?: ServiceSavings;
  /** The pause arranged (or not) at the end of its snooze or wake; absent when it has neither. */
  readonly ending?: EndingOutcome;
}

/**
 * The time a service was paused, as the run established it. `from` is the later of the scheduler's
 * `paused <time>` marker and, when the run read the operation history, the end of the PAUSE_SERVICE
 * operation; `to` is when this run asked App Runner to resume it.
 */
export interface PausedTime {
  /** ISO-8601 UTC instant the paused time starts. */
  readonly pausedFrom: string;
  /** ISO-8601 UTC instant it ends: this run's ResumeService call. */
  readonly pausedTo: string;
  /** `pausedTo - pausedFrom` in hours, unrounded. */
  readonly hours: number;
  /**
   * How `pausedFrom` was established: `marker` (the marker alone: the run read no operation history
   * for this service, so it counts from the scheduler's pause request, minutes before App Runner
   * finished pausing), `marker+history` (the marker confirmed by the PAUSE_SERVICE operation
   * in ListOperations, counting from the later of the two), or `history` (the marker carries no usable
   * time; the operation's end alone).
   */
  readonly basis: 'marker' | 'marker+history' | 'history';
  /** A disagreement between marker and history that the figure resolved, for a person. */
  readonly note?: string;
}

/** What a figure is computed from. */
export interface SavingsInputs {
  /** vCPUs of one instance (`InstanceConfiguration.Cpu`). */
  readonly vcpu: number;
  /** GB of memory of one instance (`InstanceConfiguration.Memory`). */
  readonly memoryGb: number;
  /** Provisioned instances: the auto scaling configuration's `MinSize`. */
  readonly provisionedInstances: number;
  /** USD per GB-hour of provisioned memory in the service's region (`lambda/prices.ts`). */
  readonly pricePerGbHour: number;
}

/**
 * A priced figure: at least `amount` USD saved, the provisioned instances' memory for the paused hours
 * (`provisionedInstances x memoryGb x pricePerGbHour x hours`). Unrounded.
 */
export interface PricedSavings extends PausedTime {
  readonly status: 'priced';
  readonly amount: number;
  readonly currency: 'USD';
  readonly inputs: SavingsInputs;
}

/** The paused time is known, but the price table holds no price for the service's region. */
export interface UnpricedSavings extends PausedTime {
  readonly status: 'unpriced';
  /** Names the region. */
  readonly reason: string;
}

/** No figure: the paused time or an input could not be established. Whatever was established is kept. */
export interface UnknownSavings extends Partial<PausedTime> {
  readonly status: 'unknown';
  /** What is missing and why, e.g. "could not read the auto scaling configuration ...". */
  readonly reason: string;
}

/** One resumed service's savings: a figure, or an explicit reason why there is none (never a zero for a missing figure). */
export type ServiceSavings = PricedSavings | UnpricedSavings | UnknownSavings;

/** A run's savings: the sum over the services it resumed. */
export interface SavingsTotal {
  /** USD saved by the priced services, unrounded; absent when no service is priced (never a zero for missing figures). */
  readonly amount?: number;
  readonly currency: 'USD';
  /** Paused hours of every service whose paused time is known (priced, unpriced and unknown ones); absent when none is. */
  readonly hours?: number;
  /** Resumed services with a figure. */
  readonly priced: number;
  /** Resumed services in regions without a price. */
  readonly unpriced: number;
  /** Resumed services without a figure for another reason. */
  readonly unknown: number;
}

/** A failure that is not one service's: a region whose services could not be listed. */
export interface SelectionFailure {
  /** The region, or the ARN whose lookup failed. */
  readonly target: string;
  /** The account whose region it is; present when the run spanned more than one account or region (`mergeReports`). */
  readonly account?: string;
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
  /** What the services this run resumed saved; present on resume runs that are not dry runs. */
  readonly savings?: SavingsTotal;
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
    ...(run.action === 'resume' && !run.dryRun ? { savings: savingsTotal(services) } : {}),
  };
}

/** One part of a run spread over accounts and regions: the account it ran in, and its report. */
export interface ReportPart {
  readonly account: string;
  readonly report: RunReport;
}

/**
 * One report of a run made of parts (`runFleet`'s units, one per account and region): every part's
 * rows, in ARN order as in any report, and its selection failures with their account; counts and
 * savings over all of them; from the first start to the last finish.
 */
export function mergeReports(parts: readonly ReportPart[]): RunReport {
  const [first] = parts;
  if (!first) throw new Error('mergeReports: no report to merge');
  const services = parts.flatMap((p) => p.report.services).sort((a, b) => a.serviceArn.localeCompare(b.serviceArn));
  const counts: Record<Outcome, number> = { changed: 0, unchanged: 0, skipped: 0, failed: 0, planned: 0 };
  for (const service of services) counts[service.outcome] += 1;
  const { action, dryRun } = first.report;
  return {
    action,
    dryRun,
    startedAt: parts.map((p) => p.report.startedAt).reduce((a, b) => (b < a ? b : a)),
    finishedAt: parts.map((p) => p.report.finishedAt).reduce((a, b) => (b > a ? b : a)),
    counts,
    services,
    selectionFailures: parts.flatMap((p) => p.report.selectionFailures.map((f) => ({ target: f.target, account: f.account ?? p.account, reason: f.reason }))),
    ...(action === 'resume' && !dryRun ? { savings: savingsTotal(services) } : {}),
  };
}

/** Where a selection failure was, for a person: the region, and its account when the report names one. */
export function selectionFailureTarget(failure: SelectionFailure): string {
  return failure.account === undefined ? failure.target : `${failure.target} in account ${failure.account}`;
}

/**
 * The run's savings: the amounts of the priced services and the hours of every service whose paused
 * time is known, summed unrounded. A sum with nothing in it is absent, never a zero standing in for
 * figures that are missing.
 */
export function savingsTotal(services: readonly ServiceOutcome[]): SavingsTotal {
  let amount: number | undefined;
  let hours: number | undefined;
  const counts = { priced: 0, unpriced: 0, unknown: 0 };
  for (const { savings } of services) {
    if (!savings) continue;
    counts[savings.status] += 1;
    if (savings.status === 'priced') amount = (amount ?? 0) + savings.amount;
    if (savings.hours !== undefined) hours = (hours ?? 0) + savings.hours;
  }
  return { ...(amount !== undefined ? { amount } : {}), currency: 'USD', ...(hours !== undefined ? { hours } : {}), ...counts };
}

/** True when the run must fail: a service failed, or a selection read did. */
export function runFailed(report: RunReport): boolean {
  return report.counts.failed > 0 || report.selectionFailures.length > 0;
}

/**
 * A failed run's outcomes in its error message. Lambda's Invoke answers a function that throws with
 * the error's type and message alone (the report the handler logs does not reach the caller), so
 * the message carries, after its headline, the line `run outcomes: <JSON>`: the complete counts and
 * one row per service, failed services first, each reason cut to `OUTCOME_REASON_LIMIT` characters,
 * the whole line at most `OUTCOMES_LIMIT` characters. Rows that do not fit are not listed: `omitted`
 * says how many, and the complete report is the `run report` line of the function's log.
 */
export interface RunOutcomes {
  readonly action: Action;
  readonly dryRun: boolean;
  /** How many services ended with each outcome: every service, listed or not. */
  readonly counts: Readonly<Record<Outcome, number>>;
  /** One row per listed service: `[name, region, statusBefore, statusAfter, outcome, actions, reason]`, `-` for a status not read. */
  readonly services: readonly OutcomeRow[];
  readonly selectionFailures: readonly SelectionFailure[];
  /** Services the line had no room for. */
  readonly omitted: number;
}

/** A service's row in `RunOutcomes`: name, region, status before, status after, outcome, actions (comma-separated or `-`), reason. */
export type OutcomeRow = readonly [name: string, region: string, before: string, after: string, outcome: Outcome, actions: string, reason: string];

/** The most characters the `run outcomes:` line takes in a failed run's error message. */
export const OUTCOMES_LIMIT = 64_000;
/** The most characters of one row's reason (or one selection failure's) in that line. */
export const OUTCOME_REASON_LIMIT = 300;
/** The most failures the headline of a failed run's error message names. */
const HEADLINE_FAILURES = 10;
const OUTCOMES_PREFIX = '\nrun outcomes: ';

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}

function outcomeRow(s: ServiceOutcome): OutcomeRow {
  return [s.serviceName, s.region, s.statusBefore ?? '-', s.statusAfter ?? '-', s.outcome, s.actions.length > 0 ? s.actions.join(',') : '-', cut(s.reason, OUTCOME_REASON_LIMIT)];
}

/** The outcomes of a run, in at most `limit` characters of JSON: failed rows first, then the others in report order. */
export function runOutcomes(report: RunReport, limit = OUTCOMES_LIMIT): RunOutcomes {
  const selectionFailures = report.selectionFailures.map((f) => ({ ...f, reason: cut(f.reason, OUTCOME_REASON_LIMIT) }));
  const ordered = [...report.services.filter((s) => s.outcome === 'failed'), ...report.services.filter((s) => s.outcome !== 'failed')];
  const base = { action: report.action, dryRun: report.dryRun, counts: report.counts, services: [] as OutcomeRow[], selectionFailures, omitted: ordered.length };
  let size = JSON.stringify(base).length + 10; // room for `omitted` to shrink to any other number
  for (const service of ordered) {
    const row = outcomeRow(service);
    const rowSize = JSON.stringify(row).length + 1;
    if (size + rowSize > limit) break;
    base.services.push(row);
    size += rowSize;
  }
  return { ...base, omitted: ordered.length - base.services.length };
}

/**
 * The message of a failed run's error: a headline naming up to ten failures (with their full ARNs),
 * then the `run outcomes:` line. Its size is bounded whatever the fleet.
 */
export function failedRunMessage(report: RunReport): string {
  const failures = [
    ...report.services.filter((s) => s.outcome === 'failed').map((s) => `${s.serviceArn}: ${cut(s.reason, OUTCOME_REASON_LIMIT)}`),
    ...report.selectionFailures.map((f) => `${selectionFailureTarget(f)}: ${cut(f.reason, OUTCOME_REASON_LIMIT)}`),
  ];
  const named = failures.slice(0, HEADLINE_FAILURES).join('; ');
  const more = failures.length > HEADLINE_FAILURES ? ` (and ${failures.length - HEADLINE_FAILURES} more)` : '';
  return `The ${report.action} run failed for ${failures.length} of its targets: ${named}${more}${OUTCOMES_PREFIX}${JSON.stringify(runOutcomes(report))}`;
}

function isOutcomes(value: unknown): value is RunOutcomes {
  const o = value as RunOutcomes;
  return (
    typeof o === 'object' && o !== null && typeof o.action === 'string' && typeof o.dryRun === 'boolean' &&
    typeof o.counts === 'object' && o.counts !== null && typeof o.omitted === 'number' &&
    Array.isArray(o.selectionFailures) && o.selectionFailures.every((f) => typeof f?.target === 'string' && typeof f.reason === 'string') &&
    Array.isArray(o.services) && o.services.every((r) => Array.isArray(r) && r.length === 7 && r.every((cell) => typeof cell === 'string'))
  );
}

/**
 * Reads a failed run's error message back: its headline, and its outcomes when the message carries
 * a well-formed `run outcomes:` line (a message from an older function, or cut short, has none).
 */
export function parseFailedRunMessage(message: string): { readonly headline: string; readonly outcomes?: RunOutcomes } {
  const at = message.lastIndexOf(OUTCOMES_PREFIX);
  if (at < 0) return { headline: message };
  let outcomes: unknown;
  try {
    outcomes = JSON.parse(message.slice(at + OUTCOMES_PREFIX.length));
  } catch {
    return { headline: message };
  }
  return isOutcomes(outcomes) ? { headline: message.slice(0, at), outcomes } : { headline: message };
}
