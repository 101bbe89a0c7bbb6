/**
 * "Tears down and deploys again": whatever `cdk destroy` leaves behind must not block the next
 * `cdk deploy` of the same stack. A resource that CloudFormation keeps (DeletionPolicy Retain) and
 * that has a fixed physical name would: the second deploy fails on "already exists".
 */
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { defineApp } from '../../bin/app';
import { AppRunnerScheduler, type AppRunnerSchedulerProps } from '../../lib';
import { MINIMAL_PROPS, WEB_API_ARN, WORKER_ARN, synthScheduler } from './fixtures';

/**
 * The properties that give each resource type a physical name (CloudFormation's create-only `...Name`
 * properties). A retained resource of a type not listed fails the test, so a new kind of kept
 * resource cannot slip through unchecked: add its type here with its name properties (or none).
 */
const NAME_PROPERTIES: Record<string, readonly string[]> = {
  'AWS::KMS::Key': [],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::Scheduler::ScheduleGroup': ['Name'],
  'AWS::Scheduler::Schedule': ['Name'],
  'AWS::SQS::Queue': ['QueueName'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::IAM::Role': ['RoleName'],
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::EC2::SecurityGroup': ['GroupName'],
};

/** DeletionPolicy / UpdateReplacePolicy values with which CloudFormation leaves the resource behind. */
const KEPT = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);

/** Each retained resource of a template with the name properties it sets; an unknown retained type is an error. */
function retainedWithNames(template: Template): { id: string; type: string; names: string[] }[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string; Properties?: Record<string, unknown> }>;
  return Object.entries(resources)
    .filter(([, r]) => KEPT.has(r.DeletionPolicy ?? '') || KEPT.has(r.UpdateReplacePolicy ?? ''))
    .map(([id, r]) => {
      const nameProperties = NAME_PROPERTIES[r.Type];
      if (nameProperties === undefined) throw new Error(`${id} is a retained ${r.Type}: add its name properties to NAME_PROPERTIES`);
      return { id, type: r.Type, names: nameProperties.filter((p) => r.Properties?.[p] !== undefined) };
    });
}

/** Every configuration the issue names, each as the template a user would deploy. */
function configurations(): [string, Template][] {
  const construct = (props: Partial<AppRunnerSchedulerProps>, extra?: (stack: Stack) => Partial<AppRunnerSchedulerProps>): Template => {
    const stack = new Stack(new App(), 'Stack');
    new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, ...props, ...extra?.(stack) });
    return Template.fromStack(stack);
  };
  return [
    ['the default app (bin/)', Template.fromStack(defineApp(new App()))],
    ['tags in several regions', construct({ services: undefined, tags: { env: 'dev' }, regions: ['eu-west-1', 'us-east-1'] })],
    ['listed ARNs', construct({ services: [WEB_API_ARN, WORKER_ARN] })],
    ['a dry run', construct({ dryRun: true })],
    ['a summary topic', construct({}, (stack) => ({ summaryTopic: new sns.Topic(stack, 'Reports') }))],
    ['the user’s alarm topic', construct({}, (stack) => ({ alarmTopic: sns.Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:eu-west-1:123456789012:ops') }))],
    ['the user’s key', construct({}, (stack) => ({ encryptionKey: kms.Key.fromKeyArn(stack, 'Mine', 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab') }))],
    ['removalPolicy DESTROY', construct({ removalPolicy: RemovalPolicy.DESTROY })],
    ['reserved concurrency', construct({ reservedConcurrentExecutions: 1 })],
  ];
}

describe('cdk destroy, then cdk deploy', () => {
  test.each(configurations())('leaves no retained resource with a fixed name, with %s', (_, template) => {
    expect(retainedWithNames(template).filter((r) => r.names.length > 0)).toEqual([]);
  });

  test('the check finds a retained resource with a fixed name, and an unknown retained type', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    new sns.Topic(stack, 'Named', { topicName: 'fixed' }).applyRemovalPolicy(RemovalPolicy.RETAIN);

    // THEN
    expect(retainedWithNames(Template.fromStack(stack))).toEqual([{ id: 'NamedD2F31604', type: 'AWS::SNS::Topic', names: ['TopicName'] }]);
    const unknown = new Stack(new App(), 'Stack');
    new s3.Bucket(unknown, 'Bucket', { removalPolicy: RemovalPolicy.RETAIN });
    expect(() => retainedWithNames(Template.fromStack(unknown))).toThrow('is a retained AWS::S3::Bucket: add its name properties to NAME_PROPERTIES');
  });

  test('deletes the schedule group (its name is fixed), and keeps its logical ID and name', () => {
    const { template } = synthScheduler(MINIMAL_PROPS);

    template.hasResource('AWS::Scheduler::ScheduleGroup', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    expect(template.findResources('AWS::Scheduler::ScheduleGroup')).toEqual({
      SchedulerScheduleGroup960C1DF3: expect.objectContaining({ Properties: { Name: 'Stack-Scheduler-ScheduleGroup-561ED941' } }),
    });
  });

  test('deletes the key’s alias even when the key is kept', () => {
    const { template } = synthScheduler(MINIMAL_PROPS);

    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::KMS::Alias', { DeletionPolicy: 'Delete' });
  });

  test.each([
    [undefined, 'Retain'],
    [RemovalPolicy.RETAIN, 'Retain'],
    [RemovalPolicy.DESTROY, 'Delete'],
  ])('with removalPolicy %s, treats the log group and the key alike: %s', (removalPolicy, policy) => {
    const { template } = synthScheduler({ ...MINIMAL_PROPS, removalPolicy });

    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: policy, UpdateReplacePolicy: policy });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: policy, UpdateReplacePolicy: policy });
  });

  test('applies removalPolicy to the log group alone when the key is the user’s', () => {
    const stack = new Stack(new App(), 'Stack');
    const encryptionKey = new kms.Key(stack, 'Mine', { enableKeyRotation: true });
    new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, encryptionKey, removalPolicy: RemovalPolicy.DESTROY });

    const template = Template.fromStack(stack);
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test.each([RemovalPolicy.SNAPSHOT, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE])('refuses removalPolicy %s', (removalPolicy) => {
    expect(() => synthScheduler({ ...MINIMAL_PROPS, removalPolicy })).toThrow(
      `Invalid AppRunnerScheduler props: removalPolicy: received "${removalPolicy}"; expected RemovalPolicy.RETAIN or RemovalPolicy.DESTROY (for the log group and the key together)`,
    );
  });
});
