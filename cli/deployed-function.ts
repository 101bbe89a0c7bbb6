/**
 * The scheduler's deployed Lambda function, as the command line uses it: its configuration (the
 * hours it was deployed with) and a synchronous invocation with an event. The one place the
 * command line talks to Lambda.
 */
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { parseFailedRunMessage, type RunOutcomes, type RunReport } from '../lambda/report';
import type { AwsSettings } from './aws-environment';

/** What the function's configuration tells the command line. */
export interface FunctionConfiguration {
  /** The function's environment variables (`SCHEDULER_HOURS` among them). */
  readonly environment: Readonly<Record<string, string>>;
}

/** What a synchronous invocation came to. */
export type InvocationResult =
  | { readonly ok: true; readonly report: RunReport }
  | {
      readonly ok: false;
      /** Lambda's error type (`RunFailedError`, `InvalidEventError`, `Sandbox.Timedout`, ...). */
      readonly errorType: string;
      readonly errorMessage: string;
      /** The run's report, when the error carries one. */
      readonly report?: RunReport;
      /**
       * Every service's outcome, as a failed run's `RunFailedError` message carries it (the message is
       * then its headline alone). Absent when the message has none: another error, or an older function.
       */
      readonly outcomes?: RunOutcomes;
    };

/** The deployed function, behind a small interface so that commands can be tested against the emulator's Lambda. */
export interface DeployedFunction {
  readonly name: string;
  configuration(): Promise<FunctionConfiguration>;
  /** Invokes it with `RequestResponse` and waits for the run to end. */
  invoke(event: unknown): Promise<InvocationResult>;
}

/** A failure to reach the function (not a failure of its run): not found, access denied, throttled. */
export class FunctionCallError extends Error {
  constructor(
    readonly operation: string,
    readonly functionName: string,
    cause: unknown,
  ) {
    super(`${operation} on the function ${functionName} failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`, { cause });
    this.name = 'FunctionCallError';
  }
}

function isReport(value: unknown): value is RunReport {
  return typeof value === 'object' && value !== null && Array.isArray((value as RunReport).services) && typeof (value as RunReport).counts === 'object';
}

/**
 * Reads an invocation's payload: a report, or Lambda's error object: its type and message, the
 * report when the error carries it, and the outcomes a `RunFailedError`'s message carries.
 */
export function invocationResult(functionError: string | undefined, payload: string): InvocationResult {
  let body: unknown;
  try {
    body = payload === '' ? undefined : JSON.parse(payload);
  } catch {
    body = payload;
  }
  if (!functionError && isReport(body)) return { ok: true, report: body };
  const error = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const report = isReport(error.report) ? error.report : undefined;
  const errorType = typeof error.errorType === 'string' ? error.errorType : functionError ?? 'UnexpectedResponse';
  const message = typeof error.errorMessage === 'string' ? error.errorMessage : `the function answered ${JSON.stringify(body) ?? 'nothing'}`;
  const { headline, outcomes } = errorType === 'RunFailedError' ? parseFailedRunMessage(message) : { headline: message, outcomes: undefined };
  return { ok: false, errorType, errorMessage: headline, ...(report ? { report } : {}), ...(outcomes ? { outcomes } : {}) };
}

/** The function through the AWS SDK's Lambda client, configured from the environment. */
export class SdkDeployedFunction implements DeployedFunction {
  private readonly client: LambdaClient;

  constructor(
    readonly name: string,
    settings: AwsSettings,
    region: string | undefined,
  ) {
    const endpoint = settings.endpoint('LAMBDA');
    this.client = new LambdaClient({
      ...(region ? { region } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      ...(settings.profile ? { profile: settings.profile } : {}),
      ...(endpoint ? { endpoint } : {}),
      // A resume run takes minutes; the invocation waits for it, and is never retried behind the person's back.
      maxAttempts: 1,
    });
  }

  async configuration(): Promise<FunctionConfiguration> {
    try {
      const output = await this.client.send(new GetFunctionConfigurationCommand({ FunctionName: this.name }));
      return { environment: output.Environment?.Variables ?? {} };
    } catch (error) {
      throw new FunctionCallError('GetFunctionConfiguration', this.name, error);
    }
  }

  async invoke(event: unknown): Promise<InvocationResult> {
    let output;
    try {
      output = await this.client.send(
        new InvokeCommand({ FunctionName: this.name, InvocationType: 'RequestResponse', Payload: new TextEncoder().encode(JSON.stringify(event)) }),
      );
    } catch (error) {
      throw new FunctionCallError('Invoke', this.name, error);
    }
    return invocationResult(output.FunctionError, output.Payload ? new TextDecoder().decode(output.Payload) : '');
  }
}
