import { isTimeZone, localDate, parseIsoInstant, wallClockOnDate } from '../../contract/local-time';

describe('local time', () => {
  test.each<[string, string, string, string]>([
    ['a bare date is local midnight', '2026-12-01', 'Asia/Tokyo', '2026-11-30T15:00:00.000Z'],
    ['a local time in winter', '2026-01-15T08:00', 'America/New_York', '2026-01-15T13:00:00.000Z'],
    ['a local time just after clocks go forward, west of UTC', '2026-03-08T03:30', 'America/New_York', '2026-03-08T07:30:00.000Z'],
    ['a local time later on the day clocks go forward, west of UTC', '2026-03-08T05:00', 'America/New_York', '2026-03-08T09:00:00.000Z'],
    ['a local time just after clocks go forward, east of UTC', '2026-03-29T03:30', 'Europe/Berlin', '2026-03-29T01:30:00.000Z'],
    ['a time the clocks skip, read with the offset before the change', '2026-03-08T02:30', 'America/New_York', '2026-03-08T07:30:00.000Z'],
    ['a time the clocks show twice, at its first occurrence', '2026-11-01T01:30', 'America/New_York', '2026-11-01T05:30:00.000Z'],
    ['a time shown twice in the southern hemisphere', '2026-04-05T02:30', 'Australia/Sydney', '2026-04-04T15:30:00.000Z'],
    ['an exact UTC time, whatever the zone', '2026-06-01T12:00:00Z', 'Asia/Tokyo', '2026-06-01T12:00:00.000Z'],
    ['an exact time with an offset', '2026-06-01T12:00:00+02:00', 'UTC', '2026-06-01T10:00:00.000Z'],
  ])('reads %s (%s in %s)', (_name, value, timeZone, expected) => {
    expect(parseIsoInstant(value, timeZone)?.toISOString()).toBe(expected);
  });

  test.each(['2026-02-30', '2026-13-01', '2026-06-01T24:00', 'tomorrow', '2026-06-01 12:00', '2026-06-01T12:00:00+2'])('rejects %j', (value) => {
    expect(parseIsoInstant(value, 'UTC')).toBeUndefined();
  });

  it('tells the local date of an instant', () => {
    expect(localDate(new Date('2026-11-30T18:00:00Z'), 'Pacific/Auckland')).toBe('2026-12-01');
    expect(localDate(new Date('2026-11-30T18:00:00Z'), 'America/Los_Angeles')).toBe('2026-11-30');
  });

  describe('wall-clock times on a date, as EventBridge Scheduler runs them', () => {
    test.each<[string, [number, number, number], [number, number], string, string | undefined]>([
      ['an ordinary day', [2026, 12, 1], [19, 0], 'Europe/London', '2026-12-01T19:00:00.000Z'],
      ['a summer day', [2026, 7, 1], [19, 0], 'Europe/London', '2026-07-01T18:00:00.000Z'],
      ['a time the clocks skip has no instant', [2026, 3, 29], [1, 30], 'Europe/London', undefined],
      ['a time just after the skip', [2026, 3, 29], [2, 0], 'Europe/London', '2026-03-29T01:00:00.000Z'],
      ['a time shown twice, at its first occurrence', [2026, 11, 1], [1, 30], 'America/New_York', '2026-11-01T05:30:00.000Z'],
      ['a time before the change, on the day clocks go back', [2026, 11, 1], [0, 30], 'America/New_York', '2026-11-01T04:30:00.000Z'],
      ['a time after the change, on the day clocks go back', [2026, 11, 1], [2, 0], 'America/New_York', '2026-11-01T07:00:00.000Z'],
    ])('%s', (_name, [year, month, day], [hour, minute], zone, expected) => {
      const instant = wallClockOnDate(year, month, day, zone)(hour, minute);
      expect(instant === undefined ? undefined : new Date(instant).toISOString()).toBe(expected);
    });
  });

  it('knows the time zones of the runtime, and no others', () => {
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('Etc/UTC')).toBe(true);
    expect(isTimeZone('Europe/Londn')).toBe(false);
    expect(isTimeZone(' UTC')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
