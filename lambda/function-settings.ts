/**
 * What the construct tells the function through its environment, beside the event: its office hours,
 * its named schedules (`SCHEDULER_SCHEDULES`, when it has any) and what a one-time schedule needs to
 * invoke it. Read once per container; a deployment from before
 * these variables (or a function invoked by hand outside the construct) gets settings that say why
 * no pause can be arranged, rather than a guess.
 */
import type { EndingSettings } from './endings';
import { parseOfficeHours, OfficeHoursError, SCHEDULER_HOURS_ENV, type OfficeHours } from '../contract/office-hours';
import { describeProblems } from '../contract/problems';
import { SCHEDULER_DEAD_LETTER_QUEUE_ARN_ENV, SCHEDULER_GROUP_NAME_ENV, SCHEDULER_SCHEDULES_ENV, SCHEDULER_TARGET_ROLE_ARN_ENV } from '../contract/function-environment';
import { parseSchedules, SchedulesError, type Schedules } from '../contract/schedules';
import type { ScheduleSettings } from './schedule-run';

/** The environment's settings, before the function's ARN is known. */
export interface FunctionEnvironment {
  readonly hours?: OfficeHours;
  readonly groupName?: string;
  readonly targetRoleArn?: string;
  readonly deadLetterQueueArn?: string;
  /** Why the hours or the schedule target are missing, when they are. */
  readonly missing?: string;
  /** The named schedules; absent for a scheduler without any (no `SCHEDULER_SCHEDULES`), or when it is not valid. */
  readonly schedules?: Schedules;
  /** Why `SCHEDULER_SCHEDULES` could not be read, when it is there but not valid. */
  readonly schedulesProblem?: string;
}

/** Reads the variables; never throws: what is missing or wrong is in `missing`. */
export function readFunctionEnvironment(env: Readonly<Record<string, string | undefined>>): FunctionEnvironment {
  const absent = [SCHEDULER_HOURS_ENV, SCHEDULER_GROUP_NAME_ENV, SCHEDULER_TARGET_ROLE_ARN_ENV].filter((name) => !env[name]);
  let hours: OfficeHours | undefined;
  let wrong: string | undefined;
  if (env[SCHEDULER_HOURS_ENV]) {
    try {
      hours = parseOfficeHours(env[SCHEDULER_HOURS_ENV]);
    } catch (error) {
      if (!(error instanceof OfficeHoursError)) throw error;
      wrong = `${SCHEDULER_HOURS_ENV} is not valid (${describeProblems(error.problems)})`;
    }
  }
  let schedules: Schedules | undefined;
  let schedulesProblem: string | undefined;
  if (env[SCHEDULER_SCHEDULES_ENV]) {
    try {
      schedules = parseSchedules(env[SCHEDULER_SCHEDULES_ENV]);
    } catch (error) {
      if (!(error instanceof SchedulesError)) throw error;
      schedulesProblem = `${SCHEDULER_SCHEDULES_ENV} is not valid (${describeProblems(error.problems)})`;
    }
  }
  const missing = [
    ...(absent.length > 0 ? [`the function's environment has no ${absent.join(', ')} (a deployment from before snoozes and wakes ended on their own, or a function the construct did not deploy)`] : []),
    ...(wrong ? [wrong] : []),
  ];
  return {
    hours,
    groupName: env[SCHEDULER_GROUP_NAME_ENV] || undefined,
    targetRoleArn: env[SCHEDULER_TARGET_ROLE_ARN_ENV] || undefined,
    deadLetterQueueArn: env[SCHEDULER_DEAD_LETTER_QUEUE_ARN_ENV] || undefined,
    ...(missing.length > 0 ? { missing: missing.join('; ') } : {}),
    ...(schedules ? { schedules } : {}),
    ...(schedulesProblem ? { schedulesProblem } : {}),
  };
}

const FUNCTION_ARN = /^(arn:[^:]+:lambda:[^:]+:\d{12}:function:[^:]+)(?::[^:]+)?$/;

/** The function's ARN without a version or alias, as a schedule's target names it; undefined for anything else. */
export function unqualifiedFunctionArn(invokedFunctionArn: string | undefined): string | undefined {
  return invokedFunctionArn === undefined ? undefined : FUNCTION_ARN.exec(invokedFunctionArn)?.[1];
}

/** The run's ending settings, from the environment and the ARN this invocation was made on. */
export function endingSettings(environment: FunctionEnvironment, invokedFunctionArn: string | undefined): EndingSettings {
  const functionArn = unqualifiedFunctionArn(invokedFunctionArn);
  const unavailable =
    environment.missing ?? (functionArn ? undefined : `the invocation names no Lambda function ARN (context.invokedFunctionArn is ${JSON.stringify(invokedFunctionArn)}), so no schedule can target the function`);
  const { hours, groupName, targetRoleArn, deadLetterQueueArn } = environment;
  return {
    hours,
    ...(groupName && targetRoleArn && functionArn ? { target: { groupName, roleArn: targetRoleArn, functionArn, deadLetterQueueArn } } : {}),
    ...(unavailable ? { unavailable } : {}),
  };
}

/**
 * The run's named schedules, from the environment, with where the function runs: its region, and
 * its account as the ARN this invocation was made on tells it (unknown without one).
 */
export function scheduleSettings(environment: FunctionEnvironment, invokedFunctionArn: string | undefined, region: string | undefined): ScheduleSettings {
  const account = unqualifiedFunctionArn(invokedFunctionArn)?.split(':')[4];
  return {
    ...(environment.schedules ? { schedules: environment.schedules } : {}),
    ...(environment.schedulesProblem ? { problem: environment.schedulesProblem } : {}),
    home: { ...(account ? { account } : {}), ...(region ? { region } : {}) },
  };
}
