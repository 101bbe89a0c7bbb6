/**
 * The Lambda functions of the emulator's world: registered by tests (name, handler, environment), invoked
 * synchronously by Lambda's Invoke API (`lambda-api.ts`) and asynchronously by Invoke with
 * `InvocationType: Event` and by firing schedules, with every invocation recorded.
 *
 * Asynchronous invocations follow the Lambda developer guide: a function error is retried twice by default
 * ("Lambda retries function errors twice"), one minute after the first attempt and two minutes after the
 * second, on the scheduler clock; `maximumRetryAttempts` (0-2, as PutFunctionEventInvokeConfig allows)
 * changes the count. Where the guide is silent the emulator chooses, and says so:
 * - An asynchronous invocation starts at the first tick after it was queued, with no queueing delay.
 * - A handler's remaining time (`getRemainingTimeInMillis`) runs on real time, from the function's
 *   timeout: deadlines are never virtual, so a scaled clock cannot make a run time out.
 * - No versions or aliases: `$LATEST` is the only qualifier a function answers to.
 */

/** The Lambda context the emulator hands a handler (the fields this project reads, and a few more). */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/** A function's code: what a Lambda handler is. */
export type FunctionHandler = (event: unknown, context: LambdaContext) => unknown;

/** A function to register. */
export interface FunctionSpec {
  /** FunctionName: 1-64 characters, letters, digits, '-' and '_'. */
  readonly name: string;
  readonly handler: FunctionHandler;
  /** @default 'eu-west-1' */
  readonly region?: string;
  /** Environment.Variables, as GetFunctionConfiguration shows them. @default none */
  readonly environment?: Record<string, string>;
  /** The timeout; the handler's remaining time starts from it (on real time). @default 900 */
  readonly timeoutSeconds?: number;
  /** MemorySize, as the context and GetFunctionConfiguration show it. @default 256 */
  readonly memoryMb?: number;
  /** Retries of a failed asynchronous invocation, 0-2. @default 2, Lambda's default */
  readonly maximumRetryAttempts?: number;
  /** The execution role's ARN. @default arn:aws:iam::<account>:role/<name>-role */
  readonly roleArn?: string;
}

/** A registered function, as GetFunctionConfiguration describes it. */
export interface FunctionRecord {
  readonly name: string;
  readonly arn: string;
  readonly region: string;
  readonly handler: FunctionHandler;
  readonly environment: Record<string, string>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly maximumRetryAttempts: number;
  readonly roleArn: string;
}

/** How an invocation reached the function. */
export type InvocationSource = 'invoke' | 'schedule';

/** One attempt at running a function's handler. Times are epoch ms on the scheduler clock. */
export interface InvocationRecord {
  /** 1 for the emulator's first invocation; a retry of an asynchronous invocation gets a seq of its own. */
  readonly seq: number;
  readonly functionArn: string;
  readonly functionName: string;
  readonly invocationType: 'RequestResponse' | 'Event';
  readonly source: InvocationSource;
  /** The schedule that fired it, for `source: 'schedule'`. */
  readonly scheduleArn?: string;
  /** The request id, shared by the attempts of one asynchronous invocation. */
  readonly requestId: string;
  /** 1 for the first attempt, 2 and 3 for Lambda's retries. */
  readonly attempt: number;
  /** The event the handler received. */
  readonly event: unknown;
  readonly startedAt: number;
  /** Undefined while the handler runs. */
  readonly finishedAt?: number;
  readonly outcome: 'running' | 'succeeded' | 'failed';
  /** What the handler returned. */
  readonly result?: unknown;
  /** What the handler threw. */
  readonly error?: unknown;
}

type MutableInvocation = { -readonly [K in keyof InvocationRecord]: InvocationRecord[K] };

interface QueuedInvocation {
  readonly fn: FunctionRecord;
  readonly event: unknown;
  readonly source: InvocationSource;
  readonly scheduleArn?: string;
  readonly requestId: string;
  readonly attempt: number;
  readonly dueAt: number;
}

/** Lambda's waits before the second and third attempt of a failed asynchronous invocation, in ms. */
const ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];
const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;

/** The functions of one account, their invocations and the queue of asynchronous ones. */
export class FunctionRegistry {
  private readonly functions = new Map<string, FunctionRecord>();
  private readonly log: MutableInvocation[] = [];
  private readonly queue: QueuedInvocation[] = [];
  private readonly running = new Set<Promise<void>>();
  private nextSeq = 1;
  private nextRequest = 1;

  /**
   * `clock` is the scheduler clock (epoch ms) that invocation times and retries use; `onQueued` is told
   * whenever an asynchronous invocation is queued, so that the emulator keeps ticking until it starts.
   */
  constructor(
    private readonly account: string,
    private readonly clock: () => number,
    private readonly onQueued: () => void = () => undefined,
  ) {}

  /** Registers a function (replacing one of the same name and Region) and returns its ARN. */
  add(spec: FunctionSpec): string {
    if (!FUNCTION_NAME.test(spec.name)) throw new Error(`function name must be 1-64 letters, digits, '-' or '_'; got '${spec.name}'`);
    const retries = spec.maximumRetryAttempts ?? 2;
    if (!Number.isInteger(retries) || retries < 0 || retries > 2) throw new Error(`maximumRetryAttempts must be 0, 1 or 2; got ${retries}`);
    const region = spec.region ?? 'eu-west-1';
    const arn = `arn:aws:lambda:${region}:${this.account}:function:${spec.name}`;
    this.functions.set(arn, {
      name: spec.name,
      arn,
      region,
      handler: spec.handler,
      environment: { ...spec.environment },
      timeoutSeconds: spec.timeoutSeconds ?? 900,
      memoryMb: spec.memoryMb ?? 256,
      maximumRetryAttempts: retries,
      roleArn: spec.roleArn ?? `arn:aws:iam::${this.account}:role/${spec.name}-role`,
    });
    return arn;
  }

  /**
   * The function a FunctionName names in a Region: a name, a full ARN or a partial ARN
   * (`<account>:function:<name>`), each optionally with `:$LATEST`. Undefined when there is none.
   */
  resolve(functionName: string, region: string, qualifier?: string): FunctionRecord | undefined {
    const match = /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9-_]+)(?::([a-zA-Z0-9$_-]+))?$/.exec(functionName);
    if (!match) return undefined;
    const [, arnRegion, account, name, nameQualifier] = match;
    if ((arnRegion !== undefined && arnRegion !== region) || (account !== undefined && account !== this.account)) return undefined;
    for (const q of [nameQualifier, qualifier]) if (q !== undefined && q !== '$LATEST') return undefined;
    return this.functions.get(`arn:aws:lambda:${region}:${this.account}:function:${name}`);
  }

  /** The function with this exact ARN (a schedule's target), `:$LATEST` allowed. */
  byArn(arn: string): FunctionRecord | undefined {
    return this.functions.get(arn.replace(/:\$LATEST$/, ''));
  }

  /** Every invocation attempt so far, in start order. */
  get invocations(): readonly InvocationRecord[] {
    return this.log;
  }

  /** Runs the handler now and settles with its record once it returned or threw. */
  async invokeNow(fn: FunctionRecord, event: unknown): Promise<InvocationRecord> {
    return this.run(fn, event, 'RequestResponse', 'invoke', `emulator-request-${this.nextRequest++}`, 1);
  }

  /** Queues an asynchronous invocation (it starts at the next tick) and returns its request id. */
  invokeLater(fn: FunctionRecord, event: unknown, source: InvocationSource, scheduleArn?: string): string {
    const requestId = `emulator-request-${this.nextRequest++}`;
    this.queue.push({ fn, event, source, scheduleArn, requestId, attempt: 1, dueAt: this.clock() });
    this.onQueued();
    return requestId;
  }

  /** Whether asynchronous invocations (first attempts or retries) wait to start. */
  hasQueued(): boolean {
    return this.queue.length > 0;
  }

  /** Starts every queued asynchronous invocation that is due. */
  startDue(): void {
    const now = this.clock();
    for (const item of this.queue.filter((q) => q.dueAt <= now)) {
      this.queue.splice(this.queue.indexOf(item), 1);
      const done = this.run(item.fn, item.event, 'Event', item.source, item.requestId, item.attempt, item.scheduleArn).then((record) => {
        if (record.outcome === 'failed' && item.attempt <= item.fn.maximumRetryAttempts) {
          this.queue.push({ ...item, attempt: item.attempt + 1, dueAt: this.clock() + ASYNC_RETRY_DELAYS_MS[item.attempt - 1] });
          this.onQueued();
        }
      });
      const tracked = done.finally(() => this.running.delete(tracked));
      this.running.add(tracked);
    }
  }

  /** Resolves once no asynchronous handler is running (queued retries not yet due do not count). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async run(
    fn: FunctionRecord,
    event: unknown,
    invocationType: InvocationRecord['invocationType'],
    source: InvocationSource,
    requestId: string,
    attempt: number,
    scheduleArn?: string,
  ): Promise<InvocationRecord> {
    const record: MutableInvocation = {
      seq: this.nextSeq++,
      functionArn: fn.arn,
      functionName: fn.name,
      invocationType,
      source,
      scheduleArn,
      requestId,
      attempt,
      event,
      startedAt: this.clock(),
      outcome: 'running',
    };
    this.log.push(record);
    const end = Date.now() + fn.timeoutSeconds * 1000;
    const context: LambdaContext = {
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: fn.arn,
      memoryLimitInMB: String(fn.memoryMb),
      awsRequestId: requestId,
      getRemainingTimeInMillis: () => Math.max(0, end - Date.now()),
    };
    try {
      record.result = await fn.handler(event, context);
      record.outcome = 'succeeded';
    } catch (error) {
      record.error = error;
      record.outcome = 'failed';
    }
    record.finishedAt = this.clock();
    return record;
  }
}
