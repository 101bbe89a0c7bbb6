/**
 * The engine's errors, in one place. Errors from AWS keep the SDK's error as `cause` and name the
 * service ARN (or the region) they were about. The event's own error, `InvalidEventError`, belongs
 * to the event contract that raises it.
 */
import { failedRunMessage, type RunReport } from './report';

/** An App Runner (or Tagging API) call failed after the SDK's retries. Keeps the SDK error as `cause`. */
export class AppRunnerCallError extends Error {
  constructor(
    /** The API operation, e.g. `PauseService`. */
    readonly operation: string,
    /** The service ARN, or the region for region-wide calls. */
    readonly target: string,
    cause: unknown,
  ) {
    super(`${operation} on ${target} failed: ${errorName(cause)}: ${errorMessage(cause)}`, { cause });
    this.name = 'AppRunnerCallError';
  }
}

/** App Runner refused the call in the service's current state: re-read the service and decide again. */
export class ServiceStateConflictError extends AppRunnerCallError {
  constructor(operation: string, target: string, cause: unknown) {
    super(operation, target, cause);
    this.name = 'ServiceStateConflictError';
  }
}

/** The service does not exist (any more). */
export class ServiceNotFoundError extends AppRunnerCallError {
  constructor(operation: string, target: string, cause: unknown) {
    super(operation, target, cause);
    this.name = 'ServiceNotFoundError';
  }
}

/**
 * The function could not act in another account: AssumeRole of the member role there failed after
 * the SDK's retries (no such role, a trust policy that does not name the function's role, a wrong
 * external id, throttling). Every call to that account fails with it as `cause`, so that the run
 * reports each of the account's services (and regions) failed and goes on with the other accounts.
 */
export class MemberRoleError extends Error {
  constructor(
    /** The account the role is in. */
    readonly account: string,
    /** The role's ARN. */
    readonly roleArn: string,
    cause: unknown,
  ) {
    super(`could not assume ${roleArn} to act in account ${account}: ${errorName(cause)}: ${errorMessage(cause)}`, { cause });
    this.name = 'MemberRoleError';
  }
}

/**
 * A run that a named schedule sent, but the function cannot tell what that schedule owns: it has no
 * `SCHEDULER_SCHEDULES`, one that is not valid, or none of that name. Thrown before any App Runner
 * call, so that no service is changed and the invocation fails (Lambda's retry, the dead-letter
 * queue and the alarm see it), whether or not the event selects anything.
 */
export class UnknownScheduleError extends Error {
  constructor(
    /** The schedule the event names. */
    readonly schedule: string,
    /** Why it cannot be placed, for a person. */
    reason: string,
  ) {
    super(reason);
    this.name = 'UnknownScheduleError';
  }
}

/** The run's deadline passed while a service was still changing. */
export class DeadlineError extends Error {
  constructor(
    readonly serviceArn: string,
    readonly lastStatus: string,
  ) {
    super(`${serviceArn} was still ${lastStatus} when the run's deadline came`);
    this.name = 'DeadlineError';
  }
}

/**
 * The run finished, but something in it failed. Thrown after every other service was handled, so
 * that Lambda's retry, the dead-letter queue and the alarm see it. Carries the full report; its
 * message (Lambda's `errorMessage`, all a caller of Invoke gets) names the failures and carries every
 * service's outcome in a bounded size (`failedRunMessage` in report.ts).
 */
export class RunFailedError extends Error {
  constructor(readonly report: RunReport) {
    super(failedRunMessage(report));
    this.name = 'RunFailedError';
  }
}

/** The name of anything thrown: the SDK's error names say what App Runner answered. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

/** The message of anything thrown, for reports and error messages. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An EventBridge Scheduler call failed after the SDK's retries. Keeps the SDK error as `cause`. */
export class SchedulerCallError extends Error {
  constructor(
    /** The API operation, e.g. `CreateSchedule`. */
    readonly operation: string,
    /** The schedule, as `<group>/<name>`. */
    readonly target: string,
    cause: unknown,
  ) {
    super(`${operation} of ${target} failed: ${errorName(cause)}: ${errorMessage(cause)}`, { cause });
    this.name = 'SchedulerCallError';
  }
}

/** A notification could not be published. Keeps the SDK error as `cause`. */
export class NotificationError extends Error {
  constructor(
    /** The topic it was for. */
    readonly topicArn: string,
    /** What it was to tell, e.g. "the resume run's summary". */
    readonly what: string,
    cause: unknown,
  ) {
    super(`could not publish ${what} to ${topicArn}: ${errorName(cause)}: ${errorMessage(cause)}`, { cause });
    this.name = 'NotificationError';
  }
}
