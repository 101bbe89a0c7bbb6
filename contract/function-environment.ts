/**
 * Environment variables the construct sets on the function and the function reads: one name each,
 * shared by lib/ and lambda/. Pure: no SDK, no CDK.
 */

/** A stable name of the scheduler (the construct's path): the `Scheduler` dimension of its metrics. */
export const SCHEDULER_NAME_ENV = 'SCHEDULER_NAME';

/** The summary topic's ARN; without it the function sends no notification. */
export const SUMMARY_TOPIC_ARN_ENV = 'SUMMARY_TOPIC_ARN';
