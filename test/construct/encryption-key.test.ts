import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AppRunnerScheduler, type AppRunnerSchedulerProps } from '../../lib';
import { MINIMAL_PROPS, WORKER_ARN, synthScheduler } from './fixtures';

const USER_KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** The Sids of a key policy's statements. */
function statementIds(template: Template, keyId: string): string[] {
  const key = template.findResources('AWS::KMS::Key')[keyId];
  return (key.Properties.KeyPolicy.Statement as { Sid?: string }[]).map((s) => s.Sid ?? '(account root)');
}

describe('the key the construct creates', () => {
  test('is one key with rotation on, an alias of its stack and path, and grants only for AWS services', () => {
    const { template } = synthScheduler(MINIMAL_PROPS);

    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
    template.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: Match.stringLikeRegexp('^alias/Stack-Scheduler-Key-[0-9A-F]{8}$'),
      TargetKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    expect(statementIds(template, keyId)).toEqual([
      '(account root)',
      'DenyGrantsUnlessForAnAwsService',
      'AllowCloudWatchLogsOfThisAccountAndRegion',
      'AllowCloudWatchAlarmsToPublishEncrypted',
    ]);
  });

  test('keeps its logical ID, so an upgrade replaces no key', () => {
    const { template } = synthScheduler(MINIMAL_PROPS);

    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toEqual(['SchedulerKey55190D03']);
  });

  test('gets a different alias for each scheduler and each stack, so none collide', () => {
    const aliases = ['Dev', 'Prod'].flatMap((stackName) => {
      const stack = new Stack(new App(), stackName);
      new AppRunnerScheduler(stack, 'Office', MINIMAL_PROPS);
      new AppRunnerScheduler(stack, 'Night', { services: [WORKER_ARN], pauseAt: '23:00' });
      return Object.values(Template.fromStack(stack).findResources('AWS::KMS::Alias')).map((a) => a.Properties.AliasName as string);
    });

    expect(new Set(aliases).size).toBe(4);
  });

  test('serves only the log group when the alarm topic is the user’s', () => {
    const stack = new Stack(new App(), 'Stack');
    const alarmTopic = sns.Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:eu-west-1:123456789012:ops');
    new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, alarmTopic });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    expect(statementIds(template, 'SchedulerKey55190D03')).toEqual([
      '(account root)',
      'DenyGrantsUnlessForAnAwsService',
      'AllowCloudWatchLogsOfThisAccountAndRegion',
    ]);
  });
});

describe('the CloudWatch statement of the key policy', () => {
  /** An app that turns CloudFormation's own template checks (circular dependencies among them) into synth errors. */
  function strictApp(): App {
    return new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
  }

  test('synthesizes with no circular dependency', () => {
    const app = strictApp();
    new AppRunnerScheduler(new Stack(app, 'Stack'), 'Scheduler', MINIMAL_PROPS);

    expect(() => app.synth()).not.toThrow();
  });

  test('would be a circular dependency if it named the alarm by its token: the check above can fail', () => {
    // GIVEN
    const app = strictApp();
    const created = new AppRunnerScheduler(new Stack(app, 'Stack'), 'Scheduler', MINIMAL_PROPS);

    // WHEN
    (created.node.findChild('Key') as kms.Key).addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:SourceArn': created.alarm.alarmArn } },
      }),
    );

    // THEN
    expect(() => app.synth()).toThrow(/Circular dependency/);
  });
});

describe('a key the user brings (encryptionKey)', () => {
  function withKey(encryptionKey: (stack: Stack) => kms.IKey, props: Partial<AppRunnerSchedulerProps> = {}) {
    const stack = new Stack(new App(), 'Stack');
    const key = encryptionKey(stack);
    const created = new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, ...props, encryptionKey: key });
    return { stack, key, created, template: Template.fromStack(stack) };
  }

  test('encrypts the log group and the alarm topic, and no key or alias is created', () => {
    const { template } = withKey((stack) => kms.Key.fromKeyArn(stack, 'Mine', USER_KEY_ARN));

    template.resourceCountIs('AWS::KMS::Key', 0);
    template.resourceCountIs('AWS::KMS::Alias', 0);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: USER_KEY_ARN });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: USER_KEY_ARN });
  });

  test('warns, naming the statements its policy needs, when it is imported', () => {
    const { stack } = withKey((s) => kms.Key.fromKeyArn(s, 'Mine', USER_KEY_ARN));

    Annotations.fromStack(stack).hasWarning(
      '/Stack/Scheduler',
      'encryptionKey is not a key of this stack, so its key policy is left as it is. It must have the statements AllowCloudWatchLogsOfThisAccountAndRegion and AllowCloudWatchAlarmsToPublishEncrypted (README, "Bring your own key"), or the log group cannot be created and alarm notifications are lost. [ack: cdk-apprunner-scheduler:encryptionKeyPolicy]',
    );
  });

  test('names only the logs statement when the alarm topic is the user’s too', () => {
    const { stack } = withKey((s) => kms.Key.fromKeyArn(s, 'Mine', USER_KEY_ARN), {
      alarmTopic: sns.Topic.fromTopicArn(new Stack(new App(), 'Other'), 'Ops', 'arn:aws:sns:eu-west-1:123456789012:ops'),
    });

    Annotations.fromStack(stack).hasWarning('/Stack/Scheduler', Match.stringLikeRegexp('statements AllowCloudWatchLogsOfThisAccountAndRegion \\(README'));
  });

  test('gets the statements added when it is a key of the same stack, with no warning', () => {
    const { stack, template } = withKey((s) => new kms.Key(s, 'Mine', { enableKeyRotation: true }));

    template.resourceCountIs('AWS::KMS::Key', 1);
    expect(statementIds(template, stack.getLogicalId(stack.node.findChild('Mine').node.defaultChild as kms.CfnKey))).toEqual([
      '(account root)',
      'AllowCloudWatchLogsOfThisAccountAndRegion',
      'AllowCloudWatchAlarmsToPublishEncrypted',
    ]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('is left alone when it belongs to another stack, with the warning', () => {
    const app = new App();
    const keyStack = new Stack(app, 'Keys');
    const key = new kms.Key(keyStack, 'Shared', { enableKeyRotation: true });
    const stack = new Stack(app, 'Stack');
    new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, encryptionKey: key });

    expect(statementIds(Template.fromStack(keyStack), stack.resolve(keyStack.getLogicalId(key.node.defaultChild as kms.CfnKey)))).toEqual(['(account root)']);
    Annotations.fromStack(stack).hasWarning('/Stack/Scheduler', Match.stringLikeRegexp('encryptionKey is not a key of this stack'));
  });
});
