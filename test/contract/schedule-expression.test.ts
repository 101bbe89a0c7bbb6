/**
 * The schedule expression evaluator, specified against the EventBridge Scheduler user guide:
 * "Schedule types in EventBridge Scheduler",
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html (cron-based schedules:
 * the fields, the wildcards and the example table; daylight saving time: a time that does not exist
 * is skipped, a repeated hour runs once; rate-based schedules run from the schedule's start date).
 * The expected instants are worked out by hand from the calendar (December 1, 2026 is a Tuesday).
 */
import fc from 'fast-check';
import { wallClockAt } from '../../contract/local-time';
import {
  FireNotKnowableError,
  ScheduleExpressionError,
  nextFire,
  parseScheduleExpression,
  previousFire,
  scheduleExpressionProblems,
} from '../../contract/schedule-expression';

/** The first `count` fires strictly after `after`, as ISO instants. */
function firesAfter(expression: string, timeZone: string, after: string, count = 3): string[] {
  const fires: string[] = [];
  let t = new Date(after);
  for (let i = 0; i < count; i++) {
    const fire = nextFire(expression, timeZone, t);
    if (!fire) break;
    fires.push(fire.toISOString());
    t = fire;
  }
  return fires;
}

const iso = (text: string): string => new Date(text).toISOString();

describe('cron expressions: the user guide examples', () => {
  test.each<[string, string, string, string[]]>([
    ['10:00 every day', 'cron(0 10 * * ? *)', '2026-12-01T23:33:00Z', ['2026-12-02T10:00Z', '2026-12-03T10:00Z', '2026-12-04T10:00Z']],
    ['12:15 every day', 'cron(15 12 * * ? *)', '2026-12-01T23:33:00Z', ['2026-12-02T12:15Z', '2026-12-03T12:15Z', '2026-12-04T12:15Z']],
    ['18:00 Monday to Friday', 'cron(0 18 ? * MON-FRI *)', '2026-12-03T18:00:00Z', ['2026-12-04T18:00Z', '2026-12-07T18:00Z', '2026-12-08T18:00Z']],
    ['08:00 on the first of every month', 'cron(0 8 1 * ? *)', '2026-12-01T08:00:00Z', ['2027-01-01T08:00Z', '2027-02-01T08:00Z', '2027-03-01T08:00Z']],
    ['every 15 minutes', 'cron(0/15 * * * ? *)', '2026-12-01T23:33:00Z', ['2026-12-01T23:45Z', '2026-12-02T00:00Z', '2026-12-02T00:15Z']],
    ['every 10 minutes Monday to Friday', 'cron(0/10 * ? * MON-FRI *)', '2026-12-04T23:55:00Z', ['2026-12-07T00:00Z', '2026-12-07T00:10Z', '2026-12-07T00:20Z']],
    ['every 5 minutes 08:00-17:55 Monday to Friday', 'cron(0/5 8-17 ? * MON-FRI *)', '2026-12-04T17:52:00Z', ['2026-12-04T17:55Z', '2026-12-07T08:00Z', '2026-12-07T08:05Z']],
    ['09:00 on the first Monday of every month', 'cron(0 9 ? * 2#1 *)', '2026-12-01T00:00:00Z', ['2026-12-07T09:00Z', '2027-01-04T09:00Z', '2027-02-01T09:00Z']],
    ['1/10: the 1st, 11th, 21st minute...', 'cron(1/10 * * * ? *)', '2026-12-01T10:00:00Z', ['2026-12-01T10:01Z', '2026-12-01T10:11Z', '2026-12-01T10:21Z']],
    ['1/10 runs to the end of the hour, then starts again at 1', 'cron(1/10 * * * ? *)', '2026-12-01T10:45:00Z', ['2026-12-01T10:51Z', '2026-12-01T11:01Z', '2026-12-01T11:11Z']],
    ['3#2: the second Tuesday', 'cron(0 12 ? * 3#2 *)', '2026-12-01T00:00:00Z', ['2026-12-08T12:00Z', '2027-01-12T12:00Z', '2027-02-09T12:00Z']],
    ['3W: the weekday nearest the 3rd (Saturday the 3rd: Friday the 2nd)', 'cron(0 12 3W * ? *)', '2026-01-01T00:00:00Z', ['2026-01-02T12:00Z', '2026-02-03T12:00Z', '2026-03-03T12:00Z']],
    ['JAN,FEB,MAR in the month field', 'cron(0 0 1 JAN,FEB,MAR ? *)', '2026-12-01T00:00:00Z', ['2027-01-01T00:00Z', '2027-02-01T00:00Z', '2027-03-01T00:00Z']],
    ['1-15 in the day field', 'cron(0 0 1-15 * ? *)', '2026-12-14T12:00:00Z', ['2026-12-15T00:00Z', '2027-01-01T00:00Z', '2027-01-02T00:00Z']],
  ])('%s: %s', (_name, expression, after, expected) => {
    expect(firesAfter(expression, 'UTC', after)).toEqual(expected.map(iso));
  });
});

describe('cron expressions: fields', () => {
  test.each<[string, string, string, string[]]>([
    ['day-of-week 1 is Sunday', 'cron(0 12 ? * 1 *)', '2026-12-01T00:00:00Z', ['2026-12-06T12:00Z', '2026-12-13T12:00Z']],
    ['day-of-week 7 is Saturday', 'cron(0 12 ? * 7 *)', '2026-12-01T00:00:00Z', ['2026-12-05T12:00Z', '2026-12-12T12:00Z']],
    ['L alone in day-of-week is Saturday', 'cron(0 12 ? * L *)', '2026-12-01T00:00:00Z', ['2026-12-05T12:00Z', '2026-12-12T12:00Z']],
    ['2,4,6 is Monday, Wednesday, Friday', 'cron(0 12 ? * 2,4,6 *)', '2026-12-01T00:00:00Z', ['2026-12-02T12:00Z', '2026-12-04T12:00Z', '2026-12-07T12:00Z']],
    ['names and numbers mix in a list', 'cron(0 12 ? * MON,4,FRI *)', '2026-12-01T00:00:00Z', ['2026-12-02T12:00Z', '2026-12-04T12:00Z', '2026-12-07T12:00Z']],
    ['a list of hours and a range of minutes', 'cron(58-59 7,19 * * ? *)', '2026-12-01T07:58:30Z', ['2026-12-01T07:59Z', '2026-12-01T19:58Z', '2026-12-01T19:59Z']],
    ['an increment over a range', 'cron(0 8-17/4 * * ? *)', '2026-12-01T00:00:00Z', ['2026-12-01T08:00Z', '2026-12-01T12:00Z', '2026-12-01T16:00Z', '2026-12-02T08:00Z']],
    ['*/20 in minutes', 'cron(*/20 9 * * ? *)', '2026-12-01T00:00:00Z', ['2026-12-01T09:00Z', '2026-12-01T09:20Z', '2026-12-01T09:40Z', '2026-12-02T09:00Z']],
    ['an increment in months', 'cron(0 0 1 1/6 ? *)', '2026-12-01T00:00:00Z', ['2027-01-01T00:00Z', '2027-07-01T00:00Z', '2028-01-01T00:00Z']],
    ['names are read in any case', 'cron(0 12 ? dec mon-tue *)', '2026-12-01T00:00:00Z', ['2026-12-01T12:00Z', '2026-12-07T12:00Z']],
  ])('%s: %s', (_name, expression, after, expected) => {
    expect(firesAfter(expression, 'UTC', after, expected.length)).toEqual(expected.map(iso));
  });

  it('fires on the minute: a moment within the fire minute is after it', () => {
    expect(nextFire('cron(0 10 * * ? *)', 'UTC', new Date('2026-12-01T10:00:00.001Z'))?.toISOString()).toBe(iso('2026-12-02T10:00Z'));
    expect(previousFire('cron(0 10 * * ? *)', 'UTC', new Date('2026-12-01T10:00:00Z'))?.toISOString()).toBe(iso('2026-12-01T10:00Z'));
    expect(previousFire('cron(0 10 * * ? *)', 'UTC', new Date('2026-12-01T09:59:59.999Z'))?.toISOString()).toBe(iso('2026-11-30T10:00Z'));
  });
});

describe('cron expressions: L, W and #', () => {
  test.each<[string, string, string, string[]]>([
    ['L: February 29 in a leap year', 'cron(0 0 L * ? *)', '2024-02-01T00:00:00Z', ['2024-02-29T00:00Z', '2024-03-31T00:00Z', '2024-04-30T00:00Z']],
    ['L: February 28 in a common year', 'cron(0 0 L * ? *)', '2025-02-01T00:00:00Z', ['2025-02-28T00:00Z']],
    ['L: 2100 is not a leap year', 'cron(0 0 L 2 ? *)', '2099-03-01T00:00:00Z', ['2100-02-28T00:00Z', '2101-02-28T00:00Z', '2102-02-28T00:00Z']],
    ['February 29 only in leap years', 'cron(0 0 29 2 ? *)', '2026-01-01T00:00:00Z', ['2028-02-29T00:00Z', '2032-02-29T00:00Z']],
    ['LW: a Sunday 31st gives Friday the 29th', 'cron(0 0 LW * ? *)', '2026-05-01T00:00:00Z', ['2026-05-29T00:00Z', '2026-06-30T00:00Z']],
    ['LW: a Saturday 28th gives Friday the 27th', 'cron(0 0 LW 2 ? *)', '2026-01-01T00:00:00Z', ['2026-02-27T00:00Z']],
    ['1W: a Saturday 1st gives Monday the 3rd, never the month before', 'cron(0 0 1W * ? *)', '2026-07-15T00:00:00Z', ['2026-08-03T00:00Z', '2026-09-01T00:00Z']],
    ['1W in a February starting on a Saturday', 'cron(0 0 1W 2 ? *)', '2025-01-01T00:00:00Z', ['2025-02-03T00:00Z']],
    ['31W: a Sunday 31st gives Friday the 29th, never the month after', 'cron(0 0 31W * ? *)', '2026-05-01T00:00:00Z', ['2026-05-29T00:00Z', '2026-07-31T00:00Z']],
    ['31W does not fire in a month of 30 days', 'cron(0 0 31W * ? *)', '2026-04-01T00:00:00Z', ['2026-05-29T00:00Z']],
    ['15W: a Sunday 15th gives Monday the 16th', 'cron(0 0 15W 2 ? *)', '2026-01-01T00:00:00Z', ['2026-02-16T00:00Z']],
    ['15W: a Saturday 15th gives Friday the 14th', 'cron(0 0 15W 8 ? *)', '2026-01-01T00:00:00Z', ['2026-08-14T00:00Z']],
    ['6L: the last Friday', 'cron(0 0 ? * 6L *)', '2026-12-01T00:00:00Z', ['2026-12-25T00:00Z', '2027-01-29T00:00Z', '2027-02-26T00:00Z']],
    ['FRIL: the last Friday, by name', 'cron(0 0 ? * FRIL *)', '2026-12-01T00:00:00Z', ['2026-12-25T00:00Z']],
    ['6#5: months without a fifth Friday do not fire', 'cron(0 0 ? * 6#5 *)', '2026-12-01T00:00:00Z', ['2027-01-29T00:00Z', '2027-04-30T00:00Z']],
    ['MON#1 by name', 'cron(0 9 ? * MON#1 *)', '2026-12-01T00:00:00Z', ['2026-12-07T09:00Z']],
  ])('%s: %s', (_name, expression, after, expected) => {
    expect(firesAfter(expression, 'UTC', after, expected.length)).toEqual(expected.map(iso));
  });
});

describe('cron expressions: the year field', () => {
  it('fires only in the years given, then no more', () => {
    expect(firesAfter('cron(0 0 1 1 ? 2027-2028)', 'UTC', '2026-06-01T00:00:00Z', 3)).toEqual([iso('2027-01-01T00:00Z'), iso('2028-01-01T00:00Z')]);
  });

  it('takes increments of years', () => {
    expect(firesAfter('cron(0 0 1 1 ? 2026/4)', 'UTC', '2025-06-01T00:00:00Z')).toEqual([iso('2026-01-01T00:00Z'), iso('2030-01-01T00:00Z'), iso('2034-01-01T00:00Z')]);
  });

  it('reaches the last year, 2199, and nothing after it', () => {
    expect(nextFire('cron(0 12 31 12 ? 2199)', 'UTC', new Date('2026-12-01T00:00:00Z'))?.toISOString()).toBe(iso('2199-12-31T12:00Z'));
    expect(nextFire('cron(0 12 31 12 ? *)', 'UTC', new Date('2199-12-31T12:00:00Z'))).toBeUndefined();
  });

  it('reaches the first year, 1970, and nothing before it', () => {
    expect(previousFire('cron(0 0 1 1 ? 1970)', 'UTC', new Date('2026-12-01T00:00:00Z'))?.toISOString()).toBe(iso('1970-01-01T00:00Z'));
    expect(previousFire('cron(0 0 1 1 ? *)', 'UTC', new Date('1969-12-31T23:59:00Z'))).toBeUndefined();
  });

  it('finds a year that is past', () => {
    expect(previousFire('cron(0 0 1 1 ? 2020)', 'UTC', new Date('2026-12-01T00:00:00Z'))?.toISOString()).toBe(iso('2020-01-01T00:00Z'));
    expect(nextFire('cron(0 0 1 1 ? 2020)', 'UTC', new Date('2026-12-01T00:00:00Z'))).toBeUndefined();
  });

  it('stops at the bound given', () => {
    expect(nextFire('cron(0 0 1 1 ? *)', 'UTC', new Date('2026-12-01T00:00:00Z'), { notAfter: new Date('2026-12-31T23:59:00Z') })).toBeUndefined();
    expect(nextFire('cron(0 0 1 1 ? *)', 'UTC', new Date('2026-12-01T00:00:00Z'), { notAfter: new Date('2027-01-01T00:00:00Z') })?.toISOString()).toBe(iso('2027-01-01T00:00Z'));
    expect(previousFire('cron(0 0 1 1 ? *)', 'UTC', new Date('2026-12-01T00:00:00Z'), { notBefore: new Date('2026-01-01T00:00:01Z') })).toBeUndefined();
  });
});

describe('cron expressions in a time zone, across daylight saving', () => {
  test.each<[string, string, string, string, string[]]>([
    ['London in winter is UTC', 'cron(0 19 ? * MON-FRI *)', 'Europe/London', '2026-12-01T12:00:00Z', ['2026-12-01T19:00Z', '2026-12-02T19:00Z']],
    ['London in summer is an hour ahead', 'cron(0 19 ? * MON-FRI *)', 'Europe/London', '2026-07-01T12:00:00Z', ['2026-07-01T18:00Z', '2026-07-02T18:00Z']],
    ['London spring forward: 01:30 does not exist on March 29 and is skipped', 'cron(30 1 * * ? *)', 'Europe/London', '2026-03-28T12:00:00Z', ['2026-03-30T00:30Z']],
    ['London spring forward: every 30 minutes jumps from 00:30 GMT to 02:00 BST', 'cron(0/30 * * * ? *)', 'Europe/London', '2026-03-29T00:15:00Z', ['2026-03-29T00:30Z', '2026-03-29T01:00Z', '2026-03-29T01:30Z']],
    ['London fall back: 01:30 runs once, at its first occurrence', 'cron(30 1 * * ? *)', 'Europe/London', '2026-10-24T12:00:00Z', ['2026-10-25T00:30Z', '2026-10-26T01:30Z']],
    ['London fall back: every 30 minutes does not repeat the hour', 'cron(0/30 * * * ? *)', 'Europe/London', '2026-10-24T23:45:00Z', ['2026-10-25T00:00Z', '2026-10-25T00:30Z', '2026-10-25T02:00Z']],
    ['New York spring forward: 02:30 does not exist on March 8 and is skipped', 'cron(30 2 * * ? *)', 'America/New_York', '2026-03-07T12:00:00Z', ['2026-03-09T06:30Z']],
    ['New York spring forward: 09:00 moves to 13:00 UTC', 'cron(0 9 * * ? *)', 'America/New_York', '2026-03-07T12:00:00Z', ['2026-03-07T14:00Z', '2026-03-08T13:00Z']],
    ['New York spring forward: hourly goes from 01:00 EST to 03:00 EDT', 'cron(0 * * * ? *)', 'America/New_York', '2026-03-08T05:30:00Z', ['2026-03-08T06:00Z', '2026-03-08T07:00Z', '2026-03-08T08:00Z']],
    ['New York fall back: 01:30 runs once, at its first occurrence', 'cron(30 1 * * ? *)', 'America/New_York', '2026-10-31T12:00:00Z', ['2026-11-01T05:30Z', '2026-11-02T06:30Z']],
    ['New York fall back: hourly runs 01:00 once', 'cron(0 * * * ? *)', 'America/New_York', '2026-11-01T04:30:00Z', ['2026-11-01T05:00Z', '2026-11-01T07:00Z', '2026-11-01T08:00Z']],
    ['a local date ahead of UTC: Monday 07:00 in Tokyo is Sunday 22:00 UTC', 'cron(0 7 ? * MON *)', 'Asia/Tokyo', '2026-12-01T00:00:00Z', ['2026-12-06T22:00Z', '2026-12-13T22:00Z']],
  ])('%s: %s', (_name, expression, zone, after, expected) => {
    expect(firesAfter(expression, zone, after, expected.length)).toEqual(expected.map(iso));
  });

  it('finds the previous fire from within the repeated hour: the first occurrence, before', () => {
    // 01:45 GMT on October 25 is the second 01:45 in London; 01:30 ran once, at 00:30 UTC.
    expect(previousFire('cron(0/30 * * * ? *)', 'Europe/London', new Date('2026-10-25T01:45:00Z'))?.toISOString()).toBe(iso('2026-10-25T00:30Z'));
    expect(nextFire('cron(0/30 * * * ? *)', 'Europe/London', new Date('2026-10-25T01:45:00Z'))?.toISOString()).toBe(iso('2026-10-25T02:00Z'));
  });

  it('finds the previous fire over a skipped time', () => {
    expect(previousFire('cron(30 1 * * ? *)', 'Europe/London', new Date('2026-03-29T23:00:00Z'))?.toISOString()).toBe(iso('2026-03-28T01:30Z'));
  });
});

describe('at expressions', () => {
  it('fire once, at the local time in the zone', () => {
    expect(nextFire('at(2026-12-24T08:00:00)', 'Europe/London', new Date('2026-12-01T00:00:00Z'))?.toISOString()).toBe(iso('2026-12-24T08:00Z'));
    expect(nextFire('at(2026-12-24T08:00:00)', 'America/New_York', new Date('2026-12-01T00:00:00Z'))?.toISOString()).toBe(iso('2026-12-24T13:00Z'));
    expect(nextFire('at(2026-07-01T08:00:30)', 'Europe/London', new Date('2026-06-01T00:00:00Z'))?.toISOString()).toBe('2026-07-01T07:00:30.000Z');
  });

  it('fire no more once passed, and were the last fire from then on', () => {
    const fire = new Date('2026-12-24T08:00:00Z');
    expect(nextFire('at(2026-12-24T08:00:00)', 'Europe/London', fire)).toBeUndefined();
    expect(previousFire('at(2026-12-24T08:00:00)', 'Europe/London', fire)?.toISOString()).toBe(fire.toISOString());
    expect(previousFire('at(2026-12-24T08:00:00)', 'Europe/London', new Date('2026-12-24T07:59:59Z'))).toBeUndefined();
  });

  it('do not fire at a local time the zone skips', () => {
    expect(nextFire('at(2026-03-29T01:30:00)', 'Europe/London', new Date('2026-03-01T00:00:00Z'))).toBeUndefined();
  });
});

describe('rate expressions', () => {
  it('cannot tell their fires without the schedule start', () => {
    expect(() => nextFire('rate(5 minutes)', 'UTC', new Date('2026-12-01T10:13:00Z'))).toThrow(FireNotKnowableError);
    expect(() => previousFire('rate(1 day)', 'UTC', new Date('2026-12-01T10:13:00Z'))).toThrow(
      `Schedule expression "rate(1 day)": a rate fires relative to the schedule's start date, which the expression does not tell`,
    );
  });

  it('fire every interval from the start given', () => {
    const start = new Date('2026-12-01T10:02:00Z');
    expect(nextFire('rate(5 minutes)', 'UTC', new Date('2026-12-01T10:13:00Z'), { start })?.toISOString()).toBe(iso('2026-12-01T10:17Z'));
    expect(nextFire('rate(5 minutes)', 'UTC', new Date('2026-12-01T10:17:00Z'), { start })?.toISOString()).toBe(iso('2026-12-01T10:22Z'));
    expect(nextFire('rate(5 minutes)', 'UTC', new Date('2026-12-01T09:00:00Z'), { start })?.toISOString()).toBe(start.toISOString());
    expect(previousFire('rate(5 minutes)', 'UTC', new Date('2026-12-01T10:17:00Z'), { start })?.toISOString()).toBe(iso('2026-12-01T10:17Z'));
    expect(previousFire('rate(5 minutes)', 'UTC', new Date('2026-12-01T10:01:59Z'), { start })).toBeUndefined();
  });

  it('count a day as 24 hours, whatever the clocks do', () => {
    const start = new Date('2026-03-28T12:00:00Z');
    expect(nextFire('rate(1 day)', 'Europe/London', new Date('2026-03-29T00:00:00Z'), { start })?.toISOString()).toBe(iso('2026-03-29T12:00Z'));
    expect(nextFire('rate(2 hours)', 'Europe/London', new Date('2026-03-29T00:00:00Z'), { start })?.toISOString()).toBe(iso('2026-03-29T02:00Z'));
  });

  test.each<[string, number, string, number]>([
    ['rate(5 minutes)', 5, 'minutes', 300_000],
    ['rate(1 minute)', 1, 'minutes', 60_000],
    ['rate(12 hours)', 12, 'hours', 43_200_000],
    ['rate(1 hour)', 1, 'hours', 3_600_000],
    ['rate(7 days)', 7, 'days', 604_800_000],
  ])('reads %s', (expression, value, unit, intervalMs) => {
    expect(parseScheduleExpression(expression)).toEqual({ kind: 'rate', expression, value, unit, intervalMs });
  });
});

describe('expressions EventBridge Scheduler refuses', () => {
  test.each<[string, string]>([
    ['cron(0 10 * * * *)', 'day-of-month and day-of-week "* *" is not accepted; expected one of them ?, the other a value or * (such as "* ?" or "? MON-FRI")'],
    ['cron(0 10 ? * ? *)', 'day-of-month and day-of-week "? ?" is not accepted; expected one of them ?'],
    ['cron(0 10 1 * MON *)', 'day-of-month and day-of-week "1 MON" is not accepted'],
    ['cron(0 10 * * ?)', 'cron fields "0 10 * * ?" is not accepted; expected six fields separated by spaces: minutes hours day-of-month month day-of-week year'],
    ['cron(60 10 * * ? *)', 'minutes "60" is not accepted; expected 0-59, or a list, range or increment of them (, - * /)'],
    ['cron(0 24 * * ? *)', 'hours "24" is not accepted; expected 0-23'],
    ['cron(0 10 32 * ? *)', 'day-of-month "32" is not accepted; expected 1-31'],
    ['cron(0 10 0 * ? *)', 'day-of-month "0" is not accepted'],
    ['cron(0 10 * 13 ? *)', 'month "13" is not accepted; expected 1-12 or JAN-DEC'],
    ['cron(0 10 * JANUARY ? *)', 'month "JANUARY" is not accepted'],
    ['cron(0 10 ? * 0 *)', 'day-of-week "0" is not accepted; expected 1-7 or SUN-SAT (1 is Sunday)'],
    ['cron(0 10 ? * 8 *)', 'day-of-week "8" is not accepted'],
    ['cron(0 10 ? * 3#1,6#3 *)', 'day-of-week "3#1,6#3" is not accepted; expected 1-7 or SUN-SAT (1 is Sunday), or a list or range of them (, - *), ?, L, a day with L such as 6L, or one day#n such as 6#3; with # the field holds one day#n, n from 1 to 5'],
    ['cron(0 10 ? * 6#6 *)', 'day-of-week "6#6" is not accepted'],
    ['cron(0 10 ? * MON/2 *)', 'day-of-week "MON/2" is not accepted'],
    ['cron(0 10 ? * FRI-MON *)', 'day-of-week "FRI-MON" is not accepted; expected 1-7 or SUN-SAT (1 is Sunday), or a list or range of them (, - *), ?, L, a day with L such as 6L, or one day#n such as 6#3; a range runs upwards, such as MON-FRI'],
    ['cron(0 10 L-3 * ? *)', 'day-of-month "L-3" is not accepted; expected 1-31, or a list, range or increment of them (, - * /), ?, L, LW or a day with W such as 15W; L and W stand alone in the field'],
    ['cron(0 10 1,15W * ? *)', 'day-of-month "1,15W" is not accepted'],
    ['cron(0 10 ? * #3 *)', 'day-of-week "#3" is not accepted'],
    ['cron(0 10 1,60 * ? *)', 'day-of-month "1,60" is not accepted; expected 1-31'],
    ['cron(0/0 * * * ? *)', 'minutes "0/0" is not accepted; expected 0-59, or a list, range or increment of them (, - * /); an increment is a whole number of at least 1'],
    ['cron(0 10 * * ? 1969)', 'year "1969" is not accepted; expected 1970-2199'],
    ['cron(0 10 * * ? 2200)', 'year "2200" is not accepted; expected 1970-2199'],
    ['cron(0 10 1-* * ? *)', 'day-of-month "1-*" is not accepted'],
    ['cron(0 10 ,1 * ? *)', 'day-of-month ",1" is not accepted'],
    ['0 10 * * ? *', 'expression "0 10 * * ? *" is not accepted; expected cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)'],
    ['rate(0 minutes)', 'rate "0 minutes" is not accepted; expected a whole number of at least 1 and a unit, minutes, hours or days, such as rate(5 minutes)'],
    ['rate(5 weeks)', 'rate "5 weeks" is not accepted'],
    ['rate(1.5 hours)', 'rate "1.5 hours" is not accepted'],
    ['rate(5minutes)', 'rate "5minutes" is not accepted'],
    ['at(2026-02-30T08:00:00)', 'at time "2026-02-30T08:00:00" is not accepted; expected a real local date and time yyyy-mm-ddThh:mm:ss, such as at(2026-12-24T08:00:00)'],
    ['at(2026-12-24T08:00)', 'at time "2026-12-24T08:00" is not accepted'],
    ['at(2026-12-24 08:00:00)', 'at time "2026-12-24 08:00:00" is not accepted'],
    ['at(2026-12-24T08:00:00Z)', 'at time "2026-12-24T08:00:00Z" is not accepted'],
  ])('%s', (expression, message) => {
    expect(() => parseScheduleExpression(expression)).toThrow(`Schedule expression ${JSON.stringify(expression)}: ${message}`);
    expect(() => parseScheduleExpression(expression)).toThrow(ScheduleExpressionError);
    expect(() => nextFire(expression, 'UTC', new Date('2026-12-01T00:00:00Z'))).toThrow(ScheduleExpressionError);
  });

  it('names the part that is wrong as a field problem', () => {
    expect(scheduleExpressionProblems('pause.expression', 'cron(0 25 ? * MON-FRI *)')).toEqual([
      { field: 'pause.expression (hours)', received: '"25"', accepted: '0-23, or a list, range or increment of them (, - * /)' },
    ]);
    expect(scheduleExpressionProblems('resume.expression', 'every day')).toEqual([
      {
        field: 'resume.expression',
        received: '"every day"',
        accepted: 'cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)',
      },
    ]);
    expect(scheduleExpressionProblems('resume.expression', 42)).toEqual([
      { field: 'resume.expression', received: '42', accepted: 'cron(minutes hours day-of-month month day-of-week year), rate(value unit) or at(yyyy-mm-ddThh:mm:ss)' },
    ]);
    expect(scheduleExpressionProblems('resume.expression', 'cron(0 7 ? * MON-FRI *)')).toEqual([]);
  });

  it('refuses a time zone it does not know, naming it', () => {
    expect(() => nextFire('cron(0 7 ? * MON-FRI *)', 'Europe/Londn', new Date('2026-12-01T00:00:00Z'))).toThrow(
      'Schedule expression "cron(0 7 ? * MON-FRI *)": time zone "Europe/Londn" is not accepted; expected an IANA time zone such as "Europe/London" or "UTC"',
    );
  });
});

describe('fires, drawn at random', () => {
  const expressions: [string, (c: { hour: number; minute: number; second: number; weekday: number; day: number; lastDay: number }) => boolean][] = [
    ['cron(0 19 ? * MON-FRI *)', (c) => c.hour === 19 && c.minute === 0 && c.weekday >= 2 && c.weekday <= 6],
    ['cron(0/5 8-17 ? * MON-FRI *)', (c) => c.minute % 5 === 0 && c.hour >= 8 && c.hour <= 17 && c.weekday >= 2 && c.weekday <= 6],
    ['cron(30 1 * * ? *)', (c) => c.hour === 1 && c.minute === 30],
    ['cron(0/20 0-3 * * ? *)', (c) => c.minute % 20 === 0 && c.hour <= 3],
  ];
  // Monthly fires: too far apart to scan minute by minute, so only the neighbour property takes them.
  const monthly: typeof expressions = [
    ['cron(15 2 L * ? *)', (c) => c.hour === 2 && c.minute === 15 && c.day === c.lastDay],
    ['cron(0 9 ? * 2#1 *)', (c) => c.hour === 9 && c.minute === 0 && c.weekday === 2 && c.day <= 7],
  ];
  const zones = ['UTC', 'Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'];
  // Near the 2026 changes of offset in London, New York and Sydney, and anywhere in 2026.
  const changes = ['2026-03-08T07:00:00Z', '2026-03-29T01:00:00Z', '2026-04-04T16:00:00Z', '2026-10-03T16:00:00Z', '2026-10-25T01:00:00Z', '2026-11-01T06:00:00Z'].map((t) => Date.parse(t));
  const instant = fc.oneof(
    fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -3 * 86_400_000, max: 3 * 86_400_000 })).map(([t, d]) => new Date(t + d)),
    fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') }).map((t) => new Date(t)),
  );

  function clockOf(fire: Date, zone: string) {
    const c = wallClockAt(fire, zone);
    return { ...c, weekday: new Date(Date.UTC(c.year, c.month - 1, c.day)).getUTCDay() + 1, lastDay: new Date(Date.UTC(c.year, c.month, 0)).getUTCDate() };
  }

  /** What the guide says fires: a minute whose wall clock matches, once (not the repeat of an hour shown twice). */
  function fires(at: number, zone: string, matches: (c: ReturnType<typeof clockOf>) => boolean): boolean {
    const c = clockOf(new Date(at), zone);
    const hourBefore = wallClockAt(new Date(at - 3_600_000), zone);
    const repeat = hourBefore.hour === c.hour && hourBefore.minute === c.minute && hourBefore.day === c.day;
    return c.second === 0 && matches(c) && !repeat;
  }

  it('the next fire is the first minute after the moment that the fields select', () => {
    fc.assert(
      fc.property(fc.constantFrom(...expressions), fc.constantFrom(...zones), instant, ([expression, matches], zone, after) => {
        const next = nextFire(expression, zone, after);
        expect(next).toBeDefined();
        expect(fires(next!.getTime(), zone, matches)).toBe(true);
        for (let t = Math.floor(after.getTime() / 60_000 + 1) * 60_000; t < next!.getTime(); t += 60_000) {
          if (fires(t, zone, matches)) throw new Error(`${expression} in ${zone}: ${new Date(t).toISOString()} fires, yet nextFire after ${after.toISOString()} gave ${next!.toISOString()}`);
        }
      }),
      { numRuns: 30, seed: 12 },
    );
  });

  it('the previous and the next fire around a moment are neighbours', () => {
    fc.assert(
      fc.property(fc.constantFrom(...expressions, ...monthly), fc.constantFrom(...zones), instant, ([expression, matches], zone, t) => {
        const previous = previousFire(expression, zone, t)!;
        const next = nextFire(expression, zone, t)!;
        expect(previous.getTime()).toBeLessThanOrEqual(t.getTime());
        expect(next.getTime()).toBeGreaterThan(t.getTime());
        expect(nextFire(expression, zone, previous)).toEqual(next);
        expect(previousFire(expression, zone, new Date(next.getTime() - 1))).toEqual(previous);
        expect(fires(previous.getTime(), zone, matches) && fires(next.getTime(), zone, matches)).toBe(true);
      }),
      { numRuns: 150, seed: 12 },
    );
  });
});
