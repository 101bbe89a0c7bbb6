/**
 * The rules of snoozes and wakes that end on their own, pure: when a run arranges a pause at the end
 * of a snooze (a dated skip tag) or of a wake (a resume with `until`), what that pause's event and
 * schedule are, and when the arranged run leaves a service alone. No AWS calls, no clock.
 */
import { parseServiceArn, type EndingKind, type PauseEnding, type SchedulerEvent } from '../contract/event';
import { parseIsoInstant } from '../contract/local-time';
import { officeHoursAt, type OfficeHours } from '../contract/office-hours';
import { SKIP_TAG_KEY, WAKE_TAG_KEY } from '../contract/scheduler-tags';

/** What a one-time schedule needs to invoke the function: all from its environment and context. */
export interface ScheduleTarget {
  /** The construct's schedule group. */
  readonly groupName: string;
  /** The role the construct's schedules invoke the function with. */
  readonly roleArn: string;
  /** The function's unqualified ARN. */
  readonly functionArn: string;
  /** The construct's dead-letter queue. @default none */
  readonly deadLetterQueueArn?: string;
}

/** What the function knows to arrange pauses with; `unavailable` says why it cannot, when it cannot. */
export interface EndingSettings {
  /** The office hours, as the schedules run: the function's, or those of the named schedule the service follows. */
  readonly hours?: OfficeHours;
  /** The named schedule whose hours these are; the pause arranged names it, so that its run reads the same hours. @default none: the function's own hours */
  readonly schedule?: string;
  readonly target?: ScheduleTarget;
  /** Why no pause can be arranged (hours or target unknown); undefined when one can. */
  readonly unavailable?: string;
}

/** A pause this run would arrange at the end of a snooze or a wake, or why it does not. */
export interface EndingPlan {
  readonly kind: EndingKind;
  /** The snooze's or wake's end, rounded up to the minute (EventBridge Scheduler's precision). */
  readonly at: Date;
  readonly arrange: boolean;
  /** Why not, when `arrange` is false; what, when true. */
  readonly reason: string;
}

/** An instant as the scheduler writes it in tags and events: ISO-8601 UTC to the second. */
export function formatInstant(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The instant rounded up to the next whole minute (unchanged when it is one). */
export function toMinuteAbove(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / 60_000) * 60_000);
}

/** When a dated skip tag that holds at `now` ends; undefined for no skip, `true`, an unreadable value, or one that has ended. */
export function snoozeEnd(tags: Readonly<Record<string, string>>, now: Date, timeZone: string): Date | undefined {
  const value = tags[SKIP_TAG_KEY]?.trim();
  if (value === undefined || value.toLowerCase() === 'true') return undefined;
  const end = parseIsoInstant(value, timeZone);
  return end !== undefined && now.getTime() < end.getTime() ? end : undefined;
}

/** The instant the wake tag says a wake ends; undefined without one, or for a value the scheduler never writes. */
export function wakeEnd(tags: Readonly<Record<string, string>>): Date | undefined {
  const value = tags[WAKE_TAG_KEY];
  return value !== undefined && value.endsWith('Z') ? parseIsoInstant(value, 'UTC') : undefined;
}

const KIND_WORDS: Readonly<Record<EndingKind, string>> = { snooze: 'the snooze', wake: 'the wake' };

/**
 * Whether a pause is arranged at the end of a snooze or wake: only when the function knows its
 * hours, when that moment is out of hours and, for a snooze, before the next scheduled resume (a
 * later snooze is still there at the next pause run, which arranges it then).
 */
export function planEnding(kind: EndingKind, end: Date, now: Date, settings: EndingSettings): EndingPlan {
  const at = toMinuteAbove(end);
  const when = `${KIND_WORDS[kind]} ends at ${formatInstant(at)}`;
  const not = (why: string): EndingPlan => ({ kind, at, arrange: false, reason: `${when}: no pause arranged, ${why}` });
  if (settings.unavailable || !settings.hours) return not(settings.unavailable ?? 'the function does not know its office hours');
  const reading = officeHoursAt(settings.hours, at);
  if (!reading.known) return not(`whether that is out of hours cannot be known (${reading.reason})`);
  if (!reading.outOfHours) return not('since that is in office hours (the scheduled pause takes it from there)');
  if (kind === 'snooze') {
    const nextResume = officeHoursAt(settings.hours, now).nextResume;
    if (nextResume && nextResume.getTime() <= at.getTime()) {
      return not(`since the next scheduled resume (${formatInstant(nextResume)}) comes first; the next pause run arranges it`);
    }
  }
  return { kind, at, arrange: true, reason: `${when}, out of office hours: a pause is arranged then` };
}

/**
 * Why an arranged pause run leaves a service alone, or undefined when the ordinary pause rules
 * decide (they honour a snooze extended since, and a person's pause). It acts only out of hours,
 * and a wake's pause only while the wake tag still names this wake.
 */
export function endingGate(ends: PauseEnding, tags: Readonly<Record<string, string>>, now: Date, settings: EndingSettings): string | undefined {
  const what = `${KIND_WORDS[ends.kind]} that ended at ${ends.at}`;
  if (!settings.hours) return `left as it is: ${what} cannot be checked against office hours (${settings.unavailable ?? 'the function does not know them'})`;
  const reading = officeHoursAt(settings.hours, now);
  if (!reading.known) return `left as it is: whether it is out of hours now cannot be known (${reading.reason})`;
  if (!reading.outOfHours) return `left as it is: it is office hours now, so ${what} needs no pause`;
  if (ends.kind === 'wake') {
    const woken = wakeEnd(tags);
    if (woken === undefined) return `left as it is: its ${WAKE_TAG_KEY} tag is gone, so ${what} no longer applies`;
    if (woken.getTime() !== Date.parse(ends.at)) return `left as it is: the wake was moved to ${tags[WAKE_TAG_KEY]}, whose own pause is arranged`;
  }
  return undefined;
}

/**
 * The event the one-time schedule sends: a pause of one service, saying which end it is and, for a
 * service that follows a named schedule, which schedule's hours it ends in.
 */
export function endingPauseEvent(serviceArn: string, plan: Pick<EndingPlan, 'kind' | 'at'>, timeZone: string, schedule?: string): SchedulerEvent {
  return { action: 'pause', services: [serviceArn], timeZone, ends: { kind: plan.kind, at: formatInstant(plan.at) }, ...(schedule === undefined ? {} : { schedule }) };
}

/**
 * The one-time schedule's name: the kind, the service's id and the minute, so that a retried run
 * creates the very same name (and finds it there). 54 characters, within Scheduler's 64.
 */
export function endingScheduleName(serviceArn: string, plan: Pick<EndingPlan, 'kind' | 'at'>): string {
  const id = parseServiceArn(serviceArn)?.serviceId ?? serviceArn.replace(/[^0-9A-Za-z]/g, '').slice(-32);
  const minute = plan.at.toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `${plan.kind}-${id}-${minute}Z`;
}
