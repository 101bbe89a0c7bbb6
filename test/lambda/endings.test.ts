/**
 * The rules of snoozes and wakes that end on their own, as plain tables: no AWS, no clock. The
 * office hours are a weekday 19:00 pause and 07:00 resume in London; 1 December 2026 is a Tuesday.
 */
import { parseEvent } from '../../contract/event';
import type { OfficeHours } from '../../contract/office-hours';
import { SKIP_TAG_KEY, WAKE_TAG_KEY } from '../../contract/scheduler-tags';
import { endingGate, endingPauseEvent, endingScheduleName, planEnding, snoozeEnd, toMinuteAbove, wakeEnd, type EndingSettings } from '../../lambda/endings';
import { endingSettings, readFunctionEnvironment, scheduleSettings, unqualifiedFunctionArn } from '../../lambda/function-settings';

const LONDON = 'Europe/London';
const HOURS: OfficeHours = {
  pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: LONDON },
  resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: LONDON },
  holidays: ['2026-12-25'],
};
const TARGET = { groupName: 'group', roleArn: 'arn:aws:iam::123456789012:role/schedules', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:scheduler' };
const KNOWN: EndingSettings = { hours: HOURS, target: TARGET };
const ARN = 'arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123456789abcdef0123456789abcdef';
const utc = (iso: string) => new Date(iso);

/** Tuesday's pause run, at 19:00. */
const TUESDAY_PAUSE = utc('2026-12-01T19:00:00Z');

describe('a snooze that ends in a pause', () => {
  it('arranges a pause at the end of a snooze that ends out of hours, before the next resume', () => {
    expect(planEnding('snooze', utc('2026-12-01T22:00:00Z'), TUESDAY_PAUSE, KNOWN)).toEqual({
      kind: 'snooze',
      at: utc('2026-12-01T22:00:00Z'),
      arrange: true,
      reason: 'the snooze ends at 2026-12-01T22:00:00Z, out of office hours: a pause is arranged then',
    });
  });

  it('arranges it at the next whole minute when the snooze ends within one (Scheduler fires to the minute)', () => {
    expect(planEnding('snooze', utc('2026-12-01T22:00:30Z'), TUESDAY_PAUSE, KNOWN).at).toEqual(utc('2026-12-01T22:01:00Z'));
    expect(toMinuteAbove(utc('2026-12-01T22:00:00.000Z'))).toEqual(utc('2026-12-01T22:00:00Z'));
  });

  it('arranges a weekend pause for a snooze from Friday evening to Saturday noon', () => {
    expect(planEnding('snooze', utc('2026-12-05T12:00:00Z'), utc('2026-12-04T19:00:00Z'), KNOWN).arrange).toBe(true);
  });

  test.each([
    ['in office hours the next morning', '2026-12-02T10:00:00Z', 'the snooze ends at 2026-12-02T10:00:00Z: no pause arranged, since that is in office hours (the scheduled pause takes it from there)'],
    [
      'after the next resume, out of hours again',
      '2026-12-02T22:00:00Z',
      'the snooze ends at 2026-12-02T22:00:00Z: no pause arranged, since the next scheduled resume (2026-12-02T07:00:00Z) comes first; the next pause run arranges it',
    ],
  ])('arranges nothing for a snooze that ends %s', (_, end, reason) => {
    expect(planEnding('snooze', utc(end), TUESDAY_PAUSE, KNOWN)).toMatchObject({ arrange: false, reason });
  });

  it('arranges nothing when the function does not know its hours, and says so', () => {
    expect(planEnding('snooze', utc('2026-12-01T22:00:00Z'), TUESDAY_PAUSE, { unavailable: 'no SCHEDULER_HOURS' })).toMatchObject({
      arrange: false,
      reason: 'the snooze ends at 2026-12-01T22:00:00Z: no pause arranged, no SCHEDULER_HOURS',
    });
  });

  it('arranges nothing when a rate() schedule cannot say whether the end is out of hours', () => {
    const rate: OfficeHours = { ...HOURS, pause: { expression: 'rate(12 hours)', timeZone: 'UTC' } };
    const plan = planEnding('snooze', utc('2026-12-01T22:00:00Z'), TUESDAY_PAUSE, { hours: rate, target: TARGET });
    expect(plan.arrange).toBe(false);
    expect(plan.reason).toMatch(/^the snooze ends at 2026-12-01T22:00:00Z: no pause arranged, whether that is out of hours cannot be known \(.+\)$/);
  });

  test.each([
    ['no skip tag', {}, undefined],
    ['a skip for good', { [SKIP_TAG_KEY]: 'true' }, undefined],
    ['a skip for good, in capitals', { [SKIP_TAG_KEY]: ' TRUE ' }, undefined],
    ['a skip that has ended', { [SKIP_TAG_KEY]: '2026-12-01T18:00' }, undefined],
    ['an unreadable skip', { [SKIP_TAG_KEY]: 'tonight' }, undefined],
    ['a local date-time', { [SKIP_TAG_KEY]: '2026-12-01T22:00' }, utc('2026-12-01T22:00:00Z')],
    ['a date: local midnight', { [SKIP_TAG_KEY]: '2026-12-02' }, utc('2026-12-02T00:00:00Z')],
    ['an instant with an offset', { [SKIP_TAG_KEY]: '2026-12-01T23:00:00+01:00' }, utc('2026-12-01T22:00:00Z')],
  ])('reads the end of the snooze from %s', (_, tags, expected) => {
    expect(snoozeEnd(tags, TUESDAY_PAUSE, LONDON)).toEqual(expected);
  });
});

describe('a wake that ends in a pause', () => {
  const NINE_PM = utc('2026-12-01T21:00:00Z');

  it('arranges a pause at the end of a wake that ends out of hours', () => {
    expect(planEnding('wake', utc('2026-12-01T23:00:00Z'), NINE_PM, KNOWN)).toMatchObject({ arrange: true, at: utc('2026-12-01T23:00:00Z') });
  });

  it('arranges nothing for a wake that ends in office hours', () => {
    expect(planEnding('wake', utc('2026-12-02T08:00:00Z'), NINE_PM, KNOWN)).toMatchObject({
      arrange: false,
      reason: 'the wake ends at 2026-12-02T08:00:00Z: no pause arranged, since that is in office hours (the scheduled pause takes it from there)',
    });
  });

  it('arranges a wake on a holiday morning, which stays out of hours', () => {
    expect(planEnding('wake', utc('2026-12-25T10:00:00Z'), utc('2026-12-25T08:00:00Z'), KNOWN).arrange).toBe(true);
  });

  test.each([
    ['no wake tag', {}, undefined],
    ['an instant', { [WAKE_TAG_KEY]: '2026-12-01T23:00:00Z' }, utc('2026-12-01T23:00:00Z')],
    ['a local time the scheduler never writes', { [WAKE_TAG_KEY]: '2026-12-01T23:00' }, undefined],
  ])('reads the end of the wake from %s', (_, tags, expected) => {
    expect(wakeEnd(tags)).toEqual(expected);
  });
});

describe('the arranged pause run', () => {
  const SNOOZE = { kind: 'snooze', at: '2026-12-01T22:00:00Z' } as const;
  const WAKE = { kind: 'wake', at: '2026-12-01T23:00:00Z' } as const;

  it('lets the ordinary pause rules decide a snooze out of hours (they honour a snooze extended since)', () => {
    expect(endingGate(SNOOZE, { [SKIP_TAG_KEY]: '2026-12-01T22:00' }, utc(SNOOZE.at), KNOWN)).toBeUndefined();
  });

  it('lets them decide a wake whose tag still names it', () => {
    expect(endingGate(WAKE, { [WAKE_TAG_KEY]: WAKE.at }, utc(WAKE.at), KNOWN)).toBeUndefined();
  });

  test.each([
    ['a snooze, once office hours began (the schedule fired late)', SNOOZE, {}, '2026-12-02T07:30:00Z', 'left as it is: it is office hours now, so the snooze that ended at 2026-12-01T22:00:00Z needs no pause'],
    ['a wake whose tag is gone', WAKE, {}, WAKE.at, `left as it is: its ${WAKE_TAG_KEY} tag is gone, so the wake that ended at 2026-12-01T23:00:00Z no longer applies`],
    [
      'a wake moved later since',
      WAKE,
      { [WAKE_TAG_KEY]: '2026-12-02T01:00:00Z' },
      WAKE.at,
      'left as it is: the wake was moved to 2026-12-02T01:00:00Z, whose own pause is arranged',
    ],
  ])('leaves alone %s', (_, ends, tags, now, reason) => {
    expect(endingGate(ends, tags, utc(now), KNOWN)).toBe(reason);
  });

  it('leaves the service alone when the function does not know its hours', () => {
    expect(endingGate(SNOOZE, {}, utc(SNOOZE.at), { unavailable: 'no SCHEDULER_HOURS' })).toBe(
      'left as it is: the snooze that ended at 2026-12-01T22:00:00Z cannot be checked against office hours (no SCHEDULER_HOURS)',
    );
  });

  it('is sent an event the handler accepts, naming the service and the end', () => {
    const event = endingPauseEvent(ARN, { kind: 'wake', at: utc('2026-12-01T23:00:00.000Z') }, LONDON);
    expect(event).toEqual({ action: 'pause', services: [ARN], timeZone: LONDON, ends: { kind: 'wake', at: '2026-12-01T23:00:00Z' } });
    expect(parseEvent(event, {}).ends).toEqual({ kind: 'wake', at: '2026-12-01T23:00:00Z' });
  });

  it('names the schedule whose hours it ends in, for a service that follows a named schedule', () => {
    const event = endingPauseEvent(ARN, { kind: 'snooze', at: utc('2026-12-01T22:00:00Z') }, LONDON, 'london');
    expect(event).toEqual({ action: 'pause', services: [ARN], timeZone: LONDON, ends: { kind: 'snooze', at: '2026-12-01T22:00:00Z' }, schedule: 'london' });
    expect(parseEvent(event, {}).schedule).toBe('london');
  });

  it('comes from a schedule whose name says the kind, the service and the minute, the same on every retry', () => {
    const name = endingScheduleName(ARN, { kind: 'snooze', at: utc('2026-12-01T22:00:00Z') });
    expect(name).toBe('snooze-0123456789abcdef0123456789abcdef-20261201T2200Z');
    expect(name).toMatch(/^[0-9a-zA-Z-_.]{1,64}$/);
    expect(endingScheduleName(ARN, { kind: 'wake', at: utc('2026-12-01T22:00:00Z') })).not.toBe(name);
  });
});

describe('what the function is told', () => {
  const ENV = {
    SCHEDULER_HOURS: JSON.stringify(HOURS),
    SCHEDULER_GROUP_NAME: 'group',
    SCHEDULER_TARGET_ROLE_ARN: TARGET.roleArn,
    SCHEDULER_DEAD_LETTER_QUEUE_ARN: 'arn:aws:sqs:eu-west-1:123456789012:dlq',
  };

  it('reads its hours and the schedules\' target from the environment, and its ARN from the invocation, unqualified', () => {
    expect(endingSettings(readFunctionEnvironment(ENV), `${TARGET.functionArn}:live`)).toEqual({
      hours: HOURS,
      target: { ...TARGET, deadLetterQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:dlq' },
    });
  });

  it('says what is missing in an older deployment', () => {
    expect(endingSettings(readFunctionEnvironment({}), TARGET.functionArn)).toEqual({
      unavailable:
        "the function's environment has no SCHEDULER_HOURS, SCHEDULER_GROUP_NAME, SCHEDULER_TARGET_ROLE_ARN (a deployment from before snoozes and wakes ended on their own, or a function the construct did not deploy)",
    });
  });

  it('says what is wrong with its hours', () => {
    const settings = endingSettings(readFunctionEnvironment({ ...ENV, SCHEDULER_HOURS: '{"pause":{}}' }), TARGET.functionArn);
    expect(settings.hours).toBeUndefined();
    expect(settings.unavailable).toMatch(/^SCHEDULER_HOURS is not valid \(pause\.expression: received nothing; .+\)$/);
  });

  it('cannot target a function invoked without a context', () => {
    expect(endingSettings(readFunctionEnvironment(ENV), undefined).unavailable).toBe(
      'the invocation names no Lambda function ARN (context.invokedFunctionArn is undefined), so no schedule can target the function',
    );
  });

  it('reads its named schedules, and where it runs from its region and the ARN it was invoked on', () => {
    const environment = readFunctionEnvironment({ ...ENV, SCHEDULER_SCHEDULES: JSON.stringify({ london: { hours: HOURS, tags: { office: 'london' } } }) });
    const settings = scheduleSettings(environment, `${TARGET.functionArn}:live`, 'eu-west-1');
    expect([...settings.schedules!.keys()]).toEqual(['london']);
    expect(settings.home).toEqual({ account: '123456789012', region: 'eu-west-1' });
    expect(settings.problem).toBeUndefined();
  });

  it('has no named schedules when the construct wrote none, as for a scheduler without addSchedule', () => {
    expect(scheduleSettings(readFunctionEnvironment(ENV), undefined, 'eu-west-1')).toEqual({ home: { region: 'eu-west-1' } });
  });

  it('says what is wrong with its named schedules, and keeps its own hours for the runs that name none', () => {
    const environment = readFunctionEnvironment({ ...ENV, SCHEDULER_SCHEDULES: '{"london":{"tag":{}}}' });
    expect(scheduleSettings(environment, TARGET.functionArn, 'eu-west-1')).toEqual({
      problem: 'SCHEDULER_SCHEDULES is not valid (london.tag: received {}; expected no such field; a schedule has hours, tags, services, accounts, regions)',
      home: { account: '123456789012', region: 'eu-west-1' },
    });
    expect(endingSettings(environment, TARGET.functionArn).hours).toEqual(HOURS);
  });

  test.each([
    ['arn:aws:lambda:eu-west-1:123456789012:function:scheduler', 'arn:aws:lambda:eu-west-1:123456789012:function:scheduler'],
    ['arn:aws:lambda:eu-west-1:123456789012:function:scheduler:7', 'arn:aws:lambda:eu-west-1:123456789012:function:scheduler'],
    ['arn:aws-cn:lambda:cn-north-1:123456789012:function:s:live', 'arn:aws-cn:lambda:cn-north-1:123456789012:function:s'],
    ['scheduler', undefined],
  ])('reads %s as %s', (arn, expected) => {
    expect(unqualifiedFunctionArn(arn)).toBe(expected);
  });
});
