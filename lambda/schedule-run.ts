/**
 * A run's part in named schedules, pure: before each selected service, whether this run may act on
 * it (a run that a named schedule sent acts only on the services that schedule owns), and whose
 * office hours end its snooze or wake. The ownership rule itself is contract/schedules.ts.
 *
 * - A run with `schedule` acts on the services that schedule owns; every other one is `skipped`,
 *   saying who owns it, or the conflict and the tag that settles it. When the function cannot tell
 *   what the schedule owns (no or a bad `SCHEDULER_SCHEDULES`, or no schedule of that name), the run
 *   stops before any App Runner call with an `UnknownScheduleError`: no service is changed, and the
 *   invocation fails whether or not the event selects anything. An arranged pause (`ends`) for such
 *   a schedule (removed since it was arranged) leaves its service as it is, `skipped`, like an
 *   arranged pause that cannot check the hours.
 * - A run without `schedule` (a scheduler without named schedules, a person invoking by hand) acts
 *   on every selected service, as before. Only the hours of a snooze's or wake's end change: those
 *   of the schedule the service follows, so that a person's wake of a London service ends in London's
 *   evening. A service that follows no schedule by conflict or unknown tag has no hours, and no pause
 *   is arranged for it; one that no schedule selects keeps the function's own (`SCHEDULER_HOURS`).
 *   With a `SCHEDULER_SCHEDULES` that is not valid, whose hours apply cannot be known: no pause is
 *   arranged, and the report says why.
 */
import type { SchedulerRequest } from '../contract/event';
import { SCHEDULER_SCHEDULES_ENV } from '../contract/function-environment';
import { SCHEDULE_TAG_KEY } from '../contract/scheduler-tags';
import { followedSchedule, listNames, ownershipProblem, scheduleOwnership, type FunctionHome, type NamedSchedule, type Schedules } from '../contract/schedules';
import type { EndingSettings } from './endings';
import { UnknownScheduleError } from './errors';
import type { SelectedService } from './select';

/** What the function knows of its named schedules, from its environment and invocation. */
export interface ScheduleSettings {
  /** The named schedules (`SCHEDULER_SCHEDULES`). @default none: a scheduler without named schedules */
  readonly schedules?: Schedules;
  /** Why `SCHEDULER_SCHEDULES` could not be read, when it could not. @default none */
  readonly problem?: string;
  /** The function's account and region: where a selection without accounts or regions looks. @default unknown */
  readonly home?: FunctionHome;
}

/** What a run does with a selected service, as far as named schedules go. */
export type ScheduleDecision =
  /** Run it, with these settings for the end of its snooze or wake. */
  | { readonly kind: 'run'; readonly endings: EndingSettings }
  /** Leave it alone: another schedule owns it, or none does. */
  | { readonly kind: 'skipped'; readonly reason: string };

/**
 * The decisions of one run. Each schedule's ending settings are built once, so that the run plans
 * a wake once per schedule, not once per service.
 */
export class ScheduleRule {
  private readonly endingsBySchedule = new Map<string, EndingSettings>();
  /** Why an arranged pause leaves every service alone: the schedule it was arranged for cannot be placed any more. */
  private readonly unplacedEnding?: string;

  /**
   * @throws UnknownScheduleError when the request names a schedule the function cannot place,
   * except for an arranged pause: a schedule removed since (or a deployment gone wrong) leaves its
   * services as they are, as an arranged pause does whenever it cannot check the hours.
   */
  constructor(
    private readonly request: SchedulerRequest,
    private readonly settings: ScheduleSettings,
    /** The function's own ending settings (`SCHEDULER_HOURS` and the schedule target). */
    private readonly endings: EndingSettings,
  ) {
    const why = this.unplaced();
    const { schedule, ends } = request;
    if (why === undefined || schedule === undefined) return;
    if (!ends) throw new UnknownScheduleError(schedule, `this run is schedule ${schedule}'s, but ${why}: nothing was called, and no service is changed until the function is told its schedules`);
    this.unplacedEnding = `left as it is: the pause at the end of its ${ends.kind} was arranged for schedule ${schedule}, but ${why}`;
  }

  /** What the run does with this service. */
  decide(service: SelectedService): ScheduleDecision {
    const { schedules, home } = this.settings;
    const { schedule } = this.request;
    if (this.unplacedEnding) return { kind: 'skipped', reason: this.unplacedEnding };
    if (!schedules) {
      return { kind: 'run', endings: this.settings.problem ? this.withoutHours(this.settings.problem) : this.endings };
    }
    const ownership = scheduleOwnership(service, schedules, home);
    const problem = ownershipProblem(ownership, schedules);
    if (schedule === undefined) {
      if (problem) return { kind: 'run', endings: this.withoutHours(`it follows no schedule, so its office hours are unknown: ${problem}`) };
      const followed = followedSchedule(ownership);
      return { kind: 'run', endings: followed === undefined ? this.endings : this.endingsOf(schedules.get(followed)!) };
    }
    if (problem) return { kind: 'skipped', reason: `${problem}; no schedule's run changes it until then` };
    switch (ownership.kind) {
      case 'none':
        return { kind: 'skipped', reason: `schedule ${schedule}'s selection in ${SCHEDULER_SCHEDULES_ENV} does not match it, though this event selected it: left alone` };
      case 'tagged':
        if (ownership.schedule === schedule) break;
        return { kind: 'skipped', reason: `follows schedule ${ownership.schedule} (its tag ${SCHEDULE_TAG_KEY}=${ownership.schedule}), not ${schedule}: left to ${ownership.schedule}'s runs` };
      case 'selected':
        if (ownership.schedule === schedule) break;
        return { kind: 'skipped', reason: `follows schedule ${ownership.schedule}, whose selection matches it, not ${schedule}: left to ${ownership.schedule}'s runs` };
    }
    return { kind: 'run', endings: this.endingsOf(schedules.get(schedule)!) };
  }

  /** Why the function cannot tell what the request's schedule owns; undefined when it can, or the request names none. */
  private unplaced(): string | undefined {
    const { schedule } = this.request;
    if (schedule === undefined) return undefined;
    const { schedules, problem } = this.settings;
    if (problem) return problem;
    if (!schedules) {
      return `the function's environment has no ${SCHEDULER_SCHEDULES_ENV} to tell which services it owns (a deployment from before named schedules, or a function the construct did not deploy)`;
    }
    if (!schedules.has(schedule)) return `${SCHEDULER_SCHEDULES_ENV} has no schedule ${schedule} (it has ${listNames([...schedules.keys()])})`;
    return undefined;
  }

  /** A schedule's ending settings: its hours, the function's schedule target, its name for the pause it arranges. */
  private endingsOf(schedule: NamedSchedule): EndingSettings {
    let endings = this.endingsBySchedule.get(schedule.name);
    if (!endings) {
      const { target } = this.endings;
      // The function's own settings say why there is no target; with one, only the schedule's hours can be missing.
      const unavailable = !target
        ? (this.endings.unavailable ?? 'the function has no schedule group to arrange it in')
        : schedule.hours
          ? undefined
          : `schedule ${schedule.name} does not both pause and resume, so its office hours are unknown`;
      endings = { schedule: schedule.name, ...(schedule.hours ? { hours: schedule.hours } : {}), ...(target ? { target } : {}), ...(unavailable ? { unavailable } : {}) };
      this.endingsBySchedule.set(schedule.name, endings);
    }
    return endings;
  }

  private withoutHours(why: string): EndingSettings {
    return { ...(this.endings.target ? { target: this.endings.target } : {}), unavailable: why };
  }
}
