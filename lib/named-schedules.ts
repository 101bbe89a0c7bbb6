/**
 * The rules of a scheduler's named schedules (`addSchedule`) that concern more than one schedule:
 * their names, a listed ARN in two schedules, and what the function is told of them in
 * `SCHEDULER_SCHEDULES`, within Lambda's limit on the size of its environment.
 */
import { SCHEDULE_NAME_ACCEPTED, isScheduleName } from '../contract/event';
import type { ProblemList } from '../contract/problems';
import { DEFAULT_SCHEDULE_NAME } from '../contract/schedules';
import { SCHEDULE_TAG_KEY } from '../contract/scheduler-tags';
import { SCHEDULE_OPTION_FIELDS, selectorTags, type PlannedSchedule, type ScheduleOptions } from './schedule-options';

/** Lambda's limit on all of a function's environment variables together (keys and values). */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/** The name given to `addSchedule`: well-formed, not `default`, and not taken by another schedule. */
export function scheduleNameProblems(name: unknown, taken: readonly string[], problems: ProblemList): void {
  if (!isScheduleName(name)) {
    problems.add('name', name, SCHEDULE_NAME_ACCEPTED);
  } else if (name === DEFAULT_SCHEDULE_NAME) {
    problems.add('name', name, `a name other than "${DEFAULT_SCHEDULE_NAME}", which names the schedule of the scheduler's own props`);
  } else if (taken.includes(name)) {
    problems.add('name', name, `a name no other schedule of this scheduler has (addSchedule("${name}") was called before)`);
  }
}

/**
 * Options a named schedule does not have: from JavaScript a typo (`pauseat`) or a scheduler-wide prop
 * (`dryRun`) would otherwise be dropped without a word.
 */
export function unknownOptionProblems(options: ScheduleOptions, problems: ProblemList): void {
  for (const [key, value] of Object.entries(options)) {
    if ((SCHEDULE_OPTION_FIELDS as readonly string[]).includes(key)) continue;
    problems.add(key, value, `no such option of a named schedule; its options are ${SCHEDULE_OPTION_FIELDS.join(', ')} (the other props, such as dryRun, are the scheduler's, for every schedule)`);
  }
}

/**
 * A listed ARN that another schedule lists too: the one conflict known at synth (the same ARN, or the
 * same token). Tag selections that overlap are only known at run time, where such services are skipped.
 */
export function listedServiceConflicts(schedule: PlannedSchedule, others: readonly PlannedSchedule[], problems: ProblemList): void {
  // From JavaScript, `services` may be anything: the event contract names that.
  const listed = (planned: PlannedSchedule): unknown[] => (Array.isArray(planned.options.services) ? planned.options.services : []);
  listed(schedule).forEach((arn, i) => {
    const other = others.find((o) => listed(o).includes(arn));
    if (other) {
      problems.add(
        `services[${i}]`,
        arn,
        `an ARN no other schedule lists: schedule "${other.name}" lists it too, and a service follows one schedule (list it in "${schedule.name}" or in "${other.name}", not both)`,
      );
    }
  });
}

/** What `SCHEDULER_SCHEDULES` holds for one schedule: its hours and its selection. */
export interface ScheduleEntry {
  readonly hours?: PlannedSchedule['hours'];
  readonly tags?: { [key: string]: string };
  readonly services?: string[];
  readonly accounts?: string[];
  readonly regions?: string[];
}

/**
 * `SCHEDULER_SCHEDULES`: per schedule name, its office hours (as `SCHEDULER_HOURS` holds them) and
 * its selection, the props' own schedule as `default`. Only fields that are set appear.
 */
export function schedulesEnvironment(schedules: readonly PlannedSchedule[]): { [name: string]: ScheduleEntry } {
  return Object.fromEntries(
    schedules.map((schedule) => {
      const named = schedule.name === DEFAULT_SCHEDULE_NAME ? undefined : schedule.name;
      const tags = selectorTags(schedule.options, named);
      const entry: ScheduleEntry = {
        ...(schedule.hours ? { hours: schedule.hours } : {}),
        ...(tags ? { tags } : {}),
        ...(schedule.options.services ? { services: schedule.options.services } : {}),
        ...(schedule.options.accounts ? { accounts: schedule.options.accounts } : {}),
        ...(schedule.options.regions ? { regions: schedule.options.regions } : {}),
      };
      return [schedule.name, entry];
    }),
  );
}

/** A token's placeholder in a string or a list (CloudFormation resolves it at deployment). */
const TOKEN_PLACEHOLDER = /[$#]\{Token\[[^\]]*\]\}/g;

/**
 * The bytes of the function's environment known at synth: each key and value, with values that
 * CloudFormation resolves at deployment (tokens) not counted. Objects count as their JSON.
 */
export function environmentBytes(environment: { [key: string]: unknown }): number {
  return Object.entries(environment).reduce((total, [key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return total + Buffer.byteLength(key) + Buffer.byteLength(text.replace(TOKEN_PLACEHOLDER, ''));
  }, 0);
}

/** An environment larger than Lambda accepts fails the deployment: say so at synth, and how to make it smaller. */
export function environmentSizeProblems(environment: { [key: string]: unknown }, problems: ProblemList): void {
  const bytes = environmentBytes(environment);
  if (bytes <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return;
  problems.add(
    "(the function's environment)",
    `${bytes} bytes known at synth`,
    `at most ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes for all of the function's environment variables together (Lambda's limit; here ${Object.keys(environment).join(', ')}). ` +
      `Each schedule's holidays, listed ARNs and tags are in it: select services by tag (${SCHEDULE_TAG_KEY}=<name>) rather than listing them, keep fewer holidays, or split the schedules between two schedulers`,
  );
}
