/**
 * The rules for an App Runner deployment event: whose deployment ended, how, and what the function
 * does about it. Pure: the event, the service's marker tag and its operation history (newest first)
 * come in, a decision goes out. No AWS calls, no clock.
 *
 * A resume run that starts a deployment records its operation id in its last marker write
 * (`deployed <id> <time>`, see decide.ts). So:
 * - the marker names a deployment: that one is the scheduler's. Once the history shows it ended (or the
 *   event, when the history lags), it is reported and the marker removed, so that the same event
 *   delivered again finds no marker and reports nothing;
 * - the marker says `paused` or `resumed`: a later run replaced the record, so a deployment that ends now
 *   (an event delivered late) cannot be told apart; a failure is reported as unattributable, never dropped;
 * - no marker: a person's deployment, or one already reported: nothing to report.
 */
import type { OperationRecord } from './app-runner';
import { awaitedDeployment, readMarker } from './decide';
import type { DeploymentOutcome, DeploymentResult } from './deployment-outcome';
import type { OperationStatusChange } from '../contract/operation-event';

/** What the function does with a deployment event. */
export type DeploymentDecision =
  /** Report the outcome; with `clearMarker`, then remove the marker that named the deployment. */
  | { readonly kind: 'report'; readonly outcome: DeploymentOutcome; readonly clearMarker: boolean }
  /** The scheduler's deployment has not ended yet: keep the marker for a later event or run. */
  | { readonly kind: 'wait'; readonly reason: string }
  /** Nothing to report. */
  | { readonly kind: 'ignore'; readonly reason: string };

/** The statuses (ListOperations) with which an operation has ended. */
const ENDED_STATUSES: readonly string[] = ['SUCCEEDED', 'FAILED', 'ROLLBACK_SUCCEEDED', 'ROLLBACK_FAILED'];

/** The statuses of an operation that has not ended. ROLLBACK_IN_PROGRESS: it failed, and App Runner is rolling back. */
const RUNNING_STATUSES: readonly string[] = ['PENDING', 'IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'];

/** What a deployment's status in the history says: only SUCCEEDED is a success; a status this version does not know is `unknown`. */
export function resultOfStatus(status: string): DeploymentResult {
  if (status === 'SUCCEEDED') return 'succeeded';
  if (['FAILED', 'ROLLBACK_IN_PROGRESS', 'ROLLBACK_SUCCEEDED', 'ROLLBACK_FAILED'].includes(status)) return 'failed';
  return 'unknown';
}

/** True when the history's status says the operation ended, or is one this version does not know (taken as ended, reported as unknown). */
function hasEnded(status: string | undefined): boolean {
  return status !== undefined && (ENDED_STATUSES.includes(status) || !RUNNING_STATUSES.includes(status));
}

/**
 * Decides what to do with a deployment event, from the service's tags and its operation history as read
 * after the event arrived.
 */
export function attributeDeployment(
  change: OperationStatusChange,
  tags: Readonly<Record<string, string>>,
  history: readonly OperationRecord[],
): DeploymentDecision {
  if (change.signal === 'not-a-deployment') return { kind: 'ignore', reason: `${change.code} is not a deployment's status` };
  const marker = readMarker(tags);
  if (marker === 'invalid') return { kind: 'ignore', reason: 'its marker tag has a value the scheduler never writes: the service is left alone' };
  const awaited = awaitedDeployment(tags);
  const latestDeployment = history.find((o) => o.type === 'START_DEPLOYMENT');
  const outcome = (fields: Pick<DeploymentOutcome, 'operationId' | 'status' | 'attribution'>): DeploymentOutcome => ({
    serviceArn: change.serviceArn,
    serviceName: change.serviceName,
    region: change.region,
    ...fields,
    eventStatus: change.code,
    result: resultOfStatus(fields.status),
    reportedAt: change.time,
  });

  if (awaited !== undefined) {
    const operation = history.find((o) => o.id === awaited);
    if (!operation) {
      // Not on the history's first page: more than a page of operations since, which a run never leaves.
      return { kind: 'report', clearMarker: true, outcome: outcome({ operationId: awaited, status: 'NOT_IN_HISTORY', attribution: 'scheduler' }) };
    }
    if (hasEnded(operation.status)) {
      return { kind: 'report', clearMarker: true, outcome: outcome({ operationId: awaited, status: operation.status!, attribution: 'scheduler' }) };
    }
    const eventIsAboutIt = latestDeployment?.id === awaited;
    if (eventIsAboutIt && change.signal === 'succeeded') {
      // The event is App Runner's word that the deployment ended; the history lags behind it.
      return { kind: 'report', clearMarker: true, outcome: outcome({ operationId: awaited, status: 'SUCCEEDED', attribution: 'scheduler' }) };
    }
    if (eventIsAboutIt && change.signal === 'failed') {
      const status = operation.status === 'ROLLBACK_IN_PROGRESS' ? operation.status : 'FAILED';
      return { kind: 'report', clearMarker: true, outcome: outcome({ operationId: awaited, status, attribution: 'scheduler' }) };
    }
    return { kind: 'wait', reason: `the scheduler's deployment ${awaited} is still ${operation.status}` };
  }

  if (marker === 'paused' || marker === 'resumed') {
    if (change.signal === 'succeeded') {
      return { kind: 'ignore', reason: `a deployment succeeded after a later ${marker === 'paused' ? 'pause' : 'resume'} run replaced the scheduler's record: nothing to report` };
    }
    const status = hasEnded(latestDeployment?.status) ? latestDeployment!.status! : change.signal === 'failed' ? 'FAILED' : change.code;
    return {
      kind: 'report',
      clearMarker: false,
      outcome: outcome({ ...(latestDeployment?.id ? { operationId: latestDeployment.id } : {}), status, attribution: 'unattributable' }),
    };
  }
  return { kind: 'ignore', reason: "no deployment of the scheduler's awaits an outcome here: a person's deployment, or one already reported" };
}
