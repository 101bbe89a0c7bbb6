/**
 * The test kit's one support module: the real handler wired to the App Runner emulator through the
 * real AWS SDK, with polling scaled down to the emulator's short operations, and the fixtures the
 * suites share (the selector tag, marker values, reading a report, the mutating calls made). Used by
 * the handler's specification tests, the reliability suite and the benchmarks.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SdkAppRunnerGateway, type AppRunnerGateway, type SdkGatewayOptions } from '../../lambda/app-runner';
import { createFunctionHandler, createHandler, type HandlerDependencies, type InvocationContext } from '../../lambda/index';
import { deploymentMetricValue, NOTIFICATION_FAILED_VALUE, runMetricValues, type MetricValue, type SchedulerMetrics } from '../../lambda/metrics';
import type { DeploymentOutcome } from '../../lambda/deployment-outcome';
import { resultOfStatus } from '../../lambda/attribute-deployment';
import type { DeploymentEventResult } from '../../lambda/deployment-event';
import type { RunReport, ServiceOutcome } from '../../lambda/report';
import { MARKER_TAG_KEY } from '../../contract/scheduler-tags';
import type { PollSettings } from '../../lambda/status-watcher';
import { startEmulator, type AppRunnerEmulator, type EmulatorOptions, type OperationEvent } from '../../emulator/app-runner-emulator';

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
}

/** The SDK gateway pointed at an emulator: 4 standard attempts unless `options` says otherwise, so faults surface quickly. */
export function emulatorGateway(emulator: AppRunnerEmulator, options: HarnessOptions['gateway'] = {}): SdkAppRunnerGateway {
  return new SdkAppRunnerGateway({ maxAttempts: 4, retryMode: 'standard', ...options, endpoint: emulator.endpoint, credentials: TEST_CREDENTIALS });
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

/** Starts an emulator and builds a handler against it. */
export async function startHarness(options: HarnessOptions = {}): Promise<SchedulerHarness> {
  const emulator = await startEmulator(options.emulator);
  const gateway = emulatorGateway(emulator, options.gateway);
  const invoke = harnessHandler(gateway, options.handler);
  const onEvent = harnessEventHandler(gateway, options.handler);
  const waiting: OperationEvent[] = [];
  emulator.onOperationEvent((event) => waiting.push(event));
  async function deliverEvents(delivery: EventDelivery = 'once'): Promise<DeploymentEventResult[]> {
    await emulator.settled();
    const events = waiting.splice(0);
    const results: DeploymentEventResult[] = [];
    for (const event of delivery === 'never' ? [] : events) {
      for (let i = 0; i < (delivery === 'twice' ? 2 : 1); i++) results.push(await onEvent(event));
    }
    return results;
  }
  return { emulator, invoke, deliverEvents, close: () => emulator.close() };
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
