import { App, CfnParameter, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import {
  AppRunnerScheduler,
  AppRunnerSchedulerMemberRole,
  DeployAfterResume,
  SchedulerAction,
  type AppRunnerSchedulerMemberRoleProps,
} from '../../lib';
import { appRunnerAccess } from '../../lib/function-role';

const HUB_ROLE_ARN = 'arn:aws:iam::999999999999:role/Hub-SchedulerFunctionRole-1A2B3C';
const ORG_ID = 'o-a1b2c3d4e5';
const MEMBER_ARN = 'arn:aws:apprunner:eu-west-1:111111111111:service/web-api/0123456789abcdef0123456789abcdef';
const BY_TAGS: AppRunnerSchedulerMemberRoleProps = { schedulerRoleArn: HUB_ROLE_ARN, organizationId: ORG_ID, tags: { env: 'dev' } };

/** A role as the template has it. */
interface RoleResource {
  readonly Properties: { readonly Policies: { readonly PolicyDocument: { readonly Statement: Statement[] } }[] };
}

interface Statement {
  readonly Sid: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** A member account's stack holding one member role, and the role as the template has it. */
function synthMember(props: AppRunnerSchedulerMemberRoleProps): { stack: Stack; template: Template; role: RoleResource } {
  const stack = new Stack(new App(), 'Member');
  new AppRunnerSchedulerMemberRole(stack, 'MemberRole', props);
  const template = Template.fromStack(stack);
  const [role] = Object.values(template.findResources('AWS::IAM::Role'));
  return { stack, template, role: role as RoleResource };
}

const statementsOf = (role: RoleResource) => role.Properties.Policies[0].PolicyDocument.Statement;
const actionsOf = (s: Statement) => [s.Action].flat();

describe('member role trust', () => {
  test('is named AppRunnerSchedulerMember and trusts only the scheduler function’s role, within the organisation', () => {
    const { template } = synthMember(BY_TAGS);

    template.resourceCountIs('AWS::IAM::Role', 1);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AppRunnerSchedulerMember',
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: HUB_ROLE_ARN }, Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } } }],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });

  test.each<[string, Partial<AppRunnerSchedulerMemberRoleProps>, Record<string, string>]>([
    ['an external ID', { organizationId: undefined, externalId: 'platform-scheduler-7f3a' }, { 'sts:ExternalId': 'platform-scheduler-7f3a' }],
    ['both', { externalId: 'platform-scheduler-7f3a' }, { 'aws:PrincipalOrgID': ORG_ID, 'sts:ExternalId': 'platform-scheduler-7f3a' }],
  ])('requires %s when given', (_, extra, conditions) => {
    const { template } = synthMember({ ...BY_TAGS, ...extra });

    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: HUB_ROLE_ARN }, Condition: { StringEquals: conditions } }] },
    });
  });

  test('takes the role ARN as a token, and from a scheduler of the same app', () => {
    const stack = new Stack(new App(), 'Hub');
    const scheduler = new AppRunnerScheduler(stack, 'Scheduler', { tags: { env: 'dev' }, pauseAt: '19:00' });
    new AppRunnerSchedulerMemberRole(stack, 'MemberRole', { ...BY_TAGS, schedulerRoleArn: AppRunnerSchedulerMemberRole.schedulerRoleArnOf(scheduler) });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'AppRunnerSchedulerMember',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: stack.resolve(scheduler.function.role!.roleArn) } })] },
    });
  });
});

describe('member role statements', () => {
  test('are the home role’s App Runner statements for the same selection, from the same builder', () => {
    const { stack, role } = synthMember({ ...BY_TAGS, regions: ['eu-west-1', 'us-east-1'], deployAfterResume: DeployAfterResume.NEVER });
    const builder = appRunnerAccess([{ tags: { env: 'dev' }, regions: ['eu-west-1', 'us-east-1'], scheduledActions: ['pause', 'resume'], deployAfterResume: 'never' }], {
      tagKeys: ['apprunner-scheduler:state', 'apprunner-scheduler:wake'],
      defaultRegion: 'unused',
    });

    expect(statementsOf(role)).toEqual(stack.resolve(builder.statements.map((s) => s.toStatementJson())));
  });

  test('allow "*" only for ListServices and GetResources, in the selection’s regions', () => {
    const { role } = synthMember({ ...BY_TAGS, regions: ['eu-west-1', 'us-east-1'] });

    const onAnything = statementsOf(role).filter((s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')));
    expect(onAnything).toEqual([
      {
        Sid: 'ListServicesAndTheirTags',
        Effect: 'Allow',
        Action: ['apprunner:ListServices', 'tag:GetResources'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
      },
    ]);
  });

  test('condition every call on a service on the selector tags, and name only this account’s services', () => {
    const { role } = synthMember({ ...BY_TAGS, tags: { env: 'dev', team: 'web' } });

    const onServices = statementsOf(role).filter((s) => JSON.stringify(s.Resource).includes(':service/'));
    expect(onServices.map((s) => s.Sid)).toEqual(['ReadTaggedServices', 'PauseResumeDeployTaggedServices', 'WriteMarkerTagOnTaggedServices']);
    for (const statement of onServices) {
      expect(statement.Condition?.StringEquals).toEqual({ 'aws:ResourceTag/env': 'dev', 'aws:ResourceTag/team': 'web' });
      expect(JSON.stringify(statement.Resource)).toContain('{"Ref":"AWS::AccountId"},":service/*"');
    }
  });

  test.each<[string, Partial<AppRunnerSchedulerMemberRoleProps>, string[]]>([
    ['a dry run', { dryRun: true }, ['apprunner:PauseService', 'apprunner:ResumeService', 'apprunner:StartDeployment', 'apprunner:TagResource', 'apprunner:UntagResource']],
    ['pause runs only', { actions: [SchedulerAction.PAUSE] }, ['apprunner:ResumeService', 'apprunner:StartDeployment', 'apprunner:UntagResource']],
    ['no deployment after resume', { deployAfterResume: DeployAfterResume.NEVER }, ['apprunner:StartDeployment']],
  ])('allow no call the scheduler does not make: %s', (_, extra, absent) => {
    const actions = statementsOf(synthMember({ ...BY_TAGS, ...extra }).role).flatMap(actionsOf);

    for (const action of absent) expect(actions).not.toContain(action);
    expect(actions).toContain('apprunner:ListServices');
  });

  test('with listed ARNs, name exactly those services', () => {
    const { role } = synthMember({ schedulerRoleArn: HUB_ROLE_ARN, externalId: 'platform-scheduler-7f3a', services: [MEMBER_ARN], actions: [SchedulerAction.PAUSE] });

    expect(statementsOf(role).filter((s) => s.Sid.endsWith('ListedServices')).map((s) => s.Resource)).toEqual([MEMBER_ARN, MEMBER_ARN, MEMBER_ARN]);
  });

  test('acknowledge their wildcards with reasons, so that cdk-nag finds nothing', () => {
    const { stack } = synthMember({ ...BY_TAGS, regions: ['eu-west-1', 'us-east-1'] });

    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('bad member role props', () => {
  test.each<[string, Partial<AppRunnerSchedulerMemberRoleProps>, string]>([
    [
      'neither organizationId nor externalId',
      { organizationId: undefined },
      'organizationId: received nothing; expected organizationId (the aws:PrincipalOrgID condition) or externalId (the sts:ExternalId condition), or both',
    ],
    ['an organisation ID of another shape', { organizationId: 'my-org' }, 'organizationId: received "my-org"; expected an AWS Organizations ID such as "o-a1b2c3d4e5"'],
    ['an external ID STS refuses', { externalId: 'x' }, 'externalId: received "x"; expected an external ID of 2-1224 characters'],
    ['a role ARN that is no role’s', { schedulerRoleArn: 'arn:aws:iam::999999999999:user/alice' }, 'schedulerRoleArn: received "arn:aws:iam::999999999999:user/alice"; expected the ARN of the scheduler function\'s role'],
    ['no selection', { tags: undefined }, 'services: received nothing; expected service ARNs in "services", tags in "tags", or both'],
    ['regions without tags', { tags: undefined, services: [MEMBER_ARN], regions: ['eu-west-1'] }, 'regions: received ["eu-west-1"]; expected regions only together with "tags"'],
    ['no actions', { actions: [] }, 'actions: received []; expected a non-empty list of SchedulerAction.PAUSE and SchedulerAction.RESUME'],
  ])('%s fail synth, naming the prop, the value and what is accepted, and create nothing', (_, extra, message) => {
    const stack = new Stack(new App(), 'Member');

    expect(() => new AppRunnerSchedulerMemberRole(stack, 'MemberRole', { ...BY_TAGS, ...extra })).toThrow(`Invalid AppRunnerSchedulerMemberRole props: ${message}`);
    expect(stack.node.findAll().filter((c) => CfnResource.isCfnResource(c))).toEqual([]);
  });

  test('a token organisation ID is left to deployment', () => {
    const stack = new Stack(new App(), 'Member');
    const organizationId = new CfnParameter(stack, 'OrgId').valueAsString;

    new AppRunnerSchedulerMemberRole(stack, 'MemberRole', { ...BY_TAGS, organizationId });

    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrgId' } } } })] },
    });
  });
});
