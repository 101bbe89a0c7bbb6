import * as path from 'path';
import { Annotations, Aws, Duration, Fn, Stack, TimeZone, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  LIMITS,
  SERVICE_ARN_FORMAT,
  describeProblems,
  describeValue,
  isLocalDate,
  isRegion,
  isTimeZone,
  parseServiceArn,
  tagKeyProblem,
  type Action,
  type FieldProblem,
  type SchedulerEvent,
} from '../lambda/event';
import { SCHEDULER_WRITTEN_TAG_KEYS } from '../lambda/scheduler-tags';
import { daylightSavingChangesAt } from './daylight-saving';

/** The bundled handler, built by `npm run build` (scripts/bundle-handler.mjs) and shipped in the package. */
const HANDLER_ASSET_PATH = path.join(__dirname, '..', 'assets', 'handler');

/** A day of the week, for `weekDays`. */
export enum WeekDay {
  MONDAY = 'MON',
  TUESDAY = 'TUE',
  WEDNESDAY = 'WED',
  THURSDAY = 'THU',
  FRIDAY = 'FRI',
  SATURDAY = 'SAT',
  SUNDAY = 'SUN',
}

/** Whether a resumed service gets a deployment, so that versions pushed while it was paused go live. */
export enum DeployAfterResume {
  /** Never start a deployment after a resume. */
  NEVER = 'never',
  /** Deploy only services whose source has automatic deployments enabled. */
  AUTO = 'auto',
  /** Deploy every resumed service. */
  ALWAYS = 'always',
}

/** Properties of an `AppRunnerScheduler`. Select services by `services`, by `tags`, or both. */
export interface AppRunnerSchedulerProps {
  /**
   * App Runner service ARNs to pause and resume; each is called in its own region. Tokens such as
   * `CfnService.attrServiceArn` are accepted. The function may touch these ARNs and nothing else.
   * @default - no listed services: `tags` must be set
   */
  readonly services?: string[];

  /**
   * Every service that carries all of these tags is paused and resumed.
   * @default - no tag selection: `services` must be set
   */
  readonly tags?: { [key: string]: string };

  /**
   * Regions where tag selection looks. Only together with `tags`.
   * @default - the stack's region
   */
  readonly regions?: string[];

  /**
   * Time zone of `pauseAt`, `resumeAt`, `holidays` and dated skip tags. A `ScheduleExpression`
   * carries its own for when it runs; without this prop, its time zone is also the one the run
   * reads holidays and skip dates in.
   * @default - the time zone of `pauseSchedule`/`resumeSchedule` when they have one, else TimeZone.ETC_UTC
   */
  readonly timeZone?: TimeZone;

  /**
   * Local time, `HH:MM`, at which services are paused on `weekDays`.
   * @default - no pause at a fixed time: see `pauseSchedule`
   */
  readonly pauseAt?: string;

  /**
   * Local time, `HH:MM`, at which services are resumed on `weekDays`.
   * @default - no resume at a fixed time: see `resumeSchedule`
   */
  readonly resumeAt?: string;

  /**
   * Days on which `pauseAt` and `resumeAt` run. With the default, services are paused from Friday
   * evening to Monday morning.
   * @default - Monday to Friday
   */
  readonly weekDays?: WeekDay[];

  /**
   * When services are paused, for anything `pauseAt` cannot say. Not together with `pauseAt`. Its
   * time zone is its own, and no daylight-saving warning is given for it.
   * @default - no pause schedule unless `pauseAt` is set
   */
  readonly pauseSchedule?: scheduler.ScheduleExpression;

  /**
   * When services are resumed, for anything `resumeAt` cannot say. Not together with `resumeAt`.
   * @default - no resume schedule unless `resumeAt` is set
   */
  readonly resumeSchedule?: scheduler.ScheduleExpression;

  /**
   * Whether a resumed service gets a deployment, so that versions pushed while it was paused go live.
   * @default DeployAfterResume.AUTO
   */
  readonly deployAfterResume?: DeployAfterResume;

  /**
   * Local dates, `YYYY-MM-DD` in `timeZone`, on which a resume run changes nothing.
   * @default - no holidays
   */
  readonly holidays?: string[];

  /**
   * Plan and report every run, but pause, resume, tag and deploy nothing.
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * Resume services that someone paused by hand as well, not only those the scheduler paused.
   * @default false
   */
  readonly resumeManuallyPaused?: boolean;

  /**
   * Whether the schedules run. `false` creates them DISABLED.
   * @default true
   */
  readonly enabled?: boolean;

  /**
   * Topic the failed-run alarm notifies. It must let `cloudwatch.amazonaws.com` publish (and use its
   * KMS key, if it has one).
   * @default - a topic encrypted with this construct's KMS key
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * Topic that receives each successful run's JSON report (a Lambda on-success destination). The
   * function is granted sns:Publish, and use of the topic's key when the topic knows it (`masterKey`).
   * @default - reports go to the function's log group only
   */
  readonly summaryTopic?: sns.ITopic;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** EventBridge cron numbers days from Sunday. */
const CRON_DAY_ORDER: readonly WeekDay[] = [
  WeekDay.SUNDAY,
  WeekDay.MONDAY,
  WeekDay.TUESDAY,
  WeekDay.WEDNESDAY,
  WeekDay.THURSDAY,
  WeekDay.FRIDAY,
  WeekDay.SATURDAY,
];

const WORKING_WEEK: readonly WeekDay[] = [WeekDay.MONDAY, WeekDay.TUESDAY, WeekDay.WEDNESDAY, WeekDay.THURSDAY, WeekDay.FRIDAY];

const WARNING_PREFIX = 'cdk-apprunner-scheduler';

/** One scheduled action and when it runs. */
interface PlannedRun {
  readonly action: Action;
  readonly expression: scheduler.ScheduleExpression;
}

/**
 * Pauses AWS App Runner services out of hours and resumes them (optionally with a deployment) in the
 * morning: an EventBridge Scheduler schedule group with a pause and a resume schedule, both invoking
 * one Lambda function with a `SchedulerEvent`. Failed runs land in an SQS dead-letter queue, whose
 * depth raises a CloudWatch alarm.
 */
export class AppRunnerScheduler extends Construct {
  /** The function that pauses and resumes the services. */
  public readonly function: lambda.Function;
  /** The pause schedule, when one is configured. */
  public readonly pauseSchedule?: scheduler.Schedule;
  /** The resume schedule, when one is configured. */
  public readonly resumeSchedule?: scheduler.Schedule;
  /** The group that holds the schedules. */
  public readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Receives every run that failed for good: events the schedules could not deliver, and runs that still failed after Lambda's retries. */
  public readonly deadLetterQueue: sqs.Queue;
  /** In ALARM while the dead-letter queue holds a failed run. */
  public readonly alarm: cloudwatch.Alarm;
  /** The topic the alarm notifies. */
  public readonly alarmTopic: sns.ITopic;

  constructor(scope: Construct, id: string, props: AppRunnerSchedulerProps) {
    super(scope, id);

    const timeZone = props.timeZone ?? TimeZone.ETC_UTC;
    const runs = this.validate(props, timeZone);
    this.warn(props, timeZone);

    const key = new kms.Key(this, 'Key', {
      description: 'Encrypts the App Runner scheduler logs and alarm notifications',
      enableKeyRotation: true,
    });
    const logGroup = this.createLogGroup(key);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // SSE-SQS rather than a KMS key: EventBridge Scheduler's DLQ delivery only gets sqs:SendMessage.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Marks the queue as a dead-letter queue (Control Tower CT.SQS.PR.1 reads it so); allowAll is SQS's default anyway.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });

    const functionRole = this.createFunctionRole(props, logGroup);
    this.function = new lambda.Function(this, 'Function', {
      description: 'Pauses and resumes App Runner services on a schedule',
      code: lambda.Code.fromAsset(HANDLER_ASSET_PATH),
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      // More memory is more CPU for the SDK's start-up; a few runs a day make the cost negligible.
      memorySize: 256,
      // A resume takes minutes, and the run waits for RUNNING before it starts a deployment: give it
      // Lambda's maximum. The handler stops waiting in time to report what is still in progress.
      timeout: Duration.minutes(15),
      // One run at a time: a pause and a resume must never race on the same services.
      reservedConcurrentExecutions: 1,
      role: functionRole,
      logGroup,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      onSuccess: props.summaryTopic ? new destinations.SnsDestination(props.summaryTopic) : undefined,
    });
    if (props.summaryTopic?.masterKey) {
      Validations.of(functionRole).acknowledge({
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason:
          'Written by Topic.grantPublish for the encrypted summary topic: publishing needs kms:GenerateDataKey* (GenerateDataKey, GenerateDataKeyWithoutPlaintext), on that topic\'s key only.',
      });
    }
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'nodejs22.x is the runtime this handler is built (target node22) and tested for; a runtime upgrade is a deliberate release, not a default.',
    });

    this.alarm = this.createFailedRunAlarm();
    if (props.alarmTopic) {
      this.alarmTopic = props.alarmTopic;
    } else {
      const alarmTopic = this.createAlarmTopic(key);
      this.allowAlarmToPublish(alarmTopic, key);
      this.alarmTopic = alarmTopic;
    }
    this.alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));

    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup');
    const scheduleRole = this.createScheduleRole();
    for (const run of runs) {
      const schedule = new scheduler.Schedule(this, run.action === 'pause' ? 'PauseSchedule' : 'ResumeSchedule', {
        description: `${run.action === 'pause' ? 'Pauses' : 'Resumes'} App Runner services`,
        schedule: run.expression,
        scheduleGroup: this.scheduleGroup,
        enabled: props.enabled,
        target: new targets.LambdaInvoke(this.function, {
          role: scheduleRole,
          input: scheduler.ScheduleTargetInput.fromObject(this.eventFor(run.action, props, props.timeZone ?? run.expression.timeZone ?? timeZone)),
          deadLetterQueue: this.deadLetterQueue,
          // Retries cover a failed hand-over to Lambda, not a failed run (Lambda retries those). A
          // pause or resume that could not start within the hour is stale: dead-letter and alarm.
          retryAttempts: 10,
          maxEventAge: Duration.hours(1),
        }),
      });
      if (run.action === 'pause') this.pauseSchedule = schedule;
      else this.resumeSchedule = schedule;
    }
    this.acknowledgeInvokeWildcard(scheduleRole);
  }

  /**
   * The event a schedule sends: only what the props set, so the schedule's input reads as the
   * configuration. `timeZone` is the one the run reads holidays and skip dates in.
   */
  private eventFor(action: Action, props: AppRunnerSchedulerProps, timeZone: TimeZone): SchedulerEvent {
    const resume = action === 'resume';
    return {
      action,
      ...(props.services && { services: props.services }),
      ...(props.tags && { tags: props.tags }),
      ...(props.regions && { regions: props.regions }),
      ...(resume && { deployAfterResume: props.deployAfterResume ?? DeployAfterResume.AUTO }),
      timeZone: timeZone.timezoneName,
      ...(resume && props.holidays && { holidays: props.holidays }),
      ...(props.dryRun && { dryRun: true }),
      ...(resume && props.resumeManuallyPaused && { resumeManuallyPaused: true }),
    };
  }

  private createLogGroup(key: kms.Key): logs.LogGroup {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` },
        },
      }),
    );
    return new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
    });
  }

  private createFailedRunAlarm(): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, 'FailedRunAlarm', {
      alarmDescription:
        'An App Runner pause or resume failed for good: its event is in the dead-letter queue. Read the function logs, then delete or re-drive the message to clear the alarm.',
      // The queue rather than the function's Errors metric: it also catches events the schedule could
      // not deliver, and stays quiet when a Lambda retry succeeds.
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private createAlarmTopic(key: kms.Key): sns.Topic {
    return new sns.Topic(this, 'AlarmTopic', {
      displayName: 'App Runner scheduler: failed runs',
      masterKey: key,
      enforceSSL: true,
    });
  }

  /** CloudWatch alarms publish as a service: the topic policy and the key policy must both let them. */
  private allowAlarmToPublish(topic: sns.Topic, key: kms.Key): void {
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowFailedRunAlarmToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': this.alarm.alarmArn },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    // The AWS-managed key alias/aws/sns would not do: its policy cannot be changed to let CloudWatch in.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublishEncrypted',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
  }

  /** The function's role: its own log group, the App Runner calls its selection needs, nothing else. */
  private createFunctionRole(props: AppRunnerSchedulerProps, logGroup: logs.LogGroup): iam.Role {
    const tagRegions = props.tags ? (props.regions ?? [Aws.REGION]) : [];
    // The listed ARNs' regions (Fn.select and Fn.split resolve at deployment for a token, at once for a literal).
    const arnRegions = (props.services ?? []).map((arn) => Fn.select(3, Fn.split(':', arn)));
    const statements = [
      new iam.PolicyStatement({
        sid: 'WriteOwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
      listingStatement(props.tags !== undefined, [...new Set([...arnRegions, ...tagRegions])]),
      ...(props.services ? listedServiceStatements(props.services) : []),
      ...(props.tags ? taggedServiceStatements(props.tags, tagRegions) : []),
    ];
    const role = new iam.Role(this, 'FunctionRole', {
      description: 'Runs the App Runner scheduler function',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: { AppRunnerScheduler: new iam.PolicyDocument({ statements }) },
    });
    this.acknowledgeListingWildcard(role, props.tags !== undefined);
    if (props.tags) this.acknowledgeTagSelectionWildcards(role, tagRegions);
    return role;
  }

  private acknowledgeListingWildcard(role: iam.Role, withTags: boolean): void {
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: withTags
        ? 'apprunner:ListServices and tag:GetResources accept no resource ARN (Service Authorization Reference): they list what tag selection then filters. They only read.'
        : 'apprunner:ListServices accepts no resource ARN (Service Authorization Reference). It only reads names and statuses, so that a fleet is read a page of 20 at a time rather than one DescribeService per service per poll.',
    });
  }

  private acknowledgeTagSelectionWildcards(role: iam.Role, regions: string[]): void {
    for (const region of regions.filter((r) => r === Aws.REGION || !Token.isUnresolved(r))) {
      const nagRegion = region === Aws.REGION ? '<AWS::Region>' : region;
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apprunner:${nagRegion}:<AWS::AccountId>:service/*]`,
        reason:
          'Tag selection cannot know service ARNs in advance. Reads (DescribeService, ListOperations, ListTagsForResource) cover the App Runner services of this account and region; every mutating call is conditioned on aws:ResourceTag for each selector tag, and TagResource/UntagResource also on aws:TagKeys (the scheduler marker tag only).',
      });
    }
  }

  /** EventBridge Scheduler's role, trusted only for schedules of this account's schedule group. */
  private createScheduleRole(): iam.Role {
    return new iam.Role(this, 'ScheduleRole', {
      description: 'Lets the App Runner scheduler schedules invoke the function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Aws.ACCOUNT_ID,
            'aws:SourceArn': this.scheduleGroup.scheduleGroupArn,
          },
        },
      }),
    });
  }

  private acknowledgeInvokeWildcard(scheduleRole: iam.Role): void {
    const functionId = Stack.of(this).getLogicalId(this.function.node.defaultChild as lambda.CfnFunction);
    Validations.of(scheduleRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
      reason:
        'Written by LambdaInvoke (Function.grantInvoke): lambda:InvokeFunction on this one function, where ":*" covers its versions and aliases. The construct publishes none.',
    });
  }

  private validate(props: AppRunnerSchedulerProps, timeZone: TimeZone): PlannedRun[] {
    const problems: FieldProblem[] = [];
    const problem = (field: string, received: unknown, accepted: string) =>
      problems.push({ field, received: describeValue(received), accepted });

    validateSelection(props, problem);
    validateTimeZone(timeZone, problem);
    validateList(props.holidays, 'holidays', LIMITS.holidays, 'a real date written YYYY-MM-DD', isLocalDate, problem);
    const runs = plannedRuns(props, timeZone, problem);

    if (problems.length > 0) {
      throw new Error(`Invalid AppRunnerScheduler props: ${describeProblems(problems)}`);
    }
    return runs;
  }

  private warn(props: AppRunnerSchedulerProps, timeZone: TimeZone): void {
    const zone = timeZone.timezoneName;
    for (const field of ['pauseAt', 'resumeAt'] as const) {
      const at = props[field];
      if (at === undefined || Token.isUnresolved(zone)) continue;
      const [hour, minute] = at.split(':').map(Number);
      // This year's rules stand for every year's: zones rarely change them.
      const changes = daylightSavingChangesAt(zone, new Date().getUTCFullYear(), hour * 60 + minute);
      if (changes.length === 0) continue;
      const effects = changes.map((c) =>
        c.kind === 'skipped'
          ? `skipped when clocks go forward (EventBridge Scheduler skips the run that day)`
          : `repeated when clocks go back (the run happens once)`,
      );
      Annotations.of(this).addWarningV2(
        `${WARNING_PREFIX}:${field}DaylightSaving`,
        `${field} ${at} in ${zone} is ${effects.join(' and ')}. Choose a time daylight saving does not touch.`,
      );
    }
    const resumeZone = props.resumeSchedule?.timeZone?.timezoneName;
    if (props.holidays && props.timeZone && resumeZone && resumeZone !== zone) {
      Annotations.of(this).addWarningV2(
        `${WARNING_PREFIX}:holidayTimeZone`,
        `holidays are read in timeZone ${zone}, but resumeSchedule runs in ${resumeZone}: a holiday may start or end a day off. Give both the same time zone.`,
      );
    }
    if (props.dryRun) {
      Annotations.of(this).addWarningV2(
        `${WARNING_PREFIX}:dryRun`,
        'dryRun is true: every run plans and reports, but no service is paused, resumed, tagged or deployed.',
      );
    }
    if (props.enabled === false) {
      Annotations.of(this).addWarningV2(
        `${WARNING_PREFIX}:disabled`,
        'enabled is false: the schedules are created DISABLED and nothing runs until they are enabled.',
      );
    }
  }
}

type ProblemSink = (field: string, received: unknown, accepted: string) => void;

/**
 * ListServices for statuses in bulk (20 services a page), with listed ARNs too: waiting on a fleet
 * then costs one walk per poll instead of a DescribeService per service. With tags, also the Tagging
 * API's GetResources. Neither takes a resource, so `aws:RequestedRegion` keeps them to the regions
 * the function works in.
 */
function listingStatement(withTags: boolean, regions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: withTags ? 'ListServicesAndTheirTags' : 'ListServices',
    actions: ['apprunner:ListServices', ...(withTags ? ['tag:GetResources'] : [])],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:RequestedRegion': regions } },
  });
}

function listedServiceStatements(services: string[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ReadListedServices',
      actions: ['apprunner:DescribeService', 'apprunner:ListOperations', 'apprunner:ListTagsForResource'],
      resources: services,
    }),
    new iam.PolicyStatement({
      sid: 'PauseResumeDeployListedServices',
      actions: ['apprunner:PauseService', 'apprunner:ResumeService', 'apprunner:StartDeployment'],
      resources: services,
    }),
    new iam.PolicyStatement({
      sid: 'WriteMarkerTagOnListedServices',
      actions: ['apprunner:TagResource', 'apprunner:UntagResource'],
      resources: services,
      conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [...SCHEDULER_WRITTEN_TAG_KEYS] } },
    }),
  ];
}

function taggedServiceStatements(tags: { [key: string]: string }, regions: string[]): iam.PolicyStatement[] {
  const anyService = regions.map((region) => `arn:${Aws.PARTITION}:apprunner:${region}:${Aws.ACCOUNT_ID}:service/*`);
  const carriesSelectorTags = Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));
  return [
    new iam.PolicyStatement({
      sid: 'ReadServicesInSelectedRegions',
      actions: ['apprunner:DescribeService', 'apprunner:ListOperations', 'apprunner:ListTagsForResource'],
      resources: anyService,
    }),
    new iam.PolicyStatement({
      sid: 'PauseResumeDeployTaggedServices',
      actions: ['apprunner:PauseService', 'apprunner:ResumeService', 'apprunner:StartDeployment'],
      resources: anyService,
      conditions: { StringEquals: carriesSelectorTags },
    }),
    new iam.PolicyStatement({
      sid: 'WriteMarkerTagOnTaggedServices',
      actions: ['apprunner:TagResource', 'apprunner:UntagResource'],
      resources: anyService,
      conditions: {
        'StringEquals': carriesSelectorTags,
        'ForAllValues:StringEquals': { 'aws:TagKeys': [...SCHEDULER_WRITTEN_TAG_KEYS] },
      },
    }),
  ];
}

function validateSelection(props: AppRunnerSchedulerProps, problem: ProblemSink): void {
  const { services, tags, regions } = props;
  if (services === undefined && tags === undefined) {
    problem('services', undefined, 'service ARNs in "services", tags in "tags", or both: a scheduler must select something');
  }
  validateList(services, 'services', LIMITS.services, `an App Runner service ARN (${SERVICE_ARN_FORMAT})`, (arn) => parseServiceArn(arn) !== undefined, problem);
  if (tags !== undefined) {
    const entries = Object.entries(tags);
    if (entries.length === 0) problem('tags', tags, 'at least one tag, such as { env: "dev" } (leave the prop out instead)');
    if (entries.length > LIMITS.tags) problem('tags', `${entries.length} tags`, `at most ${LIMITS.tags} tags`);
    for (const [key, value] of entries) {
      const keyProblem = Token.isUnresolved(key) ? undefined : tagKeyProblem(key);
      if (keyProblem) problem(`tags[${JSON.stringify(key)}]`, key, keyProblem);
      else if (!Token.isUnresolved(value) && value.length > LIMITS.tagValueLength) {
        problem(`tags.${key}`, value, `a string of 0-${LIMITS.tagValueLength} characters`);
      }
    }
  }
  if (regions !== undefined && tags === undefined) {
    problem('regions', regions, 'regions only together with "tags" (a listed ARN is called in its own region)');
  }
  validateList(regions, 'regions', LIMITS.regions, 'an AWS region name such as "eu-west-1"', isRegion, problem);
}

function validateTimeZone(timeZone: TimeZone, problem: ProblemSink): void {
  const name = timeZone.timezoneName;
  if (!Token.isUnresolved(name) && !isTimeZone(name)) {
    problem('timeZone', name, 'an IANA time zone such as TimeZone.EUROPE_LONDON or TimeZone.of("Europe/London")');
  }
}

/** Checks a list prop item by item; tokens (a whole list or one item) are left to deploy time. */
function validateList(
  list: string[] | undefined,
  field: string,
  max: number,
  itemAccepted: string,
  isValid: (item: string) => boolean,
  problem: ProblemSink,
): void {
  if (list === undefined || Token.isUnresolved(list)) return;
  if (list.length === 0) problem(field, list, 'a non-empty list (leave the prop out instead)');
  if (list.length > max) problem(field, `${list.length} items`, `at most ${max} items`);
  list.forEach((item, i) => {
    if (!Token.isUnresolved(item) && !isValid(item)) problem(`${field}[${i}]`, item, itemAccepted);
  });
}

/** The pause and resume runs the props ask for, with their schedule expressions. */
function plannedRuns(props: AppRunnerSchedulerProps, timeZone: TimeZone, problem: ProblemSink): PlannedRun[] {
  const weekDays = props.weekDays ?? WORKING_WEEK;
  if (props.weekDays !== undefined) {
    if (props.weekDays.length === 0) problem('weekDays', props.weekDays, 'at least one WeekDay, such as WeekDay.MONDAY');
    props.weekDays.forEach((day, i) => {
      if (!Object.values(WeekDay).includes(day)) problem(`weekDays[${i}]`, day, `a WeekDay: one of ${Object.values(WeekDay).join(', ')}`);
    });
    if (props.pauseAt === undefined && props.resumeAt === undefined) {
      problem('weekDays', props.weekDays, 'weekDays only together with pauseAt or resumeAt (a ScheduleExpression carries its own days)');
    }
  }
  if ([props.pauseAt, props.pauseSchedule, props.resumeAt, props.resumeSchedule].every((p) => p === undefined)) {
    problem('pauseAt', undefined, 'pauseAt or pauseSchedule, resumeAt or resumeSchedule, or both: a scheduler must pause or resume');
  }
  if (props.pauseAt !== undefined && props.pauseAt === props.resumeAt) {
    problem('resumeAt', props.resumeAt, `a time other than pauseAt ${JSON.stringify(props.pauseAt)}: both would run at once`);
  }

  const runs: PlannedRun[] = [];
  for (const action of ['pause', 'resume'] as const) {
    const [atField, scheduleField] = action === 'pause' ? (['pauseAt', 'pauseSchedule'] as const) : (['resumeAt', 'resumeSchedule'] as const);
    const at = props[atField];
    const expression = props[scheduleField];
    if (at !== undefined && expression !== undefined) {
      problem(scheduleField, expression.expressionString, `${atField} or ${scheduleField}, not both (${atField} is ${JSON.stringify(at)})`);
    } else if (expression !== undefined) {
      runs.push({ action, expression });
    } else if (at !== undefined) {
      const time = HH_MM.exec(at);
      if (Token.isUnresolved(at)) {
        problem(atField, at, `a literal local time HH:MM, not a token: the cron expression is built at synth time (use ${scheduleField} instead)`);
      } else if (!time) {
        problem(atField, at, 'a local time HH:MM from 00:00 to 23:59, such as "19:00"');
      } else if (weekDays.length > 0) {
        const [hour, minute] = [Number(time[1]), Number(time[2])];
        runs.push({
          action,
          expression: scheduler.ScheduleExpression.cron({ minute: `${minute}`, hour: `${hour}`, weekDay: cronWeekDays(weekDays), timeZone }),
        });
      }
    }
  }
  return runs;
}

/** Days in cron's order, runs of three or more written as ranges: MON-FRI, SUN,MON,SAT. */
function cronWeekDays(days: readonly WeekDay[]): string {
  const indexes = [...new Set(days.map((d) => CRON_DAY_ORDER.indexOf(d)))].sort((a, b) => a - b);
  if (indexes.length === CRON_DAY_ORDER.length) return '*';
  const parts: string[] = [];
  for (let start = 0; start < indexes.length; ) {
    let end = start;
    while (end + 1 < indexes.length && indexes[end + 1] === indexes[end] + 1) end++;
    const run = indexes.slice(start, end + 1).map((i) => CRON_DAY_ORDER[i]);
    parts.push(run.length >= 3 ? `${run[0]}-${run[run.length - 1]}` : run.join(','));
    start = end + 1;
  }
  return parts.join(',');
}
