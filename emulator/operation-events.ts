/**
 * The EventBridge events App Runner sends when an operation on a service changes status, in the shape
 * the App Runner developer guide documents ("Handling App Runner events in EventBridge",
 * https://docs.aws.amazon.com/apprunner/latest/dg/monitor-ev.html):
 *
 * - envelope: `version` "0", `id`, `detail-type` "AppRunner Service Operation Status Change", `source`
 *   "aws.apprunner", `account`, `time` (ISO-8601, seconds), `region`, `resources` [the service ARN];
 * - `detail`: `operationStatus` (a code such as `UpdateServiceCompletedSuccessfully` or `DeploymentFailed`,
 *   not a ListOperations status), `ServiceName`, `ServiceId`, `Message`, `Severity`.
 *
 * Where the guide is silent, the emulator chooses, and says so:
 * - The guide's example names the status field `operationStatus`, its reference table `Status`; the
 *   emulator sends `operationStatus`, as the example and every public rule seen do.
 * - The guide lists the failure codes (`DeploymentFailed`, `PauseServiceFailed`, `ResumeServiceFailed`,
 *   ...) and shows `UpdateServiceCompletedSuccessfully`; `DeploymentCompletedSuccessfully`,
 *   `PauseServiceCompletedSuccessfully` and `ResumeServiceCompletedSuccessfully` follow that pattern and
 *   are what public rules match.
 * - No operation id: the guide shows none, so the emulator sends none.
 * - One event per operation, when it reaches its final status. A rollback has no code of its own in the
 *   guide: a deployment that fails and rolls back (ROLLBACK_SUCCEEDED or ROLLBACK_FAILED in ListOperations)
 *   is announced as `DeploymentFailed`, once the rollback ended. Whether App Runner also announces an
 *   operation's start is not documented with its codes, so the emulator announces none.
 * - Severity "varies": INFO for a success, ERROR for a failure.
 */
import type { OperationRecord, OperationType, ServiceRecord } from './fleet';
import type { SeededRandom } from './seeded-random';

/** The detail-type of an operation status change. */
export const OPERATION_EVENT_DETAIL_TYPE = 'AppRunner Service Operation Status Change';

/** The detail of an operation status change event. */
export interface OperationEventDetail {
  readonly operationStatus: string;
  readonly ServiceName: string;
  readonly ServiceId: string;
  readonly Message: string;
  readonly Severity: string;
}

/** An operation status change event as EventBridge delivers it to a rule's target. */
export interface OperationEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': typeof OPERATION_EVENT_DETAIL_TYPE;
  readonly source: 'aws.apprunner';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: OperationEventDetail;
}

/** Receives the events the emulator sends. */
export type OperationEventSink = (event: OperationEvent) => void;

const CODES: Partial<Record<OperationType, { readonly succeeded: string; readonly failed: string; readonly what: string }>> = {
  START_DEPLOYMENT: { succeeded: 'DeploymentCompletedSuccessfully', failed: 'DeploymentFailed', what: 'Deployment' },
  PAUSE_SERVICE: { succeeded: 'PauseServiceCompletedSuccessfully', failed: 'PauseServiceFailed', what: 'Service pause' },
  RESUME_SERVICE: { succeeded: 'ResumeServiceCompletedSuccessfully', failed: 'ResumeServiceFailed', what: 'Service resume' },
};

/** The event for an operation that reached its final status, or undefined for one the emulator does not announce. */
export function operationEvent(service: ServiceRecord, operation: OperationRecord, ids: SeededRandom): OperationEvent | undefined {
  const codes = CODES[operation.type];
  if (!codes) return undefined;
  const succeeded = operation.status === 'SUCCEEDED';
  return {
    version: '0',
    id: ids.uuid(),
    'detail-type': OPERATION_EVENT_DETAIL_TYPE,
    source: 'aws.apprunner',
    account: service.account,
    time: new Date(operation.endedAt ?? operation.updatedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: service.region,
    resources: [service.arn],
    detail: {
      operationStatus: succeeded ? codes.succeeded : codes.failed,
      ServiceName: service.name,
      ServiceId: service.id,
      Message: succeeded ? `${codes.what} completed successfully.` : `${codes.what} failed (${operation.status}).`,
      Severity: succeeded ? 'INFO' : 'ERROR',
    },
  };
}
