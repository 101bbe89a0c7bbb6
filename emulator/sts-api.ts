/**
 * STS (2011-06-15) over the AWS query protocol, as `@aws-sdk/client-sts` speaks it: `POST /` with a
 * form-urlencoded body `Action=<Operation>&Version=2011-06-15&...`, SigV4 signing name `sts`; XML answers
 * in the namespace `https://sts.amazonaws.com/doc/2011-06-15/`, `<Operation>Response` wrapping
 * `<Operation>Result` and `ResponseMetadata`; errors as
 * `<ErrorResponse><Error><Type>Sender|Receiver</Type><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 *
 * Served: AssumeRole (RoleArn, RoleSessionName, DurationSeconds, ExternalId; policies, tags and MFA are
 * accepted and ignored) and GetCallerIdentity. The roles and sessions live in `accounts.ts`.
 *
 * Errors, from the STS API reference and what STS answers in practice:
 * - AccessDenied 403 (role missing, external id not matching), ValidationError 400, InvalidAction 400
 *   (an Action the emulator does not serve), MissingParameter 400 (no RoleArn or RoleSessionName).
 * - `Throttling` 400 "Rate exceeded" (what STS answers; the SDK retries it), InternalFailure 500,
 *   ServiceUnavailable 503: injected faults (see `faults.ts`).
 * - ExpiredToken 403: a call signed with an expired session. The STS model's `ExpiredTokenException`
 *   (400) is about web identity and SAML tokens passed as input; for expired signing credentials query
 *   services answer `ExpiredToken` with 403 (aws-sdk-java-v2#1649 shows STS doing so).
 */
import { AssumeRoleInput, Accounts, Caller, StsRefusal } from './accounts';
import { ApiError } from './api-error';

/** The query protocol's version for STS. */
const VERSION = '2011-06-15';
const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The form parameters of a query request (a parameter given twice keeps its last value). */
export type QueryParameters = Readonly<Record<string, string>>;

/** Reads a form-urlencoded body. */
export function parseQuery(body: string): QueryParameters {
  return Object.fromEntries(new URLSearchParams(body).entries());
}

/** The STS operations the emulator serves. */
export const STS_OPERATIONS: ReadonlySet<string> = new Set(['AssumeRole', 'GetCallerIdentity']);

/** Answers one STS call for `caller`: the XML body, or an ApiError (STS's code as `type`). */
export function answerSts(parameters: QueryParameters, caller: Caller, accounts: Accounts, requestId: string): string {
  const action = parameters.Action ?? '';
  if (!STS_OPERATIONS.has(action)) throw new ApiError('InvalidAction', 400, `The action ${action || '(none)'} is not valid for this web service.`);
  if (parameters.Version !== VERSION) {
    throw new ApiError('InvalidParameterValue', 400, `Version must be ${VERSION}, got '${parameters.Version ?? ''}'.`);
  }
  if (action === 'GetCallerIdentity') {
    return response(action, requestId, text('Arn', caller.arn) + text('UserId', caller.userId) + text('Account', caller.account));
  }
  const credentials = issue(accounts, caller, assumeRoleInput(parameters));
  return response(
    action,
    requestId,
    element('AssumedRoleUser', text('Arn', credentials.assumedRoleArn) + text('AssumedRoleId', credentials.assumedRoleId)) +
      element(
        'Credentials',
        text('AccessKeyId', credentials.accessKeyId) +
          text('SecretAccessKey', credentials.secretAccessKey) +
          text('SessionToken', credentials.sessionToken) +
          text('Expiration', new Date(credentials.expiresAt).toISOString()),
      ),
  );
}

/** The ARN an STS call names (AssumeRole's RoleArn), for the call log and fault filters. */
export function arnsOfSts(parameters: QueryParameters): string[] {
  return parameters.Action === 'AssumeRole' && parameters.RoleArn ? [parameters.RoleArn] : [];
}

/** An error as STS sends it: `Sender` for 4xx, `Receiver` for 5xx. */
export function stsErrorBody(error: ApiError, requestId: string): string {
  const type = error.httpStatus >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${NAMESPACE}">` +
    element('Error', text('Type', type) + text('Code', error.type) + text('Message', error.message)) +
    text('RequestId', requestId) +
    '</ErrorResponse>'
  );
}

function issue(accounts: Accounts, caller: Caller, input: AssumeRoleInput): ReturnType<Accounts['assumeRole']> {
  try {
    return accounts.assumeRole(caller, input);
  } catch (error) {
    if (error instanceof StsRefusal) throw new ApiError(error.code, error.httpStatus, error.message);
    throw error;
  }
}

function assumeRoleInput(parameters: QueryParameters): AssumeRoleInput {
  for (const name of ['RoleArn', 'RoleSessionName']) {
    if (!parameters[name]) throw new ApiError('MissingParameter', 400, `The request must contain the parameter ${name}.`);
  }
  const duration = parameters.DurationSeconds;
  return {
    roleArn: parameters.RoleArn,
    roleSessionName: parameters.RoleSessionName,
    durationSeconds: duration === undefined ? undefined : Number(duration),
    externalId: parameters.ExternalId,
  };
}

function response(action: string, requestId: string, result: string): string {
  return (
    `<${action}Response xmlns="${NAMESPACE}">` +
    element(`${action}Result`, result) +
    element('ResponseMetadata', text('RequestId', requestId)) +
    `</${action}Response>`
  );
}

/** `<name>children</name>`, the children already XML. */
function element(name: string, children: string): string {
  return `<${name}>${children}</${name}>`;
}

/** `<name>value</name>`, the value escaped. */
function text(name: string, value: string): string {
  return element(name, value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}
