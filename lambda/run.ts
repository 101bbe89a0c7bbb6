/**
 * A run: select -> run each service -> report. Every selected service is handled concurrently, with
 * the number of App Runner calls in flight bounded. One service's failure never stops the others:
 * each ends with an outcome in the report.
 */
import type { AppRunnerGateway } from './app-runner';
import { callLanes, limitCalls } from './call-limiter';
import { afterService, gatedOutcome, goneBeforeTheirEnd, wakePlan, wakeTags, type EndingRunContext } from './ending-run';
import type { EndingSettings } from './endings';
import type { SchedulerRequest } from '../contract/event';
import { runReport, serviceOutcome, type RunReport, type ServiceOutcome } from './report';
import { AutoScalingCache } from './savings';
import { selectServices } from './select';
import type { SchedulerGateway } from './scheduler';
import { ScheduleRule, type ScheduleSettings } from './schedule-run';
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
  /** The clock, for deadlines and waits. @default Date.now */
  readonly clock?: () => number;
  /** Auto scaling configurations already read, kept across runs by the handler. @default a new cache for this run */
  readonly autoScalingCache?: AutoScalingCache;
  /** The wall clock decisions read (skip tags, markers, office hours), in epoch ms. @default `clock` */
  readonly now?: () => number;
  /** What the function knows to arrange pauses at the end of snoozes and wakes. @default nothing: none is arranged, and the report says why */
  readonly endings?: EndingSettings;
  /** EventBridge Scheduler, for those pauses. @default none */
  readonly scheduler?: SchedulerGateway;
  /** The function's named schedules: which services a run that one sent may act on, and their hours. @default none: a scheduler without named schedules */
  readonly schedules?: ScheduleSettings;
  /** Told how far the run is: once the services are selected, and again as each one ends. Must not throw. @default nobody */
  readonly onProgress?: (progress: RunProgress) => void;
}

/** How far a run is, for a person watching it (the command line's live line). */
export interface RunProgress {
  /** The services selected, as selection saw them. */
  readonly selected: readonly { readonly arn: string; readonly status: string }[];
  /** The outcomes of the services that ended so far, in the order they ended. */
  readonly ended: readonly ServiceOutcome[];
}

/** What a run that has no ending settings says of a snooze or wake. */
const NO_ENDING_SETTINGS: EndingSettings = { unavailable: 'the function was not told its office hours and schedule group' };

/** Most App Runner calls in flight at once, by default: what a 256 MB function's CPU share keeps busy (BENCHMARKS.md). */
export const DEFAULT_CONCURRENCY = 10;

/**
 * Runs one request to the end and returns its report. Never throws for a service's failure: see
 * `runFailed`. Throws `UnknownScheduleError`, before any call, for a named schedule the function cannot place.
 */
export async function runScheduler(request: SchedulerRequest, options: RunOptions): Promise<RunReport> {
  const clock = options.clock ?? Date.now;
  const startedAt = new Date(clock()).toISOString();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const gateway = limitCalls(options.gateway, concurrency, callLanes(request.action, concurrency));
  // Before any call: a run whose named schedule the function cannot place changes nothing (UnknownScheduleError).
  const schedules = new ScheduleRule(request, options.schedules ?? {}, options.endings ?? NO_ENDING_SETTINGS);
  const selection = await selectServices(request, gateway);
  const watcher = new StatusWatcher({
    gateway,
    poll: pollFor(request.action, options.poll ?? DEFAULT_POLL),
    deadline: options.deadline,
    walkedRegions: selection.walkedRegions,
    clock,
  });
  const autoScalingCache = options.autoScalingCache ?? new AutoScalingCache();
  // An arranged pause run decides as at the end it was arranged for, should the schedule fire early within its minute.
  const wallClock = options.now ?? clock;
  const endsAt = request.ends ? Date.parse(request.ends.at) : -Infinity;
  const now = () => Math.max(wallClock(), endsAt);
  const endings: EndingRunContext = { request, settings: options.endings ?? NO_ENDING_SETTINGS, scheduler: options.scheduler, gateway, now };
  // The wake is planned once per set of hours (the function's, or a named schedule's), not per service.
  const wakes = new Map<EndingRunContext['settings'], ReturnType<typeof wakePlan>>();
  const wakeFor = (context: EndingRunContext) => {
    if (!wakes.has(context.settings)) wakes.set(context.settings, wakePlan(context));
    return wakes.get(context.settings);
  };
  const ended: ServiceOutcome[] = [];
  const tell = () => options.onProgress?.({ selected: selection.services, ended });
  tell();
  const handled = await Promise.all(
    selection.services.map(async (service) => {
      const decision = schedules.decide(service);
      let outcome: ServiceOutcome;
      if (decision.kind === 'skipped') {
        outcome = serviceOutcome(service, { statusBefore: service.status, statusAfter: service.status, actions: [], operationIds: [], outcome: 'skipped', reason: decision.reason });
      } else {
        const context: EndingRunContext = { ...endings, settings: decision.endings };
        const wake = wakeFor(context);
        const resumeTags = wakeTags(wake, request);
        outcome =
          gatedOutcome(service, context) ??
          (await afterService(service, await runService(service, { request, gateway, watcher, clock: now, resumeTags, autoScalingCache }), wake, context));
      }
      ended.push(outcome);
      tell();
      return outcome;
    }),
  );
  const { gone, unreadable } = goneBeforeTheirEnd(selection, endings);
  return runReport(
    { action: request.action, dryRun: request.dryRun, startedAt, finishedAt: new Date(clock()).toISOString() },
    [...handled, ...gone],
    { ...selection, unreadable },
  );
}
