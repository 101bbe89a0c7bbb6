/**
 * A run: select -> decide -> act -> wait -> report. Every selected service is handled concurrently;
 * the number of App Runner calls in flight at once is bounded. One service's failure never stops
 * the others: each ends with an outcome in the report.
 */
import {
  AppRunnerCallError,
  errorMessage,
  ServiceNotFoundError,
  ServiceStateConflictError,
  type AppRunnerGateway,
  type ServiceDetail,
} from './app-runner';
import {
  decide,
  deployedSinceLatestResume,
  markerValue,
  shouldDeploy,
  type OperationRecord,
  type Plan,
} from './decide';
import type { Action, SchedulerRequest } from '../contract/event';
import { countOutcomes, type ActionTaken, type Outcome, type RunReport, type ServiceOutcome } from './report';
import { MARKER_TAG_KEY } from '../contract/scheduler-tags';
import { selectServices, type SelectedService } from './select';
import { DeadlineError, DEFAULT_POLL, pollFor, StatusWatcher, type PollSettings } from './status-watcher';

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
}

/** Most App Runner calls in flight at once, by default. */
export const DEFAULT_CONCURRENCY = 10;

/** How many times a service is re-read and decided again before the run gives up on it. */
const MAX_ROUNDS = 8;

/** Runs one request to the end and returns its report. Never throws for a service's failure: see `runFailed`. */
export async function runScheduler(request: SchedulerRequest, options: RunOptions): Promise<RunReport> {
  const clock = options.clock ?? Date.now;
  const startedAt = new Date(clock()).toISOString();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const gateway = limitConcurrency(options.gateway, concurrency, callOrder(request.action, concurrency));
  const selection = await selectServices(request, gateway);
  const watcher = new StatusWatcher(gateway, pollFor(request.action, options.poll ?? DEFAULT_POLL), options.deadline, selection.regionSizes, clock);
  const handled = await Promise.all(
    selection.services.map((service) => new ServiceRun(service, request, gateway, watcher, clock).run()),
  );
  const services = [...handled, ...selection.unreadable].sort((a, b) => a.serviceArn.localeCompare(b.serviceArn));
  return {
    action: request.action,
    dryRun: request.dryRun,
    startedAt,
    finishedAt: new Date(clock()).toISOString(),
    counts: countOutcomes(services),
    services,
    selectionFailures: selection.failures,
  };
}

/** The order in which queued calls get a slot under the concurrency limit. */
export interface CallOrder {
  /** Per gateway method, its queue: lower numbers go first. */
  readonly priority: Readonly<Record<keyof AppRunnerGateway, number>>;
  /**
   * The queues of the calls that start work on another service (marker, pause, resume). Selection's
   * tag reads share the marker's queue: during selection they compete with nothing, and after it
   * the only one is the stale-marker check that leads to a marker removal.
   */
  readonly starting: ReadonlySet<number>;
  /** Slots those calls keep while they queue, even when deployments are waiting too. */
  readonly startingSlots: number;
  /** The queues of status reads: while one waits, starting calls keep no slots. */
  readonly statusReads: ReadonlySet<number>;
}

/**
 * When calls queue for the concurrency limit, the call furthest along its service's way goes first
 * (lowest number): a RUNNING service's deployment, then its history check, then status reads of
 * waiting services, then pause and resume, then the marker that starts work on another service. So
 * each service moves on without waiting behind a whole fleet's earlier steps: the first pauses and
 * resumes start after a service's marker, not after a thousand markers, and a service that is
 * RUNNING gets its deployment while the rest of a large fleet is still being resumed.
 *
 * In a resume run, a region's ListServices walk goes before everything: it is one slot for 50 pages,
 * and each of its pages is what lets the services on it go on to their deployment (a walk queued
 * behind a burst of deployments found the next burst 2 s late). Marker removal goes last: nothing
 * waits on it but the end of the run. And a fifth of the slots is kept for starting services while
 * deployments queue: one walk can find hundreds of services RUNNING at once, and with strict
 * priorities their deployments kept every resume waiting for seconds, so that the last resumes, and
 * the run, ended later. Not while status reads queue, though: then the run already waits on more
 * services than it can read (by ARN each waiter reads its own status), and starting more would
 * only add reads and make every waiter see RUNNING later.
 *
 * In a pause run no step follows a status read, so there reads wait their turn with the markers:
 * reading sooner would only mean more reads. Selection's reads are made before any service starts,
 * so they compete with nothing.
 */
export function callOrder(action: Action, limit: number): CallOrder {
  if (action === 'resume') {
    return {
      priority: {
        listServices: 0,
        startDeployment: 1,
        listRecentOperations: 2,
        describeService: 3,
        pauseService: 4,
        resumeService: 4,
        tagService: 5,
        listTags: 5,
        findTaggedServices: 5,
        untagService: 6,
      },
      starting: new Set([4, 5]),
      startingSlots: Math.floor(limit / 5),
      statusReads: new Set([0, 3]),
    };
  }
  return {
    priority: {
      startDeployment: 0,
      listRecentOperations: 0,
      pauseService: 1,
      resumeService: 1,
      untagService: 1,
      describeService: 2,
      listServices: 2,
      tagService: 2,
      listTags: 2,
      findTaggedServices: 2,
    },
    starting: new Set(),
    startingSlots: 0,
    statusReads: new Set(),
  };
}

/** Wraps every gateway method so that at most `limit` calls are in flight; queued calls go in `order`. */
export function limitConcurrency(gateway: AppRunnerGateway, limit: number, order: CallOrder): AppRunnerGateway {
  let active = 0;
  let activeStarting = 0;
  const startingQueues = [...order.starting].sort((a, b) => a - b);
  const readQueues = [...order.statusReads];
  const queues: (() => void)[][] = Array.from({ length: Math.max(...Object.values(order.priority)) + 1 }, () => []);
  const take = (priority: number): void => {
    active += 1;
    if (order.starting.has(priority)) activeStarting += 1;
  };
  const acquire = (priority: number): Promise<void> => {
    if (active < limit) {
      take(priority);
      return Promise.resolve();
    }
    return new Promise((resolve) => queues[priority].push(resolve));
  };
  const release = (priority: number): void => {
    active -= 1;
    if (order.starting.has(priority)) activeStarting -= 1;
    const waiting = (p: number) => queues[p].length > 0;
    // Starting calls keep their slots while deployments queue, but not while status reads do: see `callOrder`.
    const keepSlot = activeStarting < order.startingSlots && !readQueues.some(waiting);
    const next = (keepSlot ? startingQueues.find(waiting) : undefined) ?? queues.findIndex((queue) => queue.length > 0);
    if (next < 0) return;
    take(next);
    queues[next].shift()!();
  };
  return new Proxy(gateway, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const priority = order.priority[property as keyof AppRunnerGateway] ?? queues.length - 1;
      return async (...args: unknown[]) => {
        await acquire(priority);
        try {
          return await value.apply(target, args);
        } finally {
          // Handed on once the caller has moved on, so that its service's next call is queued and competes.
          setImmediate(() => release(priority));
        }
      };
    },
  });
}

/** One service's way through a run. */
class ServiceRun {
  private status: string;
  private readonly tags: Record<string, string>;
  private readonly actions: ActionTaken[] = [];
  private readonly operationIds: string[] = [];
  private mutated = false;
  /** Whether this run saw the service RUNNING, or resumed it: a later PAUSED is someone else's doing. */
  private seenRunning = false;
  private detail?: ServiceDetail;

  constructor(
    private readonly service: SelectedService,
    /** Also the decision settings: a request carries every field `decide` reads. */
    private readonly request: SchedulerRequest,
    private readonly gateway: AppRunnerGateway,
    private readonly watcher: StatusWatcher,
    private readonly clock: () => number,
  ) {
    this.status = service.status;
    this.tags = { ...service.tags };
    this.detail = service.detail;
  }

  async run(): Promise<ServiceOutcome> {
    try {
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        this.seenRunning ||= this.status === 'RUNNING' || this.actions.includes('resume');
        const state = { status: this.status, tags: this.tags, seenRunningThisRun: this.seenRunning };
        const plan = decide(state, this.request, new Date(this.clock()));
        try {
          const outcome = this.request.dryRun ? await this.plan(plan) : await this.act(plan);
          if (outcome) return outcome;
        } catch (error) {
          if (!(error instanceof ServiceStateConflictError)) throw error;
          this.status = await this.watcher.current(this.service);
        }
      }
      return this.finish('failed', `its state kept changing under the scheduler (${MAX_ROUNDS} attempts); last status ${this.status}`);
    } catch (error) {
      return this.failure(error);
    }
  }

  /** Carries out a plan. Returns the outcome, or undefined to decide again on the new status. */
  private async act(plan: Plan): Promise<ServiceOutcome | undefined> {
    switch (plan.kind) {
      case 'skip':
        return this.finish('skipped', plan.reason);
      case 'leave':
        return this.finish(this.mutated ? 'changed' : 'unchanged', plan.reason);
      case 'wait':
        this.status = await this.watcher.settled(this.service);
        return undefined;
      case 'pause':
        if (this.watcher.pastDeadline()) return this.notStarted();
        await this.setMarker('paused');
        try {
          this.record('pause', await this.gateway.pauseService(this.service.arn));
        } catch (error) {
          if (!(error instanceof ServiceStateConflictError)) throw error;
          return this.pauseRefused();
        }
        return this.awaitTarget('PAUSED', plan.reason);
      case 'resume': {
        if (this.watcher.pastDeadline()) return this.notStarted();
        await this.setMarker('resumed');
        const resumed = await this.gateway.resumeService(this.service.arn);
        this.detail = resumed.service ?? this.detail;
        this.record('resume', resumed.operationId);
        const failed = await this.awaitTarget('RUNNING', plan.reason);
        if (failed) return failed;
        // Not RUNNING although the resume succeeded: someone paused it since. Deciding again yields to them.
        return this.status === 'RUNNING' ? this.deployAndClearMarker(plan.reason) : undefined;
      }
      case 'finish-resume':
        return this.deployAndClearMarker(plan.reason);
      case 'clear-marker':
        if (await this.markerChangedSinceSelection()) return undefined;
        await this.clearMarker();
        return this.finish('changed', plan.reason);
      case 'yield':
        await this.clearMarker();
        return this.finish('failed', plan.reason);
    }
  }

  /** A dry run: reads only. Returns the outcome a real run would aim for, or undefined to decide again. */
  private async plan(plan: Plan): Promise<ServiceOutcome> {
    switch (plan.kind) {
      case 'skip':
      case 'yield':
        return this.finish('skipped', plan.reason);
      case 'leave':
        return this.finish('unchanged', plan.reason);
      case 'wait':
        return this.finish('planned', 'an operation is in progress: a real run would wait for it, then decide again');
      case 'pause':
        this.actions.push('pause');
        return this.finish('planned', plan.reason);
      case 'resume':
        this.actions.push('resume');
        if (await this.deploymentWanted(false)) this.actions.push('deploy');
        return this.finish('planned', plan.reason);
      case 'finish-resume':
        if (await this.deploymentWanted(true)) this.actions.push('deploy');
        return this.finish('planned', plan.reason);
      case 'clear-marker':
        return this.finish('planned', plan.reason);
    }
  }

  /**
   * App Runner refused the pause just after the marker was written: the service was already busy.
   * Whoever paused it first (an overlapping run, or a person in that same instant) cannot be told
   * apart from here: App Runner records no caller. The marker stays, because an overlapping run's
   * pause is the scheduler's own, and the outcome says what happened. Otherwise, decide again.
   */
  private async pauseRefused(): Promise<ServiceOutcome | undefined> {
    this.status = await this.watcher.current(this.service);
    if (this.status === 'OPERATION_IN_PROGRESS') this.status = await this.watcher.settled(this.service);
    if (this.status !== 'PAUSED') return undefined;
    return this.finish('unchanged', 'another pause got there first (an overlapping run, or a person at the same moment): paused, marker kept');
  }

  /**
   * Tag selection reads tags from the Tagging API, which is eventually consistent: on a Lambda retry
   * minutes after a cut-short resume it may still show the old `paused` marker. Removing the marker
   * without a deployment drops work, so the marker is confirmed with ListTagsForResource first.
   */
  private async markerChangedSinceSelection(): Promise<boolean> {
    if (!this.service.tagsFromTaggingApi) return false;
    const marker = (await this.gateway.listTags(this.service.arn))[MARKER_TAG_KEY];
    if (marker === this.tags[MARKER_TAG_KEY]) return false;
    if (marker === undefined) delete this.tags[MARKER_TAG_KEY];
    else this.tags[MARKER_TAG_KEY] = marker;
    return true;
  }

  private notStarted(): ServiceOutcome {
    return this.finish('failed', "not started: the run's deadline came first; the next run will pick it up");
  }

  /**
   * Waits for the status an operation aims at. Returns the outcome of a pause that got there, or of a
   * service that settled elsewhere; undefined when a resume got there, or when it succeeded but the
   * service is not RUNNING (someone changed it since: the caller decides again).
   */
  private async awaitTarget(target: 'PAUSED' | 'RUNNING', reason: string): Promise<ServiceOutcome | undefined> {
    this.status = await this.watcher.settled(this.service);
    if (this.status === target) {
      return target === 'PAUSED' ? this.finish('changed', reason) : undefined;
    }
    if (this.status === 'DELETED') return this.finish('skipped', 'deleted during the run');
    const last = await this.lastOperation();
    const ours = last.operation?.id !== undefined && this.operationIds.includes(last.operation.id);
    if (target === 'RUNNING' && ours && last.operation?.status === 'SUCCEEDED') return undefined;
    return this.finish('failed', `${last.description}; the service is ${this.status}, not ${target}`);
  }

  private async deployAndClearMarker(reason: string): Promise<ServiceOutcome> {
    // Unknown AutoDeploymentsEnabled counts as a deployment that may be wanted.
    const mayDeploy = shouldDeploy(this.request.deployAfterResume, this.detail?.autoDeploymentsEnabled ?? true);
    if (mayDeploy && this.watcher.pastDeadline()) {
      // What is left of the run belongs to its report; the marker stays, so that a retry deploys.
      return this.finish('failed', "running, but its deployment was not started: the run's deadline came first; a retry will start it");
    }
    let detail = reason;
    if (await this.deploymentWanted(true)) {
      this.record('deploy', await this.gateway.startDeployment(this.service.arn));
      this.status = 'OPERATION_IN_PROGRESS';
      detail = `${reason}; deployment started`;
    }
    await this.clearMarker();
    return this.finish('changed', detail);
  }

  /**
   * Whether the policy calls for a deployment that nobody has started yet. With `checkHistory` (every
   * real run; a dry run planning a resume has no resume to look after) it first reads the operation
   * history, so that a deployment started since the latest resume is not started twice: one from an
   * earlier run cut short, from an overlapping run, or from a person while this run waited.
   */
  private async deploymentWanted(checkHistory: boolean): Promise<boolean> {
    const policy = this.request.deployAfterResume;
    if (policy === 'never') return false;
    if (policy === 'auto') {
      this.detail ??= await this.gateway.describeService(this.service.arn);
      if (!shouldDeploy(policy, this.detail.autoDeploymentsEnabled)) return false;
    }
    if (this.actions.includes('deploy')) return false;
    return !checkHistory || !deployedSinceLatestResume(await this.gateway.listRecentOperations(this.service.arn));
  }

  private async setMarker(state: 'paused' | 'resumed'): Promise<void> {
    const value = markerValue(state, new Date(this.clock()));
    await this.gateway.tagService(this.service.arn, MARKER_TAG_KEY, value);
    this.mutated = true;
    this.tags[MARKER_TAG_KEY] = value;
  }

  private async clearMarker(): Promise<void> {
    await this.gateway.untagService(this.service.arn, MARKER_TAG_KEY);
    this.mutated = true;
    delete this.tags[MARKER_TAG_KEY];
  }

  private record(action: ActionTaken, operationId: string | undefined): void {
    this.mutated = true;
    this.actions.push(action);
    if (operationId) this.operationIds.push(operationId);
  }

  /** This run's latest operation on the service (else the service's latest), and its type and status for a failure reason. */
  private async lastOperation(): Promise<{ readonly operation?: OperationRecord; readonly description: string }> {
    try {
      const operations = await this.gateway.listRecentOperations(this.service.arn);
      const operation = operations.find((o) => o.id !== undefined && this.operationIds.includes(o.id)) ?? operations[0];
      return {
        operation,
        description: operation ? `operation ${operation.id} (${operation.type}) ended ${operation.status}` : 'App Runner lists no operation for it',
      };
    } catch (error) {
      return { description: `the operation's result could not be read (${errorMessage(error)})` };
    }
  }

  private failure(error: unknown): ServiceOutcome {
    if (error instanceof ServiceNotFoundError) return this.finish('skipped', 'deleted during the run');
    if (error instanceof DeadlineError) {
      this.status = error.lastStatus;
      return this.finish('failed', `still ${error.lastStatus} when the run's deadline came; the next run will pick it up`);
    }
    if (error instanceof AppRunnerCallError) return this.finish('failed', error.message);
    return this.finish('failed', `unexpected error: ${errorMessage(error)}`);
  }

  private finish(outcome: Outcome, reason: string): ServiceOutcome {
    return {
      serviceArn: this.service.arn,
      serviceName: this.service.name,
      region: this.service.region,
      statusBefore: this.service.status,
      statusAfter: this.status,
      actions: [...this.actions],
      operationIds: [...this.operationIds],
      outcome,
      reason,
    };
  }
}
