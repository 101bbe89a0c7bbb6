/**
 * The construct's deployment outcomes: an EventBridge rule that brings App Runner's deployment events
 * to the function, and an alarm on failed deployments beside the failed-run alarm.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AppRunnerScheduler, DeployAfterResume, type AppRunnerSchedulerProps } from '../../lib';
import { matchesEventPattern } from '../support/scheduler-harness';
import { MINIMAL_PROPS, WEB_API_ARN, synthScheduler } from './fixtures';

const ACCOUNT = '111122223333';
const TAGGED: AppRunnerSchedulerProps = { tags: { schedule: 'office-hours' }, pauseAt: '19:00', resumeAt: '07:00' };

function deploymentEvent(resources: unknown[], operationStatus: string, account: unknown = ACCOUNT): Record<string, unknown> {
  return {
    version: '0',
    id: 'e',
    'detail-type': 'AppRunner Service Operation Status Change',
    source: 'aws.apprunner',
    account,
    time: '2026-11-30T07:06:00Z',
    region: 'eu-west-1',
    resources,
    detail: { operationStatus, ServiceName: 'web-api', ServiceId: 'x', Message: '', Severity: 'ERROR' },
  };
}

/** The synthesized rule's pattern, in a stack deployed to ACCOUNT. */
function rulePattern(props: AppRunnerSchedulerProps): Record<string, unknown> {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: 'eu-west-1' } });
  new AppRunnerScheduler(stack, 'Scheduler', props);
  const template = Template.fromStack(stack);
  const rules = Object.values(template.findResources('AWS::Events::Rule'));
  expect(rules).toHaveLength(1);
  return rules[0].Properties.EventPattern as Record<string, unknown>;
}

describe('the deployment event rule', () => {
  test('matches App Runner deployment events of the listed services only, in the stack’s account', () => {
    const pattern = rulePattern(MINIMAL_PROPS);

    expect(pattern).toEqual({
      source: ['aws.apprunner'],
      'detail-type': ['AppRunner Service Operation Status Change'],
      account: [ACCOUNT],
      resources: [WEB_API_ARN],
      detail: { $or: [{ operationStatus: [{ prefix: 'Deployment' }] }, { Status: [{ prefix: 'Deployment' }] }] },
    });
    expect(matchesEventPattern(pattern, deploymentEvent([WEB_API_ARN], 'DeploymentFailed'))).toBe(true);
    expect(matchesEventPattern(pattern, deploymentEvent([WEB_API_ARN.replace('web-api', 'worker')], 'DeploymentFailed'))).toBe(false);
    expect(matchesEventPattern(pattern, deploymentEvent([WEB_API_ARN], 'PauseServiceCompletedSuccessfully'))).toBe(false);
    expect(matchesEventPattern(pattern, { ...deploymentEvent([WEB_API_ARN], 'DeploymentFailed'), 'detail-type': 'AppRunner Service Status Change' })).toBe(false);
    expect(matchesEventPattern(pattern, { ...deploymentEvent([WEB_API_ARN], 'DeploymentFailed'), source: 'my.app' })).toBe(false);
  });

  test('with tag selection, matches the deployment events of the account’s services: the function tells its own', () => {
    const pattern = rulePattern(TAGGED);

    expect(pattern.resources).toBeUndefined();
    expect(matchesEventPattern(pattern, deploymentEvent(['any-service'], 'DeploymentCompletedSuccessfully'))).toBe(true);
    expect(matchesEventPattern(pattern, deploymentEvent(['any-service'], 'DeploymentCompletedSuccessfully', '999999999999'))).toBe(false);
  });

  test('targets the scheduler’s own function, with the dead-letter queue for events it could not deliver', () => {
    const { stack, scheduler: created, template } = synthScheduler(MINIMAL_PROPS);

    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(created.function.functionArn),
          DeadLetterConfig: { Arn: stack.resolve(created.deadLetterQueue.queueArn) },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86400 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: stack.resolve(created.deploymentOutcomes!.rule.ruleArn),
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(created.deploymentOutcomes!.rule.ruleArn) } },
          }),
        ]),
      },
    });
  });

  test.each<[string, Partial<AppRunnerSchedulerProps>]>([
    ['deployAfterResume is NEVER', { deployAfterResume: DeployAfterResume.NEVER }],
    ['it is a dry run', { dryRun: true }],
    ['no resume is scheduled', { resumeAt: undefined }],
  ])('is not created when %s: no run starts a deployment', (_, props) => {
    const { scheduler: created, template } = synthScheduler({ ...MINIMAL_PROPS, ...props });

    template.resourceCountIs('AWS::Events::Rule', 0);
    expect(created.deploymentOutcomes).toBeUndefined();
  });
});

describe('the failed-deployment alarm', () => {
  test('goes off on one failed deployment, treats no data as nothing failed, and notifies the alarm topic', () => {
    const { stack, scheduler: created, template } = synthScheduler(MINIMAL_PROPS);

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AppRunnerScheduler',
      MetricName: 'DeploymentsFailed',
      Dimensions: [{ Name: 'Scheduler', Value: 'Stack/Scheduler' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [stack.resolve(created.alarmTopic.topicArn)],
    });
  });

  test('is beside the failed-run alarm, and both may publish to the alarm topic', () => {
    const { stack, scheduler: created, template } = synthScheduler(MINIMAL_PROPS);

    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowSchedulerAlarmsToPublish',
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': [stack.resolve(created.alarm.alarmArn), stack.resolve(created.deploymentOutcomes!.alarm.alarmArn)] } }),
          }),
        ]),
      },
    });
  });

  test('is on the dashboard with the other alarms', () => {
    const { stack, scheduler: created, template } = synthScheduler(MINIMAL_PROPS);
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));

    expect(JSON.stringify(dashboard.Properties.DashboardBody)).toContain(JSON.stringify(stack.resolve(created.deploymentOutcomes!.alarm.alarmArn)).slice(1, -1));
  });
});
