/**
 * Handles one App Runner deployment event: read the service's marker and history, decide
 * (attribute-deployment.ts), report the outcome (the summary topic, the DeploymentsSucceeded or
 * DeploymentsFailed metric, the log), and remove the marker that named the deployment. No run waits
 * for a deployment: this is the only place its end is learnt, when App Runner announces it.
 */
import type { AppRunnerGateway } from './app-runner';
import { attributeDeployment, type DeploymentDecision } from './attribute-deployment';
import type { DeploymentOutcome } from './deployment-outcome';
import { AppRunnerCallError, errorName, ServiceNotFoundError } from './errors';
import type { SchedulerMetrics } from './metrics';
import type { Notifier } from './notify';
import type { OperationStatusChange } from '../contract/operation-event';
import { MARKER_TAG_KEY } from '../contract/scheduler-tags';

/** What the handler returns for a deployment event, and logs. */
export interface DeploymentEventResult {
  /** `reported`: an outcome was reported; `waiting`: the scheduler's deployment has not ended; `ignored`: nothing to report. */
  readonly handled: 'reported' | 'waiting' | 'ignored';
  readonly serviceArn: string;
  /** The event's status code. */
  readonly eventStatus: string;
  /** The outcome reported, when one was. */
  readonly outcome?: DeploymentOutcome;
  /** Why nothing was reported, when nothing was. */
  readonly reason?: string;
}

/** What handling a deployment event needs. */
export interface DeploymentEventContext {
  readonly gateway: AppRunnerGateway;
  readonly notifier: Notifier;
  readonly metrics: SchedulerMetrics;
  /** Told when a notification could not be sent: the outcome still counts in the metrics, the marker is still removed. */
  readonly onNotificationFailed: (error: unknown) => void;
}

/**
 * Handles one deployment event to its end. Throws `AppRunnerCallError` when the service's tags or history
 * cannot be read, so that Lambda retries the event (and dead-letters it in the end), having reported nothing.
 */
export async function handleDeploymentEvent(change: OperationStatusChange, context: DeploymentEventContext): Promise<DeploymentEventResult> {
  const base = { serviceArn: change.serviceArn, eventStatus: change.code };
  if (change.signal === 'not-a-deployment') return { ...base, handled: 'ignored', reason: `${change.code} is not a deployment's status` };
  let decision: DeploymentDecision;
  let markerValue: string | undefined;
  try {
    const tags = await context.gateway.listTags(change.serviceArn);
    markerValue = tags[MARKER_TAG_KEY];
    // The tags alone settle most events (no marker: not the scheduler's); the history is read only when they do not.
    decision = markerValue === undefined ? attributeDeployment(change, tags, []) : attributeDeployment(change, tags, await context.gateway.listRecentOperations(change.serviceArn));
  } catch (error) {
    if (error instanceof ServiceNotFoundError) return { ...base, handled: 'ignored', reason: 'the service no longer exists' };
    // With tag selection the rule matches every service of the account, and the role may read only the
    // services carrying the selector tags: a refusal says the service is not one the scheduler selects.
    if (error instanceof AppRunnerCallError && errorName(error.cause) === 'AccessDeniedException') {
      return { ...base, handled: 'ignored', reason: 'the function may not read this service: it is not one the scheduler selects' };
    }
    throw error;
  }
  if (decision.kind === 'ignore') return { ...base, handled: 'ignored', reason: decision.reason };
  if (decision.kind === 'wait') return { ...base, handled: 'waiting', reason: decision.reason };
  const { outcome } = decision;
  context.metrics.deploymentFinished(outcome);
  try {
    await context.notifier.deploymentFinished(outcome);
  } catch (error) {
    context.onNotificationFailed(error);
  }
  if (decision.clearMarker) {
    try {
      await context.gateway.untagService(change.serviceArn, MARKER_TAG_KEY);
    } catch (error) {
      // Reported already: a retry would report it twice. The marker reads as no marker to every run, and the
      // next pause replaces it; a second delivery of the event would report it again, which is the lesser harm.
      if (!(error instanceof ServiceNotFoundError)) return { ...base, handled: 'reported', outcome, reason: `reported, but its marker could not be removed (${String(error)})` };
    }
  }
  return { ...base, handled: 'reported', outcome };
}
