/**
 * The role the scheduler function assumes in a member account: the fixed name MEMBER_ROLE_NAME,
 * trusted by the scheduler function's role only (with the organisation or an external ID), and
 * allowed the same least-privilege App Runner calls the function has at home, built by the same
 * builder (`appRunnerAccess`), for this account's services.
 */
import { Aws, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { eventProblems, type Action } from '../contract/event';
import { MEMBER_ROLE_NAME } from '../contract/member-role';
import { ProblemList, describeProblems } from '../contract/problems';
import { MARKER_TAG_KEY, SCHEDULER_WRITTEN_TAG_KEYS } from '../contract/scheduler-tags';
import type { AppRunnerScheduler, DeployAfterResume } from './app-runner-scheduler';
import { appRunnerAccess, externalIdProblem, listingReason, type ScheduledSelection } from './function-role';

/** A run of the scheduler: what the member role allows the calls of. */
export enum SchedulerAction {
  /** The pause runs. */
  PAUSE = 'pause',
  /** The resume runs (and their deployments). */
  RESUME = 'resume',
}

/** What the scheduler may do in a member account, and whom the member role trusts: shared by the role and its StackSet. */
export interface AppRunnerSchedulerMemberAccessOptions {
  /**
   * The AWS Organization the scheduler function's account belongs to: the trust policy requires
   * `aws:PrincipalOrgID` to be it. At least one of `organizationId` and `externalId` is required.
   * @default - no organisation condition: `externalId` must be set
   */
  readonly organizationId?: string;

  /**
   * The `sts:ExternalId` the trust policy requires: the scheduler's `memberExternalId`. At least one
   * of `organizationId` and `externalId` is required.
   * @default - no external ID condition: `organizationId` must be set
   */
  readonly externalId?: string;

  /**
   * Every service of this account that carries all of these tags may be paused and resumed; every
   * call on a service is conditioned on them. Use the scheduler's `tags`.
   * @default - no tag selection: the member role then needs `services` (the StackSet requires `tags`)
   */
  readonly tags?: { [key: string]: string };

  /**
   * Regions where tag selection looks in this account. Only together with `tags`.
   * @default - the stack's region
   */
  readonly regions?: string[];

  /**
   * The runs the scheduler makes: the role allows the calls of these runs only.
   * @default - pause and resume
   */
  readonly actions?: SchedulerAction[];

  /**
   * The scheduler's `deployAfterResume`: with NEVER, the role allows no StartDeployment.
   * @default DeployAfterResume.AUTO
   */
  readonly deployAfterResume?: DeployAfterResume;

  /**
   * The scheduler is a dry run: the role only reads.
   * @default false
   */
  readonly dryRun?: boolean;
}

/** Properties of an `AppRunnerSchedulerMemberRole`. */
export interface AppRunnerSchedulerMemberRoleProps extends AppRunnerSchedulerMemberAccessOptions {
  /**
   * ARN of the scheduler function's role in the hub account, the only principal the role trusts.
   * Tokens accepted (a parameter, an import); `AppRunnerSchedulerMemberRole.schedulerRoleArnOf(scheduler)`
   * gives it for a scheduler of the same account.
   */
  readonly schedulerRoleArn: string;

  /**
   * App Runner service ARNs of this account the scheduler lists. Tokens accepted.
   * @default - no listed services: `tags` must be set
   */
  readonly services?: string[];
}

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/**
 * The member account's role for the scheduler, named `AppRunnerSchedulerMember` (the name the
 * scheduler function assumes). A construct that holds the role rather than an `iam.Role` itself: its
 * props are all checked before anything is created, and its surface has no `addToPolicy` or `grant`
 * inviting more than the scheduler's calls; `role` is there for what needs the role itself.
 */
export class AppRunnerSchedulerMemberRole extends Construct {
  /**
   * The ARN of a scheduler's function role, to trust. CDK cannot reference a resource in another
   * account: for a member role in another account's stack, pass the ARN itself (the hub stack's
   * output), or use `AppRunnerSchedulerMemberStackSet` in the hub's stack.
   */
  public static schedulerRoleArnOf(scheduler: AppRunnerScheduler): string {
    return scheduler.function.role!.roleArn;
  }

  /** The role. */
  public readonly role: iam.IRole;
  /** The role's ARN. */
  public readonly roleArn: string;

  constructor(scope: Construct, id: string, props: AppRunnerSchedulerMemberRoleProps) {
    super(scope, id);
    const selection = memberSelection(props, Stack.of(this).region);
    const access = appRunnerAccess([selection], {
      // Like the function's role: where both runs are real, the scheduler also arranges the pauses ending wakes.
      tagKeys: selection.dryRun !== true && selection.scheduledActions.length === 2 ? SCHEDULER_WRITTEN_TAG_KEYS : [MARKER_TAG_KEY],
      defaultRegion: Aws.REGION,
    });
    const conditions: { [key: string]: string } = {
      ...(props.organizationId !== undefined ? { 'aws:PrincipalOrgID': props.organizationId } : {}),
      ...(props.externalId !== undefined ? { 'sts:ExternalId': props.externalId } : {}),
    };
    const role = new iam.Role(this, 'Resource', {
      roleName: MEMBER_ROLE_NAME,
      description: 'Assumed by the App Runner scheduler function of the hub account to pause and resume this account\'s services',
      assumedBy: new iam.ArnPrincipal(props.schedulerRoleArn).withConditions({ StringEquals: conditions }),
      inlinePolicies: { AppRunnerScheduler: new iam.PolicyDocument({ statements: access.statements }) },
    });
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: listingReason(access.withTags) });
    for (const acknowledgement of access.acknowledgements) Validations.of(role).acknowledge(acknowledgement);
    this.role = role;
    this.roleArn = role.roleArn;
  }
}

/**
 * The member's selection as the builder takes it, after checking every prop: the selection with the
 * event contract (as the scheduler's events are), the trust and the ARN here.
 * @throws naming every bad prop, the value received and what is accepted
 */
export function memberSelection(props: AppRunnerSchedulerMemberRoleProps, defaultRegion: string, kind = 'AppRunnerSchedulerMemberRole'): ScheduledSelection {
  const problems = new ProblemList();
  const isUnresolved = (value: unknown) => Token.isUnresolved(value);
  const actions = props.actions ?? [SchedulerAction.PAUSE, SchedulerAction.RESUME];
  const event = { action: 'pause', services: props.services, tags: props.tags, regions: props.regions, deployAfterResume: props.deployAfterResume, dryRun: props.dryRun };
  problems.include(eventProblems(event, { defaultRegion, isUnresolved }));
  if (!Array.isArray(actions) || actions.length === 0 || actions.some((a) => a !== SchedulerAction.PAUSE && a !== SchedulerAction.RESUME)) {
    problems.add('actions', actions, 'a non-empty list of SchedulerAction.PAUSE and SchedulerAction.RESUME');
  }
  if (props.organizationId === undefined && props.externalId === undefined) {
    problems.add('organizationId', undefined, 'organizationId (the aws:PrincipalOrgID condition) or externalId (the sts:ExternalId condition), or both: the role trusts the scheduler\'s role only with one of them');
  }
  if (props.organizationId !== undefined && !isUnresolved(props.organizationId) && !ORGANIZATION_ID.test(props.organizationId)) {
    problems.add('organizationId', props.organizationId, 'an AWS Organizations ID such as "o-a1b2c3d4e5"');
  }
  if (props.externalId !== undefined && !isUnresolved(props.externalId)) {
    const problem = externalIdProblem(props.externalId);
    if (problem) problems.add('externalId', props.externalId, problem);
  }
  if (!isUnresolved(props.schedulerRoleArn) && !(typeof props.schedulerRoleArn === 'string' && ROLE_ARN.test(props.schedulerRoleArn))) {
    problems.add('schedulerRoleArn', props.schedulerRoleArn, 'the ARN of the scheduler function\'s role, arn:<partition>:iam::<12-digit account>:role/<name>');
  }
  if (problems.problems.length > 0) throw new Error(`Invalid ${kind} props: ${describeProblems(problems.problems)}`);
  return {
    services: props.services,
    tags: props.tags,
    regions: props.regions,
    scheduledActions: [...new Set(actions)] as Action[],
    dryRun: props.dryRun,
    deployAfterResume: props.deployAfterResume,
  };
}
