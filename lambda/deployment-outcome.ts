/**
 * What the scheduler learnt about a deployment that has ended: the record a notification, a metric
 * and the log are made from. Pure data; built by `deployment-event.ts` from an App Runner
 * "AppRunner Service Operation Status Change" event and the service's operation history. What each
 * status means for a person, and what to do, is worded in `notification-message.ts`.
 */

/**
 * How a deployment ended, as a person needs to read it:
 * - `succeeded`: the new version runs;
 * - `failed`: App Runner says the deployment failed (FAILED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCEEDED or
 *   ROLLBACK_FAILED in its operation history);
 * - `unknown`: an end App Runner reported in a way this version does not know; never read as success.
 */
export type DeploymentResult = 'succeeded' | 'failed' | 'unknown';

/**
 * Whose deployment it was:
 * - `scheduler`: the one a resume run of this scheduler started (its operation id was recorded on the service);
 * - `unattributable`: it ended after a later run replaced the record (an event delivered late), so the
 *   scheduler cannot tell whether it started it. Reported rather than dropped, so that nothing is lost.
 */
export type DeploymentAttribution = 'scheduler' | 'unattributable';

/** One ended deployment, as the scheduler reports it. */
export interface DeploymentOutcome {
  /** The service's ARN. */
  readonly serviceArn: string;
  /** The service's name. */
  readonly serviceName: string;
  /** The service's Region. */
  readonly region: string;
  /** The deployment's operation id (StartDeployment's `OperationId`), when it is known. */
  readonly operationId?: string;
  /**
   * The operation's status in App Runner's history (`ListOperations`): SUCCEEDED, FAILED,
   * ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCEEDED, ROLLBACK_FAILED, or another value a newer API may add.
   * When the history does not show the operation, the status the event stands for.
   */
  readonly status: string;
  /** The event's own status code (`detail.operationStatus`, e.g. `DeploymentFailed`). */
  readonly eventStatus: string;
  /** How it ended. */
  readonly result: DeploymentResult;
  /** Whose deployment it was. */
  readonly attribution: DeploymentAttribution;
  /** When App Runner sent the event (the event's `time`), ISO-8601. */
  readonly reportedAt: string;
}

/** Whether an outcome counts as a failed deployment (the `DeploymentsFailed` metric and the alarm): anything but a success. */
export function isFailedDeployment(outcome: DeploymentOutcome): boolean {
  return outcome.result !== 'succeeded';
}
