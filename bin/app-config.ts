/**
 * Reads the deployable app's settings from CDK context (`-c key=value`, or cdk.json) and from an
 * optional JSON file (`-c config=path/to/scheduler.json`); context wins over the file. Pure apart
 * from the file read, which is injected. Each setting has a parser that only turns text into a
 * value; the values are then checked with the construct's own rules (the event contract's, and the
 * schedule times'), so that a bad one is reported with the key and where it came from, before the
 * construct sees it.
 */
import * as fs from 'fs';
import { Aws, TimeZone, Token } from 'aws-cdk-lib';
import { EVENT_FIELDS, eventProblems } from '../contract/event';
import { ProblemList, describeProblems, isPlainObject, type FieldProblem } from '../contract/problems';
import type { AppRunnerSchedulerProps, DeployAfterResume, WeekDay } from '../lib';
import { plannedRuns } from '../lib/schedule-times';

/** What the app deploys. */
export interface AppConfig {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The scheduler's props. */
  readonly scheduler: AppRunnerSchedulerProps;
  /** An email address subscribed to the failed-run alarm topic, if any. */
  readonly alarmEmail?: string;
}

/** A setting's value, or what is accepted when the raw value cannot be turned into one. */
type Parsed<T> = { readonly value: T } | { readonly accepted: string };

/** Turns a setting's raw value (text from `-c`, or JSON from the file) into the value the app uses. */
type SettingParser<T> = (raw: unknown) => Parsed<T>;

/** Turns off the pause or the resume schedule: `-c resumeAt=off` pauses only. */
const OFF = 'off';

const text: SettingParser<string> = (raw) =>
  typeof raw === 'string' && raw.trim() !== '' ? { value: raw.trim() } : { accepted: 'a non-empty string' };

const list: SettingParser<string[]> = (raw) => {
  if (typeof raw === 'string') return { value: splitList(raw) };
  if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return { value: raw };
  return { accepted: 'a comma-separated string or a list of strings' };
};

const flag: SettingParser<boolean> = (raw) => {
  if (raw === true || raw === 'true') return { value: true };
  if (raw === false || raw === 'false') return { value: false };
  return { accepted: 'true or false' };
};

const tagPairs: SettingParser<Record<string, string>> = (raw) => {
  if (typeof raw === 'string') {
    const pairs = splitList(raw).map((pair) => pair.split(/=(.*)/s, 2));
    if (pairs.every((pair) => pair.length === 2 && pair[0] !== '')) return { value: Object.fromEntries(pairs) };
  } else if (isPlainObject(raw) && Object.values(raw).every((v) => typeof v === 'string')) {
    return { value: raw as Record<string, string> };
  }
  return { accepted: 'key=value pairs separated by commas, such as env=dev,team=web, or an object of strings' };
};

/** Text, or `off` for no run at a fixed time. */
const timeOfDay: SettingParser<string | undefined> = (raw) => {
  const parsed = text(raw);
  return 'value' in parsed && parsed.value === OFF ? { value: undefined } : parsed;
};

const email: SettingParser<string> = (raw) => {
  const parsed = text(raw);
  return 'value' in parsed && !/^[^@\s]+@[^@\s]+$/.test(parsed.value) ? { accepted: 'an email address' } : parsed;
};

/** Every setting, by the name it takes in context and in the config file, with its parser. */
const SETTING_PARSERS = {
  stackName: text,
  services: list,
  tags: tagPairs,
  regions: list,
  accounts: list,
  memberExternalId: text,
  timeZone: text,
  pauseAt: timeOfDay,
  resumeAt: timeOfDay,
  weekDays: list,
  deployAfterResume: text,
  holidays: list,
  dryRun: flag,
  resumeManuallyPaused: flag,
  enabled: flag,
  dashboard: flag,
  alarmEmail: email,
};

type Setting = keyof typeof SETTING_PARSERS;

/** The settings' names, in the order they are read and reported. */
export const SETTINGS = Object.keys(SETTING_PARSERS) as Setting[];

/** The defaults: services tagged for office hours, paused 19:00-07:00 London time on weekdays. */
const DEFAULTS: Partial<Record<Setting, unknown>> = {
  stackName: 'AppRunnerScheduler',
  timeZone: 'Europe/London',
  pauseAt: '19:00',
  resumeAt: '07:00',
};

/** The context key that names the config file. */
const CONFIG = 'config';

/**
 * Context keys that are CDK's own, not the app's: the CLI's and cdk.json's `aws:cdk:...` keys,
 * feature flags (`@aws-cdk/...`), lookups in cdk.context.json (`availability-zones:account=...`),
 * and the two bare names the CLI keeps there. The app's own keys have neither `@`, `:` nor `/`.
 */
function isCdkContextKey(key: string): boolean {
  return key.startsWith('@') || key.includes(':') || key.includes('/') || key === 'cli-telemetry' || key === 'acknowledged-issue-numbers';
}

/** Selected when the settings select nothing, neither services nor tags. */
const DEFAULT_TAGS = { 'apprunner-scheduler:schedule': 'office-hours' };

/** Settings that cannot be used: every problem, each naming the setting and where it came from. */
export class InvalidAppConfigError extends Error {
  constructor(readonly problems: readonly FieldProblem[]) {
    super(`Invalid app configuration: ${describeProblems(problems)}`);
    this.name = 'InvalidAppConfigError';
  }
}

interface Source {
  /** For messages: `context` or `config file scheduler.json`. */
  readonly name: string;
  readonly values: Readonly<Record<string, unknown>>;
}

type Settings = { [K in Setting]?: ReturnType<(typeof SETTING_PARSERS)[K]> extends Parsed<infer T> ? T : never };

/**
 * Reads the settings.
 * @param context the app's whole context (`app.node.getAllContext()`); a key that is neither a
 *   setting, `config`, nor CDK's own is a mistake
 * @param readFile reads the config file named by the `config` context key
 * @throws InvalidAppConfigError naming every bad setting and where it came from
 */
export function readAppConfig(context: Readonly<Record<string, unknown>>, readFile: (path: string) => string = (p) => fs.readFileSync(p, 'utf8')): AppConfig {
  const problems = new ProblemList();
  for (const [key, value] of Object.entries(context)) {
    if (!isSetting(key) && key !== CONFIG && !isCdkContextKey(key)) problems.add(`${key} (context)`, value, unknownKey(key, [...SETTINGS, CONFIG]));
  }
  const contextValues = Object.fromEntries(SETTINGS.map((key) => [key, context[key]]).filter(([, value]) => value !== undefined));
  const sources: Source[] = [{ name: 'context', values: contextValues }];
  if (context[CONFIG] !== undefined) {
    const file = readConfigFile(context[CONFIG], readFile, problems);
    if (file) sources.push(file);
  }

  // Unknown keys and an unreadable file do not stop the values from being checked: one message says all.
  const keyProblems = problems.problems.length;
  const settings: Record<string, unknown> = {};
  const origins: Partial<Record<Setting, string>> = {};
  for (const key of SETTINGS) {
    const source = sources.find((s) => s.values[key] !== undefined);
    const raw = source ? source.values[key] : DEFAULTS[key];
    if (raw === undefined) continue;
    origins[key] = source?.name ?? 'default';
    const parsed = SETTING_PARSERS[key](raw);
    if ('value' in parsed) settings[key] = parsed.value;
    else problems.add(`${key} (${origins[key]})`, raw, parsed.accepted);
  }
  // A value that did not parse is missing from the props, which the construct's checks would misread.
  if (problems.problems.length > keyProblems) throw new InvalidAppConfigError(problems.problems);

  const config = toAppConfig(settings as Settings);
  // The construct would refuse the same values, but without saying which key or source they came from.
  for (const problem of constructProblems(config.scheduler)) {
    const setting = problem.field.split(/[.[]/)[0];
    const origin = isSetting(setting) ? origins[setting] : undefined;
    problems.include([{ ...problem, field: origin ? `${problem.field} (${origin})` : problem.field }]);
  }
  if (problems.problems.length > 0) throw new InvalidAppConfigError(problems.problems);
  return config;
}

function toAppConfig(settings: Settings): AppConfig {
  const { stackName, alarmEmail, services, tags, timeZone, weekDays, deployAfterResume, ...scheduler } = settings;
  return {
    stackName: stackName!,
    alarmEmail,
    scheduler: {
      services,
      tags: tags ?? (services ? undefined : { ...DEFAULT_TAGS }),
      ...scheduler,
      timeZone: timeZone === undefined ? undefined : TimeZone.of(timeZone),
      weekDays: weekDays as WeekDay[] | undefined,
      deployAfterResume: deployAfterResume as DeployAfterResume | undefined,
    },
  };
}

/**
 * What the construct's checks say of these props: the event contract's, on the resume event (the
 * fullest: the app's settings are named like its fields), and the schedule times'.
 */
function constructProblems(props: AppRunnerSchedulerProps): readonly FieldProblem[] {
  const problems = new ProblemList();
  const fields: Record<string, unknown> = { ...props, timeZone: props.timeZone?.timezoneName };
  const event = Object.fromEntries(EVENT_FIELDS.map((field) => [field, fields[field]]).filter(([, value]) => value !== undefined));
  // The app's stack has no environment: tag selection defaults to the region it is deployed in.
  problems.include(eventProblems({ ...event, action: 'resume' }, { defaultRegion: Aws.REGION, isUnresolved: (value) => Token.isUnresolved(value) }));
  plannedRuns(props, problems);
  return problems.problems;
}

function isSetting(key: string): key is Setting {
  return (SETTINGS as readonly string[]).includes(key);
}

/** What is accepted instead of an unknown key: the nearest known one, if one is near, and all of them. */
function unknownKey(key: string, known: readonly string[]): string {
  const nearest = known
    .map((candidate) => ({ candidate, distance: editDistance(key.toLowerCase(), candidate.toLowerCase()) }))
    .reduce((best, next) => (next.distance < best.distance ? next : best));
  const near = nearest.distance <= Math.max(2, Math.floor(key.length / 3));
  return `a known key${near ? `: did you mean ${nearest.candidate}?` : ''} (the keys are ${known.join(', ')})`;
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions from a to b. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function readConfigFile(path: unknown, readFile: (path: string) => string, problems: ProblemList): Source | undefined {
  if (typeof path !== 'string' || path.trim() === '') {
    problems.add('config (context)', path, 'the path of a JSON file');
    return undefined;
  }
  const name = `config file ${path}`;
  let values: unknown;
  try {
    values = JSON.parse(readFile(path));
  } catch (error) {
    problems.add('config (context)', path, `the path of a readable JSON file (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
  if (!isPlainObject(values)) {
    problems.add(name, values, 'a JSON object of settings');
    return undefined;
  }
  for (const key of Object.keys(values)) {
    if (!isSetting(key)) problems.add(`${key} (${name})`, values[key], unknownKey(key, SETTINGS));
  }
  return { name, values };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
