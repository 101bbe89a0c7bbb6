/**
 * The command line's times: `--for 3h`, `--until 22:00` or `2026-12-24T08:00`, read in a time zone
 * through the one reader of wall clocks (contract/local-time.ts), and shown back in local time. Pure.
 */
import { localDate, parseIsoInstant, utcOffsetMinutes } from '../contract/local-time';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** What `--for` accepts, for messages. */
export const DURATION_FORMAT = 'a duration such as 90m, 3h, 1h30m, 2d or PT2H';

/** What `--until` accepts, for messages. */
export const UNTIL_FORMAT = 'a local time HH:MM (today, or tomorrow once past), a local date-time YYYY-MM-DDTHH:MM, a date YYYY-MM-DD (local midnight), or a date-time with Z or an offset';

const SHORT_DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;
const ISO_DURATION = /^PT(?:(\d+)H)?(?:(\d+)M)?$/;
const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** A duration in ms, or undefined when the text is not one (or is zero). */
export function parseDuration(text: string): number | undefined {
  const short = SHORT_DURATION.exec(text);
  if (short && text !== '') {
    const ms = Number(short[1] ?? 0) * DAY_MS + Number(short[2] ?? 0) * HOUR_MS + Number(short[3] ?? 0) * MINUTE_MS;
    return ms > 0 ? ms : undefined;
  }
  const iso = ISO_DURATION.exec(text);
  if (iso && text !== 'PT') {
    const ms = Number(iso[1] ?? 0) * HOUR_MS + Number(iso[2] ?? 0) * MINUTE_MS;
    return ms > 0 ? ms : undefined;
  }
  return undefined;
}

/** A duration as ISO-8601 (`PT2H30M`), as events carry it. */
export function isoDuration(ms: number): string {
  const minutes = Math.ceil(ms / MINUTE_MS);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `PT${hours > 0 ? `${hours}H` : ''}${rest > 0 || hours === 0 ? `${rest}M` : ''}`;
}

function nextLocalDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + DAY_MS).toISOString().slice(0, 10);
}

/**
 * The instant `--until` names: a bare `HH:MM` is today's in `timeZone`, or tomorrow's when today's
 * is not after `now`; a date or a date-time without an offset is local in `timeZone`, as the skip
 * tag's rule reads it; one with `Z` or an offset is exact. Undefined when the text is none of these.
 */
export function parseUntil(text: string, timeZone: string, now: Date): Date | undefined {
  if (CLOCK_TIME.test(text)) {
    const today = localDate(now, timeZone);
    const at = parseIsoInstant(`${today}T${text}`, timeZone)!;
    return at.getTime() > now.getTime() ? at : parseIsoInstant(`${nextLocalDate(today)}T${text}`, timeZone)!;
  }
  return parseIsoInstant(text, timeZone);
}

/** `now` plus a duration, rounded up to the whole minute: what `--for` ends at. */
export function endAfter(now: Date, ms: number): Date {
  return new Date(Math.ceil((now.getTime() + ms) / MINUTE_MS) * MINUTE_MS);
}

function wallClock(instant: Date, timeZone: string): { readonly date: string; readonly time: string; readonly offset: number } {
  const offset = utcOffsetMinutes(instant.getTime(), timeZone);
  const shifted = new Date(instant.getTime() + offset * MINUTE_MS).toISOString();
  const seconds = shifted.slice(17, 19);
  return { date: shifted.slice(0, 10), time: seconds === '00' ? shifted.slice(11, 16) : shifted.slice(11, 19), offset };
}

/** An instant as local wall-clock time to the minute, `2026-12-01 22:00`, for tables. */
export function formatLocal(instant: Date, timeZone: string): string {
  const { date, time } = wallClock(instant, timeZone);
  return `${date} ${time.slice(0, 5)}`;
}

/**
 * An instant as the skip tag carries it: local wall-clock time with its UTC offset,
 * `2026-12-01T22:00+01:00`. A person reads the local time in the console; the offset makes it exact,
 * whatever time zone the function reads tags in.
 */
export function tagTimestamp(instant: Date, timeZone: string): string {
  const { date, time, offset } = wallClock(instant, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${date}T${time}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** A span as a person says it: `1m20s`, `2h5m`, `45s`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}
