/**
 * The tags through which the scheduler keeps its state on the services themselves. Pure: no AWS SDK.
 */

/** The marker tag: `paused` or `resumed` (each optionally followed by a space and an ISO-8601 UTC time). */
export const MARKER_TAG_KEY = 'apprunner-scheduler:state';

/** The opt-out tag: `true`, or an ISO-8601 date or date-time until which the service is left alone. */
export const SKIP_TAG_KEY = 'apprunner-scheduler:skip';

/**
 * The wake tag: the ISO-8601 UTC instant (`2026-12-01T23:00:00Z`) a wake ends, set on a service that
 * a resume with `until` resumed, together with its marker. A pause is arranged at that instant; it
 * pauses the service only while this tag still says that instant, and removes the tag.
 */
export const WAKE_TAG_KEY = 'apprunner-scheduler:wake';

/**
 * The schedule tag: the name of the named schedule (`SCHEDULER_SCHEDULES`) a service follows. It
 * settles a service that two schedules' selections match; a name the function has no schedule of
 * makes every run leave the service alone, saying so. Written by people, never by the scheduler.
 */
export const SCHEDULE_TAG_KEY = 'apprunner-scheduler:schedule';

/** The tag keys the scheduler itself writes or removes; IAM limits TagResource/UntagResource to these. */
export const SCHEDULER_WRITTEN_TAG_KEYS: readonly string[] = [MARKER_TAG_KEY, WAKE_TAG_KEY];
