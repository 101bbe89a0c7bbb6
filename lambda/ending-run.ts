/**
 * A run's part in snoozes and wakes that end on their own: before a service of an arranged pause
 * run, the gate (`endingGate`); after each service, the pause arranged at its snooze's or wake's end
 * (a one-time schedule), and the wake tag cleared once its pause ran. The rules are in endings.ts.
 */
import type { AppRunnerGateway } from './app-runner';
import { endingGate, endingPauseEvent, endingScheduleName, formatInstant, planEnding, snoozeEnd, wakeEnd, type EndingPlan, type EndingSettings } from './endings';
import { errorMessage, ServiceNotFoundError } from './errors';
import type { SchedulerRequest } from '../contract/event';
import { serviceOutcome, type EndingOutcome, type ServiceOutcome } from './report';
import type { SchedulerGateway } from './scheduler';
import { WAKE_TAG_KEY } from '../contract/scheduler-tags';
import type { Selection, SelectedService, UnreadableService } from './select';

/** What the run's ending step needs. */
export interface EndingRunContext {
  readonly request: SchedulerRequest;
  readonly settings: EndingSettings;
  /** Absent when the function has no way to arrange (then `settings.unavailable` says so). */
  readonly scheduler?: SchedulerGateway;
  readonly gateway: AppRunnerGateway;
  /** The run's wall clock, for decisions. */
  readonly now: () => number;
}

/** The run's wake, when the request has `until`: decided once, for every service it resumes. */
export function wakePlan(context: EndingRunContext): EndingPlan | undefined {
  const { until } = context.request;
  if (context.request.action !== 'resume' || until === undefined) return undefined;
  return planEnding('wake', new Date(until), new Date(context.now()), context.settings);
}

/** The tags a wake writes with the `resumed` marker, in the same TagResource call: none unless a pause is arranged. */
export function wakeTags(plan: EndingPlan | undefined, request: SchedulerRequest): Readonly<Record<string, string>> {
  return plan?.arrange && !request.dryRun ? { [WAKE_TAG_KEY]: formatInstant(plan.at) } : {};
}

/** In an arranged pause run, the row of a service the gate leaves alone; undefined when the run goes on. */
export function gatedOutcome(service: SelectedService, context: EndingRunContext): ServiceOutcome | undefined {
  const { ends } = context.request;
  if (!ends) return undefined;
  const reason = endingGate(ends, service.tags, new Date(context.now()), context.settings);
  if (!reason) return undefined;
  return serviceOutcome(service, { statusBefore: service.status, statusAfter: service.status, actions: [], operationIds: [], outcome: 'skipped', reason });
}

/**
 * In an arranged pause run, a listed service App Runner no longer knows was deleted before its snooze
 * or wake ended: nothing is left to pause, so it is `skipped`, not the `failed` of an ARN a person
 * mistyped, which would retry and raise the alarm for nothing.
 */
export function goneBeforeTheirEnd(selection: Selection, context: EndingRunContext): { gone: ServiceOutcome[]; unreadable: UnreadableService[] } {
  const { ends } = context.request;
  if (!ends) return { gone: [], unreadable: selection.unreadable };
  const isGone = (service: UnreadableService) => service.error instanceof ServiceNotFoundError;
  return {
    gone: selection.unreadable.filter(isGone).map((service) =>
      serviceOutcome(service, { actions: [], operationIds: [], outcome: 'skipped', reason: `deleted before its ${ends.kind} ended at ${ends.at}: nothing to pause` }),
    ),
    unreadable: selection.unreadable.filter((service) => !isGone(service)),
  };
}

/** After a service's run: the wake tag of an ended wake cleared, and the pause at the end of its snooze or wake arranged. */
export async function afterService(service: SelectedService, outcome: ServiceOutcome, wake: EndingPlan | undefined, context: EndingRunContext): Promise<ServiceOutcome> {
  const { request } = context;
  let result = outcome;
  if (request.ends?.kind === 'wake' && !request.dryRun && outcome.outcome !== 'failed' && service.tags[WAKE_TAG_KEY] !== undefined) {
    result = await clearWakeTag(service, result, context.gateway);
  }
  const plan = request.action === 'pause' ? snoozePlan(service, outcome, context) : wakeEndingFor(service, outcome, wake);
  if (!plan) return result;
  if (!plan.arrange) return withEnding(result, { kind: plan.kind, at: formatInstant(plan.at), arrangement: 'not-arranged', reason: plan.reason });
  if (plan.kind === 'wake' && !request.dryRun && !outcome.actions.includes('resume')) {
    // Woken by an earlier wake that ends sooner: this one moves its end, and arranges its own pause.
    try {
      await context.gateway.tagService(service.arn, WAKE_TAG_KEY, formatInstant(plan.at));
    } catch (error) {
      return failedEnding(result, plan, undefined, `the wake tag could not be moved to ${formatInstant(plan.at)}: ${errorMessage(error)}`);
    }
  }
  return arrange(service, result, plan, context);
}

/** A pause run skipped a service because of a dated skip tag: the pause at its end. */
function snoozePlan(service: SelectedService, outcome: ServiceOutcome, context: EndingRunContext): EndingPlan | undefined {
  if (outcome.outcome !== 'skipped') return undefined;
  const now = new Date(context.now());
  const end = snoozeEnd(service.tags, now, context.request.timeZone);
  return end && planEnding('snooze', end, now, context.settings);
}

/**
 * A wake's pause, for the services the wake resumed and those an earlier wake still keeps up (it
 * moves their end, unless theirs is later): never for a service someone else resumed.
 */
function wakeEndingFor(service: SelectedService, outcome: ServiceOutcome, wake: EndingPlan | undefined): EndingPlan | undefined {
  if (!wake) return undefined;
  const resumedByThisWake = outcome.actions.includes('resume') && (outcome.outcome === 'changed' || outcome.outcome === 'planned');
  if (resumedByThisWake) return wake;
  if (outcome.outcome === 'failed' || outcome.statusAfter !== 'RUNNING') return undefined;
  const earlier = wakeEnd(service.tags);
  if (earlier === undefined) {
    return { ...wake, arrange: false, reason: 'it was running already, not resumed by a wake: no pause arranged (the next scheduled pause takes it)' };
  }
  if (wake.arrange && earlier.getTime() > wake.at.getTime()) {
    return { ...wake, arrange: false, reason: `an earlier wake keeps it up until ${service.tags[WAKE_TAG_KEY]}, later than this one: left to that wake's pause` };
  }
  return wake;
}

async function arrange(service: SelectedService, outcome: ServiceOutcome, plan: EndingPlan, context: EndingRunContext): Promise<ServiceOutcome> {
  const schedule = endingScheduleName(service.arn, plan);
  const at = formatInstant(plan.at);
  if (context.request.dryRun) {
    return withEnding(outcome, { kind: plan.kind, at, arrangement: 'planned', schedule, reason: `${plan.reason}; a real run would create the one-time schedule ${schedule}` });
  }
  const { target } = context.settings;
  if (!target || !context.scheduler) {
    return withEnding(outcome, { kind: plan.kind, at, arrangement: 'not-arranged', reason: `no pause arranged: ${context.settings.unavailable ?? 'the function has no schedule group to arrange it in'}` });
  }
  try {
    const created = await context.scheduler.createOneTimeSchedule({
      name: schedule,
      groupName: target.groupName,
      at: plan.at,
      functionArn: target.functionArn,
      roleArn: target.roleArn,
      deadLetterQueueArn: target.deadLetterQueueArn,
      input: JSON.stringify(endingPauseEvent(service.arn, plan, context.request.timeZone, context.settings.schedule)),
      description: `Pauses ${service.name} when ${plan.kind === 'snooze' ? 'its snooze' : 'its wake'} ends`,
    });
    const how = created === 'created' ? 'the one-time schedule' : 'the one-time schedule (already there, from an earlier attempt)';
    return withEnding(outcome, { kind: plan.kind, at, arrangement: 'arranged', schedule, reason: `${plan.reason}: ${how} ${schedule} pauses it` });
  } catch (error) {
    return failedEnding(outcome, plan, schedule, errorMessage(error));
  }
}

/** The pause could not be arranged: the service fails, so that the invocation fails and Lambda retries (the names make that safe). */
function failedEnding(outcome: ServiceOutcome, plan: EndingPlan, schedule: string | undefined, why: string): ServiceOutcome {
  const at = formatInstant(plan.at);
  return {
    ...outcome,
    outcome: 'failed',
    reason: `${outcome.reason}; but its pause at ${at} could not be arranged: ${why}`,
    ending: { kind: plan.kind, at, arrangement: 'failed', ...(schedule ? { schedule } : {}), reason: why },
  };
}

async function clearWakeTag(service: SelectedService, outcome: ServiceOutcome, gateway: AppRunnerGateway): Promise<ServiceOutcome> {
  try {
    await gateway.untagService(service.arn, WAKE_TAG_KEY);
    return outcome;
  } catch (error) {
    if (error instanceof ServiceNotFoundError) return outcome;
    return { ...outcome, outcome: 'failed', reason: `${outcome.reason}; but the ended wake's ${WAKE_TAG_KEY} tag could not be removed: ${errorMessage(error)}` };
  }
}

function withEnding(outcome: ServiceOutcome, ending: EndingOutcome): ServiceOutcome {
  return { ...outcome, ending };
}
