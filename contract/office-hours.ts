/**
 * Office hours: whether a scheduler is in or out of hours at a moment, read from its pause and resume
 * schedules as deployed. Pure. The function learns them from `SCHEDULER_HOURS` (see
 * {@link parseOfficeHours}); the construct writes that variable.
 *
 * Out of hours means the latest pause at or before the moment is later than the latest effective
 * resume at or before it. A resume on a holiday (its local date in the resume's zone) changes nothing,
 * so it does not count, and the services stay paused through it.
 */

import { isLocalDate, isTimeZone, localDate } from './local-time';
import { ProblemList, describeProblems, isPlainObject, type FieldProblem } from './problems';
import { nextFire, parseScheduleExpression, previousFire, scheduleExpressionProblems } from './schedule-expression';

/** One schedule of the scheduler: its expression as deployed and the zone it runs in. */
export interface ScheduledAction {
  /** A schedule expression, such as `cron(0 19 ? * MON-FRI *)`. */
  readonly expression: string;
  /** The IANA time zone it is evaluated in, such as `Europe/London`. */
  readonly timeZone: string;
}

/** A scheduler's hours: when it pauses, when it resumes, and the days a resume does nothing. */
export interface OfficeHours {
  /** The pause schedule. */
  readonly pause: ScheduledAction;
  /** The resume schedule. */
  readonly resume: ScheduledAction;
  /** Local dates (`YYYY-MM-DD`, in the resume's zone) on which a resume run changes nothing. @default none */
  readonly holidays?: readonly string[];
}

/** The last and next runs around a moment; each undefined when there is none (or it cannot be known). */
export interface OfficeHoursRuns {
  /** The latest pause at or before the moment, within the look-back. */
  readonly lastPause?: Date;
  /** The latest effective resume (not on a holiday) at or before the moment, within the look-back. */
  readonly lastResume?: Date;
  /** The first pause after the moment, within the look-ahead. */
  readonly nextPause?: Date;
  /** The first effective resume (not on a holiday) after the moment, within the look-ahead. */
  readonly nextResume?: Date;
}

/** The schedule tells whether the moment is out of hours. */
export interface KnownOfficeHours extends OfficeHoursRuns {
  readonly known: true;
  /** True when the moment is out of hours: the last pause is later than the last effective resume. */
  readonly outOfHours: boolean;
}

/** The schedule cannot tell: a `rate(...)` (relative to a start it does not tell), or no run in the look-back. */
export interface UnknownOfficeHours extends OfficeHoursRuns {
  readonly known: false;
  /** Why, for a person. */
  readonly reason: string;
}

/** Whether a moment is in or out of hours, with the runs around it. */
export type OfficeHoursReading = KnownOfficeHours | UnknownOfficeHours;

/** How far back and ahead runs are looked for: more than a year, so a yearly schedule is seen. */
export const OFFICE_HOURS_HORIZON_DAYS = 400;

const DAY_MS = 86_400_000;

/** The name of the environment variable the function reads its hours from. */
export const SCHEDULER_HOURS_ENV = 'SCHEDULER_HOURS';

/** Hours that are not what {@link parseOfficeHours} accepts; `problems` names each field. */
export class OfficeHoursError extends Error {
  override readonly name = 'OfficeHoursError';

  constructor(
    /** Every problem found. */
    readonly problems: readonly FieldProblem[],
    options?: { cause?: unknown },
  ) {
    super(`${SCHEDULER_HOURS_ENV} is not valid: ${describeProblems(problems)}`, options);
  }
}

function isHoliday(hours: OfficeHours, resume: Date): boolean {
  const holidays = hours.holidays;
  return holidays !== undefined && holidays.length > 0 && holidays.includes(localDate(resume, hours.resume.timeZone));
}

function lastEffectiveResume(hours: OfficeHours, at: Date, notBefore: Date): Date | undefined {
  let resume = previousFire(hours.resume.expression, hours.resume.timeZone, at, { notBefore });
  while (resume !== undefined && isHoliday(hours, resume)) {
    resume = previousFire(hours.resume.expression, hours.resume.timeZone, new Date(resume.getTime() - 1), { notBefore });
  }
  return resume;
}

function nextEffectiveResume(hours: OfficeHours, at: Date, notAfter: Date): Date | undefined {
  let resume = nextFire(hours.resume.expression, hours.resume.timeZone, at, { notAfter });
  while (resume !== undefined && isHoliday(hours, resume)) {
    resume = nextFire(hours.resume.expression, hours.resume.timeZone, resume, { notAfter });
  }
  return resume;
}

/**
 * Whether `at` is out of hours, and the last and next pause and resume around it. Runs are looked for
 * {@link OFFICE_HOURS_HORIZON_DAYS} days back and ahead. Unknown for a `rate(...)` schedule and when
 * neither schedule ran within the look-back. A pause and a resume in the same instant count as in
 * hours (the resume is the later word). Throws a `ScheduleExpressionError` for a bad expression or zone.
 */
export function officeHoursAt(hours: OfficeHours, at: Date): OfficeHoursReading {
  const notBefore = new Date(at.getTime() - OFFICE_HOURS_HORIZON_DAYS * DAY_MS);
  const notAfter = new Date(at.getTime() + OFFICE_HOURS_HORIZON_DAYS * DAY_MS);
  const rates = (['pause', 'resume'] as const).filter((action) => parseScheduleExpression(hours[action].expression).kind === 'rate');
  if (rates.length > 0) {
    const runs: OfficeHoursRuns = rates.includes('pause')
      ? rates.includes('resume')
        ? {}
        : { lastResume: lastEffectiveResume(hours, at, notBefore), nextResume: nextEffectiveResume(hours, at, notAfter) }
      : {
          lastPause: previousFire(hours.pause.expression, hours.pause.timeZone, at, { notBefore }),
          nextPause: nextFire(hours.pause.expression, hours.pause.timeZone, at, { notAfter }),
        };
    return {
      known: false,
      reason: `the ${rates.join(' and ')} schedule ${rates.map((a) => hours[a].expression).join(' and ')} fires relative to its start date, which the expression does not tell`,
      ...runs,
    };
  }
  const runs: OfficeHoursRuns = {
    lastPause: previousFire(hours.pause.expression, hours.pause.timeZone, at, { notBefore }),
    lastResume: lastEffectiveResume(hours, at, notBefore),
    nextPause: nextFire(hours.pause.expression, hours.pause.timeZone, at, { notAfter }),
    nextResume: nextEffectiveResume(hours, at, notAfter),
  };
  const { lastPause, lastResume } = runs;
  if (lastPause === undefined && lastResume === undefined) {
    return { known: false, reason: `neither the pause nor an effective resume ran in the ${OFFICE_HOURS_HORIZON_DAYS} days before ${at.toISOString()}`, ...runs };
  }
  // A run older than the look-back is older than any run within it, so one side missing still tells.
  const outOfHours = lastPause !== undefined && (lastResume === undefined || lastPause.getTime() > lastResume.getTime());
  return { known: true, outOfHours, ...runs };
}

const ACTION_KEYS = ['expression', 'timeZone'];
const HOURS_KEYS = ['pause', 'resume', 'holidays'];

function checkAction(problems: ProblemList, action: 'pause' | 'resume', value: unknown): void {
  if (!isPlainObject(value)) {
    problems.add(action, value, 'an object { "expression": "cron(...)", "timeZone": "Europe/London" }');
    return;
  }
  for (const key of Object.keys(value)) {
    if (!ACTION_KEYS.includes(key)) problems.add(`${action}.${key}`, value[key], `no such field; ${action} has ${ACTION_KEYS.join(' and ')}`);
  }
  problems.include(scheduleExpressionProblems(`${action}.expression`, value.expression));
  if (typeof value.timeZone !== 'string' || !isTimeZone(value.timeZone)) {
    problems.add(`${action}.timeZone`, value.timeZone, 'an IANA time zone such as "Europe/London" or "UTC"');
  }
}

/** The problems with a value meant as {@link OfficeHours}, field by field (empty when it is one). */
export function officeHoursProblems(value: unknown): readonly FieldProblem[] {
  const problems = new ProblemList();
  if (!isPlainObject(value)) {
    problems.add('(hours)', value, 'an object with pause, resume and optional holidays');
    return problems.problems;
  }
  for (const key of Object.keys(value)) {
    if (!HOURS_KEYS.includes(key)) problems.add(key, value[key], `no such field; the hours have ${HOURS_KEYS.join(', ')}`);
  }
  checkAction(problems, 'pause', value.pause);
  checkAction(problems, 'resume', value.resume);
  if (value.holidays !== undefined) {
    if (!Array.isArray(value.holidays)) problems.add('holidays', value.holidays, 'a list of local dates "YYYY-MM-DD"');
    else {
      value.holidays.forEach((day: unknown, i) => {
        if (typeof day !== 'string' || !isLocalDate(day)) problems.add(`holidays[${i}]`, day, 'a real local date "YYYY-MM-DD", such as "2026-12-25"');
      });
    }
  }
  return problems.problems;
}

/**
 * Reads the hours from the JSON of `SCHEDULER_HOURS`. Throws an {@link OfficeHoursError} naming every
 * field that is wrong, the value received and what is accepted.
 */
export function parseOfficeHours(json: string): OfficeHours {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new OfficeHoursError([{ field: SCHEDULER_HOURS_ENV, received: JSON.stringify(json.length > 120 ? `${json.slice(0, 117)}...` : json), accepted: 'JSON of the hours' }], { cause: error });
  }
  const problems = officeHoursProblems(value);
  if (problems.length > 0) throw new OfficeHoursError(problems);
  const hours = value as OfficeHours;
  return {
    pause: { expression: hours.pause.expression, timeZone: hours.pause.timeZone },
    resume: { expression: hours.resume.expression, timeZone: hours.resume.timeZone },
    ...(hours.holidays !== undefined ? { holidays: [...hours.holidays] } : {}),
  };
}
