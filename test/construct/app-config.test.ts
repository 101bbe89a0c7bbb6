import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, TimeZone } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { defineApp } from '../../bin/app';
import { readAppConfig } from '../../bin/app-config';
import { SERVICE_ARN_FORMAT } from '../../contract/event';
import { DeployAfterResume, WeekDay } from '../../lib';
import { WEB_API_ARN, WORKER_ARN } from './fixtures';

function filesOf(files: Record<string, string>) {
  return (path: string) => {
    if (path in files) return files[path];
    throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  };
}

describe('app settings', () => {
  test('default to office-hours tagged services, paused 19:00-07:00 London time on weekdays', () => {
    expect(readAppConfig({})).toEqual({
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
      {
        stackName: 'Nightly',
        services: `${WEB_API_ARN}, ${WORKER_ARN}`,
        tags: 'env=dev,team=web',
        regions: 'eu-west-1,us-east-1',
        accounts: '111111111111,222222222222',
        memberExternalId: 'platform-scheduler',
        timeZone: 'Europe/Paris',
        pauseAt: '20:00',
        resumeAt: '06:30',
        weekDays: 'MON,TUE,WED',
        deployAfterResume: 'always',
        holidays: '2026-12-25,2027-01-01',
        dryRun: 'true',
        resumeManuallyPaused: 'false',
        enabled: 'false',
        dashboard: 'false',
        alarmEmail: 'ops@example.com',
      },
    );

    expect(config).toEqual({
      stackName: 'Nightly',
      alarmEmail: 'ops@example.com',
      scheduler: {
        services: [WEB_API_ARN, WORKER_ARN],
        tags: { env: 'dev', team: 'web' },
        regions: ['eu-west-1', 'us-east-1'],
        accounts: ['111111111111', '222222222222'],
        memberExternalId: 'platform-scheduler',
        timeZone: TimeZone.of('Europe/Paris'),
        pauseAt: '20:00',
        resumeAt: '06:30',
        weekDays: [WeekDay.MONDAY, WeekDay.TUESDAY, WeekDay.WEDNESDAY],
        deployAfterResume: DeployAfterResume.ALWAYS,
        holidays: ['2026-12-25', '2027-01-01'],
        dryRun: true,
        resumeManuallyPaused: false,
        enabled: false,
        dashboard: false,
      },
    });
  });

  test('select only the listed services when services are given', () => {
    expect(readAppConfig({ services: WEB_API_ARN }).scheduler).toMatchObject({ services: [WEB_API_ARN], tags: undefined });
  });

  test('keep everything after the first = in a tag value', () => {
    expect(readAppConfig({ tags: 'query=a=b' }).scheduler.tags).toEqual({ query: 'a=b' });
  });

  test.each(['pauseAt', 'resumeAt'])('turn the %s schedule off with "off"', (key) => {
    expect(readAppConfig({ [key]: 'off' }).scheduler).toHaveProperty(key, undefined);
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
    const config = readAppConfig({ config: 'scheduler.json', pauseAt: '21:00' }, filesOf({ 'scheduler.json': file }));

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
      'pausAt (config file typo.json): received "19:00"; expected a known key: did you mean pauseAt? (the keys are stackName, services, tags, regions, accounts, memberExternalId, timeZone, pauseAt, resumeAt, weekDays, deployAfterResume, holidays, dryRun, resumeManuallyPaused, enabled, dashboard, alarmEmail)',
    ],
    ['services of the wrong type in the config file', { config: 'c.json' }, { 'c.json': '{"services":42}' }, 'services (config file c.json): received 42; expected a comma-separated string or a list of strings'],
    [
      'a mistyped context key, ignoring case',
      { timezone: 'Europe/Paris' },
      {},
      'timezone (context): received "Europe/Paris"; expected a known key: did you mean timeZone? (the keys are stackName, services, tags, regions, accounts, memberExternalId, timeZone, pauseAt, resumeAt, weekDays, deployAfterResume, holidays, dryRun, resumeManuallyPaused, enabled, dashboard, alarmEmail, config)',
    ],
    [
      'a context key near none',
      { schedule: 'nightly' },
      {},
      'schedule (context): received "nightly"; expected a known key (the keys are stackName, services, tags, regions, accounts, memberExternalId, timeZone, pauseAt, resumeAt, weekDays, deployAfterResume, holidays, dryRun, resumeManuallyPaused, enabled, dashboard, alarmEmail, config)',
    ],
    // Values the construct would refuse too, but here with their key and source.
    ['a time zone that is none', { timeZone: 'Mars/Olympus_Mons' }, {}, 'timeZone (context): received "Mars/Olympus_Mons"; expected an IANA time zone such as "Europe/London" or "UTC"'],
    ['a week day that is none', { weekDays: 'MON,FUNDAY' }, {}, 'weekDays[1] (context): received "FUNDAY"; expected a WeekDay: one of MON, TUE, WED, THU, FRI, SAT, SUN'],
    ['a deployment policy that is none', { deployAfterResume: 'sometimes' }, {}, 'deployAfterResume (context): received "sometimes"; expected one of "never", "auto", "always"'],
    ['a time in 12-hour form', { pauseAt: '7pm' }, {}, 'pauseAt (context): received "7pm"; expected a local time HH:MM from 00:00 to 23:59, such as "19:00"'],
    ['a holiday that is no date, from the config file', { config: 'c.json' }, { 'c.json': '{"holidays":["2026-02-30"]}' }, 'holidays[0] (config file c.json): received "2026-02-30"; expected real dates written YYYY-MM-DD'],
    ['a service that is no ARN', { services: 'web-api' }, {}, `services[0] (context): received "web-api"; expected App Runner service ARNs (${SERVICE_ARN_FORMAT})`],
    ['regions without tags', { services: WEB_API_ARN, regions: 'eu-west-1' }, {}, 'regions (context): received ["eu-west-1"]; expected regions only together with "tags" (a listed ARN is called in its own region)'],
    ['a pause at the default resume time', { pauseAt: '07:00' }, {}, 'resumeAt (default): received "07:00"; expected a time other than pauseAt "07:00": both would run at once'],
  ])('reject %s', (_, context, files, message) => {
    expect(() => readAppConfig(context, filesOf(files))).toThrow(new Error(`Invalid app configuration: ${message}`));
  });

  test('leave the context keys that are CDK\'s own alone: feature flags, aws:cdk:..., lookups, the CLI\'s', () => {
    const context = {
      '@aws-cdk/core:newStyleStackSynthesis': true,
      'aws:cdk:enable-path-metadata': true,
      'availability-zones:account=123456789012:region=eu-west-1': ['eu-west-1a'],
      'cli-telemetry': false,
      'acknowledged-issue-numbers': [32775],
    };

    expect(readAppConfig(context)).toEqual(readAppConfig({}));
  });

  test('name every bad setting at once', () => {
    expect(() => readAppConfig({ dryRun: 'yes', enabled: 'no' })).toThrow(
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

  test('outputs what the README\'s "Operate it" looks up, each with a description', () => {
    const outputs = Template.fromStack(defineApp(new App())).findOutputs('*');

    expect(Object.keys(outputs).sort()).toEqual(['AlarmTopicArn', 'DeadLetterQueueUrl', 'FunctionName', 'LogGroupName', 'ScheduleGroupName']);
    for (const output of Object.values(outputs)) expect(output.Description).toEqual(expect.any(String));
  });
});

describe('the app on the command line', () => {
  const root = path.join(__dirname, '..', '..');

  test('refuses mistyped keys and bad values in one message, without a stack trace, exit code 1', () => {
    // WHEN the app runs as `cdk synth` runs it, with `-c timezone=Europe/Paris -c pauseAt=7pm`
    const run = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'bin/app.ts'], {
      cwd: root,
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ timezone: 'Europe/Paris', pauseAt: '7pm' }) },
      encoding: 'utf8',
    });

    // THEN
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('timezone (context): received "Europe/Paris"; expected a known key: did you mean timeZone?');
    expect(run.stderr).toContain('pauseAt (context): received "7pm"; expected a local time HH:MM');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  test('cdk synth writes the template alone to standard output, and no feature-flag notice', () => {
    const run = spawnSync('npx', ['cdk', 'synth', '--json', '--output', fs.mkdtempSync(path.join(os.tmpdir(), 'apprunner-scheduler-synth-'))], {
      cwd: root,
      encoding: 'utf8',
    });

    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveProperty('Resources');
    expect(run.stderr).toContain('bundled lambda/index.ts');
    expect(`${run.stdout}${run.stderr}`).not.toContain('feature flags');
  }, 180_000);
});
