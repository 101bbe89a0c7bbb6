import * as path from 'path';
import { Annotations, Aws, Duration, Lazy, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ParseOptions } from '../contract/event';
import {
  SCHEDULER_DEAD_LETTER_QUEUE_ARN_ENV,
  SCHEDULER_GROUP_NAME_ENV,
  SCHEDULER_MEMBER_EXTERNAL_ID_ENV,
  SCHEDULER_NAME_ENV,
  SCHEDULER_SCHEDULES_ENV,
  SCHEDULER_TARGET_ROLE_ARN_ENV,
  SUMMARY_TOPIC_ARN_ENV,
} from '../contract/function-environment';
import { SCHEDULER_HOURS_ENV } from '../contract/office-hours';
import { SCHEDULER_METRICS } from '../contract/metric-names';
import { ProblemList, describeProblems } from '../contract/problems';
import { DEFAULT_SCHEDULE_NAME } from '../contract/schedules';
import { SchedulerDashboard } from './dashboard';
import { DeploymentOutcomes } from './deployment-outcomes';
import { FunctionRole, externalIdProblem, type OneTimeScheduleAccess, type ScheduledSelection } from './function-role';
import { environmentSizeProblems, listedServiceConflicts, scheduleNameProblems, schedulesEnvironment, unknownOptionProblems } from './named-schedules';
import { failureCountAlarm } from './scheduler-metrics';
import { SchedulerKey, cloudWatchAlarmsKeyStatement, logsKeyStatement } from './scheduler-key';
import {
  DeployAfterResume,
  SCHEDULE_OPTION_FIELDS,
  planSchedule,
  scheduleWarnings,
  selectorTags,
  type PlannedSchedule,
  type ScheduleOptions,
  type SharedScheduleSettings,
} from './schedule-options';

export { DeployAfterResume, type ScheduleOptions } from './schedule-options';

/** Prefixes the id of each warning, by which a user acknowledges it. */
const WARNING_PREFIX = 'cdk-apprunner-scheduler';

/** The bundled handler, built by `npm run build` (scripts/bundle-handler.mjs) and shipped in the package. */
const HANDLER_ASSET_PATH = path.join(__dirname, '..', 'assets', 'handler');

/**
 * Properties of an `AppRunnerScheduler`. Its own schedule (the `ScheduleOptions` fields) selects
 * services by `services`, by `tags`, or both. Leave every one of those fields out for a scheduler of
 * named schedules only (`addSchedule`).
 */
export interface AppRunnerSchedulerProps extends ScheduleOptions {
  /**
   * Plan and report every run, of every schedule, but pause, resume, tag and deploy nothing.
   * @default false
   */
  readonly dryRun?: boolean;

  /**
   * Resume services that someone paused by hand as well, not only those the scheduler paused; for
   * every schedule.
   * @default false
   */
  readonly resumeManuallyPaused?: boolean;

  /**
   * Topic the failed-run alarm notifies. It must let `cloudwatch.amazonaws.com` publish (and use its
   * KMS key, if it has one).
   * @default - a topic encrypted with `encryptionKey`
   */
  readonly alarmTopic?: sns.ITopic;

  /**
   * KMS key for the function's log group and for the alarm topic the construct creates; then the
   * construct creates no key. A key of this stack gets the statements it needs added to its policy;
   * the policy of any other key (imported, or from another stack) is left alone and must allow them
   * itself (README, "Bring your own key"): the construct warns.
   * @default - a key the construct creates, with rotation on and an alias (about 1 USD a month)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What becomes of the function's log group, and of the key the construct creates, when the stack
   * is deleted. Both go together: logs encrypted with a deleted key cannot be read. With DESTROY,
   * the log group is deleted and the key is scheduled for deletion (30 days).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Concurrent executions reserved for the function, taken from the account's pool. Overlapping runs
   * are safe without it: each service is still paused, resumed and deployed once. Lambda keeps at
   * least 100 executions of the account's quota unreserved, so any value fails to deploy in an
   * account whose quota is 100 or less (new accounts often have 10 or 50).
   * @default - none: the function uses the account's unreserved concurrency
   */
  readonly reservedConcurrentExecutions?: number;

  /**
   * The `sts:ExternalId` the function passes when it assumes the member role in another account
   * (`accounts`, or a listed ARN of another account): the value the member roles' trust policy
   * requires when they are created with `externalId`. Set on the function as
   * SCHEDULER_MEMBER_EXTERNAL_ID; an external ID is an identifier, not a secret.
   * @default - none: the member roles must trust the function by `organizationId` instead
   */
  readonly memberExternalId?: string;

  /**
   * Topic the function tells of every run (dry runs and runs invoked by hand too): a subject line, a
   * plain-text body for e-mail with the JSON report, and an AWS Chatbot (Amazon Q Developer in chat
   * applications) custom notification for chat channels. The function is granted sns:Publish on this
   * topic only, and use of the topic's key when the topic knows it (`masterKey`). A notification that
   * cannot be sent raises the notification alarm; the run's outcome stands.
   * @default - reports go to the function's log group only
   */
  readonly summaryTopic?: sns.ITopic;

  /**
   * Whether to create a CloudWatch dashboard of the runs: outcomes, services paused now, money saved,
   * failures and failed deployments, alarms and the last run reports. Its name is left to
   * CloudFormation. A dashboard costs 3 USD a month beyond the account's first three.
   * @default true
   */
  readonly dashboard?: boolean;

  /**
   * VPC to run the function in (AWS Control Tower's CT.LAMBDA.PR.3). Its calls to App Runner and,
   * with `tags`, to the Resource Groups Tagging API then leave through that VPC: it needs interface
   * endpoints for both (`InterfaceVpcEndpointAwsService.APP_RUNNER` and `.TAGGING`, private DNS on)
   * or a NAT gateway, and NAT for services in another region. See docs/control-tower.md.
   * @default - the function runs outside any VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of `vpc` for the function's network interfaces. Only together with `vpc`.
   * @default - the VPC's private subnets (PRIVATE_WITH_EGRESS, else PRIVATE_ISOLATED)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the function's network interfaces. Only together with `vpc`. The function only
   * makes outbound HTTPS calls: they need no inbound rule.
   * @default - a new security group that allows all outbound traffic and no inbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** The schedules `addSchedule` created for one named schedule. */
export interface NamedScheduleResources {
  /** The schedule's name. */
  readonly name: string;
  /** Its pause schedule, when it pauses. */
  readonly pauseSchedule?: scheduler.Schedule;
  /** Its resume schedule, when it resumes. */
  readonly resumeSchedule?: scheduler.Schedule;
}

/**
 * Pauses AWS App Runner services out of hours and resumes them (optionally with a deployment) in the
 * morning: an EventBridge Scheduler schedule group with a pause and a resume schedule, both invoking
 * one Lambda function with a `SchedulerEvent`. Failed runs land in an SQS dead-letter queue, whose
 * depth raises a CloudWatch alarm. More schedules (other office hours, other services) join the same
 * function, queue, alarm and dashboard with `addSchedule`.
 */
export class AppRunnerScheduler extends Construct {
  /** The function that pauses and resumes the services. */
  public readonly function: lambda.Function;
  /** The pause schedule of the props' own schedule, when one is configured. */
  public readonly pauseSchedule?: scheduler.Schedule;
  /** The resume schedule of the props' own schedule, when one is configured. */
  public readonly resumeSchedule?: scheduler.Schedule;
  /** The group that holds the schedules. */
  public readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Receives every run that failed for good: events the schedules could not deliver, and runs that still failed after Lambda's retries. */
  public readonly deadLetterQueue: sqs.Queue;
  /** In ALARM while the dead-letter queue holds a failed run. */
  public readonly alarm: cloudwatch.Alarm;
  /** The topic the alarm notifies. */
  public readonly alarmTopic: sns.ITopic;
  /** In ALARM when a notification to the summary topic could not be sent; only with `summaryTopic`. */
  public readonly notificationAlarm?: cloudwatch.Alarm;
  /** The runs' dashboard, unless `dashboard` is false. */
  public readonly dashboard?: cloudwatch.Dashboard;

  private readonly props: AppRunnerSchedulerProps;
  /** Every schedule, the props' own (`default`) first when there is one. */
  private readonly schedules: PlannedSchedule[] = [];
  /** The function's environment as it is measured against Lambda's limit (objects as their JSON). */
  private readonly measuredEnvironment: { [key: string]: unknown };
  private readonly scheduleRole: iam.Role;
  private readonly functionRole: FunctionRole;
  private readonly schedulerName: string;
  /** Every alarm, read at synth by the alarm topic's policy and the dashboard. */
  private readonly alarms: cloudwatch.Alarm[];
  private outcomes?: DeploymentOutcomes;
  private snoozesArranged = false;

  constructor(scope: Construct, id: string, props: AppRunnerSchedulerProps) {
    super(scope, id);
    this.props = props;

    const ownSchedule = this.plan(props);
    if (ownSchedule) this.schedules.push(ownSchedule);
    this.warn(props, ownSchedule);
    this.node.addValidation({
      validate: () =>
        this.schedules.length > 0
          ? []
          : ['AppRunnerScheduler has no schedule: give its props pauseAt/pauseSchedule or resumeAt/resumeSchedule with services or tags, or call addSchedule(name, options)'],
    });

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const key = props.encryptionKey ?? new SchedulerKey(this, 'Key', { removalPolicy });
    const keyStatements = [logsKeyStatement()];
    if (!props.alarmTopic) keyStatements.push(cloudWatchAlarmsKeyStatement());
    this.allowKeyUse(key, keyStatements);
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // SSE-SQS rather than a KMS key: EventBridge Scheduler's DLQ delivery only gets sqs:SendMessage.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Marks the queue as a dead-letter queue (Control Tower CT.SQS.PR.1 reads it so); allowAll is SQS's default anyway.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    });

    // Deleted with the stack: its name is fixed (CDK derives it from the path), so a group kept by
    // `cdk destroy` would make the next `cdk deploy` fail. Its schedules are the stack's anyway.
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', { removalPolicy: RemovalPolicy.DESTROY });
    this.scheduleRole = this.createScheduleRole();
    // Snoozes and wakes end in a pause the function arranges (a one-time schedule in this group, with
    // the schedules' role) when it knows a schedule's hours (planSchedule).
    const hours = ownSchedule?.hours;
    // The construct's path: stable across deployments, and unique within the app.
    this.schedulerName = this.node.path;
    this.functionRole = new FunctionRole(this, 'FunctionRole', {
      summaryTopic: props.summaryTopic,
      logGroup,
      selections: ownSchedule ? [scheduledSelection(props, ownSchedule)] : [],
      inVpc: props.vpc !== undefined,
      oneTimeSchedules: hours ? this.oneTimeScheduleAccess() : undefined,
    });
    // Every schedule's variables but the hours, which are measured as JSON and written as CloudFormation's own.
    const environment = {
      [SCHEDULER_NAME_ENV]: this.schedulerName,
      ...(props.summaryTopic ? { [SUMMARY_TOPIC_ARN_ENV]: props.summaryTopic.topicArn } : {}),
      ...(props.memberExternalId !== undefined ? { [SCHEDULER_MEMBER_EXTERNAL_ID_ENV]: props.memberExternalId } : {}),
    };
    const snoozeEnvironment = hours ? this.snoozeEnvironment() : {};
    this.measuredEnvironment = { ...environment, ...(hours ? { [SCHEDULER_HOURS_ENV]: hours } : {}), ...snoozeEnvironment };
    this.snoozesArranged = hours !== undefined;
    const environmentProblems = new ProblemList();
    environmentSizeProblems(this.measuredEnvironment, environmentProblems);
    if (environmentProblems.problems.length > 0) throw new Error(`Invalid AppRunnerScheduler props: ${describeProblems(environmentProblems.problems)}`);
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
      // None by default: reserving any fails to deploy in accounts with a concurrency quota of 100 or
      // less, and overlapping runs are safe (test/lambda/overlapping-runs.test.ts).
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.functionRole,
      logGroup,
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: 2,
      // Like the schedules' retry window: a pause still queued after an hour is stale (it could land
      // after the next resume), so it goes to the dead-letter queue and the alarm instead of Lambda's
      // default of six hours.
      maxEventAge: Duration.hours(1),
      environment: {
        ...environment,
        // Tokens (an expression or holidays resolved at deployment) become CloudFormation's own JSON.
        ...(hours ? { [SCHEDULER_HOURS_ENV]: Stack.of(this).toJsonString(hours) } : {}),
        ...snoozeEnvironment,
      },
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'nodejs22.x is the runtime this handler is built (target node22) and tested for; a runtime upgrade is a deliberate release, not a default.',
    });

    // The function publishes its own readable summary; sns:Publish on this topic only (and its key).
    props.summaryTopic?.grantPublish(this.function);

    this.alarm = this.createFailedRunAlarm();
    if (props.summaryTopic) this.notificationAlarm = this.createNotificationAlarm(this.schedulerName);
    if (ownSchedule && startsDeployments(props, ownSchedule)) {
      this.outcomes = new DeploymentOutcomes(this, 'DeploymentOutcomes', {
        function: this.function,
        services: props.services ?? [],
        schedulerName: this.schedulerName,
        deadLetterQueue: this.deadLetterQueue,
      });
    }
    this.alarms = [this.alarm, ...(this.notificationAlarm ? [this.notificationAlarm] : []), ...(this.outcomes ? [this.outcomes.alarm] : [])];
    if (props.alarmTopic) {
      this.alarmTopic = props.alarmTopic;
    } else {
      const alarmTopic = this.createAlarmTopic(key);
      this.allowAlarmsToPublish(alarmTopic);
      this.alarmTopic = alarmTopic;
    }
    for (const alarm of this.alarms) alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
    if (props.dashboard ?? true) {
      this.dashboard = new SchedulerDashboard(this, 'Dashboard', {
        schedulerName: this.schedulerName,
        logGroup,
        deadLetterQueue: this.deadLetterQueue,
        alarms: this.alarms,
      }).dashboard;
    }

    if (ownSchedule) {
      const { pause, resume } = this.createSchedules(this, ownSchedule);
      this.pauseSchedule = pause;
      this.resumeSchedule = resume;
    }
    this.acknowledgeInvokeWildcard(this.scheduleRole);
  }

  /**
   * The EventBridge rule and the alarm that report the deployments resume runs start, when they start
   * any (a resume is scheduled, `deployAfterResume` is not NEVER, and it is no dry run).
   */
  public get deploymentOutcomes(): DeploymentOutcomes | undefined {
    return this.outcomes;
  }

  /**
   * Adds a named schedule: its own pause and resume, office hours and services, run by this
   * scheduler's function, with its dead-letter queue, alarms and dashboard. Its events carry
   * `schedule: <name>`; with neither `services` nor `tags` it selects the services tagged
   * `apprunner-scheduler:schedule=<name>`. `dryRun` and `resumeManuallyPaused` are the scheduler's.
   * @param name 1-32 letters, digits, `-` or `_`, starting with a letter or digit; unique, and not `default`
   * @param options when it pauses and resumes, and which services
   * @throws naming every bad option, a listed ARN another schedule lists, and an environment too large for Lambda; nothing is added then
   */
  public addSchedule(name: string, options: ScheduleOptions): NamedScheduleResources {
    const invalid = (problems: ProblemList) => new Error(`Invalid schedule ${JSON.stringify(name)} of AppRunnerScheduler ${this.node.path}: ${describeProblems(problems.problems)}`);
    const problems = new ProblemList();
    // The name is also the events' `schedule` and a tag value: a bad one would be named thrice below.
    scheduleNameProblems(name, this.schedules.map((s) => s.name), problems);
    if (problems.problems.length > 0) throw invalid(problems);
    unknownOptionProblems(options ?? {}, problems);
    const planned = planSchedule(options ?? {}, { name, shared: this.props, parse: this.parseOptions() }, problems);
    listedServiceConflicts(planned, this.schedules, problems, (arn) => (Token.isUnresolved(arn) ? Stack.of(this).resolve(arn) : arn));
    const schedules = [...this.schedules, planned];
    const arrangesSnoozes = this.snoozesArranged || planned.hours !== undefined;
    environmentSizeProblems(
      { ...this.measuredEnvironment, [SCHEDULER_SCHEDULES_ENV]: schedulesEnvironment(schedules), ...(arrangesSnoozes ? this.snoozeEnvironment() : {}) },
      problems,
    );
    if (problems.problems.length > 0) throw invalid(problems);

    this.schedules.push(planned);
    for (const { id, message } of scheduleWarnings(planned)) {
      Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:${name}.${id}`, `Schedule "${name}": ${message}`);
    }
    this.measuredEnvironment[SCHEDULER_SCHEDULES_ENV] = schedulesEnvironment(this.schedules);
    this.function.addEnvironment(SCHEDULER_SCHEDULES_ENV, Stack.of(this).toJsonString(schedulesEnvironment(this.schedules)));
    this.functionRole.addSelection(scheduledSelection(this.props, planned));
    if (arrangesSnoozes && !this.snoozesArranged) {
      for (const [key, value] of Object.entries(this.snoozeEnvironment())) {
        this.measuredEnvironment[key] = value;
        this.function.addEnvironment(key, value);
      }
      this.functionRole.allowOneTimeSchedules(this.oneTimeScheduleAccess());
      this.snoozesArranged = true;
    }
    if (startsDeployments(this.props, planned)) this.reportDeploymentsOf(planned);
    const scope = this.node.tryFindChild('Schedules') ?? new Construct(this, 'Schedules');
    const { pause, resume } = this.createSchedules(new Construct(scope, name), planned);
    return { name, pauseSchedule: pause, resumeSchedule: resume };
  }

  /** How the events are checked: the function's own region, which tag selection defaults to (a token unless the stack has an environment). */
  private parseOptions(): ParseOptions {
    return { defaultRegion: Stack.of(this).region, isUnresolved: (value: unknown) => Token.isUnresolved(value) };
  }

  /** The group and role of the one-time schedules that end snoozes and wakes. */
  private oneTimeScheduleAccess(): OneTimeScheduleAccess {
    return { groupName: this.scheduleGroup.scheduleGroupName, targetRole: this.scheduleRole };
  }

  /** Where the function arranges the pauses that end snoozes and wakes. */
  private snoozeEnvironment(): { [key: string]: string } {
    return {
      [SCHEDULER_GROUP_NAME_ENV]: this.scheduleGroup.scheduleGroupName,
      [SCHEDULER_TARGET_ROLE_ARN_ENV]: this.scheduleRole.roleArn,
      [SCHEDULER_DEAD_LETTER_QUEUE_ARN_ENV]: this.deadLetterQueue.queueArn,
    };
  }

  /** A schedule's pause and resume schedules, in `scope`: the scheduler itself for the props' own. */
  private createSchedules(scope: Construct, planned: PlannedSchedule): { pause?: scheduler.Schedule; resume?: scheduler.Schedule } {
    const created: { pause?: scheduler.Schedule; resume?: scheduler.Schedule } = {};
    const of = planned.name === DEFAULT_SCHEDULE_NAME ? '' : ` (schedule ${planned.name})`;
    for (const run of planned.runs) {
      created[run.action] = new scheduler.Schedule(scope, run.action === 'pause' ? 'PauseSchedule' : 'ResumeSchedule', {
        description: `${run.action === 'pause' ? 'Pauses' : 'Resumes'} App Runner services${of}`,
        schedule: run.expression,
        scheduleGroup: this.scheduleGroup,
        enabled: planned.options.enabled,
        target: new targets.LambdaInvoke(this.function, {
          role: this.scheduleRole,
          input: scheduler.ScheduleTargetInput.fromObject(planned.events[run.action]),
          deadLetterQueue: this.deadLetterQueue,
          // Retries cover a failed hand-over to Lambda, not a failed run (Lambda retries those). A
          // pause or resume that could not start within the hour is stale: dead-letter and alarm.
          retryAttempts: 10,
          maxEventAge: Duration.hours(1),
        }),
      });
    }
    return created;
  }

  /** A named schedule's resumes start deployments: the deployment rule sees its services, and its alarm exists. */
  private reportDeploymentsOf(planned: PlannedSchedule): void {
    const tagSelection = selectorTags(planned.options, planned.name) !== undefined;
    const services = tagSelection ? [] : (planned.options.services ?? []);
    if (this.outcomes) {
      this.outcomes.addServices(services);
      return;
    }
    this.outcomes = new DeploymentOutcomes(this, 'DeploymentOutcomes', {
      function: this.function,
      services,
      schedulerName: this.schedulerName,
      deadLetterQueue: this.deadLetterQueue,
    });
    this.alarms.push(this.outcomes.alarm);
    this.outcomes.alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
  }

  /**
   * The props' own schedule, planned, or undefined when the props set none of its fields (a
   * scheduler of named schedules only). Every prop is checked, and both events even when only one is scheduled.
   * @throws naming every bad prop, the events' and the schedules'
   */
  private plan(props: AppRunnerSchedulerProps): PlannedSchedule | undefined {
    const problems = new ProblemList();
    const hasOwnSchedule = SCHEDULE_OPTION_FIELDS.some((field) => props[field] !== undefined);
    const planned = hasOwnSchedule
      ? planSchedule(
          props,
          {
            shared: props,
            parse: this.parseOptions(),
            // Once named schedules exist, the function tells the props' schedule's events by this name.
            scheduleField: () => (this.schedules.length > 1 ? DEFAULT_SCHEDULE_NAME : undefined),
          },
          problems,
        )
      : undefined;
    deploymentProblems(props, problems);
    networkProblems(props, problems);
    const externalId = props.memberExternalId;
    if (externalId !== undefined && !Token.isUnresolved(externalId)) {
      const problem = externalIdProblem(externalId);
      if (problem) problems.add('memberExternalId', externalId, problem);
    }
    if (problems.problems.length > 0) {
      throw new Error(`Invalid AppRunnerScheduler props: ${describeProblems(problems.problems)}`);
    }
    return planned;
  }

  /** Legal but risky props: each warning can be acknowledged by its id. */
  private warn(props: AppRunnerSchedulerProps, ownSchedule: PlannedSchedule | undefined): void {
    const warnings = ownSchedule ? scheduleWarnings(ownSchedule) : [];
    if (props.dryRun) {
      warnings.push({ id: 'dryRun', message: 'dryRun is true: every run plans and reports, but no service is paused, resumed, tagged or deployed.' });
    }
    for (const { id, message } of warnings) Annotations.of(this).addWarningV2(`${WARNING_PREFIX}:${id}`, message);
  }

  /**
   * Adds `statements` to the key's policy when the key is this stack's. Another key's policy is not
   * this stack's to change (an imported key's cannot be): the user must allow them, and is told so.
   */
  private allowKeyUse(key: kms.IKey, statements: iam.PolicyStatement[]): void {
    const added = Stack.of(key) === Stack.of(this) && statements.every((s) => key.addToResourcePolicy(s).statementAdded);
    if (added) return;
    const needs = statements.map((s) => s.sid).join(' and ');
    const otherwise = statements.length > 1 ? 'the log group cannot be created and alarm notifications are lost' : 'the log group cannot be created';
    Annotations.of(this).addWarningV2(
      `${WARNING_PREFIX}:encryptionKeyPolicy`,
      `encryptionKey is not a key of this stack, so its key policy is left as it is. It must have the statements ${needs} (README, "Bring your own key"), or ${otherwise}.`,
    );
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

  /** A notification that could not be sent: the run's work is done, but nobody was told of it. */
  private createNotificationAlarm(schedulerName: string): cloudwatch.Alarm {
    return failureCountAlarm(this, 'NotificationFailedAlarm', {
      metricName: SCHEDULER_METRICS.notificationsFailed,
      schedulerName,
      description:
        'A run finished, but its notification to the summary topic could not be sent. Read the run report in the function logs (the error says why the publish failed), then check the topic and its key policy.',
    });
  }

  private createAlarmTopic(key: kms.IKey): sns.Topic {
    return new sns.Topic(this, 'AlarmTopic', {
      displayName: 'App Runner scheduler: failed runs',
      masterKey: key,
      enforceSSL: true,
    });
  }

  /**
   * CloudWatch alarms publish as a service: the topic policy (here) and the key policy (allowKeyUse)
   * must both let them. The alarms are read at synth: a named schedule may add the deployment alarm.
   */
  private allowAlarmsToPublish(topic: sns.Topic): void {
    const alarms = this.alarms;
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSchedulerAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          ArnLike: { 'aws:SourceArn': Lazy.any({ produce: () => (alarms.length === 1 ? alarms[0].alarmArn : alarms.map((alarm) => alarm.alarmArn)) }) },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
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
}

/** Whether a schedule's resume runs start deployments, whose outcomes the construct then reports. */
function startsDeployments(shared: SharedScheduleSettings, planned: PlannedSchedule): boolean {
  const policy = planned.options.deployAfterResume ?? DeployAfterResume.AUTO;
  return shared.dryRun !== true && planned.runs.some((run) => run.action === 'resume') && policy !== DeployAfterResume.NEVER;
}

/** What a schedule's runs select and do, for the function's role: it allows those calls on those services. */
function scheduledSelection(shared: SharedScheduleSettings, planned: PlannedSchedule): ScheduledSelection {
  const { options } = planned;
  return {
    services: options.services,
    tags: selectorTags(options, planned.name === DEFAULT_SCHEDULE_NAME ? undefined : planned.name),
    regions: options.regions,
    accounts: options.accounts,
    scheduledActions: planned.runs.map((run) => run.action),
    dryRun: shared.dryRun,
    deployAfterResume: options.deployAfterResume,
  };
}

/** What the function and the kept resources are given that CloudFormation would refuse or mishandle. */
function deploymentProblems(props: AppRunnerSchedulerProps, problems: ProblemList): void {
  const reserved = props.reservedConcurrentExecutions;
  if (reserved !== undefined && !Token.isUnresolved(reserved) && !(Number.isInteger(reserved) && reserved >= 1)) {
    problems.add('reservedConcurrentExecutions', reserved, 'a whole number of at least 1 (leave it out to reserve none)');
  }
  const removal = props.removalPolicy;
  if (removal !== undefined && removal !== RemovalPolicy.RETAIN && removal !== RemovalPolicy.DESTROY) {
    problems.add('removalPolicy', removal, 'RemovalPolicy.RETAIN or RemovalPolicy.DESTROY (for the log group and the key together)');
  }
}

/** `vpcSubnets` and `securityGroups` place the function in `vpc`: without it they would be ignored. */
function networkProblems(props: AppRunnerSchedulerProps, problems: ProblemList): void {
  if (props.vpc) return;
  if (props.vpcSubnets !== undefined) {
    const { subnets, ...selection } = props.vpcSubnets;
    // A subnet is a construct: name it by its path rather than render its tree.
    problems.add('vpcSubnets', subnets ? { ...selection, subnets: subnets.map((subnet) => subnet.node.path) } : selection, 'vpcSubnets only together with vpc');
  }
  if (props.securityGroups !== undefined) {
    problems.add('securityGroups', props.securityGroups.map((group) => group.node.path), 'securityGroups only together with vpc');
  }
}
