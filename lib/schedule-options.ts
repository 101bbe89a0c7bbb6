/**
 * What one schedule of a scheduler is: when it pauses and resumes, which services, and how a resume
 * deploys. The props' own schedule and each named schedule (`addSchedule`) take these same options,
 * are checked by the same code (`planSchedule`) and send the same events.
 */
import { Lazy, TimeZone, Token } from 'aws-cdk-lib';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { eventProblems, type Action, type ParseOptions, type SchedulerEvent } from '../contract/event';
import type { OfficeHours } from '../contract/office-hours';
import type { ProblemList } from '../contract/problems';
import { DEFAULT_SCHEDULE_NAME } from '../contract/schedules';
import { SCHEDULE_TAG_KEY } from '../contract/scheduler-tags';
import { accountsProblems } from './function-role';
import { officeHoursOf, plannedRuns, scheduleTimeWarnings, timeZoneOf, type PlannedRun, type ScheduleWarning, type WeekDay } from './schedule-times';

/** Whether a resumed service gets a deployment, so that versions pushed while it was paused go live. */
export enum DeployAfterResume {
  /** Never start a deployment after a resume. */
  NEVER = 'never',
  /** Deploy only services whose source has automatic deployments enabled. */
  AUTO = 'auto',
  /** Deploy every resumed service. */
  ALWAYS = 'always',
}

/**
 * One schedule: a pause and a resume (or either), the services they select, and how a resume deploys.
 * `AppRunnerSchedulerProps` extends it for the scheduler's own schedule; `addSchedule` takes it for
 * each named schedule. Select services by `services`, by `tags`, or both.
 */
export interface ScheduleOptions {
  /**
   * App Runner service ARNs to pause and resume; each is called in its own region. Tokens such as
   * `CfnService.attrServiceArn` are accepted. The function may touch these ARNs and nothing else.
   * An ARN belongs to one schedule of a scheduler: listing it in two is an error.
   * @default - no listed services: the scheduler's own schedule needs `tags`; a named schedule with
   * neither `services` nor `tags` selects the services tagged `apprunner-scheduler:schedule=<name>`
   */
  readonly services?: string[];

  /**
   * Every service that carries all of these tags is paused and resumed.
   * @default - no tag selection: the scheduler's own schedule needs `services`; a named schedule with
   * neither selects the services tagged `apprunner-scheduler:schedule=<name>`
   */
  readonly tags?: { [key: string]: string };

  /**
   * Regions where tag selection looks. Only together with `tags` (or, for a named schedule, with no
   * `services`: its tag selection).
   * @default - the stack's region
   */
  readonly regions?: string[];

  /**
   * 12-digit AWS account IDs where tag selection looks, beside `regions`; tokens accepted. Only together
   * with tag selection. In each account other than its own, the function assumes the member role
   * (`AppRunnerSchedulerMemberRole`, named `AppRunnerSchedulerMember`), and its role may assume that
   * role in exactly these accounts (and those of listed ARNs of other accounts).
   * @default - the function's own account
   */
  readonly accounts?: string[];

  /**
   * Time zone of `pauseAt`, `resumeAt`, `holidays` and dated skip tags, and of a `ScheduleExpression`
   * built without one (CDK gives those Etc/UTC). An expression built with a time zone runs in its
   * own; without this prop, its time zone is also the one the run reads holidays and skip dates in.
   * @default - the time zone of `pauseSchedule`/`resumeSchedule` when they have one, else TimeZone.ETC_UTC
   */
  readonly timeZone?: TimeZone;

  /**
   * Local time, `HH:MM`, at which services are paused on `weekDays`.
   * @default - no pause at a fixed time: see `pauseSchedule`
   */
  readonly pauseAt?: string;

  /**
   * Local time, `HH:MM`, at which services are resumed on `weekDays`.
   * @default - no resume at a fixed time: see `resumeSchedule`
   */
  readonly resumeAt?: string;

  /**
   * Days on which `pauseAt` and `resumeAt` run. With the default, services are paused from Friday
   * evening to Monday morning.
   * @default - Monday to Friday
   */
  readonly weekDays?: WeekDay[];

  /**
   * When services are paused, for anything `pauseAt` cannot say. Not together with `pauseAt`. It runs
   * in its own time zone, or in `timeZone` when built without one; no daylight-saving warning is given for it.
   * @default - no pause schedule unless `pauseAt` is set
   */
  readonly pauseSchedule?: scheduler.ScheduleExpression;

  /**
   * When services are resumed, for anything `resumeAt` cannot say. Not together with `resumeAt`.
   * @default - no resume schedule unless `resumeAt` is set
   */
  readonly resumeSchedule?: scheduler.ScheduleExpression;

  /**
   * Whether a resumed service gets a deployment, so that versions pushed while it was paused go live.
   * @default DeployAfterResume.AUTO
   */
  readonly deployAfterResume?: DeployAfterResume;

  /**
   * Local dates, `YYYY-MM-DD` in `timeZone`, on which a resume run changes nothing.
   * @default - no holidays
   */
  readonly holidays?: string[];

  /**
   * Whether this schedule's pause and resume run. `false` creates them DISABLED.
   * @default true
   */
  readonly enabled?: boolean;
}

/** The keys of `ScheduleOptions`: what makes the props' own schedule, when any is set. */
export const SCHEDULE_OPTION_FIELDS: readonly (keyof ScheduleOptions)[] = [
  'services',
  'tags',
  'regions',
  'accounts',
  'timeZone',
  'pauseAt',
  'resumeAt',
  'weekDays',
  'pauseSchedule',
  'resumeSchedule',
  'deployAfterResume',
  'holidays',
  'enabled',
];


/** What every schedule of one scheduler shares, from the scheduler's props. */
export interface SharedScheduleSettings {
  /** The props' `dryRun`. */
  readonly dryRun?: boolean;
  /** The props' `resumeManuallyPaused`. */
  readonly resumeManuallyPaused?: boolean;
}

/** One schedule, checked: the events its runs send, the runs, and the hours the function is told. */
export interface PlannedSchedule {
  /** `default` for the props' own schedule, else the name given to `addSchedule`. */
  readonly name: string;
  /** The options as given. */
  readonly options: ScheduleOptions;
  /** The event each action sends, whether or not it is scheduled. */
  readonly events: Record<Action, SchedulerEvent>;
  /** The runs that are scheduled, with their expressions. */
  readonly runs: PlannedRun[];
  /** The office hours (both a pause and a resume scheduled, and no dry run), else undefined. */
  readonly hours?: OfficeHours;
}

/** How a schedule is planned: named or the props' own, with what the scheduler's props share. */
export interface PlanContext {
  /** The name given to `addSchedule`; undefined for the props' own schedule. */
  readonly name?: string;
  /** Settings from the scheduler's props. */
  readonly shared: SharedScheduleSettings;
  /** How its events are checked: the function's region and the tokens to leave for deployment. */
  readonly parse: ParseOptions;
  /**
   * What the props' own schedule's events say in `schedule`, asked at synth: named schedules may be
   * added after the scheduler is created, and without them the events carry no `schedule`.
   * @default - no `schedule` field
   */
  readonly scheduleField?: () => string | undefined;
}

/**
 * Checks one schedule's options and plans its runs: its events checked with the event contract as
 * the handler will parse them, its times with the schedule-time rules. What is wrong goes to `problems`.
 */
export function planSchedule(options: ScheduleOptions, context: PlanContext, problems: ProblemList): PlannedSchedule {
  const events = { pause: eventFor('pause', options, context), resume: eventFor('resume', options, context) };
  for (const event of Object.values(events)) problems.include(eventProblems(event, context.parse));
  const runs = plannedRuns(options, problems);
  accountsProblems(options.accounts, problems);
  // From JavaScript, "false" would otherwise create the schedules ENABLED.
  if (options.enabled !== undefined && typeof options.enabled !== 'boolean' && !Token.isUnresolved(options.enabled)) {
    problems.add('enabled', options.enabled, 'true or false');
  }
  // Snoozes and wakes end in a pause the function arranges when it knows the hours: both a pause and
  // a resume are scheduled. A dry run arranges nothing.
  const hours = context.shared.dryRun === true ? undefined : officeHoursOf(runs, options);
  return { name: context.name ?? DEFAULT_SCHEDULE_NAME, options, events, runs, hours };
}

/** The tags a schedule selects by: its `tags`, or for a named schedule that selects nothing, its schedule tag. */
export function selectorTags(options: ScheduleOptions, name: string | undefined): { [key: string]: string } | undefined {
  if (name !== undefined && options.tags === undefined && options.services === undefined) return { [SCHEDULE_TAG_KEY]: name };
  return options.tags;
}

/**
 * The event a schedule sends for `action`: only what the options set, so the schedule's input reads
 * as the configuration (a field left undefined is not in the JSON). Values pass through as given, so
 * that the contract's check sees what a JavaScript caller passed, not a cleaned-up copy.
 */
function eventFor(action: Action, options: ScheduleOptions, context: PlanContext): SchedulerEvent {
  const resume = action === 'resume';
  const { dryRun, resumeManuallyPaused } = context.shared;
  const schedule = context.name ?? (context.scheduleField === undefined ? undefined : Lazy.string({ produce: context.scheduleField }));
  return {
    action,
    services: options.services,
    tags: selectorTags(options, context.name),
    regions: options.regions,
    accounts: options.accounts,
    deployAfterResume: resume ? (options.deployAfterResume ?? DeployAfterResume.AUTO) : undefined,
    timeZone: timeZoneOf(options, action).timezoneName,
    holidays: resume ? options.holidays : undefined,
    dryRun: dryRun === false ? undefined : dryRun,
    resumeManuallyPaused: !resume || resumeManuallyPaused === false ? undefined : resumeManuallyPaused,
    ...(schedule === undefined ? {} : { schedule }),
  };
}

/** A schedule's legal but risky options: its times that daylight saving touches, and being disabled. */
export function scheduleWarnings(planned: PlannedSchedule): ScheduleWarning[] {
  const warnings = scheduleTimeWarnings(planned.options);
  if (planned.options.enabled === false) {
    warnings.push({ id: 'disabled', message: 'enabled is false: the schedules are created DISABLED and nothing runs until they are enabled.' });
  }
  return warnings;
}
