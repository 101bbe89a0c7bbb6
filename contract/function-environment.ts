/**
 * Environment variables the construct sets on the function and the function reads: one name each,
 * shared by lib/ and lambda/. Pure: no SDK, no CDK.
 */

/** A stable name of the scheduler (the construct's path): the `Scheduler` dimension of its metrics. */
export const SCHEDULER_NAME_ENV = 'SCHEDULER_NAME';

/** The summary topic's ARN; without it the function sends no notification. */
export const SUMMARY_TOPIC_ARN_ENV = 'SUMMARY_TOPIC_ARN';

/** The construct's schedule group, where the one-time schedules that end snoozes and wakes go. */
export const SCHEDULER_GROUP_NAME_ENV = 'SCHEDULER_GROUP_NAME';

/** The role the construct's schedules invoke the function with. */
export const SCHEDULER_TARGET_ROLE_ARN_ENV = 'SCHEDULER_TARGET_ROLE_ARN';

/** The construct's dead-letter queue, for events a schedule could not deliver. */
export const SCHEDULER_DEAD_LETTER_QUEUE_ARN_ENV = 'SCHEDULER_DEAD_LETTER_QUEUE_ARN';

/**
 * The named schedules on the function, as JSON (the format is in contract/schedules.ts): set only
 * when the scheduler has named schedules, whose events then carry `schedule`.
 */
export const SCHEDULER_SCHEDULES_ENV = 'SCHEDULER_SCHEDULES';

/** The external id the function passes when it assumes the member role in another account; none when unset. */
export const SCHEDULER_MEMBER_EXTERNAL_ID_ENV = 'SCHEDULER_MEMBER_EXTERNAL_ID';
