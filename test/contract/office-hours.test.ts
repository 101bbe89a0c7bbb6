import { OfficeHoursError, officeHoursAt, parseOfficeHours, type OfficeHours } from '../../contract/office-hours';

/** Weekdays 07:00-19:00 in London, Christmas Day off. December 1, 2026 is a Tuesday. */
const LONDON: OfficeHours = {
  pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: 'Europe/London' },
  resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: 'Europe/London' },
  holidays: ['2026-12-25'],
};

const at = (text: string): Date => new Date(text);
const iso = (text: string): Date => new Date(text);

describe('office hours', () => {
  it('are out of hours on a weekday evening, after the pause', () => {
    expect(officeHoursAt(LONDON, at('2026-12-01T20:00:00Z'))).toEqual({
      known: true,
      outOfHours: true,
      lastPause: iso('2026-12-01T19:00:00Z'),
      lastResume: iso('2026-12-01T07:00:00Z'),
      nextPause: iso('2026-12-02T19:00:00Z'),
      nextResume: iso('2026-12-02T07:00:00Z'),
    });
  });

  it('are in hours on a weekday at noon', () => {
    expect(officeHoursAt(LONDON, at('2026-12-01T12:00:00Z'))).toEqual({
      known: true,
      outOfHours: false,
      lastPause: iso('2026-11-30T19:00:00Z'),
      lastResume: iso('2026-12-01T07:00:00Z'),
      nextPause: iso('2026-12-01T19:00:00Z'),
      nextResume: iso('2026-12-02T07:00:00Z'),
    });
  });

  it('are out of hours all weekend, from Friday evening to Monday morning', () => {
    expect(officeHoursAt(LONDON, at('2026-12-05T12:00:00Z'))).toEqual({
      known: true,
      outOfHours: true,
      lastPause: iso('2026-12-04T19:00:00Z'),
      lastResume: iso('2026-12-04T07:00:00Z'),
      nextPause: iso('2026-12-07T19:00:00Z'),
      nextResume: iso('2026-12-07T07:00:00Z'),
    });
  });

  it('stay out of hours on a holiday: its resume changes nothing, and the next resume is after it', () => {
    expect(officeHoursAt(LONDON, at('2026-12-25T12:00:00Z'))).toEqual({
      known: true,
      outOfHours: true,
      lastPause: iso('2026-12-24T19:00:00Z'),
      lastResume: iso('2026-12-24T07:00:00Z'),
      nextPause: iso('2026-12-25T19:00:00Z'),
      nextResume: iso('2026-12-28T07:00:00Z'),
    });
    expect(officeHoursAt(LONDON, at('2026-12-24T20:00:00Z'))).toMatchObject({ outOfHours: true, nextResume: iso('2026-12-28T07:00:00Z') });
  });

  it('read a holiday as a local date in the resume zone', () => {
    // 07:00 in Tokyo on December 25 is 22:00 UTC on December 24.
    const tokyo: OfficeHours = {
      pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: 'Asia/Tokyo' },
      resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: 'Asia/Tokyo' },
      holidays: ['2026-12-25'],
    };
    expect(officeHoursAt(tokyo, at('2026-12-25T01:00:00Z'))).toMatchObject({
      known: true,
      outOfHours: true,
      lastPause: iso('2026-12-24T10:00:00Z'),
      lastResume: iso('2026-12-23T22:00:00Z'),
      nextResume: iso('2026-12-27T22:00:00Z'),
    });
  });

  test.each<[string, string, boolean]>([
    ['a moment before the pause is in hours', '2026-12-01T18:59:59.999Z', false],
    ['the pause instant is out of hours', '2026-12-01T19:00:00.000Z', true],
    ['a moment after the pause is out of hours', '2026-12-01T19:00:00.001Z', true],
    ['a moment before the resume is out of hours', '2026-12-02T06:59:59.999Z', true],
    ['the resume instant is in hours', '2026-12-02T07:00:00.000Z', false],
    ['a moment after the resume is in hours', '2026-12-02T07:00:00.001Z', false],
  ])('at a boundary: %s (%s)', (_name, moment, outOfHours) => {
    expect(officeHoursAt(LONDON, at(moment))).toMatchObject({ known: true, outOfHours });
  });

  it('follow the local clock in summer: 19:00 in London is 18:00 UTC', () => {
    expect(officeHoursAt(LONDON, at('2026-07-01T18:30:00Z'))).toMatchObject({ known: true, outOfHours: true, lastPause: iso('2026-07-01T18:00:00Z') });
    expect(officeHoursAt(LONDON, at('2026-07-01T17:59:00Z'))).toMatchObject({ known: true, outOfHours: false, nextPause: iso('2026-07-01T18:00:00Z') });
  });

  it('cannot tell for a rate schedule, and say why', () => {
    const hours: OfficeHours = { ...LONDON, pause: { expression: 'rate(12 hours)', timeZone: 'Europe/London' } };
    expect(officeHoursAt(hours, at('2026-12-01T20:00:00Z'))).toEqual({
      known: false,
      reason: "the pause schedule rate(12 hours) fires relative to its start date, which the expression does not tell",
      lastResume: iso('2026-12-01T07:00:00Z'),
      nextResume: iso('2026-12-02T07:00:00Z'),
    });
  });

  it('cannot tell when neither schedule ran in the look-back of 400 days', () => {
    const hours: OfficeHours = {
      pause: { expression: 'at(2024-12-01T19:00:00)', timeZone: 'Europe/London' },
      resume: { expression: 'cron(0 7 1 1 ? 2025)', timeZone: 'Europe/London' },
    };
    expect(officeHoursAt(hours, at('2026-12-01T20:00:00Z'))).toEqual({
      known: false,
      reason: 'neither the pause nor an effective resume ran in the 400 days before 2026-12-01T20:00:00.000Z',
    });
  });

  it('are out of hours when only the pause ran in the look-back (every resume since was a holiday)', () => {
    const hours: OfficeHours = { ...LONDON, resume: { expression: 'cron(0 7 25 12 ? *)', timeZone: 'Europe/London' }, holidays: ['2025-12-25', '2026-12-25'] };
    expect(officeHoursAt(hours, at('2026-12-26T12:00:00Z'))).toMatchObject({ known: true, outOfHours: true, lastResume: undefined, nextResume: iso('2027-12-25T07:00:00Z') });
  });

  it('are in hours when only the resume ran in the look-back, and a one-time pause is still ahead', () => {
    const hours: OfficeHours = { ...LONDON, pause: { expression: 'at(2026-12-24T17:00:00)', timeZone: 'Europe/London' } };
    expect(officeHoursAt(hours, at('2026-12-01T20:00:00Z'))).toEqual({
      known: true,
      outOfHours: false,
      lastResume: iso('2026-12-01T07:00:00Z'),
      nextPause: iso('2026-12-24T17:00:00Z'),
      nextResume: iso('2026-12-02T07:00:00Z'),
    });
  });

  it('take the pause and the resume in their own zones', () => {
    const hours: OfficeHours = {
      pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: 'America/New_York' },
      resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: 'Europe/London' },
    };
    // 19:00 in New York is 00:00 UTC the next day: at 23:00 UTC on Tuesday it has not paused yet.
    expect(officeHoursAt(hours, at('2026-12-01T23:00:00Z'))).toMatchObject({ known: true, outOfHours: false, nextPause: iso('2026-12-02T00:00:00Z') });
    expect(officeHoursAt(hours, at('2026-12-02T00:00:00Z'))).toMatchObject({ known: true, outOfHours: true, nextResume: iso('2026-12-02T07:00:00Z') });
  });
});

describe('SCHEDULER_HOURS', () => {
  it('reads the hours the construct writes', () => {
    expect(parseOfficeHours(JSON.stringify(LONDON))).toEqual(LONDON);
    const noHolidays = { pause: LONDON.pause, resume: LONDON.resume };
    expect(parseOfficeHours(JSON.stringify(noHolidays))).toEqual(noHolidays);
  });

  it('names every field that is wrong, the value received and what is accepted', () => {
    const json = JSON.stringify({
      pause: { expression: 'cron(0 25 ? * MON-FRI *)', timeZone: 'Europe/Londn' },
      resume: { expression: 'cron(0 7 ? * MON-FRI *)', zone: 'Europe/London' },
      holidays: ['2026-02-30', 20261225],
      weekDays: 'MON-FRI',
    });
    expect(() => parseOfficeHours(json)).toThrow(OfficeHoursError);
    expect(() => parseOfficeHours(json)).toThrow(
      'SCHEDULER_HOURS is not valid: ' +
        'weekDays: received "MON-FRI"; expected no such field; the hours have pause, resume, holidays. ' +
        'pause.expression (hours): received "25"; expected 0-23, or a list, range or increment of them (, - * /). ' +
        'pause.timeZone: received "Europe/Londn"; expected an IANA time zone such as "Europe/London" or "UTC". ' +
        'resume.zone: received "Europe/London"; expected no such field; resume has expression and timeZone. ' +
        'resume.timeZone: received nothing; expected an IANA time zone such as "Europe/London" or "UTC". ' +
        'holidays[0]: received "2026-02-30"; expected a real local date "YYYY-MM-DD", such as "2026-12-25". ' +
        'holidays[1]: received 20261225; expected a real local date "YYYY-MM-DD", such as "2026-12-25"',
    );
  });

  it('lists the problems one by one for the construct and the CLI', () => {
    try {
      parseOfficeHours('{"pause":{"expression":"rate(0 days)","timeZone":"UTC"},"resume":{"expression":"cron(0 7 ? * MON-FRI *)","timeZone":"UTC"}}');
      throw new Error('accepted');
    } catch (error) {
      expect((error as OfficeHoursError).problems).toEqual([
        { field: 'pause.expression (rate)', received: '"0 days"', accepted: 'a whole number of at least 1 and a unit, minutes, hours or days, such as rate(5 minutes)' },
      ]);
    }
  });

  test.each<[string, string, string]>([
    ['text that is not JSON', '{"pause":', 'SCHEDULER_HOURS is not valid: SCHEDULER_HOURS: received "{\\"pause\\":"; expected JSON of the hours'],
    ['a list', '[]', 'SCHEDULER_HOURS is not valid: (hours): received []; expected an object with pause, resume and optional holidays'],
    [
      'a missing pause',
      '{"resume":{"expression":"cron(0 7 ? * MON-FRI *)","timeZone":"UTC"}}',
      'SCHEDULER_HOURS is not valid: pause: received nothing; expected an object { "expression": "cron(...)", "timeZone": "Europe/London" }',
    ],
    [
      'holidays that are not a list',
      '{"pause":{"expression":"cron(0 19 ? * MON-FRI *)","timeZone":"UTC"},"resume":{"expression":"cron(0 7 ? * MON-FRI *)","timeZone":"UTC"},"holidays":"2026-12-25"}',
      'SCHEDULER_HOURS is not valid: holidays: received "2026-12-25"; expected a list of local dates "YYYY-MM-DD"',
    ],
  ])('refuses %s', (_name, json, message) => {
    expect(() => parseOfficeHours(json)).toThrow(message);
  });
});
