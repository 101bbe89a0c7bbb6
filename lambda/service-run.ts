/**
 * One service's way through a run: decide, act, wait, and decide again until an outcome. Each step
 * returns what comes next: `AGAIN` (decide again from the status the step left) or the service's
 * outcome. A state conflict (App Runner refusing a call in the state the run thought the service
 * had) is handled in one place, `afterConflict`; any other error ends the service in `failure`.
 */
import type { AppRunnerGateway, OperationRecord, ServiceDetail } from './app-runner';
import { awaitedDeployment, decide, deployedMarkerValue, deployedSinceLatestResume, markerValue, othersResumeJustEnded, shouldDeploy, type Plan } from './decide';
import { AppRunnerCallError, DeadlineError, errorMessage, ServiceNotFoundError, ServiceStateConflictError } from './errors';
import type { SchedulerRequest } from '../contract/event';
import { serviceOutcome, type ActionTaken, type Outcome, type ServiceOutcome, type ServiceSavings } from './report';
import { measureSavings, type AutoScalingCache } from './savings';
import { MARKER_TAG_KEY } from '../contract/scheduler-tags';
import type { SelectedService } from './select';
import type { StatusWatcher } from './status-watcher';

/** What one service's run shares with the others. */
export interface ServiceRunContext {
  /** Also the decision settings: a request carries every field `decide` reads. */
  readonly request: SchedulerRequest;
  /** The run's gateway, under its concurrency bound. */
  readonly gateway: AppRunnerGateway;
  /** The run's status watcher, which shares reads between the services waiting in a region. */
  readonly watcher: StatusWatcher;
  /** The run's clock. */
  readonly clock: () => number;
  /** Auto scaling configurations read so far; with it, each service this run resumes gets its savings. @default no savings measured */
  readonly autoScalingCache?: AutoScalingCache;
  /** Tags written together with the `resumed` marker, in the same call: a wake's end. @default none */
  readonly resumeTags?: Readonly<Record<string, string>>;
}

/** Handles one selected service to its outcome. Never throws: an error is the service's `failed` (or `skipped`) outcome. */
export function runService(service: SelectedService, context: ServiceRunContext): Promise<ServiceOutcome> {
  return new ServiceRun(service, context).run();
}

/** Decide again, from the status the step left. */
const AGAIN = { next: 'again' } as const;

/** What a step comes to: decide again, or the service's outcome. */
type StepResult = typeof AGAIN | { readonly next: 'done'; readonly outcome: ServiceOutcome };

/** The reason for a service that disappeared under the run, however the run learnt it. */
const DELETED_DURING_RUN = 'deleted during the run';

/** Whether a deployment decision reads the operation history first: see `deploymentWanted`. */
type HistoryCheck = 'skip' | 'read';

/** How many times a service is decided again before the run gives up on it. */
const MAX_ROUNDS = 8;

class ServiceRun {
  private status: string;
  private readonly tags: Record<string, string>;
  private readonly actions: ActionTaken[] = [];
  private readonly operationIds: string[] = [];
  private mutated = false;
  /** Whether this run saw the service RUNNING, or resumed it: a later PAUSED is someone else's doing. */
  private seenRunning = false;
  private detail?: ServiceDetail;
  /** This run's resume call, once the service came back RUNNING: the marker it replaced, when it was made, its operation id. */
  private resumeCall?: { readonly marker?: string; readonly at: number; readonly operationId?: string };
  /** The operation history as the deployment decision read it after the resume, if it read one. */
  private history?: readonly OperationRecord[];
  /** App Runner refused this run's StartDeployment once: a second refusal is the service's answer, not a race. */
  private deploymentRefused = false;
  private savings?: ServiceSavings;
  private readonly request: SchedulerRequest;
  private readonly gateway: AppRunnerGateway;
  private readonly watcher: StatusWatcher;
  private readonly clock: () => number;
  private readonly autoScalingCache?: AutoScalingCache;
  private readonly resumeTags: Readonly<Record<string, string>>;

  constructor(
    private readonly service: SelectedService,
    context: ServiceRunContext,
  ) {
    ({ request: this.request, gateway: this.gateway, watcher: this.watcher, clock: this.clock } = context);
    this.autoScalingCache = context.autoScalingCache;
    this.resumeTags = context.resumeTags ?? {};
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
        let step: StepResult;
        try {
          step = this.request.dryRun ? await this.plan(plan) : await this.act(plan);
        } catch (error) {
          if (!(error instanceof ServiceStateConflictError)) throw error;
          step = await this.afterConflict(error);
        }
        if (step.next === 'done') return step.outcome;
      }
      return this.outcome('failed', `its state kept changing under the scheduler (${MAX_ROUNDS} attempts); last status ${this.status}`);
    } catch (error) {
      // A failure after the resume (a deployment that would not start, a marker that would not go) keeps what the pause saved.
      await this.measureSavings();
      return this.failure(error);
    }
  }

  /** Carries out a plan, one step. */
  private async act(plan: Plan): Promise<StepResult> {
    switch (plan.kind) {
      case 'skip':
        return this.done('skipped', plan.reason);
      case 'leave':
        return this.done(this.mutated ? 'changed' : 'unchanged', plan.reason);
      case 'wait':
        this.status = await this.watcher.settled(this.service);
        return AGAIN;
      case 'pause':
        return this.pause(plan.reason);
      case 'resume':
        return this.resume(plan.reason);
      case 'finish-resume':
        return this.deployAndClearMarker(plan.reason, 'read');
      case 'clear-marker':
        if (await this.markerChangedSinceSelection()) return AGAIN;
        await this.clearMarker();
        return this.done('changed', plan.reason);
      case 'yield':
        await this.clearMarker();
        return this.done('failed', plan.reason);
    }
  }

  /** A dry run: reads only, and the outcome a real run would aim for. */
  private async plan(plan: Plan): Promise<StepResult> {
    switch (plan.kind) {
      case 'skip':
      case 'yield':
        return this.done('skipped', plan.reason);
      case 'leave':
        return this.done('unchanged', plan.reason);
      case 'wait':
        return this.done('planned', 'an operation is in progress: a real run would wait for it, then decide again');
      case 'pause':
        this.actions.push('pause');
        return this.done('planned', plan.reason);
      case 'resume':
        this.actions.push('resume');
        if (await this.deploymentWanted('skip')) this.actions.push('deploy');
        return this.done('planned', plan.reason);
      case 'finish-resume':
        if (await this.deploymentWanted('read')) this.actions.push('deploy');
        return this.done('planned', plan.reason);
      case 'clear-marker':
        return this.done('planned', plan.reason);
    }
  }

  private async pause(reason: string): Promise<StepResult> {
    if (this.watcher.pastDeadline()) return this.notStarted();
    await this.setMarker('paused');
    this.record('pause', await this.gateway.pauseService(this.service.arn));
    this.status = await this.watcher.settled(this.service);
    return this.status === 'PAUSED' ? this.done('changed', reason) : this.missedTarget('PAUSED');
  }

  private async resume(reason: string): Promise<StepResult> {
    if (this.watcher.pastDeadline()) return this.notStarted();
    const marker = this.tags[MARKER_TAG_KEY];
    await this.setMarker('resumed');
    const at = this.clock();
    const resumed = await this.gateway.resumeService(this.service.arn);
    this.detail = resumed.service ?? this.detail;
    this.record('resume', resumed.operationId);
    this.status = await this.watcher.settled(this.service);
    // Savings belong to a resume seen through: one that did not bring the service back leaves its pause to a later run.
    if (this.status === 'RUNNING') this.resumeCall = { marker, at, operationId: resumed.operationId };
    return this.status === 'RUNNING' ? this.deployAndClearMarker(reason, 'skip') : this.missedTarget('RUNNING');
  }

  /**
   * The service settled, but not in the status its operation aimed at: deleted, failed, or (when this
   * run's resume succeeded and the service is not RUNNING) paused by someone since, which deciding
   * again yields to.
   */
  private async missedTarget(target: 'PAUSED' | 'RUNNING'): Promise<StepResult> {
    if (this.status === 'DELETED') return this.done('skipped', DELETED_DURING_RUN);
    const last = await this.lastOperation();
    const ours = last.operation?.id !== undefined && this.operationIds.includes(last.operation.id);
    if (target === 'RUNNING' && ours && last.operation?.status === 'SUCCEEDED') return AGAIN;
    return this.done('failed', `${last.description}; the service is ${this.status}, not ${target}`);
  }

  /**
   * App Runner refused a call in the state the run thought the service had: someone or something
   * changed it. The service is read again and decided again, except for a refused pause that finds
   * it paused: the marker was written just before, and whoever paused it first (an overlapping run,
   * or a person in that same instant) cannot be told apart from here, since App Runner records no
   * caller. The marker stays, because an overlapping run's pause is the scheduler's own, and the
   * outcome says what happened.
   */
  private async afterConflict(conflict: ServiceStateConflictError): Promise<StepResult> {
    this.status = await this.watcher.current(this.service);
    if (conflict.operation !== 'PauseService') return AGAIN;
    if (this.status === 'OPERATION_IN_PROGRESS') this.status = await this.watcher.settled(this.service);
    if (this.status !== 'PAUSED') return AGAIN;
    return this.done('unchanged', 'another pause got there first (an overlapping run, or a person at the same moment): paused, marker kept');
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

  private notStarted(): StepResult {
    return this.done('failed', "not started: the run's deadline came first; the next run will pick it up");
  }

  /** `history`: whether the deployment decision reads the operation history first (see `deploymentWanted`). */
  private async deployAndClearMarker(reason: string, history: HistoryCheck): Promise<StepResult> {
    // Unknown AutoDeploymentsEnabled counts as a deployment that may be wanted.
    const mayDeploy = shouldDeploy(this.request.deployAfterResume, this.detail?.autoDeploymentsEnabled ?? true);
    const tooLate = async (): Promise<StepResult> => {
      // What is left of the run belongs to its report; the marker stays, so that a retry deploys.
      await this.measureSavings();
      return this.done('failed', "running, but its deployment was not started: the run's deadline came first; a retry will start it");
    };
    if (mayDeploy && this.watcher.pastDeadline()) return tooLate();
    if (!(await this.deploymentWanted(history))) {
      await this.clearMarker();
      await this.measureSavings();
      return this.done('changed', reason);
    }
    // The grace left for another run's deployment may have lasted until the deadline.
    if (this.watcher.pastDeadline()) return tooLate();
    const operationId = await this.startDeployment();
    this.record('deploy', operationId);
    this.status = 'OPERATION_IN_PROGRESS';
    if (!operationId) {
      await this.clearMarker();
      await this.measureSavings();
      return this.done('changed', `${reason}; deployment started, but App Runner returned no operation id, so its outcome cannot be followed`);
    }
    // The run does not wait for the deployment: its App Runner event reports the outcome (deployment-event.ts).
    // The last marker write records which deployment is the scheduler's, in the same one call that removed the marker.
    await this.setMarkerValue(deployedMarkerValue(operationId, new Date(this.clock())));
    await this.measureSavings();
    return this.done('changed', `${reason}; deployment ${operationId} started (its outcome is reported when App Runner announces it)`);
  }

  /**
   * What the pause saved, once this run's resume brought the service back: from the marker the resume
   * replaced and the history the deployment decision read, if it read one (no extra ListOperations).
   * Never throws: a figure it cannot make is reported `unknown`.
   */
  private async measureSavings(): Promise<void> {
    if (!this.resumeCall || !this.autoScalingCache || this.savings) return;
    const { marker, at, operationId } = this.resumeCall;
    const input = { region: this.service.region, detail: this.detail, marker, resumeRequestedAt: at, resumeOperationId: operationId, history: this.history };
    this.savings = await measureSavings(input, this.gateway, this.autoScalingCache);
  }

  /**
   * StartDeployment. A first refusal (App Runner runs one operation at a time, so a deployment that
   * someone else started is running, or an operation ran since) goes to `afterConflict`, and deciding
   * again reads the history (`finish-resume`): someone else's deployment since the resume ends the
   * service's run as done. A second refusal, with no deployment since the resume, is App Runner's
   * answer about this service: the service fails with it.
   */
  private async startDeployment(): Promise<string> {
    try {
      return await this.gateway.startDeployment(this.service.arn);
    } catch (error) {
      if (!(error instanceof ServiceStateConflictError) || this.deploymentRefused) {
        throw error instanceof ServiceStateConflictError ? new AppRunnerCallError(error.operation, error.target, error.cause) : error;
      }
      this.deploymentRefused = true;
      throw error;
    }
  }

  /**
   * Whether the policy calls for a deployment that nobody has started yet, so that a deployment
   * started since the latest resume is never started twice (one from an earlier run cut short, from
   * an overlapping run, or from a person).
   *
   * `skip`: this run's own ResumeService started the resume and this run saw it end RUNNING (or a dry
   * run plans a resume). The history is not read (issue #14: one ListOperations per service made a
   * 1,000-service resume 1.34x the work's calls). A deployment since that resume could only come from someone who saw it RUNNING
   * first, and App Runner runs one operation at a time: a deployment still running when ours arrives
   * makes App Runner refuse ours, and that refusal is decided again with the history read
   * (`startDeployment`). Two cases remain:
   * - a deployment that started and ended between this run's RUNNING read and its StartDeployment
   *   cannot happen: that gap is one call (seconds at most under throttling), real deployments take minutes;
   * - a deployment that started after the resume ended but before this run's next status read, so
   *   that the run, still reading OPERATION_IN_PROGRESS, takes the end of that deployment for the end
   *   of its resume and deploys again. The scheduler's other runs do not start one: a run that did not
   *   make the resume reads the history, and when it finds a resume that is not its own ended less
   *   than `deployGraceMs` ago (5 x the poll interval, against one poll interval, a status read and a
   *   call that this run needs), it waits that long and reads the history again before it deploys
   *   (`othersResumeJustEnded`). Only a person deploying by hand within seconds of the resume's end,
   *   before this run's next read, could: that second deployment deploys the same version again.
   *
   * `read`: the resume was found cut short (marked `resumed`, no ResumeService of this run), or App
   * Runner refused this run's deployment: the history tells whether a deployment already ran.
   */
  private async deploymentWanted(history: HistoryCheck): Promise<boolean> {
    const policy = this.request.deployAfterResume;
    if (policy === 'never') return false;
    if (policy === 'auto') {
      this.detail ??= await this.gateway.describeService(this.service.arn);
      if (!shouldDeploy(policy, this.detail.autoDeploymentsEnabled)) return false;
    }
    if (this.actions.includes('deploy')) return false;
    if (history === 'skip') return true;
    this.history = await this.gateway.listRecentOperations(this.service.arn);
    if (deployedSinceLatestResume(this.history)) return false;
    if (this.request.dryRun || !othersResumeJustEnded(this.history, this.operationIds, this.watcher.now(), this.watcher.deployGraceMs)) return true;
    await this.watcher.deployGrace();
    this.history = await this.gateway.listRecentOperations(this.service.arn);
    return !deployedSinceLatestResume(this.history);
  }

  private async setMarker(state: 'paused' | 'resumed'): Promise<void> {
    const alsoTags = state === 'resumed' ? this.resumeTags : {};
    await this.setMarkerValue(markerValue(state, new Date(this.clock())), alsoTags);
  }

  private async setMarkerValue(value: string, alsoTags: Readonly<Record<string, string>> = {}): Promise<void> {
    await this.gateway.tagService(this.service.arn, MARKER_TAG_KEY, value, alsoTags);
    this.mutated = true;
    Object.assign(this.tags, alsoTags, { [MARKER_TAG_KEY]: value });
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

  /** The outcome of an error that ended the service's run. */
  private failure(error: unknown): ServiceOutcome {
    if (error instanceof ServiceNotFoundError) return this.outcome('skipped', DELETED_DURING_RUN);
    if (error instanceof DeadlineError) {
      this.status = error.lastStatus;
      return this.outcome('failed', `still ${error.lastStatus} when the run's deadline came; the next run will pick it up`);
    }
    if (error instanceof AppRunnerCallError) return this.outcome('failed', error.message);
    return this.outcome('failed', `unexpected error: ${errorMessage(error)}`);
  }

  private done(outcome: Outcome, reason: string): StepResult {
    return { next: 'done', outcome: this.outcome(outcome, reason) };
  }

  private outcome(outcome: Outcome, reason: string): ServiceOutcome {
    const unconfirmed = this.unconfirmedDeployment();
    return serviceOutcome(this.service, {
      statusBefore: this.service.status,
      statusAfter: this.status,
      actions: [...this.actions],
      operationIds: [...this.operationIds],
      outcome,
      reason: unconfirmed ? `${reason}. ${unconfirmedDeploymentNote(unconfirmed, this.service.arn)}` : reason,
      ...(unconfirmed ? { unconfirmedDeployment: unconfirmed } : {}),
      ...(this.savings ? { savings: this.savings } : {}),
    });
  }

  /**
   * The deployment an earlier resume run started whose App Runner event never came (App Runner delivers
   * events best effort): its id is still in the marker this run found. The run says so rather than read
   * the operation history for it, which would add a call to every run for a rare case.
   */
  private unconfirmedDeployment(): string | undefined {
    const awaited = awaitedDeployment(this.service.tags);
    return awaited !== undefined && !this.operationIds.includes(awaited) ? awaited : undefined;
  }
}

/** What a report says about a deployment whose outcome was never reported. */
export function unconfirmedDeploymentNote(operationId: string, serviceArn: string): string {
  return `Deployment ${operationId}, started by an earlier resume, has no reported outcome (App Runner's event did not arrive): check it with aws apprunner list-operations --service-arn ${serviceArn}`;
}
