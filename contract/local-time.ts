/**
 * Wall-clock arithmetic in an IANA time zone, with the runtime's own time zone data (Intl). Pure, and
 * the one place that reads a zone's offset: the handler reads local dates and skip times with it, the
 * construct finds daylight-saving changes with it.
 */

/** A wall-clock reading: what a zone's clocks show (month 1-12). */
export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** What a time zone's clocks show at an instant, to the second. */
export function wallClockAt(instant: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDate(instant: Date, timeZone: string): string {
  const c = wallClockAt(instant, timeZone);
  return `${c.year}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
}

function offsetMs(instant: number, timeZone: string): number {
  const c = wallClockAt(new Date(instant), timeZone);
  const asUtc = Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** How far a time zone's clocks are ahead of UTC at an instant (ms since the epoch), in minutes. */
export function utcOffsetMinutes(instant: number, timeZone: string): number {
  return Math.round(offsetMs(instant, timeZone) / 60_000);
}

const DAY_MS = 86_400_000;

function showsWallClock(instant: number, clock: WallClock, timeZone: string): boolean {
  const c = wallClockAt(new Date(instant), timeZone);
  return c.year === clock.year && c.month === clock.month && c.day === clock.day && c.hour === clock.hour && c.minute === clock.minute && c.second === clock.second;
}

/**
 * The instant at which a time zone's clocks show the given wall-clock time. The candidates come from
 * the zone's offsets a day before and a day after, so a change of offset that day is seen. A time
 * shown twice (clocks go back) is its first occurrence; a time the zone skips (clocks go forward)
 * is read with the offset before the change, so 02:30 in a gap from 02:00 to 03:00 is 03:30.
 */
function instantOfWallClock(clock: WallClock, timeZone: string): Date {
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  const candidates = [asUtc - offsetMs(asUtc - DAY_MS, timeZone), asUtc - offsetMs(asUtc + DAY_MS, timeZone)];
  const exact = candidates.filter((instant) => showsWallClock(instant, clock, timeZone));
  return new Date(exact.length > 0 ? Math.min(...exact) : Math.max(...candidates));
}

/**
 * The instants of wall-clock times on one local date, as EventBridge Scheduler reads a recurring
 * schedule: a time the zone skips that day (clocks go forward) has none, so the result is undefined;
 * a time shown twice (clocks go back) counts once, at its first occurrence. Built once per date, so a
 * day without a change of offset costs no further look-up per time.
 */
export function wallClockOnDate(year: number, month: number, day: number, timeZone: string): (hour: number, minute: number, second?: number) => number | undefined {
  const key = `${timeZone} ${year}-${month}-${day}`;
  let resolve = dates.get(key);
  if (!resolve) {
    resolve = resolverOfDate(year, month, day, timeZone);
    // A run reads the same few dates again and again; a long search reads many once.
    if (dates.size >= 5000) dates.clear();
    dates.set(key, resolve);
  }
  return resolve;
}

const dates = new Map<string, (hour: number, minute: number, second?: number) => number | undefined>();

function resolverOfDate(year: number, month: number, day: number, timeZone: string): (hour: number, minute: number, second?: number) => number | undefined {
  const midnight = Date.UTC(year, month - 1, day);
  // A local date's instants lie within 14 h before and 12 h after its UTC midnight; the offsets a day
  // either side of the date bound them. Zones change offset at most once in such a window.
  const before = offsetMs(midnight - DAY_MS, timeZone);
  const after = offsetMs(midnight + 2 * DAY_MS, timeZone);
  if (before === after) return (hour, minute, second = 0) => midnight + ((hour * 60 + minute) * 60 + second) * 1000 - before;
  return (hour, minute, second = 0) => {
    const asUtc = midnight + ((hour * 60 + minute) * 60 + second) * 1000;
    const shown = [asUtc - before, asUtc - after].filter((instant) => offsetMs(instant, timeZone) === asUtc - instant);
    return shown.length === 0 ? undefined : Math.min(...shown);
  };
}

/** True when the string is an IANA time zone this runtime knows, such as `Europe/London` or `UTC`. */
export function isTimeZone(value: string): boolean {
  if (value.trim() !== value || value === '') return false;
  try {
    formatterFor(value);
    return true;
  } catch {
    return false;
  }
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

function isRealClock(c: WallClock): boolean {
  const d = new Date(Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second));
  return (
    d.getUTCFullYear() === c.year &&
    d.getUTCMonth() === c.month - 1 &&
    d.getUTCDate() === c.day &&
    d.getUTCHours() === c.hour &&
    d.getUTCMinutes() === c.minute &&
    d.getUTCSeconds() === c.second
  );
}

/** True for a real calendar date written `YYYY-MM-DD` (2026-02-30 is not one). */
export function isLocalDate(value: string): boolean {
  const m = DATE_ONLY.exec(value);
  return m !== null && isRealClock({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: 0, minute: 0, second: 0 });
}

/**
 * Reads an ISO-8601 date or date-time as an instant: a bare date is local midnight in `timeZone`, a
 * date-time without an offset is local wall-clock time there, one with `Z` or `+hh:mm` is exact.
 * Returns undefined for anything else, including impossible dates such as 2026-02-30.
 */
export function parseIsoInstant(value: string, timeZone: string): Date | undefined {
  const dateOnly = DATE_ONLY.exec(value);
  const dateTime = dateOnly ? undefined : DATE_TIME.exec(value);
  const m = dateOnly ?? dateTime;
  if (!m) return undefined;
  const clock: WallClock = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: dateTime ? Number(dateTime[4]) : 0,
    minute: dateTime ? Number(dateTime[5]) : 0,
    second: dateTime?.[6] ? Number(dateTime[6]) : 0,
  };
  if (!isRealClock(clock)) return undefined;
  const zone = dateTime?.[7];
  if (zone === undefined) return instantOfWallClock(clock, timeZone);
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}
