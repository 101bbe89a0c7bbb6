import { App, TimeZone } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { defineApp } from '../../bin/app';
import { readAppConfig } from '../../bin/app-config';
import { DeployAfterResume, WeekDay } from '../../lib';
import { WEB_API_ARN, WORKER_ARN } from './fixtures';

function contextOf(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

function filesOf(files: Record<string, string>) {
  return (path: string) => {
    if (path in files) return files[path];
    throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  };
}

describe('app settings', () => {
  test('default to office-hours tagged services, paused 19:00-07:00 London time on weekdays', () => {
    expect(readAppConfig(contextOf({}))).toEqual({
      stackName: 'AppRunnerScheduler',
      scheduler: {
        tags: { 'apprunner-scheduler:schedule': 'office-hours' },
        timeZone: TimeZone.of('Europe/London'),
        pauseAt: '19:00',
        resumeAt: '07:00',
      },
    });
  });

  test('take every setting as -c key=value text', () => {
    const config = readAppConfig(
      contextOf({
        stackName: 'Nightly',
        services: `${WEB_API_ARN}, ${WORKER_ARN}`,
        tags: 'env=dev,team=web',
        regions: 'eu-west-1,us-east-1',
        timeZone: 'Europe/Paris',
        pauseAt: '20:00',
        resumeAt: '06:30',
        weekDays: 'MON,TUE,WED',
        deployAfterResume: 'always',
        holidays: '2026-12-25,2027-01-01',
        dryRun: 'true',
        resumeManuallyPaused: 'false',
        enabled: 'false',
        alarmEmail: 'ops@example.com',
      }),
    );

    expect(config).toEqual({
      stackName: 'Nightly',
      alarmEmail: 'ops@example.com',
      scheduler: {
        services: [WEB_API_ARN, WORKER_ARN],
        tags: { env: 'dev', team: 'web' },
        regions: ['eu-west-1', 'us-east-1'],
        timeZone: TimeZone.of('Europe/Paris'),
        pauseAt: '20:00',
        resumeAt: '06:30',
        weekDays: [WeekDay.MONDAY, WeekDay.TUESDAY, WeekDay.WEDNESDAY],
        deployAfterResume: DeployAfterResume.ALWAYS,
        holidays: ['2026-12-25', '2027-01-01'],
        dryRun: true,
        resumeManuallyPaused: false,
        enabled: false,
      },
    });
  });

  test('select only the listed services when services are given', () => {
    expect(readAppConfig(contextOf({ services: WEB_API_ARN })).scheduler).toMatchObject({ services: [WEB_API_ARN], tags: undefined });
  });

  test('keep everything after the first = in a tag value', () => {
    expect(readAppConfig(contextOf({ tags: 'query=a=b' })).scheduler.tags).toEqual({ query: 'a=b' });
  });

  test.each(['pauseAt', 'resumeAt'])('turn the %s schedule off with "off"', (key) => {
    expect(readAppConfig(contextOf({ [key]: 'off' })).scheduler).toHaveProperty(key, undefined);
  });

  test('read a JSON config file, and let context override it', () => {
    // GIVEN
    const file = JSON.stringify({
      services: [WEB_API_ARN],
      tags: { env: 'dev' },
      pauseAt: '18:00',
      weekDays: ['SAT', 'SUN'],
      dryRun: true,
      holidays: ['2026-12-25'],
    });

    // WHEN
    const config = readAppConfig(contextOf({ config: 'scheduler.json', pauseAt: '21:00' }), filesOf({ 'scheduler.json': file }));

    // THEN
    expect(config.scheduler).toMatchObject({
      services: [WEB_API_ARN],
      tags: { env: 'dev' },
      pauseAt: '21:00',
      weekDays: [WeekDay.SATURDAY, WeekDay.SUNDAY],
      dryRun: true,
      holidays: ['2026-12-25'],
    });
  });

  test.each<[string, Record<string, unknown>, Record<string, string>, string]>([
    ['a flag that is not a boolean', { dryRun: 'yes' }, {}, 'dryRun (context): received "yes"; expected true or false'],
    ['a tag without a value', { tags: 'env' }, {}, 'tags (context): received "env"; expected key=value pairs separated by commas, such as env=dev,team=web, or an object of strings'],
    ['an address that is no address', { alarmEmail: 'ops' }, {}, 'alarmEmail (context): received "ops"; expected an email address'],
    ['an empty stack name', { stackName: ' ' }, {}, 'stackName (context): received " "; expected a non-empty string'],
    [
      'a missing config file',
      { config: 'missing.json' },
      {},
      "config (context): received \"missing.json\"; expected the path of a readable JSON file (ENOENT: no such file or directory, open 'missing.json')",
    ],
    [
      'a config file that is no JSON',
      { config: 'bad.json' },
      { 'bad.json': 'pauseAt: 19:00' },
      'config (context): received "bad.json"; expected the path of a readable JSON file (Unexpected token \'p\', "pauseAt: 19:00" is not valid JSON)',
    ],
    ['a config file that is no object', { config: 'list.json' }, { 'list.json': '["19:00"]' }, 'config file list.json: received ["19:00"]; expected a JSON object of settings'],
    [
      'a misspelt setting in the config file',
      { config: 'typo.json' },
      { 'typo.json': '{"pausAt":"19:00"}' },
      'pausAt (config file typo.json): received "19:00"; expected no such setting; the settings are stackName, services, tags, regions, timeZone, pauseAt, resumeAt, weekDays, deployAfterResume, holidays, dryRun, resumeManuallyPaused, enabled, alarmEmail',
    ],
    ['services of the wrong type in the config file', { config: 'c.json' }, { 'c.json': '{"services":42}' }, 'services (config file c.json): received 42; expected a comma-separated string or a list of strings'],
  ])('reject %s', (_, context, files, message) => {
    expect(() => readAppConfig(contextOf(context), filesOf(files))).toThrow(new Error(`Invalid app configuration: ${message}`));
  });

  test('name every bad setting at once', () => {
    expect(() => readAppConfig(contextOf({ dryRun: 'yes', enabled: 'no' }))).toThrow(
      'Invalid app configuration: dryRun (context): received "yes"; expected true or false. enabled (context): received "no"; expected true or false',
    );
  });
});

describe('the app', () => {
  test('synthesizes with no configuration, and passes the AwsSolutions checks', () => {
    // WHEN
    const stack = defineApp(new App());

    // THEN
    const template = Template.fromStack(stack);
    expect(stack.stackName).toBe('AppRunnerScheduler');
    expect(stack.environment).toBe('aws://unknown-account/unknown-region');
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 19 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: Match.objectLike({
        Input: JSON.stringify({ action: 'pause', tags: { 'apprunner-scheduler:schedule': 'office-hours' }, timeZone: 'Europe/London' }),
      }),
    });
  });

  test('subscribes the alarm email to the alarm topic', () => {
    const stack = defineApp(new App({ context: { alarmEmail: 'ops@example.com' } }));

    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });

  test.each([
    ['pauseAt', '7pm'],
    ['timeZone', 'Mars/Olympus_Mons'],
    ['weekDays', 'MON,FUNDAY'],
    ['deployAfterResume', 'sometimes'],
  ])('refuses a %s the construct rejects, naming it: %s', (setting, value) => {
    expect(() => defineApp(new App({ context: { [setting]: value } }))).toThrow(new RegExp(`^Invalid AppRunnerScheduler props: ${setting}(\\[\\d+\\])?: received`));
  });
});
