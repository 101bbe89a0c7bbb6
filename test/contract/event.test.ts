import { EVENT_FIELDS, InvalidEventError, SERVICE_ARN_FORMAT, eventProblems, parseEvent, parseServiceArn } from '../../contract/event';
import { isLocalDate } from '../../contract/local-time';
import { ProblemList } from '../../contract/problems';
import { ARN, REJECTED_ACCOUNTS_VALUES, REJECTED_EVENT_VALUES, REJECTED_SCHEDULE_NAMES } from './rejected-events';

const OPTIONS = { defaultRegion: 'eu-west-1' };

function problemsOf(event: unknown, options = OPTIONS) {
  try {
    parseEvent(event, options);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  throw new Error('the event was accepted');
}

describe('event contract', () => {
  it('fills in every default', () => {
    expect(parseEvent({ action: 'pause', tags: { env: 'dev' } }, OPTIONS)).toEqual({
      action: 'pause',
      services: [],
      tags: { env: 'dev' },
      regions: ['eu-west-1'],
      accounts: [],
      deployAfterResume: 'auto',
      timeZone: 'UTC',
      holidays: [],
      dryRun: false,
      resumeManuallyPaused: false,
    });
  });

  it('keeps every field it is given, and lists a repeated ARN once', () => {
    const request = parseEvent(
      {
        action: 'resume',
        services: [ARN, ARN],
        tags: { env: 'dev', team: '' },
        regions: ['us-east-1', 'eu-west-1'],
        accounts: ['210987654321', '123456789012'],
        deployAfterResume: 'always',
        timeZone: 'Europe/London',
        holidays: ['2026-12-25', '2028-02-29'],
        dryRun: true,
        resumeManuallyPaused: true,
      },
      OPTIONS,
    );
    expect(request).toEqual({
      action: 'resume',
      services: [ARN],
      tags: { env: 'dev', team: '' },
      regions: ['us-east-1', 'eu-west-1'],
      accounts: ['210987654321', '123456789012'],
      deployAfterResume: 'always',
      timeZone: 'Europe/London',
      holidays: ['2026-12-25', '2028-02-29'],
      dryRun: true,
      resumeManuallyPaused: true,
    });
  });

  it('lists a repeated account once, keeping the order given', () => {
    expect(parseEvent({ action: 'pause', tags: { env: 'dev' }, accounts: ['210987654321', '123456789012', '210987654321'] }, OPTIONS).accounts).toEqual([
      '210987654321',
      '123456789012',
    ]);
  });

  it('takes as many accounts as the limit allows', () => {
    const accounts = Array.from({ length: 100 }, (_, i) => String(100000000000 + i));
    expect(parseEvent({ action: 'pause', tags: { env: 'dev' }, accounts }, OPTIONS).accounts).toEqual(accounts);
  });

  it('needs no region for ARN selection: each ARN is called in its own region', () => {
    expect(parseEvent({ action: 'pause', services: [ARN] }, {}).regions).toEqual([]);
  });

  it('names every bad field at once', () => {
    expect(problemsOf({ action: 'stop', dryRun: 'yes' }).map((p) => p.field)).toEqual(['action', 'dryRun', 'services']);
  });

  test.each([...REJECTED_EVENT_VALUES, ...REJECTED_ACCOUNTS_VALUES].map((row) => [row.name, row]))('rejects %s, naming the field, the value and what is accepted', (_, row) => {
    expect(problemsOf({ action: 'resume', ...row.fields }).map((p) => p.field)).toEqual([row.field]);
    expect(() => parseEvent({ action: 'resume', ...row.fields }, OPTIONS)).toThrow(new Error(`Invalid scheduler event: ${row.message}`));
  });

  // What only a hand-written event can get wrong: the construct always sends an object with a known
  // action and known fields, so these rows are the contract's alone.
  test.each([
    ['a string, not an object', 'pause', 'event: received "pause"; expected a JSON object such as {"action":"pause","tags":{"env":"dev"}}'],
    ['the event as JSON text', '{"action":"pause"}', 'event: received "{\\"action\\":\\"pause\\"}"; expected a JSON object such as {"action":"pause","tags":{"env":"dev"}}'],
    ['null', null, 'event: received null; expected a JSON object such as {"action":"pause","tags":{"env":"dev"}}'],
    ['a list', [], 'event: received []; expected a JSON object such as {"action":"pause","tags":{"env":"dev"}}'],
    ['an unknown action', { action: 'stop', tags: { env: 'dev' } }, 'action: received "stop"; expected one of "pause", "resume"'],
    ['an action in a list', { action: ['pause'], tags: { env: 'dev' } }, 'action: received ["pause"]; expected one of "pause", "resume"'],
    ['a huge action, cut short in the message', { action: 'x'.repeat(5_000), tags: { env: 'dev' } }, `action: received "${'x'.repeat(116)}...; expected one of "pause", "resume"`],
    ['an unknown key (a typo)', { action: 'pause', tags: { env: 'dev' }, dryrun: true }, `dryrun: received true; expected no such field; the fields are ${EVENT_FIELDS.join(', ')}`],
    [
      'several problems at once, each named, in the order of the fields',
      { action: 'pause', services: [], tags: {}, timeZone: 'Nowhere/City', extra: 1 },
      `extra: received 1; expected no such field; the fields are ${EVENT_FIELDS.join(', ')}. services: received []; expected a non-empty list of App Runner service ARNs (${SERVICE_ARN_FORMAT}) (leave the field out instead). tags: received {}; expected an object of tag keys to string values, e.g. {"env":"dev"}, with at least one tag (leave the field out instead). timeZone: received "Nowhere/City"; expected an IANA time zone such as "Europe/London" or "UTC"`,
    ],
  ])('rejects %s in the words a person reads', (_, event, message) => {
    expect(() => parseEvent(event, OPTIONS)).toThrow(new Error(`Invalid scheduler event: ${message}`));
  });

  it('needs a region for tag selection when the function has none to default to', () => {
    expect(() => parseEvent({ action: 'pause', tags: { env: 'dev' } }, {})).toThrow(
      'Invalid scheduler event: regions: received nothing; expected a list of regions, since the function has no AWS_REGION to default to',
    );
  });

  it('says what was received and what is accepted', () => {
    expect(() => parseEvent({ action: 'pause', services: ['arn:aws:lambda:eu-west-1:123456789012:function:x'] }, OPTIONS)).toThrow(
      'Invalid scheduler event: services[0]: received "arn:aws:lambda:eu-west-1:123456789012:function:x"; expected App Runner service ARNs (arn:<partition>:apprunner:<region>:<12-digit account>:service/<name>/<32 hex id>)',
    );
  });
});

describe('values not known yet', () => {
  const TOKEN = '${Token[TOKEN.1]}';
  const LIST_TOKEN = ['#{Token[TOKEN.2]}'];
  const isUnresolved = (value: unknown) => value === TOKEN || value === LIST_TOKEN;

  it('takes them as they are, wherever they stand', () => {
    const event = {
      action: 'resume',
      services: [TOKEN, ARN],
      tags: { [TOKEN]: 'dev', env: TOKEN },
      deployAfterResume: TOKEN,
      timeZone: TOKEN,
      holidays: [TOKEN],
      dryRun: TOKEN,
    };

    expect(eventProblems(event, { defaultRegion: TOKEN, isUnresolved })).toEqual([]);
    expect(eventProblems({ ...event, services: LIST_TOKEN, regions: LIST_TOKEN, holidays: LIST_TOKEN }, { isUnresolved })).toEqual([]);
  });

  it('still checks every known value beside them', () => {
    expect(eventProblems({ action: 'pause', services: [TOKEN, 'arn:nope'] }, { isUnresolved }).map((p) => p.field)).toEqual(['services[1]']);
  });

  it('are none unless the caller says which', () => {
    expect(eventProblems({ action: 'pause', services: [TOKEN] }).map((p) => p.field)).toEqual(['services[0]']);
  });
});

describe('problem list', () => {
  it('lists a problem found by two checks once', () => {
    const problems = new ProblemList();
    const found = eventProblems({ action: 'pause', services: ['arn:nope'] });

    problems.include(found);
    problems.include(found);

    expect(problems.problems).toEqual(found);
  });
});

describe('service ARNs', () => {
  it('splits a valid ARN', () => {
    expect(parseServiceArn(ARN)).toEqual({
      partition: 'aws',
      region: 'eu-west-1',
      account: '123456789012',
      serviceName: 'web-api',
      serviceId: '0123456789abcdef0123456789abcdef',
    });
  });

  test.each([
    ['another service', 'arn:aws:ecs:eu-west-1:123456789012:service/web-api/0123456789abcdef0123456789abcdef'],
    ['a short account', 'arn:aws:apprunner:eu-west-1:12345:service/web-api/0123456789abcdef0123456789abcdef'],
    ['a short id', 'arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123'],
    ['a name too short', 'arn:aws:apprunner:eu-west-1:123456789012:service/web/0123456789abcdef0123456789abcdef'],
    ['no region', 'arn:aws:apprunner::123456789012:service/web-api/0123456789abcdef0123456789abcdef'],
    ['a connection', 'arn:aws:apprunner:eu-west-1:123456789012:connection/web-api/0123456789abcdef0123456789abcdef'],
  ])('rejects %s', (_name, arn) => {
    expect(parseServiceArn(arn)).toBeUndefined();
  });
});

describe('dates', () => {
  test.each([
    ['2026-12-25', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-04-31', false],
    ['26-12-25', false],
    ['2026-12-25T00:00:00Z', false],
  ])('%s is a real date: %s', (value, expected) => {
    expect(isLocalDate(value)).toBe(expected);
  });
});

describe('a wake that ends on its own: until on resume events', () => {
  // Tuesday 1 December 2026, 21:00 in London (UTC in winter).
  const NOW = Date.parse('2026-12-01T21:00:00Z');
  const at = (until: unknown, extra: Record<string, unknown> = {}) =>
    parseEvent({ action: 'resume', services: [ARN], until, ...extra }, { ...OPTIONS, now: NOW }).until;
  const UNTIL = 'an ISO-8601 date-time such as "2026-12-24T08:00" (local in timeZone unless it has an offset such as "Z" or "+01:00") or duration such as "PT2H" or "PT90M", after now and at most 24 hours ahead';

  test.each([
    ['two hours', 'PT2H', '2026-12-01T23:00:00.000Z'],
    ['ninety minutes', 'PT90M', '2026-12-01T22:30:00.000Z'],
    ['hours and minutes', 'PT1H30M', '2026-12-01T22:30:00.000Z'],
    ['exactly a day', 'PT24H', '2026-12-02T21:00:00.000Z'],
  ])('reads a duration of %s from the run\'s now', (_, until, expected) => {
    expect(at(until)).toBe(expected);
  });

  it('reads a date-time without an offset as local time in the event\'s time zone', () => {
    expect(at('2026-12-01T23:30', { timeZone: 'Europe/Berlin' })).toBe('2026-12-01T22:30:00.000Z');
    expect(at('2026-12-01T23:30')).toBe('2026-12-01T23:30:00.000Z');
  });

  it('reads a date-time with an offset as the instant it names', () => {
    expect(at('2026-12-02T01:00:00+02:00', { timeZone: 'America/New_York' })).toBe('2026-12-01T23:00:00.000Z');
    expect(at('2026-12-01T22:15:00Z', { timeZone: 'Asia/Tokyo' })).toBe('2026-12-01T22:15:00.000Z');
  });

  it('is absent from a request without one', () => {
    expect(parseEvent({ action: 'resume', services: [ARN] }, OPTIONS).until).toBeUndefined();
  });

  test.each([
    ['a number of hours', 2, `until: received 2; expected ${UNTIL}`],
    ['words', 'two hours', `until: received "two hours"; expected ${UNTIL}`],
    ['a bare date', '2026-12-02', `until: received "2026-12-02"; expected ${UNTIL}`],
    ['a duration in days', 'P1D', `until: received "P1D"; expected ${UNTIL}`],
    ['an empty duration', 'PT', `until: received "PT"; expected ${UNTIL}`],
    ['an impossible date', '2026-02-30T10:00', `until: received "2026-02-30T10:00"; expected ${UNTIL}`],
    ['a moment in the past', '2026-12-01T20:00', `until: received "2026-12-01T20:00"; expected ${UNTIL} (it is 2026-12-01T20:00:00.000Z, not after now, 2026-12-01T21:00:00.000Z)`],
    ['now itself', 'PT0M', `until: received "PT0M"; expected ${UNTIL} (it is 2026-12-01T21:00:00.000Z, not after now, 2026-12-01T21:00:00.000Z)`],
    ['more than a day ahead', 'PT25H', `until: received "PT25H"; expected ${UNTIL} (it is 2026-12-02T22:00:00.000Z, more than 24 hours after now, 2026-12-01T21:00:00.000Z)`],
  ])('rejects %s, naming what is accepted', (_, until, message) => {
    expect(() => at(until)).toThrow(new Error(`Invalid scheduler event: ${message}`));
  });

  it('is refused on a pause event', () => {
    expect(() => parseEvent({ action: 'pause', services: [ARN], until: 'PT2H' }, { ...OPTIONS, now: NOW })).toThrow(
      new Error('Invalid scheduler event: until: received "PT2H"; expected until only on resume events (a pause ends when the next resume runs)'),
    );
  });
});

describe('the pause a snooze or wake ends in: ends on pause events', () => {
  const ENDS = { kind: 'snooze', at: '2026-12-01T22:00:00Z' };
  const ENDS_ACCEPTED = 'an object {"kind": one of "snooze", "wake", "at": an ISO-8601 UTC instant such as "2026-12-01T22:00:00Z"}';

  it('is kept as it is sent', () => {
    expect(parseEvent({ action: 'pause', services: [ARN], timeZone: 'Europe/London', ends: ENDS }, OPTIONS)).toMatchObject({
      action: 'pause',
      services: [ARN],
      ends: ENDS,
    });
    expect(parseEvent({ action: 'pause', services: [ARN], ends: { kind: 'wake', at: '2026-12-01T23:00:00.000Z' } }, OPTIONS).ends).toEqual({
      kind: 'wake',
      at: '2026-12-01T23:00:00.000Z',
    });
  });

  test.each([
    ['a string', { services: [ARN], ends: 'snooze' }, `ends: received "snooze"; expected ${ENDS_ACCEPTED}`],
    ['an unknown kind', { services: [ARN], ends: { ...ENDS, kind: 'nap' } }, 'ends.kind: received "nap"; expected one of "snooze", "wake"'],
    ['a local time', { services: [ARN], ends: { ...ENDS, at: '2026-12-01T22:00' } }, 'ends.at: received "2026-12-01T22:00"; expected an ISO-8601 UTC instant such as "2026-12-01T22:00:00Z"'],
    ['an impossible instant', { services: [ARN], ends: { ...ENDS, at: '2026-02-30T22:00:00Z' } }, 'ends.at: received "2026-02-30T22:00:00Z"; expected an ISO-8601 UTC instant such as "2026-12-01T22:00:00Z"'],
    ['an unknown field', { services: [ARN], ends: { ...ENDS, until: 'PT1H' } }, 'ends.until: received "PT1H"; expected no such field; the fields are kind, at'],
    [
      'tag selection',
      { tags: { env: 'dev' }, ends: ENDS },
      'ends: received {"kind":"snooze","at":"2026-12-01T22:00:00Z"}; expected ends only with "services" and without "tags" (an arranged pause names the services it ends)',
    ],
  ])('rejects %s', (_, fields, message) => {
    expect(() => parseEvent({ action: 'pause', ...fields }, OPTIONS)).toThrow(new Error(`Invalid scheduler event: ${message}`));
  });

  it('is refused on a resume event', () => {
    expect(() => parseEvent({ action: 'resume', services: [ARN], ends: ENDS }, OPTIONS)).toThrow(
      new Error('Invalid scheduler event: ends: received {"kind":"snooze","at":"2026-12-01T22:00:00Z"}; expected ends only on pause events (the pause a snooze or wake ends in)'),
    );
  });
});

describe('the named schedule that sent the event: schedule', () => {
  test.each(['london', 'new-york', 'apac_1', 'A', 'x'.repeat(32)])('keeps the name %s as it is sent', (schedule) => {
    expect(parseEvent({ action: 'pause', tags: { env: 'dev' }, schedule }, OPTIONS).schedule).toBe(schedule);
  });

  it('is absent from the request of an event without one, as a person invoking by hand sends', () => {
    expect(parseEvent({ action: 'pause', tags: { env: 'dev' } }, OPTIONS)).not.toHaveProperty('schedule');
  });

  it('goes with an arranged pause, which names the schedule whose hours it ends in', () => {
    expect(parseEvent({ action: 'pause', services: [ARN], ends: { kind: 'wake', at: '2026-12-01T23:00:00Z' }, schedule: 'london' }, OPTIONS)).toMatchObject({
      ends: { kind: 'wake' },
      schedule: 'london',
    });
  });

  test.each(REJECTED_SCHEDULE_NAMES.map((row) => [row.name, row]))('rejects %s, naming the field, the value and what is accepted', (_, row) => {
    expect(() => parseEvent({ action: 'resume', tags: { env: 'dev' }, schedule: row.value }, OPTIONS)).toThrow(new Error(`Invalid scheduler event: ${row.message}`));
  });
});
