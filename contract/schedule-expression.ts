/**
 * EventBridge Scheduler's schedule expressions, read and evaluated as the service does: `cron(...)`,
 * `rate(...)` and `at(...)`, in a time zone. Pure: the one evaluator the function, the construct and
 * the CLI use to tell when a schedule fires.
 *
 * The syntax is the one the EventBridge Scheduler user guide documents ("Schedule types in
 * EventBridge Scheduler", https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html):
 *
 * | field        | values              | wildcards          |
 * |--------------|---------------------|--------------------|
 * | minutes      | 0-59                | , - * /            |
 * | hours        | 0-23                | , - * /            |
 * | day-of-month | 1-31                | , - * ? / L W      |
 * | month        | 1-12 or JAN-DEC     | , - * /            |
 * | day-of-week  | 1-7 or SUN-SAT      | , - * ? L #        |
 * | year         | 1970-2199           | , - * /            |
 *
 * One of day-of-month and day-of-week must be `?`. Daylight saving: a local time that does not exist
 * that day is skipped; a time shown twice runs once (at its first occurrence: the guide says "once"
 * and no more, so the first is the one that can run). Where the guide is silent this module refuses
 * what it cannot read for certain rather than guess, and says so where it decides: a range must run
 * upwards (no `FRI-MON`), `L` and `W` stand alone in their field (no `L-3`, no `1,15W`), `nW` on a day
 * the month lacks (`31W` in April) does not fire that month, and `/` is refused in day-of-week, whose
 * wildcards the guide lists without it. Names (`MON`, `jan`) are read in any case, as in the Quartz
 * syntax the service's cron derives from.
 */

import { isTimeZone, wallClockAt, wallClockOnDate, type WallClock } from './local-time';
import type { FieldProblem } from './problems';

/** A cron expression, its fields read into the values they select. */
export interface CronSchedule {
  readonly kind: 'cron';
  /** The expression as written. */
  readonly expression: string;
  /** Minutes 0-59 that fire, ascending. */
  readonly minutes: readonly number[];
  /** Hours 0-23 that fire, ascending. */
  readonly hours: readonly number[];
  /** Months 1-12 that fire, ascending. */
  readonly months: readonly number[];
  /** Years 1970-2199 that fire, ascending. */
  readonly years: readonly number[];
  /** Which days of a month fire: from day-of-month or day-of-week, whichever is not `?`. */
  readonly days: DaySelector;
}

/** The days a cron expression selects, from the one of its day fields that is not `?`. */
export type DaySelector =
  /** Days of the month 1-31 (`*`, lists, ranges, increments). */
  | { readonly kind: 'days-of-month'; readonly days: readonly number[] }
  /** `L` in day-of-month: the month's last day. */
  | { readonly kind: 'last-day-of-month' }
  /** `LW`: the month's last weekday (Monday to Friday). */
  | { readonly kind: 'last-weekday-of-month' }
  /** `15W`: the weekday nearest that day, never in another month. */
  | { readonly kind: 'nearest-weekday'; readonly day: number }
  /** Days of the week, 1 = Sunday to 7 = Saturday (`L` alone is 7). */
  | { readonly kind: 'days-of-week'; readonly weekdays: readonly number[] }
  /** `6L`: the last such day of the week in the month. */
  | { readonly kind: 'last-of-weekday'; readonly weekday: number }
  /** `6#3`: the nth such day of the week in the month (1-5). */
  | { readonly kind: 'nth-weekday'; readonly weekday: number; readonly nth: number };

/** A rate expression: fires every interval from the schedule's start date, which it does not tell. */
export interface RateSchedule {
  readonly kind: 'rate';
  /** The expression as written. */
  readonly expression: string;
  /** The number of units. */
  readonly value: number;
  /** The unit, plural. */
  readonly unit: 'minutes' | 'hours' | 'days';
  /** The interval in milliseconds (a day is 24 hours, as the guide says, whatever the clocks do). */
  readonly intervalMs: number;
}

/** A one-time expression: fires once, at a wall-clock time in the schedule's zone. */
export interface AtSchedule extends WallClock {
  readonly kind: 'at';
  /** The expression as written. */
  readonly expression: string;
}

/** A schedule expression, read (named apart from aws-cdk-lib's `ScheduleExpression`, which only holds the text). */
export type ParsedScheduleExpression = CronSchedule | RateSchedule | AtSchedule;

/** A schedule expression (or its time zone) that EventBridge Scheduler does not accept. */
export class ScheduleExpressionError extends Error {
  override readonly name = 'ScheduleExpressionError';

  constructor(
    /** The whole expression received. */
    readonly expression: string,
    /** The part that is wrong: `day-of-week`, `rate unit`, `time zone`, `expression`. */
    readonly part: string,
    /** The text of that part. */
    readonly received: string,
    /** What is accepted there. */
    readonly accepted: string,
  ) {
    super(`Schedule expression ${JSON.stringify(expression)}: ${part} ${JSON.stringify(received)} is not accepted; expected ${accepted}`);
  }
}

/** A fire time the expression alone cannot tell: a `rate(...)` without the schedule's start. */
export class FireNotKnowableError extends Error {
  override readonly name = 'FireNotKnowableError';

  constructor(
    /** The expression. */
    readonly expression: string,
    /** Why, for a person. */
    readonly reason: string,
  ) {
    super(`Schedule expression ${JSON.stringify(expression)}: ${reason}`);
  }
}

/** Options of a fire search. */
export interface FireSearchOptions {
  /** The schedule's start date: the first fire of a `rate(...)`, which its expression does not tell. @default none: a rate's fires are not knowable */
  readonly start?: Date;
  /** `previousFire` looks no further back than this (inclusive). @default no bound but the year 1970 */
  readonly notBefore?: Date;
  /** `nextFire` looks no further ahead than this (inclusive). @default no bound but the year 2199 */
  readonly notAfter?: Date;
}

const MIN_YEAR = 1970;
const MAX_YEAR = 2199;
const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names for min, min+1, ... (upper case). */
  readonly names?: readonly string[];
  readonly step: boolean;
  readonly accepted: string;
}

const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59, step: true, accepted: '0-59, or a list, range or increment of them (, - * /)' },
  hours: { name: 'hours', min: 0, max: 23, step: true, accepted: '0-23, or a list, range or increment of them (, - * /)' },
  dayOfMonth: {
    name: 'day-of-month',
    min: 1,
    max: 31,
    step: true,
    accepted: '1-31, or a list, range or increment of them (, - * /), ?, L, LW or a day with W such as 15W',
  },
  month: { name: 'month', min: 1, max: 12, names: MONTH_NAMES, step: true, accepted: '1-12 or JAN-DEC, or a list, range or increment of them (, - * /)' },
  dayOfWeek: {
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: DAY_NAMES,
    step: false,
    accepted: '1-7 or SUN-SAT (1 is Sunday), or a list or range of them (, - *), ?, L, a day with L such as 6L, or one day#n such as 6#3',
  },
  year: { name: 'year', min: MIN_YEAR, max: MAX_YEAR, step: true, accepted: '1970-2199, or a list, range or increment of them (, - * /)' },
} satisfies Record<string, FieldSpec>;

const CRON = /^cron\((.*)\)$/s;
const RATE = /^rate\((.*)\)$/s;
const AT = /^at\((.*)\)$/s;
const AT_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const RATE_BODY = /^([1-9]\d*) (minutes?|hours?|days?)$/;
const WHOLE = /^\d+$/;
const EXPRESSIONS_ACCEPTED = 'cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)';

/** A field's problem, before it is known which expression it is in. */
class PartError extends Error {
  constructor(
    readonly part: string,
    readonly received: string,
    readonly accepted: string,
  ) {
    super(`${part} ${received}: expected ${accepted}`);
  }
}

function valueOf(text: string, spec: FieldSpec): number {
  const upper = text.toUpperCase();
  const named = spec.names?.indexOf(upper) ?? -1;
  if (named >= 0) return spec.min + named;
  if (!WHOLE.test(text)) throw new PartError(spec.name, text, spec.accepted);
  const value = Number(text);
  if (value < spec.min || value > spec.max) throw new PartError(spec.name, text, spec.accepted);
  return value;
}

/** Reads a field of values (`*`, lists, ranges, increments) into the ascending values it selects. */
function parseValues(text: string, spec: FieldSpec): number[] {
  const selected = new Set<number>();
  for (const item of text.split(',')) {
    const [range, stepText, ...more] = item.split('/');
    if (more.length > 0 || range === '' || (stepText !== undefined && !spec.step)) throw new PartError(spec.name, text, spec.accepted);
    let from: number;
    let to: number;
    if (range === '*') {
      from = spec.min;
      to = spec.max;
    } else {
      const [first, last, ...beyond] = range.split('-');
      if (beyond.length > 0) throw new PartError(spec.name, text, spec.accepted);
      from = valueOf(first, spec);
      // `a/n` runs from a to the field's end, as the guide's `1/10` (11th, 21st, 31st minute...).
      to = last !== undefined ? valueOf(last, spec) : stepText !== undefined ? spec.max : from;
      // The guide does not say whether a range may wrap around (FRI-MON, 22-2): not accepted here.
      if (to < from) throw new PartError(spec.name, text, `${spec.accepted}; a range runs upwards, such as ${spec.names ? 'MON-FRI' : `${spec.min}-${spec.max}`}`);
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!WHOLE.test(stepText) || Number(stepText) < 1) throw new PartError(spec.name, text, `${spec.accepted}; an increment is a whole number of at least 1`);
      step = Number(stepText);
    }
    for (let v = from; v <= to; v += step) selected.add(v);
  }
  return [...selected].sort((a, b) => a - b);
}

function parseDayOfMonth(text: string): DaySelector {
  const spec = FIELDS.dayOfMonth;
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'last-day-of-month' };
  if (upper === 'LW') return { kind: 'last-weekday-of-month' };
  if (upper.endsWith('W')) return { kind: 'nearest-weekday', day: valueOf(text.slice(0, -1), spec) };
  if (upper.includes('L') || upper.includes('W')) throw new PartError(spec.name, text, `${spec.accepted}; L and W stand alone in the field`);
  return { kind: 'days-of-month', days: parseValues(text, spec) };
}

function parseDayOfWeek(text: string): DaySelector {
  const spec = FIELDS.dayOfWeek;
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'days-of-week', weekdays: [7] };
  if (upper.includes('#')) {
    const [day, nth, ...more] = upper.split('#');
    if (more.length > 0 || !/^[1-5]$/.test(nth ?? '') || day.includes(',') || day.includes('-')) {
      throw new PartError(spec.name, text, `${spec.accepted}; with # the field holds one day#n, n from 1 to 5`);
    }
    return { kind: 'nth-weekday', weekday: valueOf(day, spec), nth: Number(nth) };
  }
  if (upper.endsWith('L')) return { kind: 'last-of-weekday', weekday: valueOf(text.slice(0, -1), spec) };
  if (upper.includes('L')) throw new PartError(spec.name, text, `${spec.accepted}; L stands alone or after one day`);
  return { kind: 'days-of-week', weekdays: parseValues(text, spec) };
}

function parseCron(expression: string, body: string): CronSchedule {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ScheduleExpressionError(expression, 'cron fields', body, 'six fields separated by spaces: minutes hours day-of-month month day-of-week year');
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields;
  const read = {
    minutes: readField(expression, minutes, () => parseValues(minutes, FIELDS.minutes)),
    hours: readField(expression, hours, () => parseValues(hours, FIELDS.hours)),
    months: readField(expression, month, () => parseValues(month, FIELDS.month)),
    years: readField(expression, year, () => parseValues(year, FIELDS.year)),
  };
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw new ScheduleExpressionError(expression, 'day-of-month and day-of-week', `${dayOfMonth} ${dayOfWeek}`, 'one of them ?, the other a value or * (such as "* ?" or "? MON-FRI")');
  }
  const days = dayOfMonth === '?' ? readField(expression, dayOfWeek, () => parseDayOfWeek(dayOfWeek)) : readField(expression, dayOfMonth, () => parseDayOfMonth(dayOfMonth));
  return { kind: 'cron', expression, ...read, days };
}

/** Reads one field; a problem in any part of it is reported with the whole field as written. */
function readField<T>(expression: string, text: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof PartError) throw new ScheduleExpressionError(expression, error.part, text, error.accepted);
    throw error;
  }
}

function parseRate(expression: string, body: string): RateSchedule {
  // The guide names the units minutes | hours | days; the singular (`rate(1 hour)`, which
  // aws-cdk-lib writes) is accepted too, with any value: the guide is silent on pairing them.
  const m = RATE_BODY.exec(body);
  if (!m) throw new ScheduleExpressionError(expression, 'rate', body, 'a whole number of at least 1 and a unit, minutes, hours or days, such as rate(5 minutes)');
  const value = Number(m[1]);
  const unit = (m[2].endsWith('s') ? m[2] : `${m[2]}s`) as RateSchedule['unit'];
  const unitMs = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 }[unit];
  return { kind: 'rate', expression, value, unit, intervalMs: value * unitMs };
}

function parseAt(expression: string, body: string): AtSchedule {
  const m = AT_TIME.exec(body);
  const accepted = 'a real local date and time yyyy-mm-ddThh:mm:ss, such as at(2026-12-24T08:00:00)';
  if (!m) throw new ScheduleExpressionError(expression, 'at time', body, accepted);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day || d.getUTCHours() !== hour || d.getUTCMinutes() !== minute || d.getUTCSeconds() !== second) {
    throw new ScheduleExpressionError(expression, 'at time', body, accepted);
  }
  return { kind: 'at', expression, year, month, day, hour, minute, second };
}

/**
 * Reads a schedule expression as EventBridge Scheduler accepts it. Throws a
 * {@link ScheduleExpressionError} naming the expression, the part that is wrong and what is accepted.
 */
export function parseScheduleExpression(expression: string): ParsedScheduleExpression {
  if (typeof expression !== 'string') throw new ScheduleExpressionError(String(expression), 'expression', String(expression), EXPRESSIONS_ACCEPTED);
  const cron = CRON.exec(expression);
  if (cron) return parseCron(expression, cron[1]);
  const rate = RATE.exec(expression);
  if (rate) return parseRate(expression, rate[1]);
  const at = AT.exec(expression);
  if (at) return parseAt(expression, at[1]);
  throw new ScheduleExpressionError(expression, 'expression', expression, EXPRESSIONS_ACCEPTED);
}

/**
 * The problems with a schedule expression, in the project's field-problem shape (empty when it is
 * accepted): `field` is the given path with the part that is wrong, such as `pause.expression (hours)`.
 */
export function scheduleExpressionProblems(field: string, expression: unknown): readonly FieldProblem[] {
  if (typeof expression !== 'string') return [{ field, received: expression === undefined ? 'nothing' : JSON.stringify(expression) ?? String(expression), accepted: EXPRESSIONS_ACCEPTED }];
  try {
    parseScheduleExpression(expression);
    return [];
  } catch (error) {
    if (!(error instanceof ScheduleExpressionError)) throw error;
    return [{ field: error.part === 'expression' ? field : `${field} (${error.part})`, received: JSON.stringify(error.received), accepted: error.accepted }];
  }
}

const parsed = new Map<string, ParsedScheduleExpression>();

function scheduleOf(expression: string): ParsedScheduleExpression {
  let schedule = parsed.get(expression);
  if (!schedule) {
    schedule = parseScheduleExpression(expression);
    // Deployed expressions are few; a caller feeding endless distinct ones gets no unbounded cache.
    if (parsed.size >= 1000) parsed.clear();
    parsed.set(expression, schedule);
  }
  return schedule;
}

function checkZone(expression: string, timeZone: string): void {
  if (typeof timeZone !== 'string' || !isTimeZone(timeZone)) {
    throw new ScheduleExpressionError(expression, 'time zone', String(timeZone), 'an IANA time zone such as "Europe/London" or "UTC"');
  }
}

function checkInstant(expression: string, instant: Date): void {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new ScheduleExpressionError(expression, 'instant', String(instant), 'a valid Date');
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 1 = Sunday ... 7 = Saturday, as cron's day-of-week counts. */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;
}

function nearestWeekday(year: number, month: number, day: number): number | undefined {
  const last = daysInMonth(year, month);
  if (day > last) return undefined;
  const weekday = weekdayOf(year, month, day);
  if (weekday === 7) return day === 1 ? 3 : day - 1;
  if (weekday === 1) return day === last ? day - 2 : day + 1;
  return day;
}

function dayMatches(days: DaySelector, year: number, month: number, day: number): boolean {
  switch (days.kind) {
    case 'days-of-month':
      return days.days.includes(day);
    case 'last-day-of-month':
      return day === daysInMonth(year, month);
    case 'last-weekday-of-month':
      return day === nearestWeekday(year, month, daysInMonth(year, month));
    case 'nearest-weekday':
      return day === nearestWeekday(year, month, days.day);
    case 'days-of-week':
      return days.weekdays.includes(weekdayOf(year, month, day));
    case 'last-of-weekday':
      return weekdayOf(year, month, day) === days.weekday && day + 7 > daysInMonth(year, month);
    case 'nth-weekday':
      return weekdayOf(year, month, day) === days.weekday && Math.ceil(day / 7) === days.nth;
  }
}

/** The fire instants of a cron schedule on one local date, ascending; times the zone skips are left out. */
function* firesOnDate(cron: CronSchedule, timeZone: string, year: number, month: number, day: number, descending: boolean, fromHour = 0): Generator<number> {
  const instantOf = wallClockOnDate(year, month, day, timeZone);
  const hours = descending ? [...cron.hours].reverse() : cron.hours.filter((hour) => hour >= fromHour);
  const minutes = descending ? [...cron.minutes].reverse() : cron.minutes;
  for (const hour of hours) {
    for (const minute of minutes) {
      const instant = instantOf(hour, minute);
      if (instant !== undefined) yield instant;
    }
  }
}

function nextCronFire(cron: CronSchedule, timeZone: string, after: number, notAfter: number): number | undefined {
  const start = wallClockAt(new Date(after), timeZone);
  let { year, month, day } = start;
  while (year <= MAX_YEAR) {
    if (Date.UTC(year, month - 1, day) - 14 * 3_600_000 > notAfter) return undefined;
    if (!cron.years.includes(year)) {
      year = cron.years.find((y) => y > year) ?? MAX_YEAR + 1;
      month = 1;
      day = 1;
    } else if (!cron.months.includes(month) || day > daysInMonth(year, month)) {
      const nextMonth = cron.months.find((m) => m > month);
      if (nextMonth === undefined) [year, month] = [year + 1, 1];
      else month = nextMonth;
      day = 1;
    } else {
      if (dayMatches(cron.days, year, month, day)) {
        // Instants grow with the wall clock on a date (a repeated time counts at its first occurrence),
        // so an hour before the one shown at `after` is before `after`.
        const fromHour = year === start.year && month === start.month && day === start.day ? start.hour : 0;
        for (const instant of firesOnDate(cron, timeZone, year, month, day, false, fromHour)) {
          if (instant > after) return instant <= notAfter ? instant : undefined;
        }
      }
      day += 1;
    }
  }
  return undefined;
}

function previousCronFire(cron: CronSchedule, timeZone: string, atOrBefore: number, notBefore: number): number | undefined {
  const start = wallClockAt(new Date(atOrBefore), timeZone);
  let { year, month, day } = start;
  while (year >= MIN_YEAR) {
    if (Date.UTC(year, month - 1, day) + 36 * 3_600_000 < notBefore) return undefined;
    if (!cron.years.includes(year)) {
      year = [...cron.years].reverse().find((y) => y < year) ?? MIN_YEAR - 1;
      month = 12;
      day = 31;
    } else if (!cron.months.includes(month) || day < 1) {
      const previousMonth = [...cron.months].reverse().find((m) => m < month);
      if (previousMonth === undefined) [year, month] = [year - 1, 12];
      else month = previousMonth;
      day = daysInMonth(year, month);
    } else {
      day = Math.min(day, daysInMonth(year, month));
      if (dayMatches(cron.days, year, month, day)) {
        for (const instant of firesOnDate(cron, timeZone, year, month, day, true)) {
          if (instant <= atOrBefore) return instant >= notBefore ? instant : undefined;
        }
      }
      day -= 1;
    }
  }
  return undefined;
}

function atInstant(at: AtSchedule, timeZone: string): number | undefined {
  // The guide says nothing of a one-time schedule at a local time the zone skips: it is read like a
  // cron time that day, which does not run.
  return wallClockOnDate(at.year, at.month, at.day, timeZone)(at.hour, at.minute, at.second);
}

function rateStart(rate: RateSchedule, options: FireSearchOptions | undefined): number {
  const start = options?.start;
  if (start === undefined) {
    throw new FireNotKnowableError(rate.expression, "a rate fires relative to the schedule's start date, which the expression does not tell");
  }
  checkInstant(rate.expression, start);
  return start.getTime();
}

/**
 * The first fire of a schedule strictly after `after`, or undefined when it fires no more (an `at`
 * in the past, a cron past its last year or past `options.notAfter`). A `rate(...)` needs
 * `options.start`, else a {@link FireNotKnowableError}. Throws a {@link ScheduleExpressionError} for a
 * bad expression or time zone.
 */
export function nextFire(expression: string, timeZone: string, after: Date, options?: FireSearchOptions): Date | undefined {
  const schedule = scheduleOf(expression);
  checkZone(expression, timeZone);
  checkInstant(expression, after);
  const t = after.getTime();
  const notAfter = options?.notAfter?.getTime() ?? Infinity;
  let fire: number | undefined;
  switch (schedule.kind) {
    case 'cron':
      fire = nextCronFire(schedule, timeZone, t, notAfter);
      break;
    case 'at': {
      const at = atInstant(schedule, timeZone);
      fire = at !== undefined && at > t && at <= notAfter ? at : undefined;
      break;
    }
    case 'rate': {
      const start = rateStart(schedule, options);
      const at = t < start ? start : start + (Math.floor((t - start) / schedule.intervalMs) + 1) * schedule.intervalMs;
      fire = at <= notAfter ? at : undefined;
      break;
    }
  }
  return fire === undefined ? undefined : new Date(fire);
}

/**
 * The last fire of a schedule at or before `atOrBefore`, or undefined when there is none (before its
 * first, or before `options.notBefore`). A `rate(...)` needs `options.start`, else a
 * {@link FireNotKnowableError}. Throws a {@link ScheduleExpressionError} for a bad expression or zone.
 */
export function previousFire(expression: string, timeZone: string, atOrBefore: Date, options?: FireSearchOptions): Date | undefined {
  const schedule = scheduleOf(expression);
  checkZone(expression, timeZone);
  checkInstant(expression, atOrBefore);
  const t = atOrBefore.getTime();
  const notBefore = options?.notBefore?.getTime() ?? -Infinity;
  let fire: number | undefined;
  switch (schedule.kind) {
    case 'cron':
      fire = previousCronFire(schedule, timeZone, t, notBefore);
      break;
    case 'at': {
      const at = atInstant(schedule, timeZone);
      fire = at !== undefined && at <= t && at >= notBefore ? at : undefined;
      break;
    }
    case 'rate': {
      const start = rateStart(schedule, options);
      const at = t < start ? undefined : start + Math.floor((t - start) / schedule.intervalMs) * schedule.intervalMs;
      fire = at !== undefined && at >= notBefore ? at : undefined;
      break;
    }
  }
  return fire === undefined ? undefined : new Date(fire);
}
