/**
 * The Lambda entry point: parse the event, run it, log and return the report. Rejects when any
 * service failed, after every other service was handled, so that Lambda's retry, the dead-letter
 * queue and the alarm see it.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SdkAppRunnerGateway, type AppRunnerGateway } from './app-runner';
import { InvalidEventError, parseEvent } from '../contract/event';
import { RunFailedError } from './errors';
import { runFailed, type RunReport } from './report';
import { endingSettings, readFunctionEnvironment, type FunctionEnvironment } from './function-settings';
import { runScheduler } from './run';
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
  /** The App Runner gateway. @default SDK clients, one per region, built on first use */
  readonly gateway?: AppRunnerGateway;
  /** The logger the report is written to. @default a Powertools Logger */
  readonly logger?: Logger;
  /** Status polling. @default DEFAULT_POLL */
  readonly poll?: PollSettings;
  /** Most App Runner calls in flight at once. @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
  /** The function's region, where tag selection looks by default. @default AWS_REGION */
  readonly region?: string;
  /**
   * The wall clock decisions read (epoch ms): whether it is out of hours, when a skip or a wake ends,
   * what `until` means. Never used for deadlines, which stay on real time. Tests give a virtual clock
   * here. @default Date.now
   */
  readonly now?: () => number;
  /** EventBridge Scheduler, for the pauses at the end of snoozes and wakes. @default an SDK client, built on first use */
  readonly scheduler?: SchedulerGateway;
  /** Where SCHEDULER_HOURS, SCHEDULER_GROUP_NAME and the rest are read. @default process.env */
  readonly environment?: Readonly<Record<string, string | undefined>>;
}

/** Builds a handler. The exported `handler` is the production one; tests and the demo inject their own parts. */
export function createHandler(dependencies: HandlerDependencies = {}) {
  const logger = dependencies.logger ?? new Logger({ serviceName: 'apprunner-scheduler' });
  let gateway = dependencies.gateway;
  let scheduler = dependencies.scheduler;
  let environment: FunctionEnvironment | undefined;
  const now = dependencies.now ?? Date.now;
  return async function handler(event: unknown, context?: InvocationContext): Promise<RunReport> {
    const startedAt = Date.now();
    let request;
    try {
      request = parseEvent(event, { defaultRegion: dependencies.region ?? process.env.AWS_REGION, now: now() });
    } catch (error) {
      if (error instanceof InvalidEventError) logger.error('invalid event: nothing was called', { problems: error.problems });
      throw error;
    }
    const budget = context
      ? context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS
      : DEFAULT_BUDGET_MS;
    gateway ??= new SdkAppRunnerGateway();
    scheduler ??= new SdkSchedulerGateway();
    environment ??= readFunctionEnvironment(dependencies.environment ?? process.env);
    const report = await runScheduler(request, {
      gateway,
      deadline: startedAt + Math.max(0, budget),
      poll: dependencies.poll,
      concurrency: dependencies.concurrency,
      now,
      endings: endingSettings(environment, context?.invokedFunctionArn),
      scheduler,
    });
    if (runFailed(report)) {
      logger.error('run report', { report });
      throw new RunFailedError(report);
    }
    logger.info('run report', { report });
    return report;
  };
}

/** The Lambda handler. */
export const handler = createHandler();
