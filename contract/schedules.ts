/**
 * Named schedules on one function: the `SCHEDULER_SCHEDULES` format the construct writes and the
 * function reads, and the rule of which schedule a service follows. Pure: no AWS SDK, no CDK.
 *
 * `SCHEDULER_SCHEDULES` is a JSON object of schedule names to what the function must know of each:
 *
 *     { "london":  { "hours": { <the object SCHEDULER_HOURS holds> }, "tags": { "team": "uk" } },
 *       "newyork": { "hours": { ... }, "services": ["arn:aws:apprunner:..."] } }
 *
 * Each schedule has optional `hours` (absent when it does not both pause and resume) and the
 * selection its events carry: `tags`, `services`, `accounts`, `regions`, with the event contract's
 * own rules and messages. A schedule with neither `tags` nor `services` selects the services tagged
 * `apprunner-scheduler:schedule=<name>`. The schedule of the construct's own props is `default`.
 */
import { SCHEDULE_NAME_ACCEPTED, eventProblems, isScheduleName, parseServiceArn } from './event';
import { officeHoursProblems, type OfficeHours } from './office-hours';
import { ProblemList, describeProblems, isPlainObject, type FieldProblem } from './problems';
import { SCHEDULER_SCHEDULES_ENV } from './function-environment';
import { SCHEDULE_TAG_KEY } from './scheduler-tags';

/** The name of the schedule the construct's own props (pauseAt, resumeAt, tags, ...) describe. */
export const DEFAULT_SCHEDULE_NAME = 'default';

/** Which services a schedule's events select: the fields of the event, with its defaults. */
export interface ScheduleSelection {
  /** Every service carrying all of these tags, in `accounts` and `regions`; empty: none by tag. */
  readonly tags: Readonly<Record<string, string>>;
  /** Listed service ARNs. */
  readonly services: readonly string[];
  /** Accounts where tag selection looks; empty: the function's own. */
  readonly accounts: readonly string[];
  /** Regions where tag selection looks; empty: the function's own. */
  readonly regions: readonly string[];
}

/** One named schedule, as the function knows it. */
export interface NamedSchedule {
  readonly name: string;
  /** Its office hours, for the snoozes and wakes of the services it owns. @default none: it does not both pause and resume */
  readonly hours?: OfficeHours;
  readonly selection: ScheduleSelection;
}

/** The function's named schedules, by name. */
export type Schedules = ReadonlyMap<string, NamedSchedule>;

/** A `SCHEDULER_SCHEDULES` that is not what {@link parseSchedules} accepts; `problems` names each field. */
export class SchedulesError extends Error {
  override readonly name = 'SchedulesError';

  constructor(
    /** Every problem found. */
    readonly problems: readonly FieldProblem[],
    options?: { cause?: unknown },
  ) {
    super(`${SCHEDULER_SCHEDULES_ENV} is not valid: ${describeProblems(problems)}`, options);
  }
}

const SCHEDULE_KEYS = ['hours', 'tags', 'services', 'accounts', 'regions'] as const;
const SELECTION_KEYS = ['tags', 'services', 'accounts', 'regions'] as const;

/**
 * Stands for the function's own region while a selection is checked: a selection without `regions`
 * looks there, which the construct does not write down.
 */
const FUNCTION_REGION = '(the function region)';

/** The selection as written, with the default of a schedule that names neither tags nor services. */
function selectionFields(name: string, schedule: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of SELECTION_KEYS) if (schedule[key] !== undefined) fields[key] = schedule[key];
  if (fields.tags === undefined && fields.services === undefined) fields.tags = { [SCHEDULE_TAG_KEY]: name };
  return fields;
}

function scheduleProblems(problems: ProblemList, name: string, schedule: unknown): void {
  if (!isPlainObject(schedule)) {
    problems.add(name, schedule, `an object with ${SCHEDULE_KEYS.join(', ')} (each optional)`);
    return;
  }
  for (const key of Object.keys(schedule)) {
    if (!(SCHEDULE_KEYS as readonly string[]).includes(key)) problems.add(`${name}.${key}`, schedule[key], `no such field; a schedule has ${SCHEDULE_KEYS.join(', ')}`);
  }
  if (schedule.hours !== undefined) {
    for (const problem of officeHoursProblems(schedule.hours)) {
      problems.include([{ ...problem, field: problem.field === '(hours)' ? `${name}.hours` : `${name}.hours.${problem.field}` }]);
    }
  }
  // The selection is the one the schedule's events carry: the event contract checks it, in its words.
  const selection = { action: 'pause', ...selectionFields(name, schedule) };
  const found = eventProblems(selection, { defaultRegion: FUNCTION_REGION, isUnresolved: (value) => value === FUNCTION_REGION });
  problems.include(found.map((problem) => ({ ...problem, field: `${name}.${problem.field}` })));
}

/** The problems with a value meant as the object `SCHEDULER_SCHEDULES` holds, field by field (empty when it is one). */
export function schedulesProblems(value: unknown): readonly FieldProblem[] {
  const problems = new ProblemList();
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    problems.add('(schedules)', value, 'an object of schedule names to schedules, with at least one, such as {"london":{"tags":{"team":"uk"}}}');
    return problems.problems;
  }
  for (const [name, schedule] of Object.entries(value)) {
    if (!isScheduleName(name)) problems.add(JSON.stringify(name), name, SCHEDULE_NAME_ACCEPTED);
    else scheduleProblems(problems, name, schedule);
  }
  return problems.problems;
}

function stringList(value: unknown): readonly string[] {
  return Array.isArray(value) ? [...new Set(value as string[])] : [];
}

/**
 * Reads the schedules from the JSON of `SCHEDULER_SCHEDULES`. Throws a {@link SchedulesError} naming
 * every field that is wrong, the value received and what is accepted.
 */
export function parseSchedules(json: string): Schedules {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new SchedulesError([{ field: SCHEDULER_SCHEDULES_ENV, received: JSON.stringify(json.length > 120 ? `${json.slice(0, 117)}...` : json), accepted: 'JSON of the named schedules' }], { cause: error });
  }
  const problems = schedulesProblems(value);
  if (problems.length > 0) throw new SchedulesError(problems);
  const schedules = new Map<string, NamedSchedule>();
  for (const [name, raw] of Object.entries(value as Record<string, Record<string, unknown>>)) {
    const fields = selectionFields(name, raw);
    const hours = raw.hours as OfficeHours | undefined;
    schedules.set(name, {
      name,
      ...(hours ? { hours: { pause: { ...hours.pause }, resume: { ...hours.resume }, ...(hours.holidays ? { holidays: [...hours.holidays] } : {}) } } : {}),
      selection: {
        tags: { ...((fields.tags as Record<string, string> | undefined) ?? {}) },
        services: stringList(fields.services),
        accounts: stringList(fields.accounts),
        regions: stringList(fields.regions),
      },
    });
  }
  return schedules;
}

/** A service as ownership sees it: its ARN (which tells its account and region) and its tags. */
export interface OwnedService {
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Where the function runs: what a selection without `accounts` or `regions` means. */
export interface FunctionHome {
  /** The function's account. @default - unknown: a selection without accounts matches any account */
  readonly account?: string;
  /** The function's region. @default - unknown: a selection without regions matches any region */
  readonly region?: string;
}

/** Which schedule a service follows, and why. */
export type ScheduleOwnership =
  /** Its `apprunner-scheduler:schedule` tag names this schedule. */
  | { readonly kind: 'tagged'; readonly schedule: string }
  /** Its tag names no schedule of the function: it follows none. */
  | { readonly kind: 'unknown-tag'; readonly tagged: string }
  /** Its tag names a schedule whose selection does not select it, so whose runs never reach it: it follows none. */
  | { readonly kind: 'unselected-tag'; readonly tagged: string }
  /** Untagged, and exactly this schedule's selection matches it. */
  | { readonly kind: 'selected'; readonly schedule: string }
  /** Untagged, and two or more schedules' selections match it: it follows none until tagged. */
  | { readonly kind: 'conflict'; readonly schedules: readonly string[] }
  /** Untagged, and no schedule's selection matches it. */
  | { readonly kind: 'none' };

/** True when a schedule's events select the service: its ARN listed, or every tag there with its value, in the selection's accounts and regions. */
export function selectionMatches(selection: ScheduleSelection, service: OwnedService, home: FunctionHome = {}): boolean {
  if (selection.services.includes(service.arn)) return true;
  const tags = Object.entries(selection.tags);
  if (tags.length === 0 || !tags.every(([key, value]) => service.tags[key] === value)) return false;
  const arn = parseServiceArn(service.arn);
  if (!arn) return false;
  const within = (listed: readonly string[], own: string | undefined, value: string) => (listed.length > 0 ? listed.includes(value) : own === undefined || own === value);
  return within(selection.accounts, home.account, arn.account) && within(selection.regions, home.region, arn.region);
}

/**
 * The schedule a service follows. A service tagged `apprunner-scheduler:schedule=<name>` follows
 * that schedule only (none, when the function has no schedule of that name, or when that schedule's
 * selection does not select it: the tag chooses among schedules, it adds no service to one). Else it follows the
 * one schedule whose selection matches it; two or more is a conflict, and it follows none of them.
 */
export function scheduleOwnership(service: OwnedService, schedules: Schedules, home: FunctionHome = {}): ScheduleOwnership {
  const tagged = service.tags[SCHEDULE_TAG_KEY];
  if (tagged !== undefined) {
    const named = schedules.get(tagged);
    if (!named) return { kind: 'unknown-tag', tagged };
    return selectionMatches(named.selection, service, home) ? { kind: 'tagged', schedule: tagged } : { kind: 'unselected-tag', tagged };
  }
  const matching = [...schedules.values()].filter((schedule) => selectionMatches(schedule.selection, service, home)).map((schedule) => schedule.name);
  if (matching.length === 1) return { kind: 'selected', schedule: matching[0] };
  if (matching.length > 1) return { kind: 'conflict', schedules: matching };
  return { kind: 'none' };
}

/** The schedule a service follows by this ownership, or undefined when it follows none. */
export function followedSchedule(ownership: ScheduleOwnership): string | undefined {
  return ownership.kind === 'tagged' || ownership.kind === 'selected' ? ownership.schedule : undefined;
}

/** Names as a person reads them: `london`, `london and newyork`, `default, london and newyork`. */
export function listNames(names: readonly string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Why a service follows no schedule, for a person: the conflict and the tag that settles it, or the unknown name. */
export function ownershipProblem(ownership: ScheduleOwnership, schedules: Schedules): string | undefined {
  if (ownership.kind === 'conflict') {
    return `selected by schedules ${listNames(ownership.schedules)}: tag it ${SCHEDULE_TAG_KEY}=<name> to choose`;
  }
  if (ownership.kind === 'unknown-tag') {
    return `its tag ${SCHEDULE_TAG_KEY}=${ownership.tagged} names no schedule of this function (it has ${listNames([...schedules.keys()])})`;
  }
  if (ownership.kind === 'unselected-tag') {
    return `its tag ${SCHEDULE_TAG_KEY}=${ownership.tagged} names schedule ${ownership.tagged}, whose selection (tags, ARNs, accounts and regions) does not select it, so its runs never reach it: add it to ${ownership.tagged}'s selection, or change the tag`;
  }
  return undefined;
}
