/**
 * The function's role: its own log group, the App Runner calls that the scheduled runs make for this
 * selection and nothing else, with the cdk-nag acknowledgements those statements need, each saying
 * why the wildcard is there. A call the props never lead to is not allowed: a dry-run scheduler gets
 * a read-only role, and an action without a schedule gets none of its own calls.
 */
import { Aws, Fn, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Action, DeployPolicy } from '../contract/event';
import { MARKER_TAG_KEY, SCHEDULER_WRITTEN_TAG_KEYS } from '../contract/scheduler-tags';
import type { AppRunnerSchedulerProps } from './app-runner-scheduler';

/** The props that decide what the function may touch. */
type FunctionRoleProps = Pick<AppRunnerSchedulerProps, 'services' | 'tags' | 'regions' | 'summaryTopic' | 'dryRun' | 'deployAfterResume'> & {
  /** The function's log group, the only one it writes to. */
  readonly logGroup: logs.ILogGroup;
  /** The actions the schedules run: the role allows the calls of these runs only. */
  readonly scheduledActions: readonly Action[];
  /**
   * Whether the function runs in a VPC: Lambda then creates its network interfaces with this role.
   * @default false
   */
  readonly inVpc?: boolean;
  /**
   * Where the function arranges the pauses at the end of snoozes and wakes, when it does: it may
   * create schedules in this group only, and pass this role to EventBridge Scheduler only; the
   * services' wake tag joins the tags it may write.
   * @default - it arranges none
   */
  readonly oneTimeSchedules?: OneTimeScheduleAccess;
};

/** The schedule group and role of the one-time schedules the function creates. */
export interface OneTimeScheduleAccess {
  readonly groupName: string;
  readonly targetRole: iam.IRole;
}

/** The App Runner calls on services that the scheduled runs make, for one kind of selection. */
interface ServiceCalls {
  readonly reads: string[];
  readonly changes: string[];
  readonly markerWrites: string[];
}

/** The role the scheduler function runs with. */
export class FunctionRole extends iam.Role {
  constructor(scope: Construct, id: string, props: FunctionRoleProps) {
    const tagRegions = props.tags ? (props.regions ?? [Aws.REGION]) : [];
    // The listed ARNs' regions (Fn.select and Fn.split resolve at deployment for a token, at once for a literal).
    const arnRegions = (props.services ?? []).map((arn) => Fn.select(3, Fn.split(':', arn)));
    const tagged = props.tags ? serviceCalls(props, 'tagged') : undefined;
    const regions = [...new Set([...arnRegions, ...tagRegions])];
    // A real resume run reads each resumed service's auto scaling configuration, for its savings.
    const readsAutoScaling = props.dryRun !== true && props.scheduledActions.includes('resume');
    const tagKeys = props.oneTimeSchedules ? SCHEDULER_WRITTEN_TAG_KEYS : [MARKER_TAG_KEY];
    const statements = [
      new iam.PolicyStatement({
        sid: 'WriteOwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [props.logGroup.logGroupArn],
      }),
      listingStatement(props.tags !== undefined, regions),
      ...(props.services ? serviceStatements('ListedServices', serviceCalls(props, 'listed'), props.services, {}, tagKeys) : []),
      ...(props.tags && tagged ? serviceStatements('TaggedServices', tagged, anyServiceIn(tagRegions), carriesSelectorTags(props.tags), tagKeys) : []),
      ...(readsAutoScaling ? [autoScalingStatement(regions)] : []),
      ...(props.oneTimeSchedules ? oneTimeScheduleStatements(props.oneTimeSchedules) : []),
      ...(props.inVpc ? [networkInterfaceStatement()] : []),
    ];
    super(scope, id, {
      description: 'Runs the App Runner scheduler function',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: { AppRunnerScheduler: new iam.PolicyDocument({ statements }) },
    });
    this.acknowledgeAnyResourceWildcard(props.tags !== undefined, props.inVpc ?? false);
    if (tagged && hasAny(tagged)) this.acknowledgeTagSelectionWildcards(tagRegions, tagged, tagKeys.length > 1);
    if (readsAutoScaling) this.acknowledgeAutoScalingWildcards(regions);
    if (props.summaryTopic?.masterKey) this.acknowledgeSummaryKeyWildcard();
    if (props.oneTimeSchedules) this.acknowledgeScheduleGroupWildcard(props.oneTimeSchedules.groupName);
  }

  /** The schedules' names are made at run time, one per service and end: the group is the narrowest ARN. */
  private acknowledgeScheduleGroupWildcard(groupName: string): void {
    // The group's name is known at synth: CDK makes it from the construct's path.
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${groupName}/*]`,
      reason:
        'The one-time schedules that pause a service when its snooze or wake ends are named at run time (kind, service id, minute). scheduler:CreateSchedule is allowed in the construct\'s own schedule group only, and iam:PassRole on the schedules\' role only, to scheduler.amazonaws.com.',
    });
  }

  private acknowledgeAnyResourceWildcard(withTags: boolean, inVpc: boolean): void {
    const listing = withTags
      ? 'apprunner:ListServices and tag:GetResources accept no resource ARN (Service Authorization Reference): they list what tag selection then filters. They only read, in the function\'s regions (aws:RequestedRegion).'
      : 'apprunner:ListServices accepts no resource ARN (Service Authorization Reference). It only reads names and statuses, in the listed ARNs\' regions (aws:RequestedRegion), so that a fleet is read a page at a time rather than one DescribeService per service per poll.';
    const networkInterfaces =
      ' In a VPC, Lambda manages the function\'s network interfaces with this role: ec2:DescribeNetworkInterfaces only works on "*" (Lambda developer guide, "Configuring a Lambda function to access resources in a VPC"), and the interfaces Lambda creates have no ARN known in advance; these are the actions of AWSLambdaVPCAccessExecutionRole, inline.';
    Validations.of(this).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: inVpc ? listing + networkInterfaces : listing });
  }

  private acknowledgeTagSelectionWildcards(regions: string[], calls: ServiceCalls, wakeTag: boolean): void {
    const conditioned = [...calls.reads, ...calls.changes, ...calls.markerWrites].map((action) => action.replace('apprunner:', '')).join(', ');
    const keys = wakeTag ? "the scheduler's marker and wake tags only" : 'the scheduler marker tag only';
    const markerKeys = calls.markerWrites.length > 0 ? `; TagResource/UntagResource also on aws:TagKeys (${keys})` : '';
    for (const region of regions.filter((r) => r === Aws.REGION || !Token.isUnresolved(r))) {
      const nagRegion = region === Aws.REGION ? '<AWS::Region>' : region;
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apprunner:${nagRegion}:<AWS::AccountId>:service/*]`,
        reason: `Tag selection cannot know service ARNs in advance. Every call on a service (${conditioned}) is conditioned on aws:ResourceTag for each selector tag, so the function can neither read (DescribeService shows environment variables) nor change a service of this account and region that does not carry them${markerKeys}.`,
      });
    }
  }

  private acknowledgeAutoScalingWildcards(regions: string[]): void {
    for (const region of regions.filter((r) => r === Aws.REGION || !Token.isUnresolved(r))) {
      const nagRegion = region === Aws.REGION ? '<AWS::Region>' : region;
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apprunner:${nagRegion}:<AWS::AccountId>:autoscalingconfiguration/*]`,
        reason:
          "A resumed service's auto scaling configuration (its MinSize, for the savings figure) is named by the service, not known in advance. DescribeAutoScalingConfiguration only reads sizes, on this account's configurations in the function's regions.",
      });
    }
  }

  /** The statement itself is added later, by the construct's `summaryTopic.grantPublish(function)`. */
  private acknowledgeSummaryKeyWildcard(): void {
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Written by Topic.grantPublish for the encrypted summary topic: publishing needs kms:GenerateDataKey* (GenerateDataKey, GenerateDataKeyWithoutPlaintext), on that topic\'s key only.',
    });
  }
}

/**
 * The calls on services that the scheduled runs make (lambda/select.ts, service-run.ts,
 * status-watcher.ts), for listed ARNs or for tag selection. A dry run only reads.
 */
function serviceCalls(props: FunctionRoleProps, selection: 'listed' | 'tagged'): ServiceCalls {
  const acts = props.dryRun !== true;
  const pauses = props.scheduledActions.includes('pause');
  const resumes = props.scheduledActions.includes('resume');
  // The event's default, as the construct sends it (DeployAfterResume.AUTO).
  const policy: DeployPolicy = props.deployAfterResume ?? 'auto';
  const deploys = resumes && policy !== 'never';
  const listed = selection === 'listed';
  const when = (needed: boolean, action: string) => (needed ? [`apprunner:${action}`] : []);
  return {
    reads: [
      // Selection describes listed ARNs a short ListServices walk did not show; a run's waits describe
      // a service no walk covers; AUTO reads whether a resumed service's source deploys by itself.
      ...when(listed || acts || (resumes && policy === 'auto'), 'DescribeService'),
      // Which operation a pause or resume ended with, and whether a deployment followed the latest resume;
      // for a deployment event (lib/deployment-outcomes.ts), how the scheduler's deployment ended.
      ...when(acts || deploys, 'ListOperations'),
      // Listed ARNs' tags; with tag selection, a resume run confirms a `paused` marker before it removes it,
      // and a deployment event reads the marker that names the scheduler's deployment.
      ...when(listed || (acts && resumes), 'ListTagsForResource'),
    ],
    changes: [...when(acts && pauses, 'PauseService'), ...when(acts && resumes, 'ResumeService'), ...when(acts && deploys, 'StartDeployment')],
    // The marker is set before every pause and resume; resume runs, and the deployment events of the
    // deployments they start, remove it.
    markerWrites: [...when(acts, 'TagResource'), ...when(acts && resumes, 'UntagResource')],
  };
}

function hasAny(calls: ServiceCalls): boolean {
  return calls.reads.length + calls.changes.length + calls.markerWrites.length > 0;
}

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

/**
 * One statement per purpose (read, pause/resume/deploy, write the marker), each only when the runs
 * make its calls; `conditions` (the selector tags, for tag selection) apply to every one of them.
 */
function serviceStatements(
  subject: string,
  calls: ServiceCalls,
  resources: string[],
  conditions: { [key: string]: unknown },
  tagKeys: readonly string[],
): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  const withConditions = (extra: { [key: string]: unknown } = {}) => {
    const all = { ...conditions, ...extra };
    return Object.keys(all).length > 0 ? all : undefined;
  };
  if (calls.reads.length > 0) {
    statements.push(new iam.PolicyStatement({ sid: `Read${subject}`, actions: calls.reads, resources, conditions: withConditions() }));
  }
  if (calls.changes.length > 0) {
    // The Sid names what the statement allows: PauseListedServices, ResumeDeployTaggedServices, ...
    const verbs = calls.changes.map((action) => ({ 'apprunner:PauseService': 'Pause', 'apprunner:ResumeService': 'Resume', 'apprunner:StartDeployment': 'Deploy' })[action]);
    statements.push(new iam.PolicyStatement({ sid: `${verbs.join('')}${subject}`, actions: calls.changes, resources, conditions: withConditions() }));
  }
  if (calls.markerWrites.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: `WriteMarkerTagOn${subject}`,
        actions: calls.markerWrites,
        resources,
        conditions: withConditions({ 'ForAllValues:StringEquals': { 'aws:TagKeys': [...tagKeys] } }),
      }),
    );
  }
  return statements;
}

/**
 * DescribeAutoScalingConfiguration (resource type `autoscalingconfiguration`, Service Authorization
 * Reference: `arn:${Partition}:apprunner:${Region}:${Account}:autoscalingconfiguration/${Name}/${Version}/${Id}`)
 * on this account's configurations in the function's regions: a resumed service names its own, so
 * the ARN cannot be known in advance. No tag condition: configurations do not carry the services' tags.
 */
function autoScalingStatement(regions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReadAutoScalingConfigurations',
    actions: ['apprunner:DescribeAutoScalingConfiguration'],
    resources: regions.map((region) => `arn:${Aws.PARTITION}:apprunner:${region}:${Aws.ACCOUNT_ID}:autoscalingconfiguration/*`),
  });
}

/**
 * CreateSchedule in the construct's group only (the function's region and account), and PassRole of
 * the schedules' role only to EventBridge Scheduler. No Get or Delete: a schedule that exists is
 * taken as created (its name says what it does), and each deletes itself after it ran.
 */
function oneTimeScheduleStatements(access: OneTimeScheduleAccess): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ArrangePausesInOwnScheduleGroup',
      actions: ['scheduler:CreateSchedule'],
      resources: [`arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${access.groupName}/*`],
    }),
    new iam.PolicyStatement({
      sid: 'PassSchedulesRoleToScheduler',
      actions: ['iam:PassRole'],
      resources: [access.targetRole.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    }),
  ];
}

function anyServiceIn(regions: string[]): string[] {
  return regions.map((region) => `arn:${Aws.PARTITION}:apprunner:${region}:${Aws.ACCOUNT_ID}:service/*`);
}

/** `StringEquals` on `aws:ResourceTag/<key>` for each selector tag: all must hold. */
function carriesSelectorTags(tags: { [key: string]: string }): { [key: string]: unknown } {
  return { StringEquals: Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value])) };
}

/** What AWSLambdaVPCAccessExecutionRole allows besides logs, inline: cdk-nag (IAM4) refuses the managed policy. */
function networkInterfaceStatement(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ManageVpcNetworkInterfaces',
    actions: [
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses',
      'ec2:UnassignPrivateIpAddresses',
    ],
    resources: ['*'],
  });
}
