/**
 * The test kit's one support module: the real handler wired to the App Runner emulator through the
 * real AWS SDK, with polling scaled down to the emulator's short operations, and the fixtures the
 * suites share (the selector tag, marker values, reading a report, the mutating calls made). Used by
 * the handler's specification tests, the reliability suite and the benchmarks.
 *
 * With `scheduling`, the harness also registers the handler on the emulator as the function
 * EventBridge Scheduler invokes, and the emulator's one-time schedules fire on a scaled clock
 * (`scaled-clock.ts`): a test says "advance to 22:00 London" and reads what fired and what the runs
 * reported (see `ScheduledHarness`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SdkAppRunnerGateway, type AppRunnerGateway, type SdkGatewayOptions } from '../../lambda/app-runner';
import { createFunctionHandler, createHandler, type HandlerDependencies, type InvocationContext } from '../../lambda/index';
import { deploymentMetricValue, NOTIFICATION_FAILED_VALUE, runMetricValues, type MetricValue, type SchedulerMetrics } from '../../lambda/metrics';
import type { DeploymentOutcome } from '../../lambda/deployment-outcome';
import { resultOfStatus } from '../../lambda/attribute-deployment';
import type { DeploymentEventResult } from '../../lambda/deployment-event';
import type { Notifier } from '../../lambda/notify';
import type { RunReport, ServiceOutcome } from '../../lambda/report';
import { MARKER_TAG_KEY } from '../../contract/scheduler-tags';
import { SdkSchedulerGateway } from '../../lambda/scheduler';
import type { PollSettings } from '../../lambda/status-watcher';
import {
  startEmulator,
  type AppRunnerEmulator,
  type EmulatorOptions,
  type Firing,
  type InvocationRecord,
  type OperationEvent,
  type ScheduleChange,
  type ScheduleSnapshot,
} from '../../emulator/app-runner-emulator';
import { instantOf, type ScaledClock } from './scaled-clock';

/** The region the emulator's services live in by default, and the function's own region here. */
export const REGION = 'eu-west-1';

/** Polling for operations that take tens of milliseconds. */
export const FAST_POLL: PollSettings = { initialMs: 10, maxMs: 40, factor: 1.5 };

/** Credentials the emulator accepts (it does not verify signatures). */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' };

/** The selector tag of the services under test. */
export const OFFICE_HOURS = { schedule: 'office-hours' };

/** A marker as a pause run writes it. */
export const PAUSED_MARKER = 'paused 2026-11-29T19:00:00Z';

/** A marker as a resume run writes it before its resume call. */
export const RESUMED_MARKER = 'resumed 2026-11-30T07:00:00Z';

/** The tags of a service the scheduler paused. */
export const MARKED_PAUSED = { ...OFFICE_HOURS, [MARKER_TAG_KEY]: PAUSED_MARKER };

/** The tags of a service whose resume run was cut short. */
export const MARKED_RESUMED = { ...OFFICE_HOURS, [MARKER_TAG_KEY]: RESUMED_MARKER };

/** A handler invocation: the event and, optionally, a Lambda context. */
export type Invoke = (event: unknown, context?: InvocationContext) => Promise<RunReport>;

/**
 * How the harness delivers App Runner's events, which EventBridge delivers best effort and at least once:
 * `once`, `twice` (each event twice, as a redelivery would), or `never` (lost).
 */
export type EventDelivery = 'once' | 'twice' | 'never';

/** A running emulator and a handler that talks to it. */
export interface SchedulerHarness {
  readonly emulator: AppRunnerEmulator;
  readonly invoke: Invoke;
  /**
   * Delivers the App Runner events sent since the last delivery to the function's real entry point (the one
   * that tells deployment events from schedule events), each `delivery` times, in order; returns the
   * handler's results. Events not delivered yet wait: delivering after a later `invoke` delivers them late.
   */
  deliverEvents(delivery?: EventDelivery): Promise<DeploymentEventResult[]>;
  close(): Promise<void>;
}

/** Options for `startHarness`. */
export interface HarnessOptions {
  readonly emulator?: EmulatorOptions;
  readonly gateway?: Omit<SdkGatewayOptions, 'endpoint' | 'credentials'>;
  readonly handler?: Omit<HandlerDependencies, 'gateway'>;
  /** Wires the emulator's Scheduler and Lambda to the handler on a virtual clock; see `ScheduledHarness`. */
  readonly scheduling?: HarnessSchedulingOptions;
}

/** How `startHarness` wires schedules that fire. */
export interface HarnessSchedulingOptions {
  /** The clock schedules fire on and, unless `handler.now` says otherwise, the handler decides with. */
  readonly clock: ScaledClock;
  /** The function's name. @default FUNCTION_NAME */
  readonly functionName?: string;
  /** The construct's schedule group, created on the emulator. @default SCHEDULE_GROUP */
  readonly groupName?: string;
  /**
   * The function's environment, as GetFunctionConfiguration shows it (e.g. `SCHEDULER_HOURS`).
   * `SCHEDULER_GROUP_NAME` and `SCHEDULER_TARGET_ROLE_ARN` are filled in unless given. @default those two
   */
  readonly environment?: Record<string, string>;
  /** Lambda's retries of a failed asynchronous invocation, 0-2. @default 2, Lambda's default */
  readonly maximumRetryAttempts?: number;
}

/** The function's name in a scheduled harness, by default. */
export const FUNCTION_NAME = 'apprunner-scheduler';

/** The construct's schedule group in a scheduled harness, by default. */
export const SCHEDULE_GROUP = 'apprunner-scheduler';

/** The role schedules invoke the function with, in a scheduled harness. */
export const TARGET_ROLE_ARN = 'arn:aws:iam::123456789012:role/apprunner-scheduler-invoke';

/** One run of the handler that a firing started (Lambda retries a failed one). Times are virtual epoch ms. */
export interface HandlerRun {
  /** 1 for the first attempt, 2 and 3 for Lambda's retries. */
  readonly attempt: number;
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly outcome: InvocationRecord['outcome'];
  /** The report the handler returned, when it succeeded. */
  readonly report?: RunReport;
  /** What the handler threw (a RunFailedError carries its report), when it failed. */
  readonly error?: unknown;
}

/** A schedule that fired, with its input and the handler runs it caused. */
export interface FiredSchedule extends Firing {
  /** `input` parsed as JSON: the event the handler received. */
  readonly event: unknown;
  /** The handler runs of this firing, in order; empty when the target refused it (`delivery.accepted` false). */
  readonly runs: readonly HandlerRun[];
  /** Whether nothing more will happen: the last run succeeded, or failed with no retry left. */
  readonly done: boolean;
}

/** A harness whose schedules fire on a virtual clock. */
export interface ScheduledHarness extends SchedulerHarness {
  readonly clock: ScaledClock;
  readonly functionName: string;
  readonly functionArn: string;
  readonly groupName: string;
  readonly targetRoleArn: string;
  /** The schedules that exist now, in creation order. */
  schedules(): ScheduleSnapshot[];
  /** Every create, update and delete so far, in order (`cause: 'completion'` for ActionAfterCompletion DELETE). */
  changes(): readonly ScheduleChange[];
  /** The schedules created so far, as created. */
  created(): ScheduleSnapshot[];
  /** The schedules deleted so far, as they were when deleted. */
  deleted(): ScheduleSnapshot[];
  /** Every firing so far, with the handler runs it caused. */
  fired(): FiredSchedule[];
  /**
   * Lives through virtual time until `instant` (a Date, epoch ms, or ISO-8601 text local in `timeZone`),
   * then fires what is due and resolves once every running handler finished.
   */
  advanceTo(instant: Date | number | string, timeZone?: string): Promise<void>;
  /** Like `advanceTo`, but skips to `instant` at once: what was due meanwhile fires late, at `instant`. */
  jumpTo(instant: Date | number | string, timeZone?: string): Promise<void>;
  /**
   * Resolves with the schedule's firing once it is `done` (its runs, retries included, finished). Rejects if
   * the virtual clock passes `before` first, or after 30 s of real time.
   */
  waitForFiring(name: string, options?: { readonly before?: Date | number | string; readonly timeZone?: string }): Promise<FiredSchedule>;
}

/** Settings any SDK client needs to talk to the emulator (`new SchedulerClient(emulatorClientConfig(emulator))`). */
export function emulatorClientConfig(emulator: AppRunnerEmulator): { endpoint: string; region: string; credentials: typeof TEST_CREDENTIALS; maxAttempts: number } {
  return { endpoint: emulator.endpoint, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 4 };
}

/** The SDK gateway pointed at an emulator: 4 standard attempts unless `options` says otherwise, so faults surface quickly. */
export function emulatorGateway(emulator: AppRunnerEmulator, options: HarnessOptions['gateway'] = {}): SdkAppRunnerGateway {
  return new SdkAppRunnerGateway({ maxAttempts: 4, retryMode: 'standard', ...options, endpoint: emulator.endpoint, credentials: TEST_CREDENTIALS });
}

/** The SDK Scheduler gateway pointed at an emulator, in REGION, with 4 standard attempts so faults surface quickly. */
export function emulatorScheduler(emulator: AppRunnerEmulator): SdkSchedulerGateway {
  return new SdkSchedulerGateway({ region: REGION, maxAttempts: 4, endpoint: emulator.endpoint, credentials: TEST_CREDENTIALS });
}

/**
 * The real handler against `gateway`, in REGION with FAST_POLL; the logger is silent and the metrics
 * are kept in memory (not written to stdout) unless `options` gives its own.
 */
export function harnessHandler(gateway: AppRunnerGateway, options: HarnessOptions['handler'] = {}): Invoke {
  return createHandler({ region: REGION, poll: FAST_POLL, logger: new Logger({ logLevel: 'SILENT' }), metrics: new MetricsInMemory(), ...options, gateway });
}

/** SchedulerMetrics that keep the values the production metrics would write, for suites that do not read EMF. */
export class MetricsInMemory implements SchedulerMetrics {
  /** The values flushed so far. */
  readonly flushed: MetricValue[] = [];
  private pending: MetricValue[] = [];

  runFinished(report: RunReport): void {
    this.pending.push(...runMetricValues(report));
  }

  deploymentFinished(outcome: DeploymentOutcome): void {
    this.pending.push(deploymentMetricValue(outcome));
  }

  notificationFailed(): void {
    this.pending.push(NOTIFICATION_FAILED_VALUE);
  }

  flush(): void {
    this.flushed.push(...this.pending);
    this.pending = [];
  }
}

/** An Embedded Metric Format document as CloudWatch Logs reads it. */
export interface EmfDocument {
  readonly _aws: {
    readonly Timestamp: number;
    readonly CloudWatchMetrics: readonly { readonly Namespace: string; readonly Dimensions: readonly (readonly string[])[]; readonly Metrics: readonly { readonly Name: string; readonly Unit: string }[] }[];
  };
  readonly [key: string]: unknown;
}

/**
 * Runs `action` and returns the EMF documents written to stdout meanwhile (other output passes through),
 * with the action's result or error: metrics must be written whether it succeeds or fails.
 */
export async function emfWrittenDuring<T>(action: () => Promise<T>): Promise<{ readonly documents: EmfDocument[]; readonly result?: T; readonly error?: unknown }> {
  const documents: EmfDocument[] = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const emf = text
      .split('\n')
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as EmfDocument);
    if (emf.length > 0) {
      documents.push(...emf);
      return true;
    }
    return (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  try {
    return { documents, result: await action() };
  } catch (error) {
    return { documents, error };
  } finally {
    process.stdout.write = write;
  }
}

/** The function's entry point against `gateway`, with the same parts as `harnessHandler`, for App Runner's events. */
export function harnessEventHandler(gateway: AppRunnerGateway, options: HarnessOptions['handler'] = {}): (event: OperationEvent) => Promise<DeploymentEventResult> {
  const handler = createFunctionHandler({ region: REGION, poll: FAST_POLL, logger: new Logger({ logLevel: 'SILENT' }), metrics: new MetricsInMemory(), ...options, gateway });
  return async (event) => {
    const result = await handler(event);
    if (!('handled' in result)) throw new Error(`the entry point ran an App Runner event as a schedule's: ${JSON.stringify(result)}`);
    return result;
  };
}

/** Starts an emulator and builds a handler against it; with `scheduling`, schedules fire on its clock. */
export async function startHarness(options: HarnessOptions & { readonly scheduling: HarnessSchedulingOptions }): Promise<ScheduledHarness>;
export async function startHarness(options?: HarnessOptions): Promise<SchedulerHarness>;
export async function startHarness(options: HarnessOptions = {}): Promise<SchedulerHarness | ScheduledHarness> {
  const scheduling = options.scheduling;
  if (!scheduling) {
    const emulator = await startEmulator(options.emulator);
    const gateway = emulatorGateway(emulator, options.gateway);
    const invoke = harnessHandler(gateway, options.handler);
    return { emulator, invoke, deliverEvents: eventDelivery(emulator, gateway, options.handler), close: () => emulator.close() };
  }
  const groupName = scheduling.groupName ?? SCHEDULE_GROUP;
  const emulator = await startEmulator({
    ...options.emulator,
    scheduler: {
      ...options.emulator?.scheduler,
      clock: scheduling.clock.now,
      groups: [...(options.emulator?.scheduler?.groups ?? []), groupName],
    },
  });
  const environment = { SCHEDULER_GROUP_NAME: groupName, SCHEDULER_TARGET_ROLE_ARN: TARGET_ROLE_ARN, ...scheduling.environment };
  // The handler reads the function's environment and calls the emulator's Scheduler, as it would in Lambda.
  const gateway = emulatorGateway(emulator, options.gateway);
  const handlerOptions = { now: scheduling.clock.now, environment, scheduler: emulatorScheduler(emulator), ...options.handler };
  const invoke = harnessHandler(gateway, handlerOptions);
  const functionName = scheduling.functionName ?? FUNCTION_NAME;
  const functionArn = emulator.lambda.addFunction({
    name: functionName,
    region: REGION,
    handler: (event, context) => invoke(event, context),
    environment,
    maximumRetryAttempts: scheduling.maximumRetryAttempts,
  });
  const retries = scheduling.maximumRetryAttempts ?? 2;
  const fired = (): FiredSchedule[] => emulator.scheduler.firings.map((firing) => firedSchedule(firing, emulator, retries));
  const settle = async (): Promise<void> => {
    await emulator.scheduler.fireDue();
  };
  return {
    emulator,
    invoke,
    deliverEvents: eventDelivery(emulator, gateway, handlerOptions),
    close: () => emulator.close(),
    clock: scheduling.clock,
    functionName,
    functionArn,
    groupName,
    targetRoleArn: TARGET_ROLE_ARN,
    schedules: () => emulator.scheduler.schedules(),
    changes: () => emulator.scheduler.changes,
    created: () => emulator.scheduler.changes.filter((c) => c.kind === 'created').map((c) => c.schedule),
    deleted: () => emulator.scheduler.changes.filter((c) => c.kind === 'deleted').map((c) => c.schedule),
    fired,
    async advanceTo(instant, timeZone = 'UTC') {
      await scheduling.clock.sleepUntil(instant, timeZone);
      await settle();
    },
    async jumpTo(instant, timeZone = 'UTC') {
      scheduling.clock.jumpTo(instant, timeZone);
      await settle();
    },
    async waitForFiring(name, { before, timeZone = 'UTC' } = {}) {
      const limit = before === undefined ? undefined : instantOf(before, timeZone);
      const realLimit = Date.now() + 30_000;
      for (;;) {
        const firing = fired().find((f) => f.name === name);
        if (firing?.done) return firing;
        if (limit !== undefined && scheduling.clock.now() > limit && !firing) {
          throw new Error(`schedule ${name} had not fired by ${new Date(limit).toISOString()} (virtual)`);
        }
        if (Date.now() > realLimit) throw new Error(`schedule ${name} did not fire and finish within 30 s of real time`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    },
  };
}

function firedSchedule(firing: Firing, emulator: AppRunnerEmulator, retries: number): FiredSchedule {
  const requestId = firing.delivery.accepted ? firing.delivery.requestId : undefined;
  const runs: HandlerRun[] = emulator.lambda.invocations
    .filter((i) => requestId !== undefined && i.requestId === requestId)
    .map((i) => ({
      attempt: i.attempt,
      startedAt: i.startedAt,
      finishedAt: i.finishedAt,
      outcome: i.outcome,
      report: i.outcome === 'succeeded' ? (i.result as RunReport) : undefined,
      error: i.error,
    }));
  const last = runs[runs.length - 1];
  const done = !firing.delivery.accepted || (last !== undefined && (last.outcome === 'succeeded' || (last.outcome === 'failed' && last.attempt > retries)));
  return { ...firing, event: firing.input === undefined ? {} : (JSON.parse(firing.input) as unknown), runs, done };
}

/** Delivers the App Runner events the emulator emitted since the last delivery to the real event handler: once, twice (a duplicate) or never. */
function eventDelivery(emulator: AppRunnerEmulator, gateway: AppRunnerGateway, handler: HarnessOptions['handler']): SchedulerHarness['deliverEvents'] {
  const onEvent = harnessEventHandler(gateway, handler);
  const waiting: OperationEvent[] = [];
  emulator.onOperationEvent((event) => waiting.push(event));
  return async function deliverEvents(delivery: EventDelivery = 'once'): Promise<DeploymentEventResult[]> {
    await emulator.settled();
    const events = waiting.splice(0);
    const results: DeploymentEventResult[] = [];
    for (const event of delivery === 'never' ? [] : events) {
      for (let i = 0; i < (delivery === 'twice' ? 2 : 1); i++) results.push(await onEvent(event));
    }
    return results;
  };
}

/**
 * A gateway that behaves like `gateway` except for the methods in `overrides`: a test steps in the
 * way a person, a lagging API or a bug would. A Proxy, so that it keeps up with the gateway's interface.
 */
export function withOverrides(gateway: AppRunnerGateway, overrides: Partial<AppRunnerGateway>): AppRunnerGateway {
  return new Proxy(gateway, {
    get(target, property, receiver) {
      const override = (overrides as Record<string | symbol, unknown>)[property];
      return override ?? Reflect.get(target, property, receiver);
    },
  });
}

/** A Lambda context with this much time left. */
export function contextWithRemaining(ms: number): InvocationContext {
  const end = Date.now() + ms;
  return { getRemainingTimeInMillis: () => end - Date.now() };
}

/** The report's entry for one service; throws when the report has none. */
export function outcomeOf(report: RunReport, arn: string): ServiceOutcome {
  const outcome = report.services.find((s) => s.serviceArn === arn);
  if (!outcome) throw new Error(`${arn} is not in the report`);
  return outcome;
}

/** The mutating calls the emulator answered, as "Operation service-name" strings. */
export function mutationsOf(emulator: AppRunnerEmulator): string[] {
  return emulator.mutatingCalls().map((c) => `${c.operation} ${c.targetArn?.split('/')[1]}`);
}

/** A deployment outcome of the scheduler's, as the deployment event handler makes one, with `status` and any `fields` replaced. */
export function deploymentOutcomeOf(status: string, fields: Partial<DeploymentOutcome> = {}): DeploymentOutcome {
  return {
    serviceArn: `arn:aws:apprunner:${REGION}:123456789012:service/api/0123456789abcdef0123456789abcdef`,
    serviceName: 'api',
    region: REGION,
    operationId: 'op-9',
    status,
    eventStatus: status === 'SUCCEEDED' ? 'DeploymentCompletedSuccessfully' : 'DeploymentFailed',
    result: resultOfStatus(status),
    attribution: 'scheduler',
    reportedAt: '2026-11-30T07:04:00Z',
    ...fields,
  };
}

/**
 * Whether an EventBridge event pattern matches an event, for the parts of the pattern language the
 * construct's rule uses: lists of exact values, `{ prefix }`, nested objects, and `$or`. Anything else
 * in a pattern throws, so that a test can never pass on a rule it cannot read.
 */
export function matchesEventPattern(pattern: Readonly<Record<string, unknown>>, event: unknown): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const fields = event as Record<string, unknown>;
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') return (rule as Record<string, unknown>[]).some((branch) => matchesEventPattern(branch, event));
    if (Array.isArray(rule)) {
      const values = Array.isArray(fields[key]) ? (fields[key] as unknown[]) : [fields[key]];
      return rule.some((expected) => values.some((value) => matchesValue(expected, value)));
    }
    if (typeof rule === 'object' && rule !== null) return matchesEventPattern(rule as Record<string, unknown>, fields[key]);
    throw new Error(`matchesEventPattern does not read ${JSON.stringify(rule)} at ${key}`);
  });
}

function matchesValue(expected: unknown, value: unknown): boolean {
  if (typeof expected === 'string' || typeof expected === 'number' || typeof expected === 'boolean') return expected === value;
  if (typeof expected === 'object' && expected !== null && Object.keys(expected).join() === 'prefix') {
    return typeof value === 'string' && value.startsWith((expected as { prefix: string }).prefix);
  }
  throw new Error(`matchesEventPattern does not read the matcher ${JSON.stringify(expected)}`);
}

/** A recording Notifier: what it was told, in order. */
export function recordingNotifier(): Notifier & { readonly runs: RunReport[]; readonly deployments: DeploymentOutcome[] } {
  const runs: RunReport[] = [];
  const deployments: DeploymentOutcome[] = [];
  return {
    runs,
    deployments,
    runFinished: async (report) => {
      runs.push(report);
    },
    deploymentFinished: async (outcome) => {
      deployments.push(outcome);
    },
  };
}
