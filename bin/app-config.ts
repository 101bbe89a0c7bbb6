/**
 * Reads the deployable app's settings from CDK context (`-c key=value`, or cdk.json) and from an
 * optional JSON file (`-c config=path/to/scheduler.json`); context wins over the file. Pure apart
 * from the file read, which is injected. Each setting has a parser that only turns text into a prop
 * and says where a bad value came from; the construct checks the values themselves (times, time
 * zones, week days, ARNs, tags, the deployment policy), with the event contract's rules.
 */
import * as fs from 'fs';
import { TimeZone } from 'aws-cdk-lib';
import { ProblemList, describeProblems, isPlainObject, type FieldProblem } from '../contract/problems';
import type { AppRunnerSchedulerProps, DeployAfterResume, WeekDay } from '../lib';

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

/** Applies `convert` to a value that parsed; the construct checks what it becomes. */
function converting<T, U>(parse: SettingParser<T>, convert: (value: T) => U): SettingParser<U> {
  return (raw) => {
    const parsed = parse(raw);
    return 'value' in parsed ? { value: convert(parsed.value) } : parsed;
  };
}

/** Every setting, by the name it takes in context and in the config file, with its parser. */
const SETTING_PARSERS = {
  stackName: text,
  services: list,
  tags: tagPairs,
  regions: list,
  timeZone: converting(text, (name) => TimeZone.of(name)),
  pauseAt: timeOfDay,
  resumeAt: timeOfDay,
  weekDays: converting(list, (days) => days as WeekDay[]),
  deployAfterResume: converting(text, (policy) => policy as DeployAfterResume),
  holidays: list,
  dryRun: flag,
  resumeManuallyPaused: flag,
  enabled: flag,
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
 * @param context looks a key up in CDK context (`app.node.tryGetContext`)
 * @param readFile reads the config file named by the `config` context key
 * @throws InvalidAppConfigError naming every bad setting
 */
export function readAppConfig(context: (key: string) => unknown, readFile: (path: string) => string = (p) => fs.readFileSync(p, 'utf8')): AppConfig {
  const problems = new ProblemList();
  const contextValues = Object.fromEntries(SETTINGS.map((key) => [key, context(key)]).filter(([, value]) => value !== undefined));
  const sources: Source[] = [{ name: 'context', values: contextValues }];
  const configPath = context('config');
  if (configPath !== undefined) {
    const file = readConfigFile(configPath, readFile, problems);
    if (file) sources.push(file);
  }

  const settings: Record<string, unknown> = {};
  for (const key of SETTINGS) {
    const source = sources.find((s) => s.values[key] !== undefined);
    const raw = source ? source.values[key] : DEFAULTS[key];
    if (raw === undefined) continue;
    const parsed = SETTING_PARSERS[key](raw);
    if ('value' in parsed) settings[key] = parsed.value;
    else problems.add(`${key} (${source?.name ?? 'default'})`, raw, parsed.accepted);
  }
  if (problems.problems.length > 0) throw new InvalidAppConfigError(problems.problems);

  const { stackName, alarmEmail, services, tags, ...scheduler } = settings as Settings;
  return {
    stackName: stackName!,
    alarmEmail,
    scheduler: {
      services,
      tags: tags ?? (services ? undefined : { ...DEFAULT_TAGS }),
      ...scheduler,
    },
  };
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
    if (!(SETTINGS as readonly string[]).includes(key)) problems.add(`${key} (${name})`, values[key], `no such setting; the settings are ${SETTINGS.join(', ')}`);
  }
  return { name, values };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
