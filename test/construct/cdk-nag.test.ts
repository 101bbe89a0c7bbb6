import { App, Stack, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { AppRunnerScheduler, DeployAfterResume, type AppRunnerSchedulerProps } from '../../lib';
import { MINIMAL_PROPS, WORKER_ARN } from './fixtures';

/** Every rule acknowledged in the tree, with the path of the construct it is acknowledged on (as cdk-nag reads them). */
function acknowledgedRules(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.keys(entry.data as object).map((id) => `${c.node.path}: ${id.replace(/^annotation::/i, '')}`)),
    )
    .sort();
}

describe('AwsSolutions checks', () => {
  test.each<[string, AppRunnerSchedulerProps]>([
    ['listed ARNs', { ...MINIMAL_PROPS, services: [MINIMAL_PROPS.services![0], WORKER_ARN] }],
    ['tags in the stack’s region', { tags: { env: 'dev' }, pauseAt: '19:00', resumeAt: '07:00' }],
    ['tags in listed regions', { tags: { env: 'dev', team: 'web' }, regions: ['eu-west-1', 'us-east-1'], pauseAt: '19:00' }],
    ['ARNs and tags together', { ...MINIMAL_PROPS, tags: { env: 'dev' } }],
    ['a dry run by tags that only pauses (no call on a service at all)', { tags: { env: 'dev' }, pauseAt: '19:00', dryRun: true }],
    ['tags, resume only, never deploying', { tags: { env: 'dev' }, resumeAt: '07:00', deployAfterResume: DeployAfterResume.NEVER }],
  ])('find nothing unacknowledged with %s', (_, props) => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');

    // WHEN
    new AppRunnerScheduler(stack, 'Scheduler', props);

    // THEN
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  test('find nothing unacknowledged with an encrypted summary topic and a given alarm topic', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const masterKey = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const summaryTopic = new sns.Topic(stack, 'Summaries', { masterKey, enforceSSL: true });
    const alarmTopic = new sns.Topic(stack, 'Alarms', { masterKey, enforceSSL: true });

    // WHEN
    new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, summaryTopic, alarmTopic });

    // THEN
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });

  test('let an app that registers them as a validation plugin synthesize', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Stack');
    new AppRunnerScheduler(stack, 'Scheduler', { tags: { env: 'dev' }, pauseAt: '19:00' });

    // WHEN
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    // THEN
    expect(() => app.synth()).not.toThrow();
  });

  test('acknowledge only the inherent wildcards and the runtime, each on the construct that has it', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');

    // WHEN
    const scheduler = new AppRunnerScheduler(stack, 'Scheduler', { tags: { env: 'dev' }, regions: ['eu-west-1', 'us-east-1'], pauseAt: '19:00' });

    // THEN
    const functionId = stack.getLogicalId(scheduler.function.node.defaultChild as never);
    expect(acknowledgedRules(stack)).toEqual([
      'Stack/Scheduler/Function: AwsSolutions-L1',
      'Stack/Scheduler/FunctionRole: AwsSolutions-IAM5[Resource::*]',
      'Stack/Scheduler/FunctionRole: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apprunner:eu-west-1:<AWS::AccountId>:service/*]',
      'Stack/Scheduler/FunctionRole: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apprunner:us-east-1:<AWS::AccountId>:service/*]',
      `Stack/Scheduler/ScheduleRole: AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
    ]);
  });

  test('acknowledge only ListServices’ wildcard and the schedule group’s on the function role when only ARNs are listed', () => {
    const stack = new Stack(new App(), 'Stack');

    new AppRunnerScheduler(stack, 'Scheduler', MINIMAL_PROPS);

    expect(acknowledgedRules(stack).filter((rule) => rule.startsWith('Stack/Scheduler/FunctionRole'))).toEqual([
      'Stack/Scheduler/FunctionRole: AwsSolutions-IAM5[Resource::*]',
      // The one-time schedules that end snoozes and wakes: named at run time, in the construct's own group.
      'Stack/Scheduler/FunctionRole: AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/Stack-Scheduler-ScheduleGroup-561ED941/*]',
    ]);
  });

  test('give the tag selection’s wildcard a reason naming the conditioned calls, reads included', () => {
    const stack = new Stack(new App(), 'Stack');

    new AppRunnerScheduler(stack, 'Scheduler', { tags: { env: 'dev' }, pauseAt: '19:00', resumeAt: '07:00' });

    const reasons = stack.node
      .findChild('Scheduler')
      .node.findChild('FunctionRole')
      .node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .filter(([id]) => id.includes(':service/*]'))
      .map(([, reason]) => reason);
    expect(reasons).toEqual([
      'Tag selection cannot know service ARNs in advance. Every call on a service (DescribeService, ListOperations, ListTagsForResource, PauseService, ResumeService, StartDeployment, TagResource, UntagResource) is conditioned on aws:ResourceTag for each selector tag, so the function can neither read (DescribeService shows environment variables) nor change a service of this account and region that does not carry them; TagResource/UntagResource also on aws:TagKeys (the scheduler\'s marker and wake tags only).',
    ]);
  });
});
