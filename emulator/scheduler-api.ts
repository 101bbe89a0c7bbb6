/**
 * EventBridge Scheduler's API (2021-06-30) as the emulator serves it: REST-JSON, SigV4 signing name
 * `scheduler`, for CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule and ListSchedules. Routes,
 * fields, limits and errors are the public API model's (aws-sdk-js-v3 `codegen/sdk-codegen/aws-models/
 * scheduler.json`):
 * - `POST /schedules/{Name}` (create), `GET` / `PUT` / `DELETE` on the same path, `GET /schedules` (list).
 *   Create and update take `GroupName` in the body; get and delete take `groupName` in the query; list
 *   takes `ScheduleGroup`, `NamePrefix`, `State`, `NextToken`, `MaxResults` (1-100) in the query.
 * - Errors: `ValidationException` 400, `ResourceNotFoundException` 404, `ConflictException` 409,
 *   `ServiceQuotaExceededException` 402, `ThrottlingException` 429, `InternalServerException` 500, each
 *   with a `Message`; the type also goes in `x-amzn-ErrorType`. Timestamps are epoch seconds.
 *
 * Validated as the model constrains it: Name and GroupName (1-64, `[0-9a-zA-Z-_.]`), ScheduleExpression
 * (at/rate/cron syntax, 1-256), ScheduleExpressionTimezone (an IANA zone the runtime knows, default UTC),
 * FlexibleTimeWindow (required; FLEXIBLE needs MaximumWindowInMinutes 1-1440), Target (Arn, RoleArn with
 * the model's pattern, Input at least 1 character and, for a Lambda target, well-formed JSON as the model
 * documents; RetryPolicy ranges; DeadLetterConfig's SQS ARN), State, ActionAfterCompletion, KmsKeyArn's
 * pattern, Description (0-512), ClientToken.
 *
 * Where the public material is silent, the emulator chooses, and says so:
 * - The messages are the emulator's own; callers must branch on the error type.
 * - Expressions are read by the project's one evaluator, `contract/schedule-expression.ts`, whose header
 *   lists what it refuses where the user guide is silent; a time zone is accepted when the runtime's Intl
 *   knows it (`isTimeZone`).
 * - CreateSchedule with the ClientToken of the existing schedule of that name answers its ARN again (the
 *   operation is `@idempotent` in the model, and the SDK reuses the token on retries); with any other
 *   token, ConflictException.
 * - ListSchedules lists in creation order, 100 a page unless MaxResults (or the emulator's
 *   `defaultPageSize`) says otherwise; AWS documents neither the order nor the default page size.
 * - GetSchedule shows the defaults a schedule was created with: State ENABLED, ActionAfterCompletion NONE,
 *   ScheduleExpressionTimezone UTC, RetryPolicy 185 attempts / 86,400 s (the documented defaults).
 */
import { ApiError } from './api-error';
import { RestRequest, RestResponse, RestRoute, jsonBody } from './rest-api';
import {
  ActionAfterCompletion,
  DEFAULT_GROUP,
  FlexibleTimeWindowMode,
  ScheduleBook,
  ScheduleDefinition,
  ScheduleSnapshot,
  ScheduleState,
} from './schedules';
import { isTimeZone } from '../contract/local-time';
import { ScheduleExpressionError, parseScheduleExpression } from '../contract/schedule-expression';

/** What a Scheduler operation needs besides its request. */
export interface SchedulerContext {
  readonly book: ScheduleBook;
  /** Page size for ListSchedules without MaxResults. @default 100 */
  readonly defaultPageSize?: number;
}

/** The Scheduler operations the emulator serves. */
export const SCHEDULER_ROUTES: readonly RestRoute<SchedulerContext>[] = [
  { method: 'POST', path: '/schedules/{Name}', operation: 'CreateSchedule', handle: createSchedule },
  { method: 'GET', path: '/schedules/{Name}', operation: 'GetSchedule', handle: getSchedule },
  { method: 'PUT', path: '/schedules/{Name}', operation: 'UpdateSchedule', handle: updateSchedule },
  { method: 'DELETE', path: '/schedules/{Name}', operation: 'DeleteSchedule', handle: deleteSchedule },
  { method: 'GET', path: '/schedules', operation: 'ListSchedules', handle: listSchedules },
];

/** `ValidationException` (400). */
export function validationError(message: string): ApiError {
  return new ApiError('ValidationException', 400, message);
}

/** Scheduler's `ResourceNotFoundException`: 404, as the model's httpError trait says. */
function notFound(message: string): ApiError {
  return new ApiError('ResourceNotFoundException', 404, message);
}

/** Name, NamePrefix and ScheduleGroupName in the model: 1-64 characters of this pattern. */
const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const KMS_KEY_ARN = /^arn:aws(-[a-z]+)?:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[0-9a-zA-Z-_]*$/;
const SQS_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;
const CLIENT_TOKEN = /^[a-zA-Z0-9-_]{1,64}$/;
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-zA-Z-]*:lambda:[^:]+:\d{12}:function:/;
const EXPRESSION_MAX = 256;
const TIME_ZONE_MAX = 50;
const DESCRIPTION_MAX = 512;
const TARGET_ARN_MAX = 1600;
const MAX_RESULTS = 100;
/** The documented RetryPolicy defaults: 185 attempts, 24 hours. */
const DEFAULT_RETRY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 };

function createSchedule(request: RestRequest, { book }: SchedulerContext): RestResponse {
  const input = jsonBody(request.body, validationError);
  const name = checkName(request.labels.Name, 'Name');
  const groupName = checkGroup(input.GroupName, book);
  const definition = readDefinition(input);
  const clientToken = optionalString(input.ClientToken, 'ClientToken', CLIENT_TOKEN);
  const existing = book.find(request.region, groupName, name);
  if (existing) {
    if (clientToken !== undefined && book.clientTokenOf(existing) === clientToken) return ok({ ScheduleArn: existing.arn });
    throw new ApiError('ConflictException', 409, `Schedule ${name} already exists in group ${groupName}.`);
  }
  return ok({ ScheduleArn: book.create(request.region, groupName, name, definition, clientToken).arn });
}

function updateSchedule(request: RestRequest, { book }: SchedulerContext): RestResponse {
  const input = jsonBody(request.body, validationError);
  const name = checkName(request.labels.Name, 'Name');
  const groupName = checkGroup(input.GroupName, book);
  const definition = readDefinition(input);
  optionalString(input.ClientToken, 'ClientToken', CLIENT_TOKEN);
  return ok({ ScheduleArn: book.update(lookup(request.region, groupName, name, book), definition).arn });
}

function getSchedule(request: RestRequest, { book }: SchedulerContext): RestResponse {
  const name = checkName(request.labels.Name, 'Name');
  const groupName = checkGroup(request.query.groupName, book);
  return ok(scheduleShape(lookup(request.region, groupName, name, book)));
}

function deleteSchedule(request: RestRequest, { book }: SchedulerContext): RestResponse {
  const name = checkName(request.labels.Name, 'Name');
  const groupName = checkGroup(request.query.groupName, book);
  optionalString(request.query.clientToken, 'clientToken', CLIENT_TOKEN);
  lookup(request.region, groupName, name, book);
  book.delete(request.region, groupName, name);
  return ok({});
}

function listSchedules(request: RestRequest, { book, defaultPageSize }: SchedulerContext): RestResponse {
  const { query } = request;
  const groupName = query.ScheduleGroup === undefined ? undefined : checkGroup(query.ScheduleGroup, book);
  const prefix = query.NamePrefix === undefined ? undefined : checkName(query.NamePrefix, 'NamePrefix');
  const state = query.State === undefined ? undefined : oneOf<ScheduleState>(query.State, 'State', ['ENABLED', 'DISABLED']);
  const limit = query.MaxResults === undefined ? (defaultPageSize ?? MAX_RESULTS) : integerIn(Number(query.MaxResults), 'MaxResults', 1, MAX_RESULTS, query.MaxResults);
  const scope = `ListSchedules:${request.region}:${groupName ?? '*'}:${prefix ?? ''}:${state ?? ''}`;
  const after = readToken(query.NextToken, scope);
  const matching = book
    .inRegion(request.region, groupName)
    .filter((s) => (prefix === undefined || s.name.startsWith(prefix)) && (state === undefined || s.state === state) && s.seq > after);
  const page = matching.slice(0, limit);
  return ok({
    Schedules: page.map((s) => ({
      Arn: s.arn,
      Name: s.name,
      GroupName: s.groupName,
      State: s.state,
      CreationDate: s.createdAt / 1000,
      LastModificationDate: s.modifiedAt / 1000,
      Target: { Arn: s.target.arn },
    })),
    NextToken: matching.length > limit ? makeToken(scope, page[page.length - 1].seq) : undefined,
  });
}

function lookup(region: string, groupName: string, name: string, book: ScheduleBook): ScheduleSnapshot {
  const schedule = book.find(region, groupName, name);
  if (!schedule) throw notFound(`Schedule ${name} does not exist in group ${groupName}.`);
  return schedule;
}

function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw validationError(`${field} must be 1-64 characters of letters, digits, '-', '_' and '.'; got '${String(value)}'.`);
  }
  return value;
}

/** GroupName: omitted means `default`; a group the emulator was not told about does not exist. */
function checkGroup(value: unknown, book: ScheduleBook): string {
  if (value === undefined || value === null) return DEFAULT_GROUP;
  const name = checkName(value, 'GroupName');
  if (!book.hasGroup(name)) throw notFound(`Schedule group ${name} does not exist.`);
  return name;
}

/** Every field CreateSchedule and UpdateSchedule share, checked; the instant of an at() expression read. */
function readDefinition(input: Record<string, unknown>): ScheduleDefinition {
  const expression = requiredString(input.ScheduleExpression, 'ScheduleExpression', EXPRESSION_MAX);
  const timeZone = readTimeZone(input.ScheduleExpressionTimezone);
  try {
    parseScheduleExpression(expression);
  } catch (error) {
    if (error instanceof ScheduleExpressionError) throw validationError(`Invalid Schedule Expression ${expression}: ${error.message}`);
    throw error;
  }
  return {
    expression,
    timeZone,
    state: input.State === undefined ? 'ENABLED' : oneOf<ScheduleState>(input.State, 'State', ['ENABLED', 'DISABLED']),
    actionAfterCompletion:
      input.ActionAfterCompletion === undefined
        ? 'NONE'
        : oneOf<ActionAfterCompletion>(input.ActionAfterCompletion, 'ActionAfterCompletion', ['NONE', 'DELETE']),
    flexibleTimeWindow: readWindow(input.FlexibleTimeWindow),
    target: readTarget(input.Target),
    description: optionalString(input.Description, 'Description', undefined, DESCRIPTION_MAX),
    kmsKeyArn: optionalString(input.KmsKeyArn, 'KmsKeyArn', KMS_KEY_ARN, 2048),
    startDate: optionalTimestamp(input.StartDate, 'StartDate'),
    endDate: optionalTimestamp(input.EndDate, 'EndDate'),
  };
}

function readTimeZone(value: unknown): string {
  if (value === undefined || value === null) return 'UTC';
  const zone = requiredString(value, 'ScheduleExpressionTimezone', TIME_ZONE_MAX);
  if (!isTimeZone(zone)) throw validationError(`Invalid time zone ${zone}: ScheduleExpressionTimezone takes an IANA time zone such as Europe/London.`);
  return zone;
}

function readWindow(value: unknown): ScheduleDefinition['flexibleTimeWindow'] {
  if (!isObject(value)) throw validationError('FlexibleTimeWindow is required: {"Mode": "OFF"} or {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 1-1440}.');
  const mode = oneOf<FlexibleTimeWindowMode>(value.Mode, 'FlexibleTimeWindow.Mode', ['OFF', 'FLEXIBLE']);
  const minutes = value.MaximumWindowInMinutes;
  if (mode === 'OFF') {
    if (minutes !== undefined) throw validationError('FlexibleTimeWindow.MaximumWindowInMinutes is only allowed with Mode FLEXIBLE.');
    return { mode };
  }
  return { mode, maximumWindowInMinutes: integerIn(minutes, 'FlexibleTimeWindow.MaximumWindowInMinutes', 1, 1440) };
}

function readTarget(value: unknown): ScheduleDefinition['target'] {
  if (!isObject(value)) throw validationError('Target is required: {"Arn", "RoleArn", "Input"?...}.');
  const arn = requiredString(value.Arn, 'Target.Arn', TARGET_ARN_MAX);
  const roleArn = requiredString(value.RoleArn, 'Target.RoleArn', TARGET_ARN_MAX);
  if (!ROLE_ARN.test(roleArn)) throw validationError(`Target.RoleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>); got '${roleArn}'.`);
  const input = optionalString(value.Input, 'Target.Input');
  if (input !== undefined && LAMBDA_FUNCTION_ARN.test(arn)) {
    try {
      JSON.parse(input);
    } catch {
      throw validationError('Target.Input must be well-formed JSON for a Lambda target.');
    }
  }
  const retry = value.RetryPolicy;
  if (retry !== undefined && !isObject(retry)) throw validationError('Target.RetryPolicy must be an object.');
  const dlq = value.DeadLetterConfig;
  if (dlq !== undefined && !isObject(dlq)) throw validationError('Target.DeadLetterConfig must be an object.');
  return {
    arn,
    roleArn,
    input,
    retryPolicy: {
      maximumEventAgeInSeconds:
        retry?.MaximumEventAgeInSeconds === undefined
          ? DEFAULT_RETRY.maximumEventAgeInSeconds
          : integerIn(retry.MaximumEventAgeInSeconds, 'Target.RetryPolicy.MaximumEventAgeInSeconds', 60, 86_400),
      maximumRetryAttempts:
        retry?.MaximumRetryAttempts === undefined
          ? DEFAULT_RETRY.maximumRetryAttempts
          : integerIn(retry.MaximumRetryAttempts, 'Target.RetryPolicy.MaximumRetryAttempts', 0, 185),
    },
    deadLetterArn: dlq === undefined ? undefined : optionalString(dlq.Arn, 'Target.DeadLetterConfig.Arn', SQS_ARN, TARGET_ARN_MAX),
  };
}

/** GetSchedule's output. */
function scheduleShape(s: ScheduleSnapshot): Record<string, unknown> {
  return {
    Arn: s.arn,
    GroupName: s.groupName,
    Name: s.name,
    ScheduleExpression: s.expression,
    ScheduleExpressionTimezone: s.timeZone,
    StartDate: s.startDate,
    EndDate: s.endDate,
    Description: s.description,
    State: s.state,
    CreationDate: s.createdAt / 1000,
    LastModificationDate: s.modifiedAt / 1000,
    KmsKeyArn: s.kmsKeyArn,
    Target: {
      Arn: s.target.arn,
      RoleArn: s.target.roleArn,
      Input: s.target.input,
      RetryPolicy: {
        MaximumEventAgeInSeconds: s.target.retryPolicy.maximumEventAgeInSeconds,
        MaximumRetryAttempts: s.target.retryPolicy.maximumRetryAttempts,
      },
      DeadLetterConfig: s.target.deadLetterArn === undefined ? undefined : { Arn: s.target.deadLetterArn },
    },
    FlexibleTimeWindow: { Mode: s.flexibleTimeWindow.mode, MaximumWindowInMinutes: s.flexibleTimeWindow.maximumWindowInMinutes },
    ActionAfterCompletion: s.actionAfterCompletion,
  };
}

function ok(body: Record<string, unknown>): RestResponse {
  return { status: 200, body };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function requiredString(value: unknown, field: string, max?: number): string {
  if (typeof value !== 'string' || value.length === 0) throw validationError(`${field} is required: a non-empty string.`);
  if (max !== undefined && value.length > max) throw validationError(`${field} must be at most ${max} characters; got ${value.length}.`);
  return value;
}

function optionalString(value: unknown, field: string, pattern?: RegExp, max?: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationError(`${field} must be a string; got ${JSON.stringify(value)}.`);
  if (value.length === 0 && field !== 'Description') throw validationError(`${field} must not be empty.`);
  if (max !== undefined && value.length > max) throw validationError(`${field} must be at most ${max} characters; got ${value.length}.`);
  if (pattern && !pattern.test(value)) throw validationError(`${field} does not match ${pattern.source}; got '${value}'.`);
  return value;
}

function optionalTimestamp(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw validationError(`${field} must be a timestamp (epoch seconds); got ${JSON.stringify(value)}.`);
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw validationError(`${field} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}.`);
}

function integerIn(value: unknown, field: string, min: number, max: number, shown: unknown = value): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validationError(`${field} must be an integer from ${min} to ${max}; got ${JSON.stringify(shown)}.`);
  }
  return value;
}

/** Opaque to callers; bound to one listing so it cannot be replayed with other filters. */
function makeToken(scope: string, afterSeq: number): string {
  return Buffer.from(JSON.stringify({ scope, afterSeq })).toString('base64url');
}

function readToken(token: string | undefined, scope: string): number {
  if (token === undefined || token === '') return 0;
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (decoded.scope === scope && typeof decoded.afterSeq === 'number') return decoded.afterSeq;
  } catch {
    // Falls through to the error below: a token that is not ours is as invalid as one from elsewhere.
  }
  throw validationError(`The pagination token '${token}' is not valid for this request.`);
}
