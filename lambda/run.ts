/**
 * A run: select -> run each service -> report. Every selected service is handled concurrently, with
 * the number of App Runner calls in flight bounded. One service's failure never stops the others:
 * each ends with an outcome in the report.
 */
import type { AppRunnerGateway } from './app-runner';
import { callLanes, limitCalls } from './call-limiter';
import type { SchedulerRequest } from '../contract/event';
import { runReport, type RunReport } from './report';
import { AutoScalingCache } from './savings';
import { selectServices } from './select';
import { runService } from './service-run';
import { DEFAULT_POLL, pollFor, StatusWatcher, type PollSettings } from './status-watcher';

/** What a run needs besides the request. */
export interface RunOptions {
  readonly gateway: AppRunnerGateway;
  /** Epoch ms after which the run stops waiting and reports what is unfinished as failed. */
  readonly deadline: number;
  /** Most App Runner calls in flight at once. @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
  /** Status polling. @default DEFAULT_POLL */
  readonly poll?: PollSettings;
  /** The clock. @default Date.now */
  readonly clock?: () => number;
  /** Auto scaling configurations already read, kept across runs by the handler. @default a new cache for this run */
  readonly autoScalingCache?: AutoScalingCache;
}

/** Most App Runner calls in flight at once, by default: what a 256 MB function's CPU share keeps busy (BENCHMARKS.md). */
export const DEFAULT_CONCURRENCY = 10;

/** Runs one request to the end and returns its report. Never throws for a service's failure: see `runFailed`. */
export async function runScheduler(request: SchedulerRequest, options: RunOptions): Promise<RunReport> {
  const clock = options.clock ?? Date.now;
  const startedAt = new Date(clock()).toISOString();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const gateway = limitCalls(options.gateway, concurrency, callLanes(request.action, concurrency));
  const selection = await selectServices(request, gateway);
  const watcher = new StatusWatcher({
    gateway,
    poll: pollFor(request.action, options.poll ?? DEFAULT_POLL),
    deadline: options.deadline,
    walkedRegions: selection.walkedRegions,
    clock,
  });
  const autoScalingCache = options.autoScalingCache ?? new AutoScalingCache();
  const handled = await Promise.all(selection.services.map((service) => runService(service, { request, gateway, watcher, clock, autoScalingCache })));
  return runReport(
    { action: request.action, dryRun: request.dryRun, startedAt, finishedAt: new Date(clock()).toISOString() },
    handled,
    selection,
  );
}
