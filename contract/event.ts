/**
 * The event contract between a schedule (or a person invoking the function by hand) and the handler.
 *
 * The handler parses every event with `parseEvent`; the construct builds each event its schedules
 * send as a `SchedulerEvent` and checks it with `eventProblems` at synth time, so both sides share
 * one definition of every field, limit and message. Pure: no AWS SDK, no Lambda, no CDK.
 */
import { isLocalDate, isTimeZone, parseIsoInstant } from './local-time';
import { ProblemList, isPlainObject, type FieldProblem, describeProblems } from './problems';

/** What a run does: put services to sleep, or wake them up. */
export type Action = 'pause' | 'resume';

/** The accepted values of `action`. */
export const ACTIONS: readonly Action[] = ['pause', 'resume'];

/**
 * Whether a resumed service gets a deployment (`StartDeployment`) once it is RUNNING again, so that
 * versions pushed while it was paused go live. `auto` deploys only services whose source has
 * automatic deployments enabled.
 */
export type DeployPolicy = 'never' | 'auto' | 'always';

/** The accepted values of `deployAfterResume`. */
export const DEPLOY_POLICIES: readonly DeployPolicy[] = ['never', 'auto', 'always'];

/** The event as it arrives: every key but `action` optional. */
export interface SchedulerEvent {
  /** `pause` or `resume`. */
  readonly action: Action;
  /** App Runner service ARNs; each is called in its own region. */
  readonly services?: string[];
  /** Every service that carries all of these tags is selected. */
  readonly tags?: Record<string, string>;
  /** Regions where tag selection looks. @default the function's own region */
  readonly regions?: string[];
  /**
   * 12-digit AWS account IDs where tag selection looks; in each other than the function's own, the
   * function assumes the member role (`contract/member-role.ts`). Only with `tags`: a listed ARN is
   * called in its own account. @default the function's own account
   */
  readonly accounts?: string[];
  /** Deployment after a resume. @default 'auto' */
  readonly deployAfterResume?: DeployPolicy;
  /** IANA time zone in which `holidays` and dated skip tags are read. @default 'UTC' */
  readonly timeZone?: string;
  /** Local dates (`YYYY-MM-DD`) on which a resume run changes nothing. @default none */
  readonly holidays?: string[];
  /** Plan and report, but make no mutating call. @default false */
  readonly dryRun?: boolean;
  /** Resume services that were paused outside the scheduler too. @default false */
  readonly resumeManuallyPaused?: boolean;
  /**
   * Resume events only: a wake that ends on its own. An ISO-8601 date-time (local in `timeZone`
   * unless it has an offset) or duration (`PT2H`, `PT90M`), at most `LIMITS.untilHours` ahead; the
   * run arranges a pause of the services it resumed at that moment, when it is out of office hours.
   * @default - the services stay resumed until the next scheduled pause
   */
  readonly until?: string;
  /**
   * Pause events only, sent by the one-time schedule the function arranges: the snooze (a dated
   * skip tag) or the wake whose end this pause is. The run then pauses only if it is out of office
   * hours and the snooze or wake still ends at `at`. Needs `services`, not `tags`.
   * @default - an ordinary pause run
   */
  readonly ends?: PauseEnding;
  /**
   * The named schedule that sent the event (`SCHEDULER_SCHEDULES`, contract/schedules.ts): the run
   * acts only on the services that schedule owns, and reports every other one skipped, saying who
   * owns it. @default - a run of every selected service, as a person invoking by hand
   */
  readonly schedule?: string;
}

/** What a snooze or wake may be: a dated skip tag, or a resume with `until`. */
export type EndingKind = 'snooze' | 'wake';

/** The accepted values of `ends.kind`. */
export const ENDING_KINDS: readonly EndingKind[] = ['snooze', 'wake'];

/** The end that an arranged pause run is: of which kind, and the UTC instant it was arranged for. */
export interface PauseEnding {
  /** `snooze` (a dated skip tag ended) or `wake` (a resume with `until` ended). */
  readonly kind: EndingKind;
  /** The instant the snooze or wake ends, ISO-8601 in UTC (`2026-12-01T22:00:00Z`). */
  readonly at: string;
}

/** A validated event with every default filled in. */
export interface SchedulerRequest {
  readonly action: Action;
  readonly services: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly regions: readonly string[];
  /** The accounts where tag selection looks; empty: the function's own account. */
  readonly accounts: readonly string[];
  readonly deployAfterResume: DeployPolicy;
  readonly timeZone: string;
  readonly holidays: readonly string[];
  readonly dryRun: boolean;
  readonly resumeManuallyPaused: boolean;
  /** A resume's `until`, resolved against the run's now: the UTC instant the wake ends. */
  readonly until?: string;
  /** A pause's `ends`, as sent. */
  readonly ends?: PauseEnding;
  /** The named schedule that sent the event, as sent. */
  readonly schedule?: string;
}

/** The keys an event may carry. */
export const EVENT_FIELDS: readonly (keyof SchedulerEvent)[] = [
  'action',
  'services',
  'tags',
  'regions',
  'accounts',
  'deployAfterResume',
  'timeZone',
  'holidays',
  'dryRun',
  'resumeManuallyPaused',
  'until',
  'ends',
  'schedule',
];

/** Limits on list sizes, so that a mistaken event cannot fan out without bound. */
export const LIMITS = {
  /** Most service ARNs one event may list. */
  services: 1000,
  /** Most selector tags (the Tagging API takes at most 50 tag filters). */
  tags: 50,
  /** Most regions for tag selection. */
  regions: 40,
  /** Most accounts for tag selection. */
  accounts: 100,
  /** Most holiday dates. */
  holidays: 1000,
  /** Tag key length, as App Runner accepts it. */
  tagKeyLength: 128,
  /** Tag value length, as App Runner accepts it. */
  tagValueLength: 256,
  /** How far ahead `until` may be, in hours. */
  untilHours: 24,
} as const;

/** An event that cannot be run. Nothing was called: the run never started. */
export class InvalidEventError extends Error {
  /** Every problem found, one per bad field. */
  readonly problems: readonly FieldProblem[];

  constructor(problems: readonly FieldProblem[]) {
    super(`Invalid scheduler event: ${describeProblems(problems)}`);
    this.name = 'InvalidEventError';
    this.problems = problems;
  }
}

const SERVICE_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]):apprunner:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):service\/([A-Za-z0-9][A-Za-z0-9_-]{3,39})\/([0-9a-f]{32})$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;

/** The parts of an App Runner service ARN. */
export interface ServiceArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly serviceName: string;
  readonly serviceId: string;
}

/** What an App Runner service ARN looks like, for error messages. */
export const SERVICE_ARN_FORMAT = 'arn:<partition>:apprunner:<region>:<12-digit account>:service/<name>/<32 hex id>';

/** Splits an App Runner service ARN, or returns undefined when the string is not one. */
export function parseServiceArn(arn: string): ServiceArnParts | undefined {
  const m = SERVICE_ARN.exec(arn);
  if (!m) return undefined;
  return { partition: m[1], region: m[2], account: m[3], serviceName: m[4], serviceId: m[5] };
}

const SCHEDULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

/** What a schedule name may be, for messages. */
export const SCHEDULE_NAME_ACCEPTED = 'a schedule name of 1-32 letters, digits, "-" and "_", starting with a letter or digit, such as "london"';

/** True for a name a named schedule may have: `london`, `new-york`, `apac_1`. */
export function isScheduleName(value: unknown): value is string {
  return typeof value === 'string' && SCHEDULE_NAME.test(value);
}

/** True when the string is an AWS region name such as `eu-west-1`. */
function isRegion(value: string): boolean {
  return REGION.test(value);
}


/** Why a tag key is not accepted, or undefined when it is. */
function tagKeyProblem(key: string): string | undefined {
  if (key.length < 1 || key.length > LIMITS.tagKeyLength) return `a tag key of 1-${LIMITS.tagKeyLength} characters`;
  if (key.toLowerCase().startsWith('aws:')) return 'a tag key that does not start with "aws:"';
  return undefined;
}

/** Where a check writes its problems, and which values it leaves for later. */
interface Checker {
  readonly problems: ProblemList;
  /** True for a value not known yet (a CDK token at synth): it is taken as it is. */
  readonly isUnresolved: (value: unknown) => boolean;
}

function parseStringList(
  check: Checker,
  field: string,
  value: unknown,
  max: number,
  itemAccepted: string,
  isValid: (item: string) => boolean,
): string[] | undefined {
  if (value === undefined || check.isUnresolved(value)) return value as string[] | undefined;
  if (!Array.isArray(value)) {
    check.problems.add(field, value, `a list of ${itemAccepted}`);
    return undefined;
  }
  if (value.length === 0) {
    check.problems.add(field, value, `a non-empty list of ${itemAccepted} (leave the field out instead)`);
    return undefined;
  }
  if (value.length > max) {
    check.problems.add(field, `${value.length} items`, `at most ${max} items`);
    return undefined;
  }
  const before = check.problems.problems.length;
  value.forEach((item, i) => {
    if (check.isUnresolved(item)) return;
    if (typeof item !== 'string' || !isValid(item)) check.problems.add(`${field}[${i}]`, item, itemAccepted);
  });
  return check.problems.problems.length === before ? [...new Set(value as string[])] : undefined;
}

function parseTags(check: Checker, value: unknown): Record<string, string> | undefined {
  if (value === undefined || check.isUnresolved(value)) return value as Record<string, string> | undefined;
  const accepted = 'an object of tag keys to string values, e.g. {"env":"dev"}';
  if (!isPlainObject(value)) {
    check.problems.add('tags', value, accepted);
    return undefined;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) {
    check.problems.add('tags', value, `${accepted}, with at least one tag (leave the field out instead)`);
    return undefined;
  }
  if (entries.length > LIMITS.tags) {
    check.problems.add('tags', `${entries.length} tags`, `at most ${LIMITS.tags} tags`);
    return undefined;
  }
  const before = check.problems.problems.length;
  for (const [key, tagValue] of entries) {
    const keyProblem = check.isUnresolved(key) ? undefined : tagKeyProblem(key);
    if (keyProblem) check.problems.add(`tags[${JSON.stringify(key)}]`, key, keyProblem);
    else if (!check.isUnresolved(tagValue) && (typeof tagValue !== 'string' || tagValue.length > LIMITS.tagValueLength)) {
      check.problems.add(`tags.${key}`, tagValue, `a string of 0-${LIMITS.tagValueLength} characters`);
    }
  }
  return check.problems.problems.length === before ? (value as Record<string, string>) : undefined;
}

function parseBoolean(check: Checker, field: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean' && !check.isUnresolved(value)) {
    check.problems.add(field, value, 'true or false');
    return false;
  }
  return value as boolean;
}

function parseChoice<T extends string>(
  check: Checker,
  field: string,
  value: unknown,
  choices: readonly T[],
  fallback: T | undefined,
): T | undefined {
  if (value === undefined && fallback !== undefined) return fallback;
  if (check.isUnresolved(value)) return value as T;
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    check.problems.add(field, value, `one of ${choices.map((c) => `"${c}"`).join(', ')}`);
    return undefined;
  }
  return value as T;
}

/** Options for `parseEvent` that come from the function's environment, not the event. */
export interface ParseOptions {
  /** The region tag selection looks in when the event names none (the function's `AWS_REGION`). */
  readonly defaultRegion?: string;
  /**
   * Tells a value that is not known yet, which is then taken as it is: at synth time, a CDK token
   * that CloudFormation resolves at deployment (the construct passes `Token.isUnresolved`).
   * @default - every value is known
   */
  readonly isUnresolved?: (value: unknown) => boolean;
  /** The run's now, in ms since the epoch, which `until` is resolved against. @default Date.now() */
  readonly now?: number;
}

/**
 * Validates an event and fills in its defaults.
 * @throws InvalidEventError naming every bad field, the value received and what is accepted.
 */
export function parseEvent(raw: unknown, options: ParseOptions = {}): SchedulerRequest {
  const { request, problems } = readEvent(raw, options);
  if (!request) throw new InvalidEventError(problems);
  return request;
}

/** Every problem `parseEvent` would name for this event; none when the handler would run it. */
export function eventProblems(raw: unknown, options: ParseOptions = {}): readonly FieldProblem[] {
  return readEvent(raw, options).problems;
}

function readEvent(raw: unknown, options: ParseOptions): { request?: SchedulerRequest; problems: readonly FieldProblem[] } {
  const check: Checker = { problems: new ProblemList(), isUnresolved: options.isUnresolved ?? (() => false) };
  const { problems } = check;
  if (!isPlainObject(raw)) {
    problems.add('event', raw, 'a JSON object such as {"action":"pause","tags":{"env":"dev"}}');
    return { problems: problems.problems };
  }
  for (const key of Object.keys(raw)) {
    if (!(EVENT_FIELDS as readonly string[]).includes(key)) {
      problems.add(key, raw[key], `no such field; the fields are ${EVENT_FIELDS.join(', ')}`);
    }
  }

  const action = parseChoice(check, 'action', raw.action, ACTIONS, undefined);
  const services = parseStringList(check, 'services', raw.services, LIMITS.services, `App Runner service ARNs (${SERVICE_ARN_FORMAT})`, (s) => parseServiceArn(s) !== undefined);
  const tags = parseTags(check, raw.tags);
  const regions = parseStringList(check, 'regions', raw.regions, LIMITS.regions, 'AWS region names such as "eu-west-1"', isRegion);
  const accounts = parseStringList(check, 'accounts', raw.accounts, LIMITS.accounts, '12-digit AWS account IDs such as "123456789012"', (a) => ACCOUNT.test(a));
  const deployAfterResume = parseChoice(check, 'deployAfterResume', raw.deployAfterResume, DEPLOY_POLICIES, 'auto');
  const holidays = parseStringList(check, 'holidays', raw.holidays, LIMITS.holidays, 'real dates written YYYY-MM-DD', isLocalDate);
  const dryRun = parseBoolean(check, 'dryRun', raw.dryRun);
  const resumeManuallyPaused = parseBoolean(check, 'resumeManuallyPaused', raw.resumeManuallyPaused);

  let timeZone = 'UTC';
  if (raw.timeZone !== undefined) {
    if (check.isUnresolved(raw.timeZone) || (typeof raw.timeZone === 'string' && isTimeZone(raw.timeZone))) timeZone = raw.timeZone as string;
    else problems.add('timeZone', raw.timeZone, 'an IANA time zone such as "Europe/London" or "UTC"');
  }

  const until = parseUntil(check, raw.until, action, timeZone, options.now ?? Date.now());
  const ends = parseEnds(check, raw, action);
  const schedule = raw.schedule;
  if (schedule !== undefined && !check.isUnresolved(schedule) && !isScheduleName(schedule)) problems.add('schedule', schedule, SCHEDULE_NAME_ACCEPTED);

  if (raw.services === undefined && raw.tags === undefined) {
    problems.add('services', undefined, 'service ARNs in "services", tags in "tags", or both: an event must select something');
  }
  if (raw.regions !== undefined && raw.tags === undefined) {
    problems.add('regions', raw.regions, 'regions only together with "tags" (a listed ARN is called in its own region)');
  }
  if (raw.accounts !== undefined && raw.tags === undefined) {
    problems.add('accounts', raw.accounts, 'accounts only together with "tags" (a listed ARN is called in its own account)');
  }
  let defaultRegions: string[] = [];
  if (tags && !regions) {
    const { defaultRegion } = options;
    if (defaultRegion && (check.isUnresolved(defaultRegion) || isRegion(defaultRegion))) defaultRegions = [defaultRegion];
    else problems.add('regions', undefined, 'a list of regions, since the function has no AWS_REGION to default to');
  }

  if (problems.problems.length > 0) return { problems: problems.problems };
  return {
    problems: [],
    request: {
      action: action!,
      services: services ?? [],
      tags: tags ?? {},
      regions: regions ?? defaultRegions,
      accounts: accounts ?? [],
      deployAfterResume: deployAfterResume!,
      timeZone,
      holidays: holidays ?? [],
      dryRun,
      resumeManuallyPaused,
      ...(until === undefined ? {} : { until }),
      ...(ends === undefined ? {} : { ends }),
      ...(schedule === undefined ? {} : { schedule: schedule as string }),
    },
  };
}

/** What `until` accepts, for its messages. */
export const UNTIL_ACCEPTED =
  `an ISO-8601 date-time such as "2026-12-24T08:00" (local in timeZone unless it has an offset such as "Z" or "+01:00") or duration such as "PT2H" or "PT90M", after now and at most ${LIMITS.untilHours} hours ahead`;

const DURATION = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/;

/** An ISO-8601 duration of hours, minutes and seconds (`PT2H`, `PT1H30M`) in ms, or undefined for anything else. */
export function parseIsoDuration(value: string): number | undefined {
  const m = DURATION.exec(value);
  if (!m || value === 'PT') return undefined;
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
}

/**
 * Resolves `until` against `now`: the instant, ISO-8601 in UTC. Only on resume events; a date-time
 * without an offset is local in the event's time zone.
 */
function parseUntil(check: Checker, value: unknown, action: Action | undefined, timeZone: string, now: number): string | undefined {
  if (value === undefined) return undefined;
  if (action === 'pause') {
    check.problems.add('until', value, 'until only on resume events (a pause ends when the next resume runs)');
    return undefined;
  }
  if (typeof value !== 'string') {
    check.problems.add('until', value, UNTIL_ACCEPTED);
    return undefined;
  }
  const duration = parseIsoDuration(value);
  const instant = duration !== undefined ? now + duration : value.includes('T') ? parseIsoInstant(value, timeZone)?.getTime() : undefined;
  if (instant === undefined) {
    check.problems.add('until', value, UNTIL_ACCEPTED);
    return undefined;
  }
  if (instant <= now) {
    check.problems.add('until', value, `${UNTIL_ACCEPTED} (it is ${new Date(instant).toISOString()}, not after now, ${new Date(now).toISOString()})`);
    return undefined;
  }
  if (instant - now > LIMITS.untilHours * 3_600_000) {
    check.problems.add('until', value, `${UNTIL_ACCEPTED} (it is ${new Date(instant).toISOString()}, more than ${LIMITS.untilHours} hours after now, ${new Date(now).toISOString()})`);
    return undefined;
  }
  return new Date(instant).toISOString();
}

const UTC_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z$/;

/** Reads `ends`: only on pause events that list their services and select no tags. */
function parseEnds(check: Checker, raw: Record<string, unknown>, action: Action | undefined): PauseEnding | undefined {
  const value = raw.ends;
  if (value === undefined) return undefined;
  const accepted = `an object {"kind": one of ${ENDING_KINDS.map((k) => `"${k}"`).join(', ')}, "at": an ISO-8601 UTC instant such as "2026-12-01T22:00:00Z"}`;
  if (action === 'resume') {
    check.problems.add('ends', value, 'ends only on pause events (the pause a snooze or wake ends in)');
    return undefined;
  }
  if (!isPlainObject(value)) {
    check.problems.add('ends', value, accepted);
    return undefined;
  }
  const before = check.problems.problems.length;
  for (const key of Object.keys(value)) {
    if (key !== 'kind' && key !== 'at') check.problems.add(`ends.${key}`, value[key], 'no such field; the fields are kind, at');
  }
  const kind = parseChoice(check, 'ends.kind', value.kind, ENDING_KINDS, undefined);
  if (typeof value.at !== 'string' || !UTC_INSTANT.test(value.at) || parseIsoInstant(value.at, 'UTC') === undefined) {
    check.problems.add('ends.at', value.at, 'an ISO-8601 UTC instant such as "2026-12-01T22:00:00Z"');
  }
  if (raw.services === undefined || raw.tags !== undefined) {
    check.problems.add('ends', value, 'ends only with "services" and without "tags" (an arranged pause names the services it ends)');
  }
  if (check.problems.problems.length > before) return undefined;
  return { kind: kind!, at: value.at as string };
}
