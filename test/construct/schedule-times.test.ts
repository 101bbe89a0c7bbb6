import { App, Duration, Lazy, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { AppRunnerScheduler, WeekDay, type AppRunnerSchedulerProps } from '../../lib';
import { MINIMAL_PROPS, WEB_API_ARN } from './fixtures';

function create(props: AppRunnerSchedulerProps): Stack {
  const stack = new Stack(new App(), 'Stack');
  new AppRunnerScheduler(stack, 'Scheduler', props);
  return stack;
}

function problem(text: string): string {
  return `Invalid AppRunnerScheduler props: ${text}`;
}

describe('schedule times that cannot be deployed', () => {
  test.each<[string, AppRunnerSchedulerProps, string]>([
    ['pauseAt in 12-hour form', { ...MINIMAL_PROPS, pauseAt: '7pm' }, 'pauseAt: received "7pm"; expected a local time HH:MM from 00:00 to 23:59, such as "19:00"'],
    ['pauseAt without a leading zero', { ...MINIMAL_PROPS, pauseAt: '9:00' }, 'pauseAt: received "9:00"; expected a local time HH:MM from 00:00 to 23:59, such as "19:00"'],
    ['resumeAt past midnight', { ...MINIMAL_PROPS, resumeAt: '24:00' }, 'resumeAt: received "24:00"; expected a local time HH:MM from 00:00 to 23:59, such as "19:00"'],
    ['resumeAt with minute 60', { ...MINIMAL_PROPS, resumeAt: '06:60' }, 'resumeAt: received "06:60"; expected a local time HH:MM from 00:00 to 23:59, such as "19:00"'],
    ['no week days', { ...MINIMAL_PROPS, weekDays: [] }, 'weekDays: received []; expected at least one WeekDay, such as WeekDay.MONDAY'],
    [
      'a week day that is not a WeekDay (from JavaScript)',
      { ...MINIMAL_PROPS, weekDays: [WeekDay.MONDAY, 'MONDAY' as WeekDay] },
      'weekDays[1]: received "MONDAY"; expected a WeekDay: one of MON, TUE, WED, THU, FRI, SAT, SUN',
    ],
    [
      'week days without pauseAt or resumeAt',
      { services: [WEB_API_ARN], pauseSchedule: scheduler.ScheduleExpression.rate(Duration.days(1)), weekDays: [WeekDay.SATURDAY] },
      'weekDays: received ["SAT"]; expected weekDays only together with pauseAt or resumeAt (a ScheduleExpression carries its own days)',
    ],
    ['pause and resume at the same time', { ...MINIMAL_PROPS, resumeAt: '19:00' }, 'resumeAt: received "19:00"; expected a time other than pauseAt "19:00": both would run at once'],
    [
      'both pauseAt and pauseSchedule',
      { ...MINIMAL_PROPS, pauseSchedule: scheduler.ScheduleExpression.expression('cron(0 20 ? * * *)') },
      'pauseSchedule: received "cron(0 20 ? * * *)"; expected pauseAt or pauseSchedule, not both (pauseAt is "19:00")',
    ],
    [
      'both resumeAt and resumeSchedule',
      { ...MINIMAL_PROPS, resumeSchedule: scheduler.ScheduleExpression.rate(Duration.hours(1)) },
      'resumeSchedule: received "rate(1 hour)"; expected resumeAt or resumeSchedule, not both (resumeAt is "07:00")',
    ],
    [
      'a time zone given as a string (from JavaScript), which would run every schedule in UTC',
      { ...MINIMAL_PROPS, timeZone: 'Europe/London' as unknown as TimeZone },
      'timeZone: received "Europe/London"; expected a TimeZone, such as TimeZone.EUROPE_LONDON or TimeZone.of("Europe/London")',
    ],
    [
      'week days that are not a list (from JavaScript)',
      { ...MINIMAL_PROPS, weekDays: 'MON,TUE' as unknown as WeekDay[] },
      'weekDays: received "MON,TUE"; expected a list of WeekDay, such as [WeekDay.MONDAY, WeekDay.FRIDAY]',
    ],
    [
      'neither a pause nor a resume',
      { services: [WEB_API_ARN] },
      'pauseAt: received nothing; expected pauseAt or pauseSchedule, resumeAt or resumeSchedule, or both: a scheduler must pause or resume',
    ],
  ])('rejects %s', (_, props, message) => {
    expect(() => create(props)).toThrow(new Error(problem(message)));
  });

  test('rejects a token for pauseAt, which no cron expression can be built from', () => {
    const at = Lazy.string({ produce: () => '19:00' });

    expect(() => create({ ...MINIMAL_PROPS, pauseAt: at })).toThrow(
      problem(`pauseAt: received "${at}"; expected a literal local time HH:MM, not a token: the cron expression is built at synth time (use pauseSchedule instead)`),
    );
  });

  test('names every problem at once, the event\'s and the schedule\'s', () => {
    expect(() => create({ services: ['arn:nope'], pauseAt: '7pm', holidays: ['someday'] })).toThrow(
      /^Invalid AppRunnerScheduler props: services\[0\]: received "arn:nope"; .*\. holidays\[0\]: received "someday"; .*\. pauseAt: received "7pm"; [^.]*$/,
    );
  });
});

describe('schedule times daylight saving touches', () => {
  test.each([
    ['Europe/London', 'pauseAt', '01:30', 'skipped when clocks go forward (EventBridge Scheduler skips the run that day) and repeated when clocks go back (the run happens once)'],
    ['Europe/Paris', 'resumeAt', '02:00', 'skipped when clocks go forward (EventBridge Scheduler skips the run that day) and repeated when clocks go back (the run happens once)'],
    ['America/New_York', 'resumeAt', '02:30', 'skipped when clocks go forward (EventBridge Scheduler skips the run that day)'],
    ['America/New_York', 'pauseAt', '01:15', 'repeated when clocks go back (the run happens once)'],
    ['Europe/Helsinki', 'pauseAt', '03:59', 'skipped when clocks go forward (EventBridge Scheduler skips the run that day) and repeated when clocks go back (the run happens once)'],
  ])('warns when daylight saving in %s touches %s %s', (zone, field, at, effect) => {
    // WHEN
    const stack = create({ services: [WEB_API_ARN], timeZone: TimeZone.of(zone), [field]: at });

    // THEN
    Annotations.fromStack(stack).hasWarning(
      '/Stack/Scheduler',
      `${field} ${at} in ${zone} is ${effect}. Choose a time daylight saving does not touch. [ack: cdk-apprunner-scheduler:${field}DaylightSaving]`,
    );
  });

  test.each([
    ['Europe/London', '02:30'],
    ['Europe/London', '00:59'],
    ['Europe/Paris', '03:00'],
    ['Asia/Tokyo', '01:30'],
    ['Etc/UTC', '02:00'],
  ])('does not warn about a time daylight saving in %s leaves alone: %s', (zone, at) => {
    const stack = create({ services: [WEB_API_ARN], timeZone: TimeZone.of(zone), pauseAt: at });

    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('warns when holidays are read in another time zone than the resume schedule runs in', () => {
    const resumeSchedule = scheduler.ScheduleExpression.cron({ hour: '7', minute: '0', timeZone: TimeZone.ASIA_TOKYO });
    const stack = create({ services: [WEB_API_ARN], timeZone: TimeZone.EUROPE_LONDON, resumeSchedule, holidays: ['2026-12-25'] });

    Annotations.fromStack(stack).hasWarning(
      '/Stack/Scheduler',
      'holidays are read in timeZone Europe/London, but resumeSchedule runs in Asia/Tokyo: a holiday may start or end a day off. Give both the same time zone. [ack: cdk-apprunner-scheduler:holidayTimeZone]',
    );
  });
});

describe('the time zone of a schedule expression', () => {
  test('is timeZone when the expression was built without one, not UTC', () => {
    // GIVEN a cron expression without a time zone, which CDK gives Etc/UTC
    const pauseSchedule = scheduler.ScheduleExpression.cron({ minute: '0', hour: '19', weekDay: 'MON-FRI' });
    const resumeSchedule = scheduler.ScheduleExpression.expression('cron(0 7 ? * MON-FRI *)');

    // WHEN
    const template = Template.fromStack(create({ services: [WEB_API_ARN], timeZone: TimeZone.EUROPE_LONDON, pauseSchedule, resumeSchedule }));

    // THEN
    template.resourcePropertiesCountIs('AWS::Scheduler::Schedule', { ScheduleExpressionTimezone: 'Europe/London' }, 2);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 19 ? * MON-FRI *)', ScheduleExpressionTimezone: 'Europe/London' });
  });

  test('stays its own when it was built with one', () => {
    const resumeSchedule = scheduler.ScheduleExpression.cron({ minute: '0', hour: '7', timeZone: TimeZone.ASIA_TOKYO });

    const template = Template.fromStack(create({ services: [WEB_API_ARN], timeZone: TimeZone.EUROPE_LONDON, resumeSchedule }));

    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 7 * * ? *)', ScheduleExpressionTimezone: 'Asia/Tokyo' });
  });

  test('gives no holiday warning when it takes timeZone', () => {
    const resumeSchedule = scheduler.ScheduleExpression.expression('cron(0 7 ? * MON-FRI *)');

    const stack = create({ services: [WEB_API_ARN], timeZone: TimeZone.EUROPE_LONDON, resumeSchedule, holidays: ['2026-12-25'] });

    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
