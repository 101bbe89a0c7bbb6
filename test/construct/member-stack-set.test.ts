import { App, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  AppRunnerScheduler,
  AppRunnerSchedulerMemberRole,
  AppRunnerSchedulerMemberStackSet,
  StackSetCallAs,
  type AppRunnerSchedulerMemberStackSetProps,
} from '../../lib';
import { checkControlTower } from '../support/cfn-guard';

const HUB_ROLE_ARN = 'arn:aws:iam::999999999999:role/Hub-SchedulerFunctionRole-1A2B3C';
const PROPS: AppRunnerSchedulerMemberStackSetProps = {
  schedulerRoleArn: HUB_ROLE_ARN,
  organizationalUnitIds: ['ou-ab12-cd34ef56', 'ou-ab12-99887766'],
  organizationId: 'o-a1b2c3d4e5',
  tags: { env: 'dev' },
  regions: ['eu-west-1', 'us-east-1'],
};

function synthStackSet(props: AppRunnerSchedulerMemberStackSetProps): { stack: Stack; template: Template; construct: AppRunnerSchedulerMemberStackSet } {
  const stack = new Stack(new App(), 'Hub', { env: { account: '999999999999', region: 'eu-west-1' } });
  const construct = new AppRunnerSchedulerMemberStackSet(stack, 'Members', props);
  return { stack, construct, template: Template.fromStack(stack) };
}

/** A CloudFormation template, as far as these tests read it. */
interface CfnTemplate {
  readonly Description?: string;
  readonly Parameters: Record<string, unknown>;
  readonly Resources: Record<string, { readonly Type: string; readonly Metadata?: unknown; readonly Properties: Record<string, unknown> & { AssumeRolePolicyDocument: { Statement: unknown[] } } }>;
}

/** The template of a member role made by the construct itself, with the role ARN as the StackSet's parameter. */
function memberRoleTemplate(): CfnTemplate {
  const stack = new Stack(new App(), 'Member');
  new AppRunnerSchedulerMemberRole(stack, 'MemberRole', { ...PROPS, schedulerRoleArn: 'arn:aws:iam::999999999999:role/placeholder' });
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

describe('member StackSet', () => {
  test('is service-managed, deploys automatically to the OUs’ accounts in one region, removes the role from accounts that leave, and may create a named role', () => {
    const { template } = synthStackSet(PROPS);

    template.resourceCountIs('AWS::CloudFormation::StackSet', 1);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cd34ef56', 'ou-ab12-99887766'] }, Regions: ['eu-west-1'] }],
      Parameters: [{ ParameterKey: 'SchedulerRoleArn', ParameterValue: HUB_ROLE_ARN }],
      OperationPreferences: { MaxConcurrentPercentage: 25, FailureTolerancePercentage: 10, RegionConcurrencyType: 'PARALLEL' },
    });
  });

  test('may be created from a delegated administrator account, in another region', () => {
    const { template } = synthStackSet({ ...PROPS, callAs: StackSetCallAs.DELEGATED_ADMIN, region: 'us-east-1' });

    template.hasResourceProperties('AWS::CloudFormation::StackSet', { CallAs: 'DELEGATED_ADMIN', StackInstancesGroup: [{ Regions: ['us-east-1'] }] });
  });

  test('has the member role construct’s template as its body: the role alone, trusting the parameter’s role ARN, with nothing CDK adds', () => {
    const { construct, template } = synthStackSet(PROPS);

    const body = JSON.parse(construct.templateBody) as CfnTemplate;
    const [bodyInTemplate] = Object.values(template.findResources('AWS::CloudFormation::StackSet')).map((s) => s.Properties.TemplateBody as string);
    expect(bodyInTemplate).toEqual(construct.templateBody);
    expect(Object.keys(body).sort()).toEqual(['Description', 'Parameters', 'Resources']);
    expect(Object.keys(body.Parameters)).toEqual(['SchedulerRoleArn']);
    expect(Object.values(body.Resources).map((r) => r.Type)).toEqual(['AWS::IAM::Role']);
    const [role] = Object.values(body.Resources);
    expect(role.Metadata).toBeUndefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: { Ref: 'SchedulerRoleArn' } }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } },
    ]);
    const [expected] = Object.values(memberRoleTemplate().Resources);
    expect(role.Properties.Policies).toEqual(expected.Properties.Policies);
    expect(role.Properties.RoleName).toEqual('AppRunnerSchedulerMember');
  });

  test('passes a scheduler’s role of the same stack as the parameter', () => {
    const stack = new Stack(new App(), 'Hub');
    const scheduler = new AppRunnerScheduler(stack, 'Scheduler', { tags: { env: 'dev' }, accounts: ['111111111111'], pauseAt: '19:00' });
    new AppRunnerSchedulerMemberStackSet(stack, 'Members', { ...PROPS, schedulerRoleArn: AppRunnerSchedulerMemberRole.schedulerRoleArnOf(scheduler) });

    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      Parameters: [{ ParameterKey: 'SchedulerRoleArn', ParameterValue: stack.resolve(scheduler.function.role!.roleArn) }],
    });
  });

  test('its member template passes the AWS Control Tower proactive controls', () => {
    const { construct } = synthStackSet(PROPS);

    const [report] = checkControlTower(new Map([['member', JSON.parse(construct.templateBody)]])).values();
    expect(report.failures).toEqual([]);
  });
});

describe('bad member StackSet props', () => {
  test.each<[string, Partial<AppRunnerSchedulerMemberStackSetProps>, string]>([
    ['no tags', { tags: undefined }, 'tags: received nothing; expected the tags of the services to schedule'],
    ['no organisational unit', { organizationalUnitIds: [] }, 'organizationalUnitIds: received []; expected a non-empty list of organisational unit IDs'],
    ['an account ID for an OU', { organizationalUnitIds: ['111111111111'] }, 'organizationalUnitIds[0]: received "111111111111"; expected an organisational unit ID'],
    ['a percentage over 100', { maxConcurrentPercentage: 150 }, 'maxConcurrentPercentage: received 150; expected a whole number of 1-100'],
    ['neither organizationId nor externalId', { organizationId: undefined }, 'organizationId: received nothing; expected organizationId (the aws:PrincipalOrgID condition) or externalId'],
  ])('%s fail synth, naming the prop, the value and what is accepted, and create nothing', (_, extra, message) => {
    const stack = new Stack(new App(), 'Hub');

    expect(() => new AppRunnerSchedulerMemberStackSet(stack, 'Members', { ...PROPS, ...extra })).toThrow(`Invalid AppRunnerSchedulerMemberStackSet props: ${message}`);
    expect(stack.node.findAll().filter((c) => CfnResource.isCfnResource(c))).toEqual([]);
  });

  test('a tag that is a token of this app fails synth: the member template is a literal', () => {
    const stack = new Stack(new App(), 'Hub');

    const env = new CfnParameter(stack, 'Env').valueAsString;

    expect(() => new AppRunnerSchedulerMemberStackSet(stack, 'Members', { ...PROPS, tags: { env } })).toThrow(
      /Invalid AppRunnerSchedulerMemberStackSet props: tags: received .*; expected a value known at synth/,
    );
  });

  test('a member template over CloudFormation’s TemplateBody limit fails synth, saying its size', () => {
    const stack = new Stack(new App(), 'Hub');
    const tags = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`team-${i}-${'k'.repeat(100)}`, 'v'.repeat(200)]));

    expect(() => new AppRunnerSchedulerMemberStackSet(stack, 'Members', { ...PROPS, tags })).toThrow(
      /Invalid AppRunnerSchedulerMemberStackSet props: the member template is \d+ bytes; expected at most 51200 \(CloudFormation's TemplateBody limit\)/,
    );
  });
});
