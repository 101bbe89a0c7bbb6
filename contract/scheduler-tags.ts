/**
 * The tags through which the scheduler keeps its state on the services themselves. Pure: no AWS SDK.
 */

/** The marker tag: `paused` or `resumed` (each optionally followed by a space and an ISO-8601 UTC time). */
export const MARKER_TAG_KEY = 'apprunner-scheduler:state';

/** The opt-out tag: `true`, or an ISO-8601 date or date-time until which the service is left alone. */
export const SKIP_TAG_KEY = 'apprunner-scheduler:skip';

/** The tag keys the scheduler itself writes or removes; IAM limits TagResource/UntagResource to these. */
export const SCHEDULER_WRITTEN_TAG_KEYS: readonly string[] = [MARKER_TAG_KEY];
