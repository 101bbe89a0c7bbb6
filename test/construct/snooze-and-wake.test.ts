/**
 * What the construct tells its function so that snoozes and wakes end on their own: its hours exactly
 * as the schedules run, the group and role for one-time schedules, a name for metrics.
 */
import { App, CfnParameter, Stack, TimeZone } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { parseOfficeHours } from '../../contract/office-hours';
import { AppRunnerScheduler, type AppRunnerSchedulerProps } from '../../lib';
import { MINIMAL_PROPS, synthScheduler } from './fixtures';

/** The function's environment variables, as the template has them. */
function functionEnvironment(template: Template): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
  return fn.Properties.Environment.Variables as Record<string, unknown>;
}

/** The expression and time zone each schedule is deployed with. */
function deployedSchedules(template: Template): Record<string, { expression: string; timeZone: string }> {
  const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
  return Object.fromEntries(
    schedules.map((s) => [
      JSON.parse(s.Properties.Target.Input as string).action as string,
      { expression: s.Properties.ScheduleExpression as string, timeZone: s.Properties.ScheduleExpressionTimezone as string },
    ]),
  );
}

describe('the function is told', () => {
  test.each<[string, AppRunnerSchedulerProps]>([
    ['pauseAt and resumeAt in UTC', MINIMAL_PROPS],
    ['pauseAt and resumeAt in London, with holidays', { ...MINIMAL_PROPS, timeZone: TimeZone.EUROPE_LONDON, holidays: ['2026-12-25'] }],
    [
      'schedules with their own time zones',
      {
        ...MINIMAL_PROPS,
        pauseAt: undefined,
        resumeAt: undefined,
        pauseSchedule: scheduler.ScheduleExpression.cron({ hour: '18', minute: '30', weekDay: 'MON-THU', timeZone: TimeZone.AMERICA_NEW_YORK }),
        resumeSchedule: scheduler.ScheduleExpression.expression('cron(0 8 ? * MON-FRI *)', TimeZone.AMERICA_NEW_YORK),
      },
    ],
  ])('its hours, exactly as the schedules are deployed: %s', (_, props) => {
    const { template } = synthScheduler(props);

    const hours = parseOfficeHours(functionEnvironment(template).SCHEDULER_HOURS as string);
    const deployed = deployedSchedules(template);
    expect(hours.pause).toEqual(deployed.pause);
    expect(hours.resume).toEqual(deployed.resume);
    expect(hours.holidays).toEqual(props.holidays);
  });

  test('its schedule group, the role its schedules invoke it with, its dead-letter queue and a stable name', () => {
    const { template } = synthScheduler(MINIMAL_PROPS);

    const [groupName] = Object.values(template.findResources('AWS::Scheduler::ScheduleGroup')).map((g) => g.Properties.Name as string);
    const [scheduleRoleId] = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: 'Lets the App Runner scheduler schedules invoke the function' } }));
    const [queueId] = Object.keys(template.findResources('AWS::SQS::Queue'));
    expect(functionEnvironment(template)).toMatchObject({
      SCHEDULER_NAME: 'Stack/Scheduler',
      SCHEDULER_GROUP_NAME: groupName,
      SCHEDULER_TARGET_ROLE_ARN: { 'Fn::GetAtt': [scheduleRoleId, 'Arn'] },
      SCHEDULER_DEAD_LETTER_QUEUE_ARN: { 'Fn::GetAtt': [queueId, 'Arn'] },
    });
    // The construct's own schedules invoke the function with that very role.
    template.hasResourceProperties('AWS::Scheduler::Schedule', { Target: { RoleArn: { 'Fn::GetAtt': [scheduleRoleId, 'Arn'] } } });
  });

  test('an expression resolved at deployment, as CloudFormation renders it into the JSON', () => {
    const stack = new Stack(new App(), 'Stack');
    const pause = new CfnParameter(stack, 'PauseExpression', { default: 'cron(0 19 ? * MON-FRI *)' });

    new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, pauseAt: undefined, pauseSchedule: scheduler.ScheduleExpression.expression(pause.valueAsString) });

    const hours = functionEnvironment(Template.fromStack(stack)).SCHEDULER_HOURS as { 'Fn::Join': [string, unknown[]] };
    expect(hours['Fn::Join'][1]).toContainEqual({ Ref: 'PauseExpression' });
  });

  test.each<[string, AppRunnerSchedulerProps]>([
    ['only pauses (no moment is known to be in hours)', { ...MINIMAL_PROPS, resumeAt: undefined }],
    ['only resumes', { ...MINIMAL_PROPS, pauseAt: undefined }],
    ['is a dry run (which arranges nothing)', { ...MINIMAL_PROPS, dryRun: true }],
  ])('no hours and no schedule target when the scheduler %s, so it arranges no pause and says why', (_, props) => {
    const { template } = synthScheduler(props);

    const environment = functionEnvironment(template);
    expect(Object.keys(environment)).toEqual(['SCHEDULER_NAME']);
  });
});
