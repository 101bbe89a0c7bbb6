/**
 * When the construct's schedules run: `pauseAt`/`resumeAt` on `weekDays` rendered as cron
 * expressions, or the `pauseSchedule`/`resumeSchedule` given; the checks of those props, the time
 * zone each run uses, and the warnings about times that daylight saving skips or repeats.
 */
import { TimeZone, Token } from 'aws-cdk-lib';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type { Action } from '../contract/event';
import type { OfficeHours } from '../contract/office-hours';
import type { ProblemList } from '../contract/problems';
import type { ScheduleOptions } from './schedule-options';
import { daylightSavingChangesAt } from './daylight-saving';

/** A day of the week, for `weekDays`. */
export enum WeekDay {
  MONDAY = 'MON',
  TUESDAY = 'TUE',
  WEDNESDAY = 'WED',
  THURSDAY = 'THU',
  FRIDAY = 'FRI',
  SATURDAY = 'SAT',
  SUNDAY = 'SUN',
}

/** The props that say when the runs happen. */
type ScheduleTimesProps = Pick<ScheduleOptions, 'timeZone' | 'pauseAt' | 'resumeAt' | 'weekDays' | 'pauseSchedule' | 'resumeSchedule' | 'holidays'>;

/** One scheduled action and when it runs. */
export interface PlannedRun {
  readonly action: Action;
  readonly expression: scheduler.ScheduleExpression;
}

/** A warning about legal but risky props: `id` is what a user acknowledges it by. */
export interface ScheduleWarning {
  readonly id: string;
  readonly message: string;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** EventBridge cron numbers days from Sunday. */
const CRON_DAY_ORDER: readonly WeekDay[] = [
  WeekDay.SUNDAY,
  WeekDay.MONDAY,
  WeekDay.TUESDAY,
  WeekDay.WEDNESDAY,
  WeekDay.THURSDAY,
  WeekDay.FRIDAY,
  WeekDay.SATURDAY,
];

const WORKING_WEEK: readonly WeekDay[] = [WeekDay.MONDAY, WeekDay.TUESDAY, WeekDay.WEDNESDAY, WeekDay.THURSDAY, WeekDay.FRIDAY];

/** The props that set one action's time: its local time of day, or its schedule expression. */
const TIME_PROPS = {
  pause: { at: 'pauseAt', schedule: 'pauseSchedule' },
  resume: { at: 'resumeAt', schedule: 'resumeSchedule' },
} as const;

/**
 * The time zone of one action's runs: the one its `pauseAt`/`resumeAt` are read in, and the one the
 * run reads holidays and dated skip tags in. `timeZone`, else its schedule expression's own, else UTC.
 */
export function timeZoneOf(props: ScheduleTimesProps, action: Action): TimeZone {
  return props.timeZone ?? props[TIME_PROPS[action].schedule]?.timeZone ?? TimeZone.ETC_UTC;
}

/**
 * One action's `pauseSchedule`/`resumeSchedule` as it is deployed. CDK gives a ScheduleExpression
 * built without a time zone Etc/UTC, so with `timeZone: TimeZone.EUROPE_LONDON` a cron expression
 * would run an hour early all summer: an expression in Etc/UTC takes `timeZone` instead, which is
 * what a user who set `timeZone` means.
 */
function scheduleOf(props: ScheduleTimesProps, action: Action): scheduler.ScheduleExpression | undefined {
  const expression = props[TIME_PROPS[action].schedule];
  const zone = props.timeZone;
  if (expression === undefined || zone === undefined || expression.timeZone?.timezoneName !== TimeZone.ETC_UTC.timezoneName) return expression;
  return scheduler.ScheduleExpression.expression(expression.expressionString, zone);
}

/**
 * The office hours the function is told (`SCHEDULER_HOURS`): each expression exactly as its schedule
 * is deployed, in the time zone it runs in (EventBridge Scheduler's default, UTC, for one built without),
 * and the holidays. Undefined unless both a pause and a resume are scheduled: with one of them, no
 * moment is known to be in or out of hours.
 */
export function officeHoursOf(runs: readonly PlannedRun[], props: ScheduleTimesProps): OfficeHours | undefined {
  const pause = runs.find((run) => run.action === 'pause');
  const resume = runs.find((run) => run.action === 'resume');
  if (!pause || !resume) return undefined;
  const action = (run: PlannedRun) => ({ expression: run.expression.expressionString, timeZone: run.expression.timeZone?.timezoneName ?? 'UTC' });
  return { pause: action(pause), resume: action(resume), ...(props.holidays ? { holidays: props.holidays } : {}) };
}

/** The pause and resume runs the props ask for, with their schedule expressions; what is wrong goes to `problems`. */
export function plannedRuns(props: ScheduleTimesProps, problems: ProblemList): PlannedRun[] {
  // From JavaScript, a TimeZone or a list may arrive as anything: a string time zone would make every
  // schedule run in UTC, and a string of days would crash below.
  if (props.timeZone !== undefined && typeof (props.timeZone as unknown as Partial<TimeZone>).timezoneName !== 'string') {
    problems.add('timeZone', props.timeZone, 'a TimeZone, such as TimeZone.EUROPE_LONDON or TimeZone.of("Europe/London")');
  }
  const weekDays = weekDaysOf(props, problems);
  if (props.weekDays !== undefined && props.pauseAt === undefined && props.resumeAt === undefined) {
    problems.add('weekDays', props.weekDays, 'weekDays only together with pauseAt or resumeAt (a ScheduleExpression carries its own days)');
  }
  if ([props.pauseAt, props.pauseSchedule, props.resumeAt, props.resumeSchedule].every((p) => p === undefined)) {
    problems.add('pauseAt', undefined, 'pauseAt or pauseSchedule, resumeAt or resumeSchedule, or both: a scheduler must pause or resume');
  }
  if (props.pauseAt !== undefined && props.pauseAt === props.resumeAt) {
    problems.add('resumeAt', props.resumeAt, `a time other than pauseAt ${JSON.stringify(props.pauseAt)}: both would run at once`);
  }

  const runs: PlannedRun[] = [];
  for (const action of ['pause', 'resume'] as const) {
    const { at: atField, schedule: scheduleField } = TIME_PROPS[action];
    const at = props[atField];
    const expression = scheduleOf(props, action);
    if (at !== undefined && expression !== undefined) {
      problems.add(scheduleField, expression.expressionString, `${atField} or ${scheduleField}, not both (${atField} is ${JSON.stringify(at)})`);
    } else if (expression !== undefined) {
      runs.push({ action, expression });
    } else if (at !== undefined) {
      const time = HH_MM.exec(at);
      if (Token.isUnresolved(at)) {
        problems.add(atField, at, `a literal local time HH:MM, not a token: the cron expression is built at synth time (use ${scheduleField} instead)`);
      } else if (!time) {
        problems.add(atField, at, 'a local time HH:MM from 00:00 to 23:59, such as "19:00"');
      } else if (weekDays.length > 0) {
        const [hour, minute] = [Number(time[1]), Number(time[2])];
        runs.push({
          action,
          expression: scheduler.ScheduleExpression.cron({
            minute: `${minute}`,
            hour: `${hour}`,
            weekDay: cronWeekDays(weekDays),
            timeZone: timeZoneOf(props, action),
          }),
        });
      }
    }
  }
  return runs;
}

/** The days `pauseAt`/`resumeAt` run on, none when `weekDays` is wrong (said in `problems`). */
function weekDaysOf(props: ScheduleTimesProps, problems: ProblemList): readonly WeekDay[] {
  const days: unknown = props.weekDays;
  if (days === undefined) return WORKING_WEEK;
  if (!Array.isArray(days)) {
    problems.add('weekDays', days, 'a list of WeekDay, such as [WeekDay.MONDAY, WeekDay.FRIDAY]');
    return [];
  }
  if (days.length === 0) problems.add('weekDays', days, 'at least one WeekDay, such as WeekDay.MONDAY');
  const before = problems.problems.length;
  days.forEach((day, i) => {
    if (!Object.values(WeekDay).includes(day)) problems.add(`weekDays[${i}]`, day, `a WeekDay: one of ${Object.values(WeekDay).join(', ')}`);
  });
  return problems.problems.length === before ? (days as WeekDay[]) : [];
}

/**
 * What daylight saving does to valid props: a `pauseAt`/`resumeAt` that clocks skip or repeat, and
 * holidays read in another time zone than the resume schedule runs in.
 */
export function scheduleTimeWarnings(props: ScheduleTimesProps): ScheduleWarning[] {
  const warnings: ScheduleWarning[] = [];
  for (const action of ['pause', 'resume'] as const) {
    const field = TIME_PROPS[action].at;
    const at = props[field];
    const zone = timeZoneOf(props, action).timezoneName;
    if (at === undefined || Token.isUnresolved(zone)) continue;
    const [hour, minute] = at.split(':').map(Number);
    // This year's rules stand for every year's: zones rarely change them.
    const changes = daylightSavingChangesAt(zone, new Date().getUTCFullYear(), hour * 60 + minute);
    if (changes.length === 0) continue;
    const effects = changes.map((c) =>
      c.kind === 'skipped'
        ? `skipped when clocks go forward (EventBridge Scheduler skips the run that day)`
        : `repeated when clocks go back (the run happens once)`,
    );
    warnings.push({
      id: `${field}DaylightSaving`,
      message: `${field} ${at} in ${zone} is ${effects.join(' and ')}. Choose a time daylight saving does not touch.`,
    });
  }
  const resumeZone = scheduleOf(props, 'resume')?.timeZone?.timezoneName;
  const holidayZone = props.timeZone?.timezoneName;
  if (props.holidays && holidayZone && resumeZone && resumeZone !== holidayZone) {
    warnings.push({
      id: 'holidayTimeZone',
      message: `holidays are read in timeZone ${holidayZone}, but resumeSchedule runs in ${resumeZone}: a holiday may start or end a day off. Give both the same time zone.`,
    });
  }
  return warnings;
}

/** Days in cron's order, runs of three or more written as ranges: MON-FRI, SUN,MON,SAT. */
function cronWeekDays(days: readonly WeekDay[]): string {
  const indexes = [...new Set(days.map((d) => CRON_DAY_ORDER.indexOf(d)))].sort((a, b) => a - b);
  if (indexes.length === CRON_DAY_ORDER.length) return '*';
  const parts: string[] = [];
  for (let start = 0; start < indexes.length; ) {
    let end = start;
    while (end + 1 < indexes.length && indexes[end + 1] === indexes[end] + 1) end++;
    const run = indexes.slice(start, end + 1).map((i) => CRON_DAY_ORDER[i]);
    parts.push(run.length >= 3 ? `${run[0]}-${run[run.length - 1]}` : run.join(','));
    start = end + 1;
  }
  return parts.join(',');
}
