/**
 * Reads the deployable app's settings from CDK context (`-c key=value`, or cdk.json) and from an
 * optional JSON file (`-c config=path/to/scheduler.json`); context wins over the file. Pure apart
 * from the file read, which is injected. The construct validates the values themselves (time
 * formats, ARNs, tags); this module only turns text into props and says where a value came from.
 */
import * as fs from 'fs';
import { TimeZone } from 'aws-cdk-lib';
import { describeValue, isPlainObject } from '../contract/problems';
import { isTimeZone } from '../contract/event';
import { DeployAfterResume, WeekDay, type AppRunnerSchedulerProps } from '../lib';

/** What the app deploys. */
export interface AppConfig {
  /** The CloudFormation stack name. */
  readonly stackName: string;
  /** The scheduler's props. */
  readonly scheduler: AppRunnerSchedulerProps;
  /** An email address subscribed to the failed-run alarm topic, if any. */
  readonly alarmEmail?: string;
}

/** The settings, by the name they take in context and in the config file. */
export const SETTINGS = [
  'stackName',
  'services',
  'tags',
  'regions',
  'timeZone',
  'pauseAt',
  'resumeAt',
  'weekDays',
  'deployAfterResume',
  'holidays',
  'dryRun',
  'resumeManuallyPaused',
  'enabled',
  'alarmEmail',
] as const;

type Setting = (typeof SETTINGS)[number];

/** The defaults: services tagged for office hours, paused 19:00-07:00 London time on weekdays. */
const DEFAULTS = {
  stackName: 'AppRunnerScheduler',
  tags: { 'apprunner-scheduler:schedule': 'office-hours' },
  timeZone: 'Europe/London',
  pauseAt: '19:00',
  resumeAt: '07:00',
} as const;

/** Turns off the pause or the resume schedule: `-c resumeAt=off` pauses only. */
const OFF = 'off';

/** Settings that cannot be used: every problem, each naming the setting, where it came from, the value and what is accepted. */
export class InvalidAppConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid app configuration: ${problems.join('. ')}`);
    this.name = 'InvalidAppConfigError';
  }
}

interface Source {
  /** For messages: `context` or `config file scheduler.json`. */
  readonly name: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/**
 * Reads the settings.
 * @param context looks a key up in CDK context (`app.node.tryGetContext`)
 * @param readFile reads the config file named by the `config` context key
 * @throws InvalidAppConfigError naming every bad setting
 */
export function readAppConfig(context: (key: string) => unknown, readFile: (path: string) => string = (p) => fs.readFileSync(p, 'utf8')): AppConfig {
  const problems: string[] = [];
  const contextValues = Object.fromEntries(SETTINGS.map((key) => [key, context(key)]).filter(([, value]) => value !== undefined));
  const sources: Source[] = [{ name: 'context', values: contextValues }];
  const configPath = context('config');
  if (configPath !== undefined) {
    const file = readConfigFile(configPath, readFile, problems);
    if (file) sources.push(file);
  }

  const setting = (key: Setting): { value: unknown; from: string } | undefined => {
    const source = sources.find((s) => s.values[key] !== undefined);
    return source && { value: source.values[key], from: source.name };
  };
  const reject = (key: Setting, from: string, value: unknown, accepted: string) =>
    problems.push(`${key} (${from}): received ${describeValue(value)}; expected ${accepted}`);

  const text = (key: Setting): string | undefined => {
    const found = setting(key);
    if (!found) return undefined;
    if (typeof found.value === 'string' && found.value.trim() !== '') return found.value.trim();
    reject(key, found.from, found.value, 'a non-empty string');
    return undefined;
  };
  const list = (key: Setting): string[] | undefined => {
    const found = setting(key);
    if (!found) return undefined;
    if (typeof found.value === 'string') return splitList(found.value);
    if (Array.isArray(found.value) && found.value.every((item) => typeof item === 'string')) return found.value;
    reject(key, found.from, found.value, 'a comma-separated string or a list of strings');
    return undefined;
  };
  const flag = (key: Setting): boolean | undefined => {
    const found = setting(key);
    if (!found) return undefined;
    if (found.value === true || found.value === 'true') return true;
    if (found.value === false || found.value === 'false') return false;
    reject(key, found.from, found.value, 'true or false');
    return undefined;
  };
  const choice = <T extends string>(key: Setting, choices: readonly T[]): T | undefined => {
    const found = setting(key);
    if (!found) return undefined;
    if ((choices as readonly unknown[]).includes(found.value)) return found.value as T;
    reject(key, found.from, found.value, `one of ${choices.join(', ')}`);
    return undefined;
  };
  const tags = (): Record<string, string> | undefined => {
    const found = setting('tags');
    if (!found) return undefined;
    if (typeof found.value === 'string') {
      const pairs = splitList(found.value).map((pair) => pair.split(/=(.*)/s, 2));
      if (pairs.every((pair) => pair.length === 2 && pair[0] !== '')) return Object.fromEntries(pairs);
    } else if (isPlainObject(found.value) && Object.values(found.value).every((v) => typeof v === 'string')) {
      return found.value as Record<string, string>;
    }
    reject('tags', found.from, found.value, 'key=value pairs separated by commas, such as env=dev,team=web, or an object of strings');
    return undefined;
  };
  const timeZone = (): TimeZone => {
    const name = text('timeZone') ?? DEFAULTS.timeZone;
    if (isTimeZone(name)) return TimeZone.of(name);
    reject('timeZone', setting('timeZone')!.from, name, 'an IANA time zone such as Europe/London');
    return TimeZone.ETC_UTC;
  };
  const timeOfDay = (key: 'pauseAt' | 'resumeAt'): string | undefined => {
    const value = text(key) ?? DEFAULTS[key];
    return value === OFF ? undefined : value;
  };
  const weekDays = (): WeekDay[] | undefined => {
    const days = list('weekDays');
    if (!days) return undefined;
    const known = Object.values(WeekDay) as string[];
    const unknown = days.filter((day) => !known.includes(day));
    if (unknown.length === 0) return days as WeekDay[];
    reject('weekDays', setting('weekDays')!.from, unknown, `day names from ${known.join(', ')}, separated by commas`);
    return undefined;
  };
  const alarmEmail = (): string | undefined => {
    const value = text('alarmEmail');
    if (value === undefined || /^[^@\s]+@[^@\s]+$/.test(value)) return value;
    reject('alarmEmail', setting('alarmEmail')!.from, value, 'an email address');
    return undefined;
  };

  const services = list('services');
  const selectorTags = tags();
  const config: AppConfig = {
    stackName: text('stackName') ?? DEFAULTS.stackName,
    alarmEmail: alarmEmail(),
    scheduler: {
      services,
      tags: selectorTags ?? (services ? undefined : { ...DEFAULTS.tags }),
      regions: list('regions'),
      timeZone: timeZone(),
      pauseAt: timeOfDay('pauseAt'),
      resumeAt: timeOfDay('resumeAt'),
      weekDays: weekDays(),
      deployAfterResume: choice('deployAfterResume', Object.values(DeployAfterResume)),
      holidays: list('holidays'),
      dryRun: flag('dryRun'),
      resumeManuallyPaused: flag('resumeManuallyPaused'),
      enabled: flag('enabled'),
    },
  };
  if (problems.length > 0) throw new InvalidAppConfigError(problems);
  return config;
}

function readConfigFile(path: unknown, readFile: (path: string) => string, problems: string[]): Source | undefined {
  if (typeof path !== 'string' || path.trim() === '') {
    problems.push(`config (context): received ${describeValue(path)}; expected the path of a JSON file`);
    return undefined;
  }
  const name = `config file ${path}`;
  let values: unknown;
  try {
    values = JSON.parse(readFile(path));
  } catch (error) {
    problems.push(`config (context): cannot read ${path} as JSON: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  if (!isPlainObject(values)) {
    problems.push(`${name}: received ${describeValue(values)}; expected a JSON object of settings`);
    return undefined;
  }
  for (const key of Object.keys(values)) {
    if (!(SETTINGS as readonly string[]).includes(key)) problems.push(`${key} (${name}): no such setting; the settings are ${SETTINGS.join(', ')}`);
  }
  return { name, values };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

