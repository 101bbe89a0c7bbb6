/** The command line's times: durations, `--until` in a time zone, and how times are shown. Pure. */
import { endAfter, formatElapsed, isoDuration, parseDuration, parseUntil, tagTimestamp } from '../../cli/when';

const HOUR = 3_600_000;

describe('parseDuration', () => {
  test.each([
    ['90m', 1.5 * HOUR],
    ['3h', 3 * HOUR],
    ['1h30m', 1.5 * HOUR],
    ['2d', 48 * HOUR],
    ['PT2H', 2 * HOUR],
    ['PT90M', 1.5 * HOUR],
    ['PT1H30M', 1.5 * HOUR],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  test.each(['', '0h', 'PT', 'PT0M', '3 hours', '3H', '-1h', '1.5h', 'P1D', '30s'])('%j is not a duration', (text) => expect(parseDuration(text)).toBeUndefined());
});

test.each([
  [2 * HOUR, 'PT2H'],
  [1.5 * HOUR, 'PT1H30M'],
  [45 * 60_000, 'PT45M'],
  [60_001, 'PT2M'],
])('isoDuration(%d) is %s, rounded up to the minute', (ms, iso) => expect(isoDuration(ms)).toBe(iso));

describe('parseUntil', () => {
  const evening = new Date('2026-12-01T18:00:00Z');

  test.each([
    ['22:00', 'Europe/London', '2026-12-01T22:00:00.000Z'],
    ['08:00', 'Europe/London', '2026-12-02T08:00:00.000Z'],
    ['18:00', 'UTC', '2026-12-02T18:00:00.000Z'],
    ['22:00', 'Europe/Paris', '2026-12-01T21:00:00.000Z'],
    ['2026-12-24T08:00', 'America/New_York', '2026-12-24T13:00:00.000Z'],
    ['2026-12-24', 'Europe/Paris', '2026-12-23T23:00:00.000Z'],
    ['2026-12-24T08:00:00Z', 'Asia/Tokyo', '2026-12-24T08:00:00.000Z'],
  ])('%s in %s is %s', (text, zone, iso) => expect(parseUntil(text, zone, evening)?.toISOString()).toBe(iso));

  test('a bare time on the night clocks go forward reads as the engine reads a skip tag: 01:30 in London on 29 March is 02:30 BST', () => {
    expect(parseUntil('01:30', 'Europe/London', new Date('2026-03-29T00:10:00Z'))?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  test.each(['24:00', '7:00', '22h', '2026-02-30T08:00', 'tonight'])('%j is refused', (text) => expect(parseUntil(text, 'UTC', evening)).toBeUndefined());
});

test.each([
  ['2026-12-01T22:00:00Z', 'Europe/London', '2026-12-01T22:00+00:00'],
  ['2026-07-01T21:00:00Z', 'Europe/London', '2026-07-01T22:00+01:00'],
  ['2026-12-01T22:00:30Z', 'America/New_York', '2026-12-01T17:00:30-05:00'],
  ['2026-12-01T16:30:00Z', 'Asia/Kolkata', '2026-12-01T22:00+05:30'],
])('the skip tag for %s in %s is %s', (iso, zone, tag) => expect(tagTimestamp(new Date(iso), zone)).toBe(tag));

test('--for ends on a whole minute, never before the duration', () => {
  expect(endAfter(new Date('2026-12-01T18:00:20Z'), 3 * HOUR).toISOString()).toBe('2026-12-01T21:01:00.000Z');
  expect(endAfter(new Date('2026-12-01T18:00:00Z'), 3 * HOUR).toISOString()).toBe('2026-12-01T21:00:00.000Z');
});

test.each([
  [0, '0s'],
  [45_000, '45s'],
  [80_000, '1m20s'],
  [2 * HOUR + 5 * 60_000, '2h5m'],
])('%d ms elapsed reads %s', (ms, text) => expect(formatElapsed(ms)).toBe(text));
