/**
 * The Lambda entry point: parse the event, run it, log and return the report, record its metrics and
 * tell the summary topic. Rejects when any service failed, after every other service was handled, so
 * that Lambda's retry, the dead-letter queue and the alarm see it. The metrics are written even when
 * the run fails. A notification that cannot be sent does not fail the run, whose work is done (a
 * failed invocation would be retried, re-running it, and dead-lettered under the failed-run alarm):
 * it is logged as an error and counted in NotificationsFailed, which the construct alarms on.
 *
 * The same function receives App Runner's deployment events (the construct's EventBridge rule):
 * `handler` sends an event with EventBridge's `source`/`detail-type` to the deployment path
 * (deployment-event.ts), and every other event to the scheduler's contract, which refuses those fields.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { defaultAccountAccess, type AccountAccess } from './accounts';
import { SdkAppRunnerGateway, type AppRunnerGateway } from './app-runner';
import { InvalidEventError, parseEvent } from '../contract/event';
import { InvalidOperationEventError, isEventBridgeEvent, parseOperationEvent } from '../contract/operation-event';
import { handleDeploymentEvent, type DeploymentEventResult } from './deployment-event';
import { RunFailedError, UnknownScheduleError } from './errors';
import { SUMMARY_TOPIC_ARN_ENV } from '../contract/function-environment';
import { runFailed, type RunReport } from './report';
import { endingSettings, readFunctionEnvironment, scheduleSettings, type FunctionEnvironment } from './function-settings';
import { runFigures } from './report-figures';
import { PowertoolsSchedulerMetrics, schedulerName, type SchedulerMetrics } from './metrics';
import { NO_NOTIFIER, SnsNotifier, type Notifier } from './notify';
import { runFleet } from './fleet-run';
import { AutoScalingCache } from './savings';
import { SdkSchedulerGateway, type SchedulerGateway } from './scheduler';
import type { PollSettings } from './status-watcher';

/** Time kept back from the Lambda's remaining time to report before it is cut off, in ms. */
export const SAFETY_MARGIN_MS = 30_000;
/** How long a run may wait when no Lambda context tells the remaining time, in ms. */
const DEFAULT_BUDGET_MS = 600_000;

/** The part of the Lambda context the handler reads. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  /** The ARN the function was invoked by; one-time schedules target it, unqualified. */
  readonly invokedFunctionArn?: string;
}

/** What a handler is built from; every part has a production default. */
export interface HandlerDependencies {
  /** The App Runner gateway, for every account when `accounts` is not given. @default SDK clients, one per region, built on first use */
  readonly gateway?: AppRunnerGateway;
  /**
   * The gateways of the accounts a run reaches. @default with `gateway`, that gateway for every
   * account; else the function's own credentials at home and the member role's in other accounts
   * (StsAccountAccess), built on first use
   */
  readonly accounts?: AccountAccess;
  /** The logger the report is written to. @default a Powertools Logger */
  readonly logger?: Logger;
  /** Status polling. @default DEFAULT_POLL */
  readonly poll?: PollSettings;
  /** Most App Runner calls in flight at once in each account and region. @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
  /** Most App Runner calls in flight at once across accounts and regions. @default DEFAULT_FLEET_CONCURRENCY */
  readonly fleetConcurrency?: number;
  /** The function's region, where tag selection looks by default. @default AWS_REGION */
  readonly region?: string;
  /**
   * The wall clock decisions read (epoch ms): whether it is out of hours, when a skip or a wake ends,
   * what `until` means. Never used for deadlines, which stay on real time. Tests give a virtual clock
   * here. @default Date.now
   */
  readonly now?: () => number;
  /** Where the run's metrics go. @default EMF through Powertools Metrics, dimension Scheduler = schedulerName() */
  readonly metrics?: SchedulerMetrics;
  /** Who is told of the run. @default an SnsNotifier to SUMMARY_TOPIC_ARN, or none without it */
  readonly notifier?: Notifier;
  /** Auto scaling configurations read for savings figures, kept across warm invocations. @default a new cache per handler */
  readonly autoScalingCache?: AutoScalingCache;
  /** EventBridge Scheduler, for the pauses at the end of snoozes and wakes. @default an SDK client, built on first use */
  readonly scheduler?: SchedulerGateway;
  /** Where SCHEDULER_HOURS, SCHEDULER_SCHEDULES, SCHEDULER_GROUP_NAME and the rest are read. @default process.env */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

/** The production notifier: the summary topic when the construct gave one. */
function defaultNotifier(): Notifier {
  const topicArn = process.env[SUMMARY_TOPIC_ARN_ENV];
  return topicArn ? new SnsNotifier({ topicArn, schedulerName: schedulerName() }) : NO_NOTIFIER;
}

/** Builds a handler. The exported `handler` is the production one; tests and the demo inject their own parts. */
export function createHandler(dependencies: HandlerDependencies = {}) {
  const logger = dependencies.logger ?? new Logger({ serviceName: 'apprunner-scheduler' });
  let accounts = dependencies.accounts;
  const metrics = dependencies.metrics ?? new PowertoolsSchedulerMetrics();
  const notifier = dependencies.notifier ?? defaultNotifier();

  /** Tells of the run; a failure to do so is logged and counted, and the run's outcome stands. */
  async function notify(report: RunReport): Promise<void> {
    try {
      await notifier.runFinished(report);
    } catch (error) {
      logger.error('the run is done, but its notification was not sent', { error });
      metrics.notificationFailed();
    }
  }

  // One per handler, so per container: warm invocations read each configuration once.
  const autoScalingCache = dependencies.autoScalingCache ?? new AutoScalingCache();
  let scheduler = dependencies.scheduler;
  let environment: FunctionEnvironment | undefined;
  const now = dependencies.now ?? Date.now;
  const region = () => dependencies.region ?? process.env.AWS_REGION;
  return async function handler(event: unknown, context?: InvocationContext): Promise<RunReport> {
    const startedAt = Date.now();
    let request;
    try {
      request = parseEvent(event, { defaultRegion: region(), now: now() });
    } catch (error) {
      if (error instanceof InvalidEventError) logger.error('invalid event: nothing was called', { problems: error.problems });
      throw error;
    }
    const budget = context
      ? context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS
      : DEFAULT_BUDGET_MS;
    const env = dependencies.environment ?? process.env;
    accounts ??= defaultAccountAccess(dependencies.gateway, context?.invokedFunctionArn, env);
    scheduler ??= new SdkSchedulerGateway();
    environment ??= readFunctionEnvironment(env);
    let report: RunReport;
    try {
      report = await runFleet(request, {
        access: accounts,
        deadline: startedAt + Math.max(0, budget),
        poll: dependencies.poll,
        concurrency: dependencies.concurrency,
        fleetConcurrency: dependencies.fleetConcurrency,
        autoScalingCache,
        now,
        endings: endingSettings(environment, context?.invokedFunctionArn),
        scheduler,
        schedules: scheduleSettings(environment, context?.invokedFunctionArn, region()),
      });
      metrics.runFinished(report);
      await notify(report);
    } catch (error) {
      if (error instanceof UnknownScheduleError) logger.error('unknown schedule: nothing was called', { schedule: error.schedule, reason: error.message });
      throw error;
    } finally {
      metrics.flush();
    }
    // The summary first: Logs Insights (the dashboard's last reports) reads it however long the report is.
    const line = { summary: { action: report.action, dryRun: report.dryRun, ...runFigures(report) }, report };
    if (runFailed(report)) {
      logger.error('run report', line);
      throw new RunFailedError(report);
    }
    logger.info('run report', line);
    return report;
  };
}

/**
 * Builds the handler of App Runner's deployment events. An invalid event is refused with every bad field
 * named, and nothing called. Like a run, it logs, counts a notification that could not be sent, and
 * writes its metrics even when it fails.
 */
export function createDeploymentEventHandler(dependencies: HandlerDependencies = {}) {
  const logger = dependencies.logger ?? new Logger({ serviceName: 'apprunner-scheduler' });
  const gateway = dependencies.gateway ?? new SdkAppRunnerGateway();
  const metrics = dependencies.metrics ?? new PowertoolsSchedulerMetrics();
  const notifier = dependencies.notifier ?? defaultNotifier();
  return async function deploymentEventHandler(event: unknown): Promise<DeploymentEventResult> {
    let change;
    try {
      change = parseOperationEvent(event);
    } catch (error) {
      if (error instanceof InvalidOperationEventError) logger.error('invalid App Runner event: nothing was called', { problems: error.problems });
      throw error;
    }
    try {
      const result = await handleDeploymentEvent(change, {
        gateway,
        notifier,
        metrics,
        onNotificationFailed: (error) => {
          logger.error('the deployment outcome is recorded, but its notification was not sent', { error });
          metrics.notificationFailed();
        },
      });
      if (result.outcome && result.outcome.result !== 'succeeded') logger.error('deployment outcome', { result });
      else logger.info('deployment event', { result });
      return result;
    } finally {
      metrics.flush();
    }
  };
}

/**
 * Builds the function's handler: App Runner's deployment events to `createDeploymentEventHandler`,
 * every other event to `createHandler`, both from the same parts.
 */
export function createFunctionHandler(dependencies: HandlerDependencies = {}) {
  const parts: HandlerDependencies = {
    ...dependencies,
    logger: dependencies.logger ?? new Logger({ serviceName: 'apprunner-scheduler' }),
    metrics: dependencies.metrics ?? new PowertoolsSchedulerMetrics(),
    notifier: dependencies.notifier ?? defaultNotifier(),
  };
  // The runs reach every account through `accounts`; App Runner's events come from the home account.
  const run = createHandler(parts);
  const onDeploymentEvent = createDeploymentEventHandler({ ...parts, gateway: dependencies.gateway ?? new SdkAppRunnerGateway() });
  return function handler(event: unknown, context?: InvocationContext): Promise<RunReport | DeploymentEventResult> {
    return isEventBridgeEvent(event) ? onDeploymentEvent(event) : run(event, context);
  };
}

/** The Lambda handler. */
export const handler = createFunctionHandler();
