import { App, Annotations as ConstructAnnotations, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as apprunner from 'aws-cdk-lib/aws-apprunner';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AppRunnerScheduler, DeployAfterResume, WeekDay } from '../../lib';
import { MINIMAL_PROPS, WEB_API_ARN, WORKER_ARN, scheduleInput, synthScheduler } from './fixtures';

describe('schedules', () => {
  test('pauses on weekday evenings and resumes on weekday mornings, in the given time zone', () => {
    // WHEN
    const { template } = synthScheduler({ ...MINIMAL_PROPS, timeZone: TimeZone.EUROPE_LONDON });

    // THEN
    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 19 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/London',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({ Input: Match.serializedJson(Match.objectLike({ action: 'pause' })) }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 7 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: Match.objectLike({ Input: Match.serializedJson(Match.objectLike({ action: 'resume' })) }),
    });
  });

  test('uses UTC when no time zone is given', () => {
    const { template } = synthScheduler(MINIMAL_PROPS);

    template.allResourcesProperties('AWS::Scheduler::Schedule', { ScheduleExpressionTimezone: 'Etc/UTC' });
    expect(scheduleInput(template, 'pause')).toMatchObject({ timeZone: 'Etc/UTC' });
  });

  test.each([
    [[WeekDay.MONDAY, WeekDay.TUESDAY, WeekDay.WEDNESDAY, WeekDay.THURSDAY, WeekDay.FRIDAY], 'MON-FRI'],
    [[WeekDay.FRIDAY, WeekDay.MONDAY, WeekDay.WEDNESDAY], 'MON,WED,FRI'],
    [[WeekDay.SATURDAY, WeekDay.SUNDAY], 'SUN,SAT'],
    [[WeekDay.SUNDAY, WeekDay.MONDAY, WeekDay.TUESDAY, WeekDay.THURSDAY], 'SUN-TUE,THU'],
    [[WeekDay.TUESDAY, WeekDay.TUESDAY], 'TUE'],
    [Object.values(WeekDay), '*'],
  ])('runs on weekDays %j as cron days %s', (weekDays, cronDays) => {
    const { template } = synthScheduler({ ...MINIMAL_PROPS, pauseAt: '20:30', weekDays });

    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: `cron(30 20 ? * ${cronDays} *)` });
  });

  test('takes ScheduleExpressions for anything pauseAt and resumeAt cannot say', () => {
    // GIVEN
    const pauseSchedule = scheduler.ScheduleExpression.cron({ minute: '0', hour: '18', day: 'L', timeZone: TimeZone.EUROPE_PARIS });
    const resumeSchedule = scheduler.ScheduleExpression.rate(Duration.hours(12));

    // WHEN
    const { template } = synthScheduler({ services: [WEB_API_ARN], pauseSchedule, resumeSchedule });

    // THEN
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 18 L * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(12 hours)' });
  });

  test('reads holidays in the resume schedule’s own time zone when no timeZone is given', () => {
    // GIVEN
    const resumeSchedule = scheduler.ScheduleExpression.cron({ minute: '0', hour: '7', weekDay: 'MON-FRI', timeZone: TimeZone.ASIA_TOKYO });

    // WHEN
    const { template } = synthScheduler({ services: [WEB_API_ARN], resumeSchedule, holidays: ['2026-12-25'] });

    // THEN
    expect(scheduleInput(template, 'resume')).toMatchObject({ timeZone: 'Asia/Tokyo', holidays: ['2026-12-25'] });
  });

  test.each([
    ['pause only', { pauseAt: '19:00' }, 'pause'],
    ['resume only', { resumeAt: '07:00' }, 'resume'],
  ])('%s creates one schedule', (_, times, action) => {
    const { scheduler: created, template } = synthScheduler({ services: [WEB_API_ARN], ...times });

    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    expect(scheduleInput(template, action as 'pause' | 'resume')).toBeDefined();
    expect(created.pauseSchedule !== undefined).toBe(action === 'pause');
    expect(created.resumeSchedule !== undefined).toBe(action === 'resume');
  });

  test('puts both schedules in the construct’s own schedule group', () => {
    const { scheduler: created, template } = synthScheduler(MINIMAL_PROPS);

    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    const groupName = created.scheduleGroup.scheduleGroupName;
    template.allResourcesProperties('AWS::Scheduler::Schedule', { GroupName: groupName });
  });

  test('creates DISABLED schedules when enabled is false', () => {
    const { template } = synthScheduler({ ...MINIMAL_PROPS, enabled: false });

    template.allResourcesProperties('AWS::Scheduler::Schedule', { State: 'DISABLED' });
  });

  test('retries a failed hand-over for an hour, then dead-letters it', () => {
    const { stack, scheduler: created, template } = synthScheduler(MINIMAL_PROPS);

    template.allResourcesProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({
        Arn: stack.resolve(created.function.functionArn),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: stack.resolve(created.deadLetterQueue.queueArn) },
      }),
    });
  });
});

describe('the event each schedule sends', () => {
  test('carries the selection and the defaults, and resume-only fields only on resume', () => {
    // WHEN
    const { template } = synthScheduler({
      tags: { env: 'dev', team: 'web' },
      regions: ['eu-west-1', 'us-east-1'],
      timeZone: TimeZone.EUROPE_LONDON,
      pauseAt: '19:00',
      resumeAt: '07:00',
      holidays: ['2026-12-25', '2026-12-26'],
      resumeManuallyPaused: true,
    });

    // THEN
    expect(scheduleInput(template, 'pause')).toEqual({
      action: 'pause',
      tags: { env: 'dev', team: 'web' },
      regions: ['eu-west-1', 'us-east-1'],
      timeZone: 'Europe/London',
    });
    expect(scheduleInput(template, 'resume')).toEqual({
      action: 'resume',
      tags: { env: 'dev', team: 'web' },
      regions: ['eu-west-1', 'us-east-1'],
      deployAfterResume: 'auto',
      timeZone: 'Europe/London',
      holidays: ['2026-12-25', '2026-12-26'],
      resumeManuallyPaused: true,
    });
  });

  test.each([
    [DeployAfterResume.NEVER, 'never'],
    [DeployAfterResume.AUTO, 'auto'],
    [DeployAfterResume.ALWAYS, 'always'],
  ])('maps deployAfterResume %s to "%s"', (deployAfterResume, expected) => {
    const { template } = synthScheduler({ ...MINIMAL_PROPS, deployAfterResume });

    expect(scheduleInput(template, 'resume')).toMatchObject({ deployAfterResume: expected });
  });

  test('carries listed ARNs and dryRun on both runs', () => {
    const { template } = synthScheduler({ ...MINIMAL_PROPS, services: [WEB_API_ARN, WORKER_ARN], dryRun: true });

    for (const action of ['pause', 'resume'] as const) {
      expect(scheduleInput(template, action)).toMatchObject({ services: [WEB_API_ARN, WORKER_ARN], dryRun: true });
    }
  });

  test('takes the ARN of a service in the same app, resolved at deploy time', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const service = new apprunner.CfnService(stack, 'WebApi', {
      sourceConfiguration: { imageRepository: { imageIdentifier: 'public.ecr.aws/nginx/nginx:latest', imageRepositoryType: 'ECR_PUBLIC' } },
    });

    // WHEN
    new AppRunnerScheduler(stack, 'Scheduler', { services: [service.attrServiceArn], pauseAt: '19:00' });

    // THEN
    const template = Template.fromStack(stack);
    const serviceArn = { 'Fn::GetAtt': ['WebApi', 'ServiceArn'] };
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: Match.objectLike({
        Input: { 'Fn::Join': ['', ['{"action":"pause","services":["', serviceArn, '"],"timeZone":"Etc/UTC"}']] },
      }),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [{ PolicyName: 'AppRunnerScheduler', PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'ReadListedServices', Resource: serviceArn })]) } }],
    });
  });
});

describe('function', () => {
  test('runs the bundled handler on Node.js 22, arm64, for up to 15 minutes, with no reserved concurrency', () => {
    const { template } = synthScheduler(MINIMAL_PROPS);

    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 900,
      MemorySize: 256,
      ReservedConcurrentExecutions: Match.absent(),
      Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('^[0-9a-f]{64}\\.zip$') },
    });
  });

  test('logs to its own log group, kept for a year and encrypted with the construct’s key', () => {
    const { stack, template } = synthScheduler(MINIMAL_PROPS);

    const keys = template.findResources('AWS::KMS::Key', { Properties: { EnableKeyRotation: true } });
    const [keyId] = Object.keys(keys);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    const [logGroupId] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: logGroupId } } });
    expect(stack.resolve(keys[keyId].Properties.KeyPolicy.Statement)).toContainEqual(
      expect.objectContaining({
        Sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
        Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
      }),
    );
  });

  test('reserves the concurrency it is given', () => {
    const { template } = synthScheduler({ ...MINIMAL_PROPS, reservedConcurrentExecutions: 1 });

    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 1 });
  });

  test.each([0, -1, 1.5, Number.NaN])('refuses reservedConcurrentExecutions %d', (reservedConcurrentExecutions) => {
    expect(() => synthScheduler({ ...MINIMAL_PROPS, reservedConcurrentExecutions })).toThrow(
      `Invalid AppRunnerScheduler props: reservedConcurrentExecutions: received ${JSON.stringify(reservedConcurrentExecutions)}; expected a whole number of at least 1 (leave it out to reserve none)`,
    );
  });

  test('refuses an enabled flag given as text from JavaScript, which would otherwise create the schedules ENABLED', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JavaScript caller's props
    const props: any = { ...MINIMAL_PROPS, enabled: 'false' };

    expect(() => synthScheduler(props)).toThrow('Invalid AppRunnerScheduler props: enabled: received "false"; expected true or false');
  });

  test('retries a failed run twice within an hour, like the schedules, then sends it to the dead-letter queue', () => {
    const { stack, scheduler: created, template } = synthScheduler(MINIMAL_PROPS);

    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600, Qualifier: '$LATEST' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      DeadLetterConfig: { TargetArn: stack.resolve(created.deadLetterQueue.queueArn) },
    });
  });

  test('tells the summary topic of every run itself: it names the topic to the function and lets it publish there, with no Lambda destination', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const summaryTopic = new sns.Topic(stack, 'Summaries');

    // WHEN
    new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, summaryTopic });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { SUMMARY_TOPIC_ARN: stack.resolve(summaryTopic.topicArn), SCHEDULER_NAME: 'Stack/Scheduler' } },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { DestinationConfig: Match.absent() });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{ Action: 'sns:Publish', Effect: 'Allow', Resource: stack.resolve(summaryTopic.topicArn) }]),
      },
    });
  });

  test('has no on-success destination and names no summary topic without one', () => {
    const { template } = synthScheduler(MINIMAL_PROPS);

    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { DestinationConfig: Match.absent() });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { SUMMARY_TOPIC_ARN: Match.absent() } } });
  });
});

describe('dead-letter queue', () => {
  test('is encrypted, TLS-only, keeps messages 14 days and is marked as a dead-letter queue', () => {
    const { stack, scheduler: created, template } = synthScheduler(MINIMAL_PROPS);

    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
      RedriveAllowPolicy: { redrivePermission: 'allowAll' },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [stack.resolve(created.deadLetterQueue.queueUrl)],
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });
});

describe('failed-run alarm', () => {
  test('goes off while the dead-letter queue holds a message, and notifies the alarm topic', () => {
    const { stack, scheduler: created, template } = synthScheduler(MINIMAL_PROPS);

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: stack.resolve(created.deadLetterQueue.queueName) }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [stack.resolve(created.alarmTopic.topicArn)],
    });
  });

  test('notifies a topic it creates, encrypted with the construct’s key, that only the scheduler’s alarms may publish to over TLS', () => {
    const { stack, scheduler: created, template } = synthScheduler(MINIMAL_PROPS);

    const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [stack.resolve(created.alarmTopic.topicArn)],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          {
            Sid: 'AllowSchedulerAlarmsToPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: stack.resolve(created.alarmTopic.topicArn),
            Condition: {
              // The scheduler's alarms: the failed-run alarm among them, no other alarm of the account.
              ArnLike: { 'aws:SourceArn': Match.arrayWith([stack.resolve(created.alarm.alarmArn)]) },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsToPublishEncrypted',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: {
              ArnLike: {
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:', { Ref: 'AWS::StackName' }, '-*'],
                  ],
                },
              },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          },
        ]),
      },
    });
  });

  test('notifies the given alarm topic instead, and leaves its policy alone', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const alarmTopic = sns.Topic.fromTopicArn(stack, 'Ops', 'arn:aws:sns:eu-west-1:123456789012:ops');

    // WHEN
    const created = new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, alarmTopic });

    // THEN
    const template = Template.fromStack(stack);
    expect(created.alarmTopic).toBe(alarmTopic);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::SNS::TopicPolicy', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: ['arn:aws:sns:eu-west-1:123456789012:ops'] });
  });
});

describe('warnings', () => {
  test('warns that a dry run changes nothing', () => {
    const { stack } = synthScheduler({ ...MINIMAL_PROPS, dryRun: true });

    Annotations.fromStack(stack).hasWarning(
      '/Stack/Scheduler',
      'dryRun is true: every run plans and reports, but no service is paused, resumed, tagged or deployed. [ack: cdk-apprunner-scheduler:dryRun]',
    );
  });

  test('warns that disabled schedules run nothing', () => {
    const { stack } = synthScheduler({ ...MINIMAL_PROPS, enabled: false });

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
    // Annotations' own acknowledgement removes a warning already given in every supported aws-cdk-lib.
    ConstructAnnotations.of(created).acknowledgeWarning('cdk-apprunner-scheduler:dryRun', 'trying it out first');

    // THEN
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('two schedulers in one stack', () => {
  function twoSchedulers(): Template {
    const stack = new Stack(new App(), 'Stack');
    new AppRunnerScheduler(stack, 'Office', { ...MINIMAL_PROPS, tags: { schedule: 'office' } });
    new AppRunnerScheduler(stack, 'Night', { services: [WORKER_ARN], pauseAt: '23:00', resumeAt: '05:00' });
    return Template.fromStack(stack);
  }

  test('get one of everything each, in schedule groups of their own', () => {
    const template = twoSchedulers();

    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::Scheduler::Schedule', 4);
    template.resourceCountIs('AWS::IAM::Role', 4);
    const groupNames = Object.values(template.findResources('AWS::Scheduler::ScheduleGroup')).map((g) => g.Properties.Name);
    expect(new Set(groupNames).size).toBe(2);
  });

  test.each([
    ['AWS::Lambda::Function', 'FunctionName'],
    ['AWS::SQS::Queue', 'QueueName'],
    ['AWS::SNS::Topic', 'TopicName'],
    ['AWS::Logs::LogGroup', 'LogGroupName'],
    ['AWS::IAM::Role', 'RoleName'],
    ['AWS::Scheduler::Schedule', 'Name'],
    ['AWS::CloudWatch::Alarm', 'AlarmName'],
  ])('leave %s unnamed (no %s), so they never collide', (type, nameProperty) => {
    twoSchedulers().allResourcesProperties(type, { [nameProperty]: Match.absent() });
  });
});
