import { App, Duration, Lazy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { AppRunnerScheduler, WeekDay, type AppRunnerSchedulerProps } from '../../lib';
import { MINIMAL_PROPS, WEB_API_ARN } from './fixtures';

const ARN_FORMAT = 'arn:<partition>:apprunner:<region>:<12-digit account>:service/<name>/<32 hex id>';

function create(props: AppRunnerSchedulerProps): Stack {
  const stack = new Stack(new App(), 'Stack');
  new AppRunnerScheduler(stack, 'Scheduler', props);
  return stack;
}

function problem(text: string): string {
  return `Invalid AppRunnerScheduler props: ${text}`;
}

describe('props that cannot be deployed', () => {
  test.each<[string, AppRunnerSchedulerProps, string]>([
    [
      'selects nothing',
      { pauseAt: '19:00' },
      'services: received nothing; expected service ARNs in "services", tags in "tags", or both: a scheduler must select something',
    ],
    ['an empty service list', { services: [], pauseAt: '19:00' }, 'services: received []; expected a non-empty list (leave the prop out instead)'],
    ['an empty tag object', { tags: {}, pauseAt: '19:00' }, 'tags: received {}; expected at least one tag, such as { env: "dev" } (leave the prop out instead)'],
    [
      'a malformed ARN',
      { services: [WEB_API_ARN, 'arn:aws:apprunner:eu-west-1:123:service/web'], pauseAt: '19:00' },
      `services[1]: received "arn:aws:apprunner:eu-west-1:123:service/web"; expected an App Runner service ARN (${ARN_FORMAT})`,
    ],
    [
      'more ARNs than a run takes',
      { services: Array<string>(1001).fill(WEB_API_ARN), pauseAt: '19:00' },
      'services: received "1001 items"; expected at most 1000 items',
    ],
    ['a tag key in the aws: namespace', { tags: { 'aws:env': 'dev' }, pauseAt: '19:00' }, 'tags["aws:env"]: received "aws:env"; expected a tag key that does not start with "aws:"'],
    ['an empty tag key', { tags: { '': 'dev' }, pauseAt: '19:00' }, 'tags[""]: received ""; expected a tag key of 1-128 characters'],
    [
      'a tag value over 256 characters',
      { tags: { env: 'x'.repeat(257) }, pauseAt: '19:00' },
      `tags.env: received "${'x'.repeat(116)}...; expected a string of 0-256 characters`,
    ],
    [
      'more tags than the Tagging API filters on',
      { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])), pauseAt: '19:00' },
      'tags: received "51 tags"; expected at most 50 tags',
    ],
    [
      'regions without tags',
      { services: [WEB_API_ARN], regions: ['eu-west-1'], pauseAt: '19:00' },
      'regions: received ["eu-west-1"]; expected regions only together with "tags" (a listed ARN is called in its own region)',
    ],
    ['a malformed region', { tags: { env: 'dev' }, regions: ['Ireland'], pauseAt: '19:00' }, 'regions[0]: received "Ireland"; expected an AWS region name such as "eu-west-1"'],
    ['an empty region list', { tags: { env: 'dev' }, regions: [], pauseAt: '19:00' }, 'regions: received []; expected a non-empty list (leave the prop out instead)'],
    [
      'an unknown time zone',
      { ...MINIMAL_PROPS, timeZone: TimeZone.of('Mars/Olympus_Mons') },
      'timeZone: received "Mars/Olympus_Mons"; expected an IANA time zone such as TimeZone.EUROPE_LONDON or TimeZone.of("Europe/London")',
    ],
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
    ['a holiday that is no date', { ...MINIMAL_PROPS, holidays: ['2026-12-25', '2026-02-30'] }, 'holidays[1]: received "2026-02-30"; expected a real date written YYYY-MM-DD'],
    ['a holiday in another format', { ...MINIMAL_PROPS, holidays: ['25/12/2026'] }, 'holidays[0]: received "25/12/2026"; expected a real date written YYYY-MM-DD'],
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

  test('names every problem at once', () => {
    expect(() => create({ services: ['arn:nope'], pauseAt: '7pm', holidays: ['someday'] })).toThrow(
      new Error(
        problem(
          `services[0]: received "arn:nope"; expected an App Runner service ARN (${ARN_FORMAT}). ` +
            'holidays[0]: received "someday"; expected a real date written YYYY-MM-DD. ' +
            'pauseAt: received "7pm"; expected a local time HH:MM from 00:00 to 23:59, such as "19:00"',
        ),
      ),
    );
  });

  test('leaves tokens to deploy time', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const token = (value: string) => Lazy.string({ produce: () => value });

    // WHEN
    const created = () =>
      new AppRunnerScheduler(stack, 'Scheduler', {
        services: [token('not checked at synth')],
        tags: { env: token('x'.repeat(300)) },
        regions: [token('eu-west-1')],
        holidays: [token('2026-12-25')],
        pauseAt: '19:00',
      });

    // THEN
    expect(created).not.toThrow();
  });
});

describe('legal but risky settings', () => {
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

  test('warns that a dry run changes nothing', () => {
    const stack = create({ ...MINIMAL_PROPS, dryRun: true });

    Annotations.fromStack(stack).hasWarning(
      '/Stack/Scheduler',
      'dryRun is true: every run plans and reports, but no service is paused, resumed, tagged or deployed. [ack: cdk-apprunner-scheduler:dryRun]',
    );
  });

  test('warns that disabled schedules run nothing', () => {
    const stack = create({ ...MINIMAL_PROPS, enabled: false });

    Annotations.fromStack(stack).hasWarning(
      '/Stack/Scheduler',
      'enabled is false: the schedules are created DISABLED and nothing runs until they are enabled. [ack: cdk-apprunner-scheduler:disabled]',
    );
  });

  test('lets a warning be acknowledged', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const created = new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, dryRun: true });

    // WHEN
    Validations.of(created).acknowledge({ id: 'cdk-apprunner-scheduler:dryRun', reason: 'trying it out first' });

    // THEN
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});
