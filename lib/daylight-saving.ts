/**
 * Finds the local times that a daylight-saving change skips or repeats in a time zone, so the
 * construct can warn about a pause or resume time that EventBridge Scheduler would skip (the local
 * time does not exist that day) or run only once (the local time happens twice). Pure: reads only
 * the time zone rules that Node's Intl carries, through the one offset reader in contract/local-time.
 */
import { utcOffsetMinutes } from '../contract/local-time';

/** A run of local clock times, `[start, start + length)` in minutes after midnight, that one change affects. */
export interface DaylightSavingChange {
  /** `skipped` when clocks go forward (those times do not exist), `repeated` when they go back. */
  readonly kind: 'skipped' | 'repeated';
  /** First affected local minute of the day (0-1439). */
  readonly startMinute: number;
  /** How many minutes are affected, usually 60. */
  readonly minutes: number;
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;

/** The first minute in `(from, to]` at which the offset is the one `to` has. */
function firstMinuteWithOffsetOf(offsetAt: (utcMs: number) => number, from: number, to: number): number {
  const target = offsetAt(to);
  let [low, high] = [from / MINUTE_MS, to / MINUTE_MS];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (offsetAt(middle * MINUTE_MS) === target) high = middle;
    else low = middle;
  }
  return high * MINUTE_MS;
}

/**
 * The daylight-saving changes of one year in a time zone, in the order they happen. Assumes at most
 * one change a month, which holds for every zone in use.
 */
export function daylightSavingChanges(timeZone: string, year: number): DaylightSavingChange[] {
  const offsetAt = (utcMs: number) => utcOffsetMinutes(utcMs, timeZone);
  const changes: DaylightSavingChange[] = [];
  for (let month = 0; month < 12; month++) {
    const [from, to] = [Date.UTC(year, month, 1), Date.UTC(year, month + 1, 1)];
    const [before, after] = [offsetAt(from), offsetAt(to)];
    if (before === after) continue;
    const changeMs = firstMinuteWithOffsetOf(offsetAt, from, to);
    const startMinute = (((changeMs / MINUTE_MS + Math.min(before, after)) % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
    changes.push({ kind: after > before ? 'skipped' : 'repeated', startMinute, minutes: Math.abs(after - before) });
  }
  return changes;
}

/** The changes of `year` in `timeZone` that affect the local time `minuteOfDay`. */
export function daylightSavingChangesAt(timeZone: string, year: number, minuteOfDay: number): DaylightSavingChange[] {
  return daylightSavingChanges(timeZone, year).filter(
    (change) => (minuteOfDay - change.startMinute + DAY_MINUTES) % DAY_MINUTES < change.minutes,
  );
}
