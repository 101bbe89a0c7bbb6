/**
 * Lambda's API (2015-03-31) as the emulator serves it, for the functions tests register: Invoke and
 * GetFunctionConfiguration, REST-JSON with SigV4 signing name `lambda`. Routes and shapes are the public
 * API model's (aws-sdk-js-v3 `codegen/sdk-codegen/aws-models/lambda.json`):
 * - `POST /2015-03-31/functions/{FunctionName}/invocations`, `Qualifier` in the query,
 *   `X-Amz-Invocation-Type` (RequestResponse, the default; Event; DryRun) in a header, the payload as the
 *   body. RequestResponse answers 200 with the handler's result as JSON; a handler that throws answers 200
 *   with `X-Amz-Function-Error: Unhandled` and `{"errorType", "errorMessage", "trace"}`, as the Node.js
 *   runtime reports an uncaught error. Event answers 202 and runs the handler asynchronously (see
 *   `functions.ts` for retries); DryRun answers 204 and runs nothing.
 * - `GET /2015-03-31/functions/{FunctionName}/configuration`: the FunctionConfiguration, with
 *   `Environment.Variables`.
 * - FunctionName is a name, an ARN or a partial ARN, optionally qualified with `$LATEST`. An unknown
 *   function answers `ResourceNotFoundException` (404); a payload that is not JSON
 *   `InvalidRequestContentException` (400). Errors carry `{"Type": "User", "Message"}` and
 *   `x-amzn-ErrorType`.
 *
 * Where the public material is silent, the emulator chooses, and says so:
 * - An empty payload reaches the handler as `{}`.
 * - A handler that returns nothing answers `null`. No payload size limits, no `LogResult` (the emulator
 *   keeps no function logs), no versions or aliases.
 */
import { ApiError } from './api-error';
import { FunctionRecord, FunctionRegistry } from './functions';
import { RestRequest, RestResponse, RestRoute } from './rest-api';

/** What a Lambda operation needs besides its request. */
export interface LambdaApiContext {
  readonly functions: FunctionRegistry;
}

/** The Lambda operations the emulator serves. */
export const LAMBDA_ROUTES: readonly RestRoute<LambdaApiContext>[] = [
  { method: 'POST', path: '/2015-03-31/functions/{FunctionName}/invocations', operation: 'Invoke', handle: invoke },
  { method: 'GET', path: '/2015-03-31/functions/{FunctionName}/configuration', operation: 'GetFunctionConfiguration', handle: getFunctionConfiguration },
];

/** The errors whose model names their text `message`; the others name it `Message`. */
const LOWER_CASE_MESSAGE: ReadonlySet<string> = new Set(['InvalidRequestContentException', 'InvalidParameterValueException', 'TooManyRequestsException']);

/** The body of a Lambda error on the wire. */
export function lambdaErrorBody(error: ApiError): Record<string, unknown> {
  const type = error.httpStatus >= 500 ? 'Service' : 'User';
  return LOWER_CASE_MESSAGE.has(error.type) ? { Type: type, message: error.message } : { Type: type, Message: error.message };
}

async function invoke(request: RestRequest, { functions }: LambdaApiContext): Promise<RestResponse> {
  const fn = lookup(request, functions);
  const type = request.headers['x-amz-invocation-type'] ?? 'RequestResponse';
  if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
    throw new ApiError('InvalidParameterValueException', 400, `X-Amz-Invocation-Type must be RequestResponse, Event or DryRun; got '${type}'.`);
  }
  const event = readPayload(request.body);
  if (type === 'DryRun') return { status: 204 };
  if (type === 'Event') {
    const requestId = functions.invokeLater(fn, event, 'invoke');
    return { status: 202, headers: { 'x-amzn-RequestId': requestId } };
  }
  const record = await functions.invokeNow(fn, event);
  const headers = { 'content-type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': record.requestId };
  if (record.outcome === 'failed') {
    return { status: 200, headers: { ...headers, 'X-Amz-Function-Error': 'Unhandled' }, body: JSON.stringify(errorPayload(record.error)) };
  }
  return { status: 200, headers, body: JSON.stringify(record.result ?? null) };
}

function getFunctionConfiguration(request: RestRequest, { functions }: LambdaApiContext): RestResponse {
  const fn = lookup(request, functions);
  return { status: 200, body: configurationShape(fn) };
}

function lookup(request: RestRequest, functions: FunctionRegistry): FunctionRecord {
  const name = request.labels.FunctionName;
  const fn = functions.resolve(name, request.region, request.query.Qualifier);
  if (!fn) throw new ApiError('ResourceNotFoundException', 404, `Function not found: ${name}`);
  return fn;
}

function readPayload(body: string): unknown {
  if (body.trim() === '') return {};
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new ApiError('InvalidRequestContentException', 400, `Could not parse request body into json: ${String(error)}`);
  }
}

/** What the Node.js runtime reports for an error the handler did not catch. */
function errorPayload(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: (error.stack ?? '').split('\n') };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

function configurationShape(fn: FunctionRecord): Record<string, unknown> {
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: 'nodejs22.x',
    Role: fn.roleArn,
    Handler: 'index.handler',
    Timeout: fn.timeoutSeconds,
    MemorySize: fn.memoryMb,
    Version: '$LATEST',
    Environment: { Variables: { ...fn.environment } },
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
  };
}
