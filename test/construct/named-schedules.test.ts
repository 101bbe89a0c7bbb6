import { App, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SCHEDULER_GROUP_NAME_ENV, SCHEDULER_SCHEDULES_ENV } from '../../contract/function-environment';
import { SCHEDULER_HOURS_ENV } from '../../contract/office-hours';
import { parseSchedules } from '../../contract/schedules';
import { SCHEDULE_TAG_KEY } from '../../contract/scheduler-tags';
import { AppRunnerScheduler, DeployAfterResume, type AppRunnerSchedulerProps, type ScheduleOptions } from '../../lib';
import { REJECTED_ACCOUNTS_VALUES, REJECTED_EVENT_VALUES, REJECTED_SCHEDULE_NAMES } from '../contract/rejected-events';
import { WEB_API_ARN, WORKER_ARN } from './fixtures';

const BILLING_ARN = 'arn:aws:apprunner:eu-west-1:123456789012:service/billing/00112233445566778899aabbccddeeff';

/** London office hours, the props' own schedule. */
const LONDON: AppRunnerSchedulerProps = { tags: { team: 'uk' }, timeZone: TimeZone.EUROPE_LONDON, pauseAt: '19:00', resumeAt: '07:00' };
/** New York office hours, a named schedule. */
const NEW_YORK: ScheduleOptions = { tags: { team: 'us' }, timeZone: TimeZone.AMERICA_NEW_YORK, pauseAt: '18:00', resumeAt: '08:00' };

function newScheduler(props: AppRunnerSchedulerProps = LONDON): { stack: Stack; scheduler: AppRunnerScheduler } {
  const stack = new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
  return { stack, scheduler: new AppRunnerScheduler(stack, 'Scheduler', props) };
}

interface ScheduleResource {
  readonly Properties: { ScheduleExpression: string; ScheduleExpressionTimezone: string; State: string; Target: { Input: string } };
}

/** Each schedule's expression, time zone and event, sorted by expression. */
function schedulesOf(template: Template): { expression: string; timeZone: string; state: string; event: Record<string, unknown> }[] {
  return Object.values(template.findResources('AWS::Scheduler::Schedule') as Record<string, ScheduleResource>)
    .map(({ Properties: p }) => ({ expression: p.ScheduleExpression, timeZone: p.ScheduleExpressionTimezone, state: p.State, event: JSON.parse(p.Target.Input) }))
    .sort((a, b) => a.expression.localeCompare(b.expression));
}

function functionEnvironment(template: Template): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
  return fn.Properties.Environment.Variables;
}

interface Statement {
  readonly Sid: string;
  readonly Action: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
}

function functionRoleStatements(template: Template): Statement[] {
  const roles = Object.values(template.findResources('AWS::IAM::Role', { Properties: { Description: 'Runs the App Runner scheduler function' } }));
  return roles[0].Properties.Policies[0].PolicyDocument.Statement;
}

describe('named schedules on one scheduler', () => {
  it('share one function, one dead-letter queue, one failed-run alarm, one dashboard and one schedule group', () => {
    const { stack, scheduler } = newScheduler();

    scheduler.addSchedule('newyork', NEW_YORK);

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    template.resourceCountIs('AWS::Events::Rule', 1);
    // The failed-run alarm and the one failed-deployment alarm of both schedules' resumes.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.resourceCountIs('AWS::Scheduler::Schedule', 4);
  });

  it("run each schedule's pause and resume in its own time zone, each sending its events with its name", () => {
    const { stack, scheduler } = newScheduler();

    scheduler.addSchedule('newyork', NEW_YORK);

    const common = { deployAfterResume: 'auto' };
    expect(schedulesOf(Template.fromStack(stack))).toEqual([
      { expression: 'cron(0 18 ? * MON-FRI *)', timeZone: 'America/New_York', state: 'ENABLED', event: { action: 'pause', tags: { team: 'us' }, timeZone: 'America/New_York', schedule: 'newyork' } },
      { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: 'Europe/London', state: 'ENABLED', event: { action: 'pause', tags: { team: 'uk' }, timeZone: 'Europe/London', schedule: 'default' } },
      { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: 'Europe/London', state: 'ENABLED', event: { action: 'resume', tags: { team: 'uk' }, ...common, timeZone: 'Europe/London', schedule: 'default' } },
      { expression: 'cron(0 8 ? * MON-FRI *)', timeZone: 'America/New_York', state: 'ENABLED', event: { action: 'resume', tags: { team: 'us' }, ...common, timeZone: 'America/New_York', schedule: 'newyork' } },
    ]);
  });

  it('returns the schedules it created, under a construct of their own', () => {
    const { scheduler } = newScheduler();

    const added = scheduler.addSchedule('newyork', { ...NEW_YORK, resumeAt: undefined });

    expect(added.name).toBe('newyork');
    expect(added.pauseSchedule?.node.path).toBe('Stack/Scheduler/Schedules/newyork/PauseSchedule');
    expect(added.resumeSchedule).toBeUndefined();
    expect(scheduler.pauseSchedule?.node.path).toBe('Stack/Scheduler/PauseSchedule');
  });

  it('selects the services tagged with its name when it lists no services and no tags', () => {
    const { stack, scheduler } = newScheduler();

    scheduler.addSchedule('singapore', { timeZone: TimeZone.ASIA_SINGAPORE, pauseAt: '20:00', resumeAt: '08:30', regions: ['ap-southeast-1'] });

    const singapore = schedulesOf(Template.fromStack(stack)).filter((s) => s.event.schedule === 'singapore');
    expect(singapore.map((s) => s.event.tags)).toEqual([{ [SCHEDULE_TAG_KEY]: 'singapore' }, { [SCHEDULE_TAG_KEY]: 'singapore' }]);
    expect(singapore.map((s) => s.event.regions)).toEqual([['ap-southeast-1'], ['ap-southeast-1']]);
  });

  it('creates a disabled named schedule DISABLED, the others as they are, and warns by an id that names it', () => {
    const { stack, scheduler } = newScheduler();

    scheduler.addSchedule('newyork', { ...NEW_YORK, enabled: false });

    const states = schedulesOf(Template.fromStack(stack)).map((s) => [s.event.schedule, s.state]);
    expect(states).toEqual([
      ['newyork', 'DISABLED'],
      ['default', 'ENABLED'],
      ['default', 'ENABLED'],
      ['newyork', 'DISABLED'],
    ]);
    Annotations.fromStack(stack).hasWarning('/Stack/Scheduler', Match.stringLikeRegexp('^Schedule "newyork": enabled is false.*\\[ack: cdk-apprunner-scheduler:newyork.disabled\\]$'));
  });

  it('warns of a named schedule time that daylight saving skips, by an id that names the schedule', () => {
    const { stack, scheduler } = newScheduler();

    scheduler.addSchedule('newyork', { ...NEW_YORK, pauseAt: '02:30' });

    Annotations.fromStack(stack).hasWarning(
      '/Stack/Scheduler',
      Match.stringLikeRegexp('^Schedule "newyork": pauseAt 02:30 in America/New_York is skipped when clocks go forward.*\\[ack: cdk-apprunner-scheduler:newyork.pauseAtDaylightSaving\\]$'),
    );
  });
});

describe('a scheduler of named schedules only', () => {
  it('takes props without a schedule, and no schedule named default', () => {
    const { stack, scheduler } = newScheduler({});

    scheduler.addSchedule('london', { timeZone: TimeZone.EUROPE_LONDON, pauseAt: '19:00', resumeAt: '07:00' });
    scheduler.addSchedule('workers', { services: [WORKER_ARN], pauseAt: '22:00' });

    const template = Template.fromStack(stack);
    expect(schedulesOf(template).map((s) => s.event.schedule)).toEqual(['london', 'workers', 'london']);
    expect([...parseSchedules(functionEnvironment(template)[SCHEDULER_SCHEDULES_ENV] as string).keys()]).toEqual(['london', 'workers']);
    expect(scheduler.pauseSchedule).toBeUndefined();
  });

  it('fails at synth when no schedule was ever added', () => {
    const { stack } = newScheduler({});

    expect(() => Template.fromStack(stack)).toThrow(
      /AppRunnerScheduler has no schedule: give its props pauseAt\/pauseSchedule or resumeAt\/resumeSchedule with services or tags, or call addSchedule\(name, options\)/,
    );
  });

  it('lets the function arrange snooze and wake endings once a named schedule both pauses and resumes', () => {
    const { stack, scheduler } = newScheduler({});

    scheduler.addSchedule('london', { tags: { team: 'uk' }, pauseAt: '19:00', resumeAt: '07:00' });

    const template = Template.fromStack(stack);
    expect(functionEnvironment(template)[SCHEDULER_GROUP_NAME_ENV]).toEqual(expect.any(String));
    expect(functionEnvironment(template)[SCHEDULER_HOURS_ENV]).toBeUndefined();
    expect(functionRoleStatements(template).map((s) => s.Sid)).toEqual(expect.arrayContaining(['ArrangePausesInOwnScheduleGroup', 'PassSchedulesRoleToScheduler']));
  });
});

describe('the function is told of the schedules', () => {
  it('in SCHEDULER_SCHEDULES: each schedule by name, the props’ own as default, with its hours and selection', () => {
    const { stack, scheduler } = newScheduler({ ...LONDON, holidays: ['2026-12-25'] });

    scheduler.addSchedule('newyork', NEW_YORK);
    scheduler.addSchedule('billing', { services: [BILLING_ARN], pauseAt: '21:00' });
    scheduler.addSchedule('sandbox', { tags: { env: 'sandbox' }, accounts: ['210987654321'], regions: ['us-east-1'], pauseAt: '20:00', resumeAt: '09:00' });

    const environment = functionEnvironment(Template.fromStack(stack));
    const schedules = parseSchedules(environment[SCHEDULER_SCHEDULES_ENV] as string);
    expect(Object.fromEntries(schedules)).toEqual({
      default: {
        name: 'default',
        hours: {
          pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: 'Europe/London' },
          resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: 'Europe/London' },
          holidays: ['2026-12-25'],
        },
        selection: { tags: { team: 'uk' }, services: [], accounts: [], regions: [] },
      },
      newyork: {
        name: 'newyork',
        hours: {
          pause: { expression: 'cron(0 18 ? * MON-FRI *)', timeZone: 'America/New_York' },
          resume: { expression: 'cron(0 8 ? * MON-FRI *)', timeZone: 'America/New_York' },
        },
        selection: { tags: { team: 'us' }, services: [], accounts: [], regions: [] },
      },
      // It only pauses: no hours.
      billing: { name: 'billing', selection: { tags: {}, services: [BILLING_ARN], accounts: [], regions: [] } },
      sandbox: {
        name: 'sandbox',
        hours: { pause: { expression: 'cron(0 20 ? * MON-FRI *)', timeZone: 'Etc/UTC' }, resume: { expression: 'cron(0 9 ? * MON-FRI *)', timeZone: 'Etc/UTC' } },
        selection: { tags: { env: 'sandbox' }, services: [], accounts: ['210987654321'], regions: ['us-east-1'] },
      },
    });
    // The props' own hours stay where a function without named schedules reads them.
    expect(JSON.parse(environment[SCHEDULER_HOURS_ENV] as string)).toEqual(JSON.parse(JSON.stringify(schedules.get('default')!.hours)));
  });

  it('not at all without named schedules: no SCHEDULER_SCHEDULES, and events without a schedule field', () => {
    const { stack } = newScheduler();

    const template = Template.fromStack(stack);
    expect(functionEnvironment(template)[SCHEDULER_SCHEDULES_ENV]).toBeUndefined();
    expect(schedulesOf(template).map((s) => 'schedule' in s.event)).toEqual([false, false]);
  });

  it('refuses a schedule that would take the function’s environment beyond Lambda’s 4 KB, saying how to make it smaller, and adds nothing', () => {
    const { stack, scheduler } = newScheduler();
    const holidays = Array.from({ length: 366 }, (_, day) => new Date(Date.UTC(2027, 0, 1 + day)).toISOString().slice(0, 10));

    expect(() => scheduler.addSchedule('newyork', { ...NEW_YORK, holidays })).toThrow(
      /^Invalid schedule "newyork" of AppRunnerScheduler Stack\/Scheduler: \(the function's environment\): received "\d{4} bytes known at synth"; expected at most 4096 bytes for all of the function's environment variables together \(Lambda's limit; here SCHEDULER_NAME, SCHEDULER_HOURS, SCHEDULER_GROUP_NAME, SCHEDULER_TARGET_ROLE_ARN, SCHEDULER_DEAD_LETTER_QUEUE_ARN, SCHEDULER_SCHEDULES\)\. Each schedule's holidays, listed ARNs and tags are in it: select services by tag \(apprunner-scheduler:schedule=<name>\) rather than listing them, keep fewer holidays, or split the schedules between two schedulers$/,
    );
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    expect(functionEnvironment(template)[SCHEDULER_SCHEDULES_ENV]).toBeUndefined();
  });
});

describe("the scheduler's own props", () => {
  it('are refused when their hours alone would take the environment beyond 4 KB, which Lambda would refuse at deployment', () => {
    const holidays = Array.from({ length: 366 }, (_, day) => new Date(Date.UTC(2027, 0, 1 + day)).toISOString().slice(0, 10));

    expect(() => newScheduler({ ...LONDON, holidays })).toThrow(/^Invalid AppRunnerScheduler props: \(the function's environment\): received "\d{4} bytes known at synth"; expected at most 4096 bytes/);
  });
});

describe('a service follows one schedule', () => {
  it('refuses an ARN that the props’ schedule lists too, naming both schedules and the ARN, and adds nothing', () => {
    const { stack, scheduler } = newScheduler({ services: [WEB_API_ARN], pauseAt: '19:00', resumeAt: '07:00' });

    expect(() => scheduler.addSchedule('workers', { services: [WORKER_ARN, WEB_API_ARN], pauseAt: '22:00' })).toThrow(
      new Error(
        `Invalid schedule "workers" of AppRunnerScheduler Stack/Scheduler: services[1]: received "${WEB_API_ARN}"; expected an ARN no other schedule lists: schedule "default" lists it too, and a service follows one schedule (list it in "workers" or in "default", not both)`,
      ),
    );
    Template.fromStack(stack).resourceCountIs('AWS::Scheduler::Schedule', 2);
  });

  it('refuses an ARN that another named schedule lists', () => {
    const { scheduler } = newScheduler();
    scheduler.addSchedule('workers', { services: [WORKER_ARN], pauseAt: '22:00' });

    expect(() => scheduler.addSchedule('nightly', { services: [WORKER_ARN], pauseAt: '23:00' })).toThrow(/services\[0\]: received "arn:aws:apprunner:us-east-1:123456789012:service\/worker\/[0-9a-f]+"; expected an ARN no other schedule lists: schedule "workers" lists it too/);
  });

  it('takes two tag selections that may overlap: the function skips a service both select, at run time', () => {
    const { stack, scheduler } = newScheduler({ ...LONDON, tags: { env: 'dev' } });

    scheduler.addSchedule('newyork', { ...NEW_YORK, tags: { env: 'dev', team: 'us' } });

    Template.fromStack(stack).resourceCountIs('AWS::Scheduler::Schedule', 4);
  });
});

describe('schedule names', () => {
  test.each(REJECTED_SCHEDULE_NAMES)('refuses $name, as the event contract does', ({ value, message }) => {
    const { scheduler } = newScheduler();

    expect(() => scheduler.addSchedule(value as string, NEW_YORK)).toThrow(
      new Error(`Invalid schedule ${JSON.stringify(value)} of AppRunnerScheduler Stack/Scheduler: ${message.replace(/^schedule:/, 'name:')}`),
    );
  });

  it('refuses default, the name of the props’ own schedule', () => {
    const { scheduler } = newScheduler({});

    expect(() => scheduler.addSchedule('default', NEW_YORK)).toThrow(
      new Error('Invalid schedule "default" of AppRunnerScheduler Stack/Scheduler: name: received "default"; expected a name other than "default", which names the schedule of the scheduler\'s own props'),
    );
  });

  it('refuses a name that is taken', () => {
    const { scheduler } = newScheduler();
    scheduler.addSchedule('newyork', NEW_YORK);

    expect(() => scheduler.addSchedule('newyork', { ...NEW_YORK, pauseAt: '17:00' })).toThrow(
      new Error('Invalid schedule "newyork" of AppRunnerScheduler Stack/Scheduler: name: received "newyork"; expected a name no other schedule of this scheduler has (addSchedule("newyork") was called before)'),
    );
  });
});

describe('named schedule options', () => {
  it('are checked by the rules of the props, every problem named at once with the schedule', () => {
    const { scheduler } = newScheduler();

    expect(() => scheduler.addSchedule('newyork', { services: ['arn:nope'], pauseAt: '7pm', resumeAt: '08:00', holidays: ['someday'] })).toThrow(
      /^Invalid schedule "newyork" of AppRunnerScheduler Stack\/Scheduler: services\[0\]: received "arn:nope"; .*\. holidays\[0\]: received "someday"; .*\. pauseAt: received "7pm"; expected a local time HH:MM from 00:00 to 23:59, such as "19:00"$/,
    );
  });

  // A named schedule that selects nothing selects the services tagged with its name, and dryRun and
  // resumeManuallyPaused are the scheduler's: those rows do not apply.
  const rejected = [...REJECTED_EVENT_VALUES, ...REJECTED_ACCOUNTS_VALUES].filter(
    (row) => (row.fields.services !== undefined || row.fields.tags !== undefined) && row.fields.dryRun === undefined && row.fields.resumeManuallyPaused === undefined,
  );
  test.each(rejected.map((row) => [row.name, row]))('fail, as from JavaScript, for %s, naming the field the event contract names', (_, row) => {
    const { scheduler } = newScheduler();
    const { timeZone, ...sameAsEvent } = row.fields;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JavaScript caller's options
    const options: any = { pauseAt: '18:00', resumeAt: '08:00', ...sameAsEvent, ...(timeZone !== undefined && { timeZone: TimeZone.of(timeZone as string) }) };

    expect(() => scheduler.addSchedule('newyork', options)).toThrow(`Invalid schedule "newyork" of AppRunnerScheduler Stack/Scheduler: ${row.message}`);
  });

  test.each(REJECTED_ACCOUNTS_VALUES.map((row) => [row.name, row]))("fail in the scheduler's own props too, for %s", (_, row) => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JavaScript caller's props
    const props: any = { pauseAt: '18:00', resumeAt: '08:00', ...row.fields };

    expect(() => newScheduler(props)).toThrow(`Invalid AppRunnerScheduler props: ${row.message}`);
  });

  it("do not include the scheduler's own props, or anything else", () => {
    const { scheduler } = newScheduler();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JavaScript caller's options
    const options: any = { ...NEW_YORK, dryRun: true, pauseat: '17:00' };

    expect(() => scheduler.addSchedule('newyork', options)).toThrow(
      new Error(
        'Invalid schedule "newyork" of AppRunnerScheduler Stack/Scheduler: dryRun: received true; expected no such option of a named schedule; its options are services, tags, regions, accounts, timeZone, pauseAt, resumeAt, weekDays, pauseSchedule, resumeSchedule, deployAfterResume, holidays, enabled (the other props, such as dryRun, are the scheduler\'s, for every schedule). ' +
          'pauseat: received "17:00"; expected no such option of a named schedule; its options are services, tags, regions, accounts, timeZone, pauseAt, resumeAt, weekDays, pauseSchedule, resumeSchedule, deployAfterResume, holidays, enabled (the other props, such as dryRun, are the scheduler\'s, for every schedule)',
      ),
    );
  });

  it('need a pause or a resume', () => {
    const { scheduler } = newScheduler();

    expect(() => scheduler.addSchedule('newyork', { tags: { team: 'us' } })).toThrow(
      new Error('Invalid schedule "newyork" of AppRunnerScheduler Stack/Scheduler: pauseAt: received nothing; expected pauseAt or pauseSchedule, resumeAt or resumeSchedule, or both: a scheduler must pause or resume'),
    );
  });
});

describe("the function's role", () => {
  it("allows every schedule's calls on its own selection, each conditioned on its tags", () => {
    const { stack, scheduler } = newScheduler();

    scheduler.addSchedule('singapore', { pauseAt: '20:00', resumeAt: '08:30', deployAfterResume: DeployAfterResume.NEVER });
    scheduler.addSchedule('billing', { services: [BILLING_ARN], pauseAt: '21:00' });

    const statements = functionRoleStatements(Template.fromStack(stack));
    const conditionOf = (sid: string) => statements.find((s) => s.Sid === sid)?.Condition?.StringEquals;
    expect(conditionOf('PauseResumeDeployTaggedServices')).toEqual({ 'aws:ResourceTag/team': 'uk' });
    // Singapore resumes without deploying: its statement allows no StartDeployment.
    expect(conditionOf('PauseResumeTaggedServices2')).toEqual({ [`aws:ResourceTag/${SCHEDULE_TAG_KEY}`]: 'singapore' });
    expect(statements.find((s) => s.Sid === 'PauseListedServices3')).toMatchObject({ Action: 'apprunner:PauseService', Resource: BILLING_ARN });
  });
});

describe('AwsSolutions checks', () => {
  test.each<[string, AppRunnerSchedulerProps]>([
    ["the props' own schedule and named ones", LONDON],
    ['named schedules only', {}],
  ])('find nothing unacknowledged with %s, in other regions and accounts too', (_, props) => {
    const { stack, scheduler } = newScheduler(props);

    scheduler.addSchedule('newyork', { ...NEW_YORK, regions: ['us-east-1'], accounts: ['210987654321'] });
    scheduler.addSchedule('singapore', { regions: ['ap-southeast-1'], pauseAt: '20:00', resumeAt: '08:30' });
    scheduler.addSchedule('billing', { services: [BILLING_ARN], pauseAt: '21:00' });

    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('deployment outcomes', () => {
  it("widen to every service when a named schedule that deploys selects by tag", () => {
    const { stack, scheduler } = newScheduler({ services: [WEB_API_ARN], pauseAt: '19:00', resumeAt: '07:00' });

    scheduler.addSchedule('newyork', NEW_YORK);

    const [rule] = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    expect(rule.Properties.EventPattern.resources).toBeUndefined();
  });

  it('match the listed services of every schedule that deploys', () => {
    const { stack, scheduler } = newScheduler({ services: [WEB_API_ARN], pauseAt: '19:00', resumeAt: '07:00' });

    scheduler.addSchedule('billing', { services: [BILLING_ARN], pauseAt: '21:00', resumeAt: '06:00', deployAfterResume: DeployAfterResume.ALWAYS });
    scheduler.addSchedule('workers', { services: [WORKER_ARN], pauseAt: '21:00', resumeAt: '06:00', deployAfterResume: DeployAfterResume.NEVER });

    const [rule] = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
    expect(rule.Properties.EventPattern.resources).toEqual([WEB_API_ARN, BILLING_ARN]);
  });

  it('are reported, with an alarm that may publish to the alarm topic and shows on the dashboard, when only a named schedule deploys', () => {
    const { stack, scheduler } = newScheduler({ ...LONDON, resumeAt: undefined });
    expect(scheduler.deploymentOutcomes).toBeUndefined();

    scheduler.addSchedule('newyork', NEW_YORK);

    const template = Template.fromStack(stack);
    const alarmId = stack.getLogicalId(scheduler.deploymentOutcomes!.alarm.node.defaultChild as never);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowSchedulerAlarmsToPublish', Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': Match.arrayWith([{ 'Fn::GetAtt': [alarmId, 'Arn'] }]) } }) })]) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }], MetricName: 'DeploymentsFailed' });
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(JSON.stringify(dashboard.Properties.DashboardBody)).toContain(alarmId);
  });
});
