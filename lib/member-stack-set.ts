/**
 * Rolls the member role out to an AWS Organization: a service-managed CloudFormation StackSet whose
 * template is the `AppRunnerSchedulerMemberRole` construct, synthesized apart from the app.
 */
import { App, BootstraplessSynthesizer, CfnParameter, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import { Construct } from 'constructs';
import { ProblemList, describeProblems } from '../contract/problems';
import { AppRunnerSchedulerMemberRole, memberSelection, type AppRunnerSchedulerMemberAccessOptions } from './member-role';

/** The largest TemplateBody CloudFormation takes inline (a larger template needs TemplateURL). */
export const TEMPLATE_BODY_MAX_BYTES = 51_200;

/** The member template's parameter that carries the scheduler function's role ARN. */
export const SCHEDULER_ROLE_ARN_PARAMETER = 'SchedulerRoleArn';

/** The account a service-managed StackSet is created from. */
export enum StackSetCallAs {
  /** The organisation's management account. */
  SELF = 'SELF',
  /** A delegated administrator account for CloudFormation StackSets. */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/** Properties of an `AppRunnerSchedulerMemberStackSet`. `tags` is required: a StackSet's accounts are not known in advance. */
export interface AppRunnerSchedulerMemberStackSetProps extends AppRunnerSchedulerMemberAccessOptions {
  /**
   * ARN of the scheduler function's role, which every member role trusts; passed to the member
   * template as its `SchedulerRoleArn` parameter, so tokens of this stack are accepted
   * (`AppRunnerSchedulerMemberRole.schedulerRoleArnOf(scheduler)`).
   */
  readonly schedulerRoleArn: string;

  /**
   * Organisational units (`ou-...`, or the root `r-...`) whose accounts get the member role, and
   * every account that joins them later (auto-deployment); an account that leaves loses it.
   */
  readonly organizationalUnitIds: string[];

  /**
   * The one region the stack instances are created in: the role is global (IAM), so one region
   * per account, whatever regions the scheduler works in.
   * @default - the stack's region
   */
  readonly region?: string;

  /**
   * Whether this stack is deployed in the organisation's management account or in a delegated
   * administrator account for StackSets.
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;

  /**
   * Name of the StackSet.
   * @default - a name made from the construct's path
   */
  readonly stackSetName?: string;

  /**
   * Percentage of accounts deployed at once.
   * @default 25
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * Percentage of accounts whose stack may fail before CloudFormation stops the operation.
   * @default 10
   */
  readonly failureTolerancePercentage?: number;
}

const ORGANIZATIONAL_UNIT_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;

/**
 * A service-managed CloudFormation StackSet that creates the member role (`AppRunnerSchedulerMemberRole`)
 * in every account of the organisational units given, and in accounts that join them later. Its
 * template is synthesized from that construct in an app of its own: no bootstrap rule, no metadata,
 * no assets, the scheduler's role ARN a parameter, so the template is one literal.
 */
export class AppRunnerSchedulerMemberStackSet extends Construct {
  /** The StackSet. */
  public readonly stackSet: cloudformation.CfnStackSet;
  /** The template each member account gets (JSON). */
  public readonly templateBody: string;

  constructor(scope: Construct, id: string, props: AppRunnerSchedulerMemberStackSetProps) {
    super(scope, id);
    stackSetProblems(props, props.region ?? Stack.of(this).region);
    this.templateBody = memberTemplateBody(props);
    this.stackSet = new cloudformation.CfnStackSet(this, 'Resource', {
      stackSetName: props.stackSetName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-', allowedSpecialCharacters: '-' }),
      description: 'The role the App Runner scheduler function assumes in each member account',
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? StackSetCallAs.SELF,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      // Operations on the StackSet queue instead of failing while one runs (an account joining an OU, an update).
      managedExecution: { Active: true },
      operationPreferences: {
        maxConcurrentPercentage: props.maxConcurrentPercentage ?? 25,
        failureTolerancePercentage: props.failureTolerancePercentage ?? 10,
        regionConcurrencyType: 'PARALLEL',
      },
      parameters: [{ parameterKey: SCHEDULER_ROLE_ARN_PARAMETER, parameterValue: props.schedulerRoleArn }],
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: props.organizationalUnitIds },
          regions: [props.region ?? Stack.of(this).region],
        },
      ],
      templateBody: this.templateBody,
    });
  }
}

/**
 * Checks the props before anything is created: the member role's own (as it checks them), and what
 * the StackSet adds.
 * @throws naming every bad prop, the value received and what is accepted
 */
function stackSetProblems(props: AppRunnerSchedulerMemberStackSetProps, region: string): void {
  const kind = 'AppRunnerSchedulerMemberStackSet';
  const problems = new ProblemList();
  if (props.tags === undefined) {
    problems.add('tags', undefined, 'the tags of the services to schedule: the StackSet\'s accounts are not known in advance, so it selects by tags');
  }
  // The member template is a literal: only the role ARN reaches it (as a parameter) from this app.
  const selection = { tags: props.tags, regions: props.regions, organizationId: props.organizationId, externalId: props.externalId };
  for (const [field, value] of Object.entries(selection)) {
    if (value !== undefined && containsToken(value)) problems.add(field, value, `a value known at synth (the member template is a literal; only schedulerRoleArn may be a token)`);
  }
  const units = props.organizationalUnitIds;
  if (!Array.isArray(units) || units.length === 0) {
    problems.add('organizationalUnitIds', units, 'a non-empty list of organisational unit IDs such as "ou-ab12-cd34ef56" (or the root, "r-ab12")');
  } else {
    units.forEach((unit, i) => {
      if (!Token.isUnresolved(unit) && !(typeof unit === 'string' && ORGANIZATIONAL_UNIT_ID.test(unit))) {
        problems.add(`organizationalUnitIds[${i}]`, unit, 'an organisational unit ID such as "ou-ab12-cd34ef56" (or the root, "r-ab12")');
      }
    });
  }
  for (const field of ['maxConcurrentPercentage', 'failureTolerancePercentage'] as const) {
    const value = props[field];
    if (value !== undefined && !Token.isUnresolved(value) && !(Number.isInteger(value) && value >= (field === 'maxConcurrentPercentage' ? 1 : 0) && value <= 100)) {
      problems.add(field, value, `a whole number of ${field === 'maxConcurrentPercentage' ? 1 : 0}-100`);
    }
  }
  if (props.callAs !== undefined && props.callAs !== StackSetCallAs.SELF && props.callAs !== StackSetCallAs.DELEGATED_ADMIN) {
    problems.add('callAs', props.callAs, 'StackSetCallAs.SELF or StackSetCallAs.DELEGATED_ADMIN');
  }
  if (problems.problems.length > 0) throw new Error(`Invalid ${kind} props: ${describeProblems(problems.problems)}`);
  memberSelection({ ...props, services: undefined }, region, kind);
}

function containsToken(value: unknown): boolean {
  if (Token.isUnresolved(value)) return true;
  if (Array.isArray(value)) return value.some(containsToken);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([key, item]) => Token.isUnresolved(key) || containsToken(item));
  return false;
}

/**
 * The member role's template, from the construct itself in an app of its own: no CDK metadata or
 * path metadata, no bootstrap version rule or parameter, and no asset can be added.
 * @throws when the template exceeds TEMPLATE_BODY_MAX_BYTES
 */
function memberTemplateBody(props: AppRunnerSchedulerMemberStackSetProps): string {
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:enable-path-metadata': false } });
  const stack = new Stack(app, 'AppRunnerSchedulerMember', { synthesizer: new BootstraplessSynthesizer(), description: 'The role the App Runner scheduler function assumes in this account' });
  const schedulerRoleArn = new CfnParameter(stack, SCHEDULER_ROLE_ARN_PARAMETER, {
    type: 'String',
    description: 'ARN of the App Runner scheduler function\'s role in the hub account, the only principal the member role trusts',
    allowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
  });
  new AppRunnerSchedulerMemberRole(stack, 'MemberRole', { ...props, services: undefined, schedulerRoleArn: schedulerRoleArn.valueAsString });
  const template = app.synth().getStackByName(stack.stackName).template as unknown;
  const body = JSON.stringify(template);
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > TEMPLATE_BODY_MAX_BYTES) {
    throw new Error(
      `Invalid AppRunnerSchedulerMemberStackSet props: the member template is ${bytes} bytes; expected at most ${TEMPLATE_BODY_MAX_BYTES} (CloudFormation's TemplateBody limit): select by fewer tags or regions`,
    );
  }
  return body;
}
