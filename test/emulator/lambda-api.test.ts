import {
  GetFunctionConfigurationCommand,
  InvalidRequestContentException,
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { AppRunnerEmulator, startEmulator } from '../../emulator/app-runner-emulator';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let emulator: AppRunnerEmulator;
let lambda: LambdaClient;
/** The hand-driven scheduler clock, epoch ms: asynchronous invocations and their retries run on it. */
let now: number;
let functionArn: string;
let events: unknown[];
const clients: { destroy(): void }[] = [];

/** The handler of the test function: echoes the event, throws when the event asks it to. */
async function echo(event: unknown): Promise<unknown> {
  events.push(event);
  if ((event as { fail?: string }).fail) throw new TypeError((event as { fail: string }).fail);
  return { echoed: event };
}

beforeEach(async () => {
  now = Date.parse('2026-12-01T21:00:00Z');
  events = [];
  emulator = await startEmulator({ scheduler: { clock: () => now } });
  functionArn = emulator.lambda.addFunction({
    name: 'apprunner-scheduler',
    handler: echo,
    environment: { SCHEDULER_GROUP_NAME: 'apprunner-scheduler', SCHEDULER_HOURS: '{}' },
    timeoutSeconds: 120,
  });
  lambda = new LambdaClient({ endpoint: emulator.endpoint, region: 'eu-west-1', credentials });
  clients.push(lambda);
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await emulator.close();
});

function payloadOf(response: { Payload?: Uint8Array }): unknown {
  return JSON.parse(Buffer.from(response.Payload ?? new Uint8Array()).toString('utf8'));
}

describe('Invoke, RequestResponse', () => {
  it('runs the handler with the payload and answers 200 with its result', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'apprunner-scheduler', Payload: JSON.stringify({ action: 'pause' }) }));

    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBeUndefined();
    expect(response.ExecutedVersion).toBe('$LATEST');
    expect(payloadOf(response)).toEqual({ echoed: { action: 'pause' } });
  });

  it.each([
    ['the full ARN', () => functionArn],
    ['a partial ARN', () => '123456789012:function:apprunner-scheduler'],
    ['the name with $LATEST', () => 'apprunner-scheduler:$LATEST'],
  ])('finds the function by %s', async (_case, name) => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: name(), Payload: '{}' }));

    expect(payloadOf(response)).toEqual({ echoed: {} });
  });

  it('hands the handler an empty payload as {}', async () => {
    await lambda.send(new InvokeCommand({ FunctionName: 'apprunner-scheduler' }));

    expect(events).toEqual([{}]);
  });

  it('answers a handler that throws with 200, X-Amz-Function-Error Unhandled and the error as the runtime reports it', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'apprunner-scheduler', Payload: JSON.stringify({ fail: 'bad selection' }) }));

    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe('Unhandled');
    const payload = payloadOf(response) as { errorType: string; errorMessage: string; trace: string[] };
    expect(payload).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad selection' });
    expect(payload.trace[0]).toBe('TypeError: bad selection');
  });

  it('gives the handler a context with the function ARN and the remaining time of its timeout', async () => {
    let seen: { arn?: string; remaining?: number } = {};
    emulator.lambda.addFunction({
      name: 'context-reader',
      timeoutSeconds: 120,
      handler: (_event, context) => {
        seen = { arn: context.invokedFunctionArn, remaining: context.getRemainingTimeInMillis() };
        return null;
      },
    });

    await lambda.send(new InvokeCommand({ FunctionName: 'context-reader' }));

    expect(seen.arn).toBe('arn:aws:lambda:eu-west-1:123456789012:function:context-reader');
    expect(seen.remaining).toBeGreaterThan(100_000);
    expect(seen.remaining).toBeLessThanOrEqual(120_000);
  });

  it('answers ResourceNotFoundException (404) for an unknown function, another Region\'s ARN or a version it does not have', async () => {
    for (const name of ['no-such-function', 'arn:aws:lambda:us-east-1:123456789012:function:apprunner-scheduler', 'apprunner-scheduler:7']) {
      const attempt = lambda.send(new InvokeCommand({ FunctionName: name }));
      await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(attempt).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 }, Type: 'User' });
    }
    expect(events).toEqual([]);
  });

  it('answers InvalidRequestContentException for a payload that is not JSON, and runs nothing', async () => {
    await expect(lambda.send(new InvokeCommand({ FunctionName: 'apprunner-scheduler', Payload: 'pause please' }))).rejects.toBeInstanceOf(
      InvalidRequestContentException,
    );
    expect(events).toEqual([]);
  });
});

describe('Invoke, Event and DryRun', () => {
  it('answers Event with 202 and runs the handler asynchronously', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'apprunner-scheduler', InvocationType: 'Event', Payload: '{"action":"resume"}' }));
    await emulator.scheduler.fireDue();

    expect(response.StatusCode).toBe(202);
    expect(events).toEqual([{ action: 'resume' }]);
    expect(emulator.lambda.invocations).toMatchObject([{ invocationType: 'Event', source: 'invoke', outcome: 'succeeded' }]);
  });

  it('retries a failed asynchronous invocation twice, on the scheduler clock', async () => {
    await lambda.send(new InvokeCommand({ FunctionName: 'apprunner-scheduler', InvocationType: 'Event', Payload: '{"fail":"again"}' }));
    await emulator.scheduler.fireDue();
    now += 60_000;
    await emulator.scheduler.fireDue();
    now += 120_000;
    await emulator.scheduler.fireDue();
    now += 600_000;
    await emulator.scheduler.fireDue();

    expect(emulator.lambda.invocations.map((i) => [i.attempt, i.startedAt - Date.parse('2026-12-01T21:00:00Z')])).toEqual([
      [1, 0],
      [2, 60_000],
      [3, 180_000],
    ]);
  });

  it('runs an asynchronous invocation by itself on an emulator given no scheduler clock', async () => {
    const plain = await startEmulator();
    plain.lambda.addFunction({ name: 'apprunner-scheduler', handler: echo });
    const client = new LambdaClient({ endpoint: plain.endpoint, region: 'eu-west-1', credentials });
    clients.push(client);

    await client.send(new InvokeCommand({ FunctionName: 'apprunner-scheduler', InvocationType: 'Event', Payload: '{"action":"pause"}' }));
    while (plain.lambda.invocations.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await plain.lambda.idle();
    await plain.close();

    expect(events).toEqual([{ action: 'pause' }]);
  });

  it('answers DryRun with 204 and runs nothing', async () => {
    const response = await lambda.send(new InvokeCommand({ FunctionName: 'apprunner-scheduler', InvocationType: 'DryRun' }));
    await emulator.scheduler.fireDue();

    expect(response.StatusCode).toBe(204);
    expect(events).toEqual([]);
  });
});

describe('GetFunctionConfiguration', () => {
  it('shows the function with its environment variables', async () => {
    const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'apprunner-scheduler' }));

    expect(configuration).toMatchObject({
      FunctionName: 'apprunner-scheduler',
      FunctionArn: functionArn,
      Timeout: 120,
      Environment: { Variables: { SCHEDULER_GROUP_NAME: 'apprunner-scheduler', SCHEDULER_HOURS: '{}' } },
    });
  });

  it('answers ResourceNotFoundException for an unknown function', async () => {
    await expect(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'no-such-function' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe('the wire', () => {
  it('logs each call with its operation and the function it names', async () => {
    await lambda.send(new InvokeCommand({ FunctionName: 'apprunner-scheduler', Payload: '{"action":"pause"}' }));

    expect(emulator.calls).toMatchObject([{ api: 'Lambda', operation: 'Invoke', targetArn: functionArn, httpStatus: 200, input: { action: 'pause' } }]);
  });

  it('answers an injected throttle with TooManyRequestsException 429, which the SDK retries', async () => {
    emulator.injectFault({ kind: 'throttle', api: 'Lambda', operation: 'Invoke' });

    await lambda.send(new InvokeCommand({ FunctionName: 'apprunner-scheduler' }));

    expect(emulator.callsTo('Invoke').map((c) => c.errorType)).toEqual(['TooManyRequestsException', undefined]);
    expect(events).toHaveLength(1);
  });

  it('serves clients routed by AWS_ENDPOINT_URL_LAMBDA', async () => {
    const saved = { ...process.env };
    process.env.AWS_ENDPOINT_URL_LAMBDA = emulator.endpoint;
    try {
      const viaEnv = new LambdaClient({ region: 'eu-west-1', credentials });
      clients.push(viaEnv);

      expect(payloadOf(await viaEnv.send(new InvokeCommand({ FunctionName: 'apprunner-scheduler', Payload: '{"a":1}' })))).toEqual({ echoed: { a: 1 } });
    } finally {
      process.env = saved;
    }
  });
});
