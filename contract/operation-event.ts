/**
 * The App Runner events the scheduler's function receives besides its own: "AppRunner Service Operation
 * Status Change" from EventBridge, the end of a deployment. One home for what the construct's rule matches
 * and what the function accepts. Pure: no AWS SDK, no CDK.
 *
 * The shape, from the App Runner developer guide ("Handling App Runner events in EventBridge",
 * https://docs.aws.amazon.com/apprunner/latest/dg/monitor-ev.html), delivered best effort:
 * - `source` "aws.apprunner", `detail-type` "AppRunner Service Operation Status Change", `account`,
 *   `region`, `time`, and `resources` holding the service ARN;
 * - `detail.operationStatus`, a code such as `DeploymentFailed` (the guide's example), with `ServiceName`,
 *   `ServiceId`, `Message` and `Severity`.
 *
 * Where the guide is silent, or says two things:
 * - The status field is `operationStatus` in the guide's example and `Status` in its reference section:
 *   both are read, and the rule matches both.
 * - The codes the guide names for deployments are `DeploymentFailed` (its failure pattern);
 *   `DeploymentCompletedSuccessfully` is the success code public rules match. Any other code beginning
 *   with `Deployment` (a rollback of its own, a start) is not documented: the rule still lets it through,
 *   and the function reads the deployment's real status in ListOperations before it says anything;
 *   a code it does not know is never taken for success.
 * - No operation id is documented in the event: the function finds the operation in the service's
 *   history (ListOperations), and reads `detail.operationId` only as a hint when present.
 */
import { ProblemList, describeProblems, isPlainObject, type FieldProblem } from './problems';
import { parseServiceArn } from './event';

/** The EventBridge `source` of App Runner's events. */
export const APP_RUNNER_EVENT_SOURCE = 'aws.apprunner';

/** The `detail-type` of an operation status change. */
export const OPERATION_STATUS_CHANGE = 'AppRunner Service Operation Status Change';

/** The prefix of every deployment code in `detail.operationStatus`. */
export const DEPLOYMENT_CODE_PREFIX = 'Deployment';

/** The code of a deployment that succeeded. */
export const DEPLOYMENT_SUCCEEDED_CODE = 'DeploymentCompletedSuccessfully';

/** The code of a deployment that failed (the guide's failure pattern). */
export const DEPLOYMENT_FAILED_CODE = 'DeploymentFailed';

/** What the event's code says about a deployment: its end, a code this version does not know, or not a deployment at all. */
export type DeploymentSignal = 'succeeded' | 'failed' | 'unknown' | 'not-a-deployment';

/** An operation status change, validated. */
export interface OperationStatusChange {
  /** The service's ARN, from `resources`. */
  readonly serviceArn: string;
  /** The service's name: `detail.ServiceName`, else the ARN's. */
  readonly serviceName: string;
  readonly region: string;
  readonly account: string;
  /** The event's `time`, ISO-8601. */
  readonly time: string;
  /** The code, as sent. */
  readonly code: string;
  /** What the code says. */
  readonly signal: DeploymentSignal;
  /** `detail.operationId` when App Runner sends one (not documented). */
  readonly operationIdHint?: string;
}

/** An App Runner event that cannot be handled. Nothing was called. */
export class InvalidOperationEventError extends Error {
  readonly problems: readonly FieldProblem[];

  constructor(problems: readonly FieldProblem[]) {
    super(`Invalid App Runner operation event: ${describeProblems(problems)}`);
    this.name = 'InvalidOperationEventError';
    this.problems = problems;
  }
}

/**
 * True for an event that claims to come from EventBridge (it has a `source` or a `detail-type`): the
 * function's entry sends it to `parseOperationEvent`, and everything else to the scheduler's contract,
 * which refuses those fields. So a half-valid event is refused by one or the other, never run by accident.
 */
export function isEventBridgeEvent(raw: unknown): boolean {
  return isPlainObject(raw) && (Object.hasOwn(raw, 'source') || Object.hasOwn(raw, 'detail-type'));
}

/** What a code says about a deployment. */
export function deploymentSignal(code: string): DeploymentSignal {
  if (code === DEPLOYMENT_SUCCEEDED_CODE) return 'succeeded';
  if (code === DEPLOYMENT_FAILED_CODE) return 'failed';
  return code.startsWith(DEPLOYMENT_CODE_PREFIX) ? 'unknown' : 'not-a-deployment';
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/;

/**
 * Validates an App Runner operation status change.
 * @throws InvalidOperationEventError naming every bad field, the value received and what is accepted.
 */
export function parseOperationEvent(raw: unknown): OperationStatusChange {
  const problems = new ProblemList();
  if (!isPlainObject(raw)) {
    problems.add('event', raw, `an EventBridge event from ${APP_RUNNER_EVENT_SOURCE}`);
    throw new InvalidOperationEventError(problems.problems);
  }
  if (raw.source !== APP_RUNNER_EVENT_SOURCE) problems.add('source', raw.source, `"${APP_RUNNER_EVENT_SOURCE}"`);
  if (raw['detail-type'] !== OPERATION_STATUS_CHANGE) problems.add('detail-type', raw['detail-type'], `"${OPERATION_STATUS_CHANGE}"`);
  if (typeof raw.account !== 'string' || !/^\d{12}$/.test(raw.account)) problems.add('account', raw.account, 'a 12-digit account id');
  if (typeof raw.region !== 'string' || raw.region.length === 0) problems.add('region', raw.region, 'a region name such as "eu-west-1"');
  if (typeof raw.time !== 'string' || !ISO_TIME.test(raw.time)) problems.add('time', raw.time, 'an ISO-8601 UTC time such as "2026-11-30T07:01:02Z"');
  const resources = raw.resources;
  const arn = Array.isArray(resources) && resources.length === 1 && typeof resources[0] === 'string' ? resources[0] : undefined;
  const parts = arn === undefined ? undefined : parseServiceArn(arn);
  if (!parts) problems.add('resources', resources, 'a list holding one App Runner service ARN');
  else if (typeof raw.region === 'string' && parts.region !== raw.region) problems.add('resources', resources, `a service ARN in the event's region ${raw.region}`);
  const detail = isPlainObject(raw.detail) ? raw.detail : undefined;
  if (!detail) problems.add('detail', raw.detail, 'an object with operationStatus (or Status)');
  const code = detail?.operationStatus ?? detail?.Status;
  if (detail && (typeof code !== 'string' || code.length === 0)) problems.add('detail.operationStatus', code, 'a status code such as "DeploymentFailed"');
  const serviceName = detail?.ServiceName ?? detail?.serviceName;
  if (serviceName !== undefined && (typeof serviceName !== 'string' || (parts && serviceName !== parts.serviceName))) {
    problems.add('detail.ServiceName', serviceName, `the name in the service ARN (${parts?.serviceName ?? 'none'})`);
  }
  const hint = detail?.operationId;
  if (hint !== undefined && typeof hint !== 'string') problems.add('detail.operationId', hint, 'an operation id (a string), or nothing');
  if (problems.problems.length > 0) throw new InvalidOperationEventError(problems.problems);
  return {
    serviceArn: arn!,
    serviceName: parts!.serviceName,
    region: raw.region as string,
    account: raw.account as string,
    time: raw.time as string,
    code: code as string,
    signal: deploymentSignal(code as string),
    ...(typeof hint === 'string' ? { operationIdHint: hint } : {}),
  };
}

/**
 * The EventBridge pattern of the construct's rule: App Runner's operation status changes whose code is
 * a deployment's, of the listed services (`resources`), or of the account's services when none are listed.
 * Plain data, so the construct passes it on and the tests evaluate it against sample events.
 */
export function deploymentEventPattern(scope: { readonly account: string; readonly serviceArns: readonly string[] }): Record<string, unknown> {
  const code = [{ prefix: DEPLOYMENT_CODE_PREFIX }];
  return {
    source: [APP_RUNNER_EVENT_SOURCE],
    'detail-type': [OPERATION_STATUS_CHANGE],
    account: [scope.account],
    ...(scope.serviceArns.length > 0 ? { resources: [...scope.serviceArns] } : {}),
    detail: { $or: [{ operationStatus: code }, { Status: code }] },
  };
}
