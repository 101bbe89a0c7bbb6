/**
 * The function's role: its own log group, the App Runner calls that the scheduled runs make for their
 * selections and nothing else, with the cdk-nag acknowledgements those statements need, each saying
 * why the wildcard is there, and sts:AssumeRole on the member role of each other account it reaches.
 * A call the props never lead to is not allowed: a dry-run scheduler gets a read-only role, and an
 * action without a schedule gets none of its own calls. The App Runner statements come from one
 * builder (`appRunnerAccess`), which the member accounts' role (lib/member-role.ts) uses too.
 */
import { Aws, CfnResource, Fn, Lazy, Reference, Stack, Token, Tokenization, Validations, type Acknowledgment } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { parseServiceArn, type Action, type DeployPolicy } from '../contract/event';
import { memberRoleArn } from '../contract/member-role';
import type { ProblemList } from '../contract/problems';
import { MARKER_TAG_KEY, SCHEDULER_WRITTEN_TAG_KEYS } from '../contract/scheduler-tags';
import type { AppRunnerSchedulerProps } from './app-runner-scheduler';

/** Which services one schedule selects: listed ARNs, tags in regions (and accounts), or both. */
export interface ServiceSelection {
  /** App Runner service ARNs (tokens accepted); each is called in its own region. @default - none */
  readonly services?: string[];
  /** Every service that carries all of these tags is selected. @default - no tag selection */
  readonly tags?: { [key: string]: string };
  /** Regions where tag selection looks. @default - the stack's region */
  readonly regions?: string[];
  /** 12-digit accounts where tag selection looks. @default - the function's own account */
  readonly accounts?: string[];
}

/** One schedule's selection and what its runs do there, which decides the calls they make. */
export interface ScheduledSelection extends ServiceSelection {
  /** The actions the schedule runs: the calls of these runs only are allowed. */
  readonly scheduledActions: readonly Action[];
  /** Plan and report only: the runs make no mutating call. @default false */
  readonly dryRun?: boolean;
  /** Whether a resumed service gets a deployment. @default 'auto' (the event's default) */
  readonly deployAfterResume?: DeployPolicy;
}

/** What decides what the function may touch, besides the selections it is given. */
interface FunctionRoleProps extends Pick<AppRunnerSchedulerProps, 'summaryTopic'> {
  /** The function's log group, the only one it writes to. */
  readonly logGroup: logs.ILogGroup;
  /** The schedules' selections; `addSelection` adds more. */
  readonly selections: readonly ScheduledSelection[];
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
}

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

/** Where the App Runner statements of some selections apply, and what they may write. */
export interface AppRunnerAccessOptions {
  /** The tag keys TagResource and UntagResource may write: the marker, and the wake tag where wakes are arranged. */
  readonly tagKeys: readonly string[];
  /** The region of tag selection that names none (the role's stack's). */
  readonly defaultRegion: string;
}

/** The least-privilege App Runner statements of some selections, and the cdk-nag acknowledgements their wildcards need. */
export interface AppRunnerAccess {
  readonly statements: iam.PolicyStatement[];
  /** Whether any selection selects by tags: the listing then includes tag:GetResources. */
  readonly withTags: boolean;
  readonly acknowledgements: Acknowledgment[];
}

/**
 * The App Runner statements for `selections` in the account of the role that gets them (the home
 * function's, or a member account's role): one listing statement for the regions of all of them,
 * each selection's statements on its services (listed ARNs as given, tag selection on any service of
 * this account in its regions, conditioned on every selector tag), and the auto scaling reads of the
 * real resume runs. The one home of the rule, for the function's role and for AppRunnerSchedulerMemberRole.
 * The second selection's Sids end in 2, and so on, so that they stay apart.
 */
export function appRunnerAccess(selections: readonly ScheduledSelection[], options: AppRunnerAccessOptions): AppRunnerAccess {
  const tagRegionsOf = (selection: ScheduledSelection) => (selection.tags ? (selection.regions ?? [options.defaultRegion]) : []);
  // The listed ARNs' regions (Fn.select and Fn.split resolve at deployment for a token, at once for a literal).
  const regionsOf = (selection: ScheduledSelection) => [...(selection.services ?? []).map((arn) => Fn.select(3, Fn.split(':', arn))), ...tagRegionsOf(selection)];
  const unique = (values: string[]) => [...new Set(values)];
  // A real resume run reads each resumed service's auto scaling configuration, for its savings.
  const autoScalingReaders = selections.filter((s) => s.dryRun !== true && s.scheduledActions.includes('resume'));
  const autoScalingRegions = unique(autoScalingReaders.flatMap(regionsOf));
  const withTags = selections.some((s) => s.tags !== undefined);
  const listingRegions = unique(selections.flatMap(regionsOf));
  const statements = [
    ...(listingRegions.length > 0 ? [listingStatement(withTags, listingRegions)] : []),
    ...selections.flatMap((selection, i) => {
      const suffix = i === 0 ? '' : `${i + 1}`;
      return [
        ...(selection.services ? serviceStatements(`ListedServices${suffix}`, serviceCalls(selection, 'listed'), selection.services, {}, options.tagKeys) : []),
        ...(selection.tags ? serviceStatements(`TaggedServices${suffix}`, serviceCalls(selection, 'tagged'), anyServiceIn(tagRegionsOf(selection)), carriesSelectorTags(selection.tags), options.tagKeys) : []),
      ];
    }),
    ...(autoScalingRegions.length > 0 ? [autoScalingStatement(autoScalingRegions)] : []),
  ];
  const acknowledgements = [
    ...selections.flatMap((selection) => {
      const tagged = selection.tags ? serviceCalls(selection, 'tagged') : undefined;
      return tagged && hasAny(tagged) ? tagSelectionAcknowledgements(tagRegionsOf(selection), tagged, options.tagKeys.length > 1) : [];
    }),
    ...autoScalingAcknowledgements(autoScalingRegions),
  ];
  return { statements, withTags, acknowledgements };
}

/**
 * Why ListServices and GetResources are allowed on "*": the acknowledgement of both the home role and
 * a member role.
 */
export function listingReason(withTags: boolean): string {
  return withTags
    ? 'apprunner:ListServices and tag:GetResources accept no resource ARN (Service Authorization Reference): they list what tag selection then filters. They only read, in the function\'s regions (aws:RequestedRegion).'
    : 'apprunner:ListServices accepts no resource ARN (Service Authorization Reference). It only reads names and statuses, in the listed ARNs\' regions (aws:RequestedRegion), so that a fleet is read a page at a time rather than one DescribeService per service per poll.';
}

/** The cdk-nag id of a wildcard resource, in the region given (a token region other than the stack's has none: nag cannot name it). */
function nagRegion(region: string): string | undefined {
  if (region === Aws.REGION) return '<AWS::Region>';
  return Token.isUnresolved(region) ? undefined : region;
}

function tagSelectionAcknowledgements(regions: string[], calls: ServiceCalls, wakeTag: boolean): Acknowledgment[] {
  const conditioned = [...calls.reads, ...calls.changes, ...calls.markerWrites].map((action) => action.replace('apprunner:', '')).join(', ');
  const keys = wakeTag ? "the scheduler's marker and wake tags only" : 'the scheduler marker tag only';
  const markerKeys = calls.markerWrites.length > 0 ? `; TagResource/UntagResource also on aws:TagKeys (${keys})` : '';
  return regions.flatMap((region) => {
    const inRegion = nagRegion(region);
    if (inRegion === undefined) return [];
    return [
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apprunner:${inRegion}:<AWS::AccountId>:service/*]`,
        reason: `Tag selection cannot know service ARNs in advance. Every call on a service (${conditioned}) is conditioned on aws:ResourceTag for each selector tag, so the function can neither read (DescribeService shows environment variables) nor change a service of this account and region that does not carry them${markerKeys}.`,
      },
    ];
  });
}

function autoScalingAcknowledgements(regions: string[]): Acknowledgment[] {
  return regions.flatMap((region) => {
    const inRegion = nagRegion(region);
    if (inRegion === undefined) return [];
    return [
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apprunner:${inRegion}:<AWS::AccountId>:autoscalingconfiguration/*]`,
        reason:
          "A resumed service's auto scaling configuration (its MinSize, for the savings figure) is named by the service, not known in advance. DescribeAutoScalingConfiguration only reads sizes, on this account's configurations in the function's regions.",
      },
    ];
  });
}

/**
 * The role the scheduler function runs with. Its inline policy is written at synth from the
 * selections it has then, so that `addSelection` (a named schedule added after the constructor)
 * widens the listing and auto scaling statements rather than adding copies of them.
 */
export class FunctionRole extends iam.Role {
  private readonly selections: ScheduledSelection[] = [];
  private readonly acknowledged = new Set<string>();
  private oneTimeSchedules?: OneTimeScheduleAccess;

  /** The function's own account: a token unless the stack has an environment. */
  private readonly homeAccount: string;

  constructor(scope: Construct, id: string, private readonly props: FunctionRoleProps) {
    super(scope, id, {
      description: 'Runs the App Runner scheduler function',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    this.homeAccount = Stack.of(this).account;
    this.oneTimeSchedules = props.oneTimeSchedules;
    const policyDocument = Lazy.any({ produce: () => this.policyDocument() });
    (this.node.defaultChild as iam.CfnRole).policies = [{ policyName: 'AppRunnerScheduler', policyDocument }];
    this.node.addValidation({ validate: () => this.policyDocument().validateForIdentityPolicy() });
    for (const selection of props.selections) this.addSelection(selection);
    if (props.summaryTopic?.masterKey) this.acknowledgeSummaryKeyWildcard();
    if (props.oneTimeSchedules) this.acknowledgeScheduleGroupWildcard(props.oneTimeSchedules.groupName);
  }

  /**
   * Lets the function arrange the pauses that end snoozes and wakes, when a schedule added after the
   * constructor is the first to both pause and resume. The wake tag joins the tags it may write.
   */
  public allowOneTimeSchedules(access: OneTimeScheduleAccess): void {
    if (this.oneTimeSchedules) return;
    this.oneTimeSchedules = access;
    this.acknowledgeScheduleGroupWildcard(access.groupName);
    for (const acknowledgement of this.homeAccess().acknowledgements) this.acknowledgeOnce(acknowledgement);
  }

  /** Allows the calls of another schedule's runs on its selection. */
  public addSelection(selection: ScheduledSelection): void {
    this.selections.push(selection);
    const access = this.homeAccess();
    if (access.statements.length > 0 || this.props.inVpc) {
      this.acknowledgeOnce({ id: 'AwsSolutions-IAM5[Resource::*]', reason: this.anyResourceReason(access.withTags) });
    }
    for (const acknowledgement of access.acknowledgements) this.acknowledgeOnce(acknowledgement);
  }

  /** The App Runner statements for the services of the function's own account. */
  private homeAccess(): AppRunnerAccess {
    const atHome = this.selections.map((selection) => this.atHome(selection)).filter((selection) => selection !== undefined);
    return appRunnerAccess(atHome, { tagKeys: this.oneTimeSchedules ? SCHEDULER_WRITTEN_TAG_KEYS : [MARKER_TAG_KEY], defaultRegion: Aws.REGION });
  }

  /**
   * The part of a selection in the function's own account: all of it, unless it can be told that
   * its tag selection's accounts leave the own account out, or that a listed ARN is another account's
   * (the member role there allows its calls). Undefined when nothing is left.
   */
  private atHome(selection: ScheduledSelection): ScheduledSelection | undefined {
    const known = (account: string) => !Token.isUnresolved(account) && !Token.isUnresolved(this.homeAccount);
    const elsewhere = (account: string) => known(account) && account !== this.homeAccount;
    const services = selection.services?.filter((arn) => !elsewhere(this.accountOf(arn)));
    const { accounts } = selection;
    const tagsElsewhere = accounts !== undefined && !Token.isUnresolved(accounts) && accounts.every(elsewhere);
    const tags = tagsElsewhere ? undefined : selection.tags;
    if (!tags && (services ?? []).length === 0) return undefined;
    return { ...selection, services: services && services.length > 0 ? services : undefined, tags, regions: tags ? selection.regions : undefined };
  }

  /**
   * A listed ARN's account: its fifth field, at deployment for a token. A token that is an attribute
   * of a resource (`CfnService.attrServiceArn`) is in that resource's stack's account: CDK references
   * never cross accounts. A parameter's value may be any account's.
   */
  private accountOf(arn: string): string {
    if (!Token.isUnresolved(arn)) return parseServiceArn(arn)?.account ?? Fn.select(4, Fn.split(':', arn));
    const token = Tokenization.reverseString(arn).length === 1 ? Tokenization.reverseString(arn).firstToken : undefined;
    if (token && Reference.isReference(token) && CfnResource.isCfnResource(token.target)) return Stack.of(token.target).account;
    return Fn.select(4, Fn.split(':', arn));
  }

  /**
   * The accounts other than its own that the function reaches, by tag selection or listed ARN: in
   * each, it assumes the member role. In a stack without an account, the function's own cannot be
   * told apart at synth: every account reached counts, except when the listed ARNs all name one
   * account and no schedule names `accounts`. That account is then taken as the function's own, as
   * it was before schedulers reached other accounts, so that today's templates stay as they were; a
   * scheduler that lists only another account's ARNs belongs in a stack with its account set.
   */
  private memberAccounts(): string[] {
    const unique = (accounts: string[]) => [...new Set(accounts)];
    const tagAccounts = unique(this.selections.flatMap((selection) => (selection.tags ? (selection.accounts ?? []) : [])));
    const arnAccounts = unique(this.selections.flatMap((selection) => (selection.services ?? []).map((arn) => this.accountOf(arn))));
    const literalArnAccounts = arnAccounts.filter((account) => !Token.isUnresolved(account));
    const takenAsHome = Token.isUnresolved(this.homeAccount) && tagAccounts.length === 0 && literalArnAccounts.length === 1 ? literalArnAccounts : [];
    return unique([...tagAccounts, ...arnAccounts]).filter((account) => account !== this.homeAccount && !takenAsHome.includes(account));
  }

  private policyDocument(): iam.PolicyDocument {
    const { props } = this;
    return new iam.PolicyDocument({
      statements: [
        new iam.PolicyStatement({
          sid: 'WriteOwnLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [props.logGroup.logGroupArn],
        }),
        ...this.homeAccess().statements,
        ...(this.oneTimeSchedules ? oneTimeScheduleStatements(this.oneTimeSchedules) : []),
        ...(props.inVpc ? [networkInterfaceStatement()] : []),
        ...memberRoleStatements(this.memberAccounts()),
      ],
    });
  }

  /** Each acknowledgement once: every selection added acknowledges what all of them need. */
  private acknowledgeOnce(acknowledgement: Acknowledgment): void {
    const key = `${acknowledgement.id}\n${acknowledgement.reason}`;
    if (this.acknowledged.has(key)) return;
    this.acknowledged.add(key);
    Validations.of(this).acknowledge(acknowledgement);
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

  private anyResourceReason(withTags: boolean): string {
    const networkInterfaces =
      ' In a VPC, Lambda manages the function\'s network interfaces with this role: ec2:DescribeNetworkInterfaces only works on "*" (Lambda developer guide, "Configuring a Lambda function to access resources in a VPC"), and the interfaces Lambda creates have no ARN known in advance; these are the actions of AWSLambdaVPCAccessExecutionRole, inline.';
    return this.props.inVpc ? listingReason(withTags) + networkInterfaces : listingReason(withTags);
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
function serviceCalls(props: ScheduledSelection, selection: 'listed' | 'tagged'): ServiceCalls {
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

/**
 * sts:AssumeRole on the member role (MEMBER_ROLE_NAME) in each of `accounts`, never on "*": the
 * function reaches no other account's services, and no other role there. No `sts:ExternalId`
 * condition on this side: the external ID guards the member role against a confused deputy, so the
 * member role's trust policy is where it is required (AppRunnerSchedulerMemberRole); in the
 * function's own policy it would only restate the value the function itself sends
 * (SCHEDULER_MEMBER_EXTERNAL_ID), a second home for it that refuses nobody.
 */
function memberRoleStatements(accounts: string[]): iam.PolicyStatement[] {
  if (accounts.length === 0) return [];
  return [
    new iam.PolicyStatement({
      sid: 'AssumeMemberRoles',
      actions: ['sts:AssumeRole'],
      resources: accounts.map((account) => memberRoleArn(Aws.PARTITION, account)),
    }),
  ];
}

/**
 * `accounts` as one token for the whole list (a CommaDelimitedList parameter) cannot be: the role
 * names the member role in each account. Each account may be a token.
 */
export function accountsProblems(accounts: readonly string[] | undefined, problems: ProblemList): void {
  if (accounts !== undefined && Token.isUnresolved(accounts)) {
    problems.add('accounts', accounts, "a list of 12-digit account IDs written out (each may be a token), not one token for the whole list: the function's role names the member role in each account");
  }
}

/** What STS accepts as an external ID (AssumeRole's ExternalId: 2-1224 of letters, digits and `+=,.@:/-_`). */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** Why a value is not an external ID STS accepts, or undefined when it is: one home for the hub's and the member role's check. */
export function externalIdProblem(value: unknown): string | undefined {
  return typeof value === 'string' && EXTERNAL_ID.test(value) ? undefined : 'an external ID of 2-1224 characters: letters, digits and +=,.@:/-_';
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
