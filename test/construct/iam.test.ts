import { App, Stack, Validations } from 'aws-cdk-lib';
import * as apprunner from 'aws-cdk-lib/aws-apprunner';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AppRunnerScheduler, DeployAfterResume, type AppRunnerSchedulerProps } from '../../lib';
import { FunctionRole } from '../../lib/function-role';
import { MINIMAL_PROPS, WEB_API_ARN, WORKER_ARN, synthScheduler } from './fixtures';

const MARKER_TAG_ONLY = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['apprunner-scheduler:state'] } };
/** With a pause and a resume scheduled, a wake's tag too. */
const MARKER_AND_WAKE_TAGS = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['apprunner-scheduler:state', 'apprunner-scheduler:wake'] } };

/** The statements that let the function arrange the pauses at the end of snoozes and wakes: its own group, its schedules' role. */
function oneTimeScheduleStatements(template: Template) {
  const [groupName] = Object.values(template.findResources('AWS::Scheduler::ScheduleGroup')).map((g) => g.Properties.Name as string);
  const [scheduleRoleId] = Object.keys(
    template.findResources('AWS::IAM::Role', {
      Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' } })] } },
    }),
  );
  return [
    {
      Sid: 'ArrangePausesInOwnScheduleGroup',
      Effect: 'Allow',
      Action: 'scheduler:CreateSchedule',
      Resource: {
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:schedule/${groupName}/*`]],
      },
    },
    {
      Sid: 'PassSchedulesRoleToScheduler',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [scheduleRoleId, 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    },
  ];
}

function anyServiceIn(region: string | { Ref: string }) {
  const inRegion = typeof region === 'string' ? [`:apprunner:${region}:`] : [':apprunner:', region, ':'];
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...inRegion, { Ref: 'AWS::AccountId' }, ':service/*']] };
}

function anyAutoScalingConfigurationIn(region: string | { Ref: string }) {
  const inRegion = typeof region === 'string' ? [`:apprunner:${region}:`] : [':apprunner:', region, ':'];
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...inRegion, { Ref: 'AWS::AccountId' }, ':autoscalingconfiguration/*']] };
}

/** A statement as the template has it. */
interface Statement {
  readonly Sid: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, unknown>;
}

/** Every action of a statement. */
function actionsOf(statement: Statement): string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}

/** Every action the function role allows. */
function allowedActions(template: Template): string[] {
  return (functionRoleStatements(template) as Statement[]).flatMap(actionsOf);
}

/** The calls that change a service. */
const MUTATING_ACTIONS = ['apprunner:PauseService', 'apprunner:ResumeService', 'apprunner:StartDeployment', 'apprunner:TagResource', 'apprunner:UntagResource'];

/** The statements of the function role's inline policy. */
function functionRoleStatements(template: Template): unknown[] {
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] } },
  });
  const [role] = Object.values(roles);
  expect(role.Properties.Policies).toHaveLength(1);
  return role.Properties.Policies[0].PolicyDocument.Statement;
}

function logGroupStatement(template: Template) {
  const [logGroupId] = Object.keys(template.findResources('AWS::Logs::LogGroup'));
  return {
    Sid: 'WriteOwnLogGroup',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
  };
}

describe('function role', () => {
  test('with listed ARNs, may touch exactly those services, and list statuses in their regions (the one wildcard, for an action that takes no resource)', () => {
    // WHEN
    const { template } = synthScheduler({ ...MINIMAL_PROPS, services: [WEB_API_ARN, WORKER_ARN] });

    // THEN
    expect(functionRoleStatements(template)).toEqual([
      logGroupStatement(template),
      {
        Sid: 'ListServices',
        Effect: 'Allow',
        Action: 'apprunner:ListServices',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } },
      },
      {
        Sid: 'ReadListedServices',
        Effect: 'Allow',
        Action: ['apprunner:DescribeService', 'apprunner:ListOperations', 'apprunner:ListTagsForResource'],
        Resource: [WEB_API_ARN, WORKER_ARN],
      },
      {
        Sid: 'PauseResumeDeployListedServices',
        Effect: 'Allow',
        Action: ['apprunner:PauseService', 'apprunner:ResumeService', 'apprunner:StartDeployment'],
        Resource: [WEB_API_ARN, WORKER_ARN],
      },
      {
        Sid: 'WriteMarkerTagOnListedServices',
        Effect: 'Allow',
        Action: ['apprunner:TagResource', 'apprunner:UntagResource'],
        Resource: [WEB_API_ARN, WORKER_ARN],
        Condition: MARKER_AND_WAKE_TAGS,
      },
      {
        Sid: 'ReadAutoScalingConfigurations',
        Effect: 'Allow',
        Action: 'apprunner:DescribeAutoScalingConfiguration',
        Resource: [anyAutoScalingConfigurationIn('eu-west-1'), anyAutoScalingConfigurationIn('us-east-1')],
      },
      ...oneTimeScheduleStatements(template),
    ]);
    const iamResources = { ...template.findResources('AWS::IAM::Role'), ...template.findResources('AWS::IAM::Policy') };
    expect(JSON.stringify(iamResources).match(/"Resource":"\*"/g)).toHaveLength(1);
  });

  test('with tags, lists in bulk and reads and changes only services carrying every selector tag', () => {
    // WHEN
    const { template } = synthScheduler({ tags: { env: 'dev', team: 'web' }, pauseAt: '19:00', resumeAt: '07:00' });

    // THEN
    const carriesSelectorTags = { StringEquals: { 'aws:ResourceTag/env': 'dev', 'aws:ResourceTag/team': 'web' } };
    const anyService = anyServiceIn({ Ref: 'AWS::Region' });
    expect(functionRoleStatements(template)).toEqual([
      logGroupStatement(template),
      {
        Sid: 'ListServicesAndTheirTags',
        Effect: 'Allow',
        Action: ['apprunner:ListServices', 'tag:GetResources'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': [{ Ref: 'AWS::Region' }] } },
      },
      {
        Sid: 'ReadTaggedServices',
        Effect: 'Allow',
        Action: ['apprunner:DescribeService', 'apprunner:ListOperations', 'apprunner:ListTagsForResource'],
        Resource: anyService,
        Condition: carriesSelectorTags,
      },
      {
        Sid: 'PauseResumeDeployTaggedServices',
        Effect: 'Allow',
        Action: ['apprunner:PauseService', 'apprunner:ResumeService', 'apprunner:StartDeployment'],
        Resource: anyService,
        Condition: carriesSelectorTags,
      },
      {
        Sid: 'WriteMarkerTagOnTaggedServices',
        Effect: 'Allow',
        Action: ['apprunner:TagResource', 'apprunner:UntagResource'],
        Resource: anyService,
        Condition: { ...carriesSelectorTags, ...MARKER_AND_WAKE_TAGS },
      },
      {
        Sid: 'ReadAutoScalingConfigurations',
        Effect: 'Allow',
        Action: 'apprunner:DescribeAutoScalingConfiguration',
        Resource: anyAutoScalingConfigurationIn({ Ref: 'AWS::Region' }),
      },
      ...oneTimeScheduleStatements(template),
    ]);
  });

  test.each<[string, AppRunnerSchedulerProps]>([
    ['a real run', {}],
    ['a dry run', { dryRun: true }],
  ])('with tags, conditions every call on a service on each selector tag, in %s', (_, extra) => {
    // WHEN
    const { template } = synthScheduler({ tags: { env: 'dev', team: 'web' }, pauseAt: '19:00', resumeAt: '07:00', ...extra });

    // THEN
    const onServices = (functionRoleStatements(template) as Statement[]).filter((s) => JSON.stringify(s.Resource).includes(':service/*'));
    expect(onServices.length).toBeGreaterThan(0);
    for (const statement of onServices) {
      expect(statement).toEqual(
        expect.objectContaining({ Condition: expect.objectContaining({ StringEquals: { 'aws:ResourceTag/env': 'dev', 'aws:ResourceTag/team': 'web' } }) }),
      );
    }
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        {
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Sid: 'ReadTaggedServices',
                Action: Match.arrayWith(['apprunner:DescribeService']),
                Condition: { StringEquals: { 'aws:ResourceTag/env': 'dev', 'aws:ResourceTag/team': 'web' } },
              }),
            ]),
          },
        },
      ],
    });
  });

  test('with an ARN known only at deployment, lists services in the region that ARN names', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');
    const service = new apprunner.CfnService(stack, 'WebApi', {
      sourceConfiguration: { imageRepository: { imageIdentifier: 'public.ecr.aws/nginx/nginx:latest', imageRepositoryType: 'ECR_PUBLIC' } },
    });

    // WHEN
    new AppRunnerScheduler(stack, 'Scheduler', { services: [service.attrServiceArn], pauseAt: '19:00' });

    // THEN
    const statements = functionRoleStatements(Template.fromStack(stack)) as { Sid: string; Condition?: unknown }[];
    expect(statements.find((s) => s.Sid === 'ListServices')!.Condition).toEqual({
      StringEquals: { 'aws:RequestedRegion': [{ 'Fn::Select': [3, { 'Fn::Split': [':', { 'Fn::GetAtt': ['WebApi', 'ServiceArn'] }] }] }] },
    });
  });

  test('with tags and regions, reads and changes services in each of those regions', () => {
    const { template } = synthScheduler({ tags: { env: 'dev' }, regions: ['eu-west-1', 'us-east-1'], pauseAt: '19:00' });

    const statements = functionRoleStatements(template) as { Sid: string; Resource: unknown }[];
    const resourcesOf = (sid: string) => statements.find((s) => s.Sid === sid)!.Resource;
    const inRegions = [anyServiceIn('eu-west-1'), anyServiceIn('us-east-1')];
    expect(resourcesOf('ReadTaggedServices')).toEqual(inRegions);
    expect(resourcesOf('PauseTaggedServices')).toEqual(inRegions);
    expect(resourcesOf('WriteMarkerTagOnTaggedServices')).toEqual(inRegions);
  });

  test.each<[string, AppRunnerSchedulerProps]>([
    ['only pauses', { services: [WEB_API_ARN], pauseAt: '19:00' }],
    ['only resumes', { services: [WEB_API_ARN], resumeAt: '07:00' }],
    ['is a dry run', { ...MINIMAL_PROPS, dryRun: true }],
  ])('may create no schedule, pass no role and write only the marker tag when the scheduler %s (it arranges no pause)', (_, props) => {
    const { template } = synthScheduler(props);

    const statements = functionRoleStatements(template) as Statement[];
    expect(statements.flatMap(actionsOf).filter((action) => !action.startsWith('apprunner:') && !action.startsWith('logs:'))).toEqual([]);
    for (const statement of statements.filter((s) => s.Sid.startsWith('WriteMarkerTag'))) expect(statement.Condition).toEqual(MARKER_TAG_ONLY);
  });

  test('with both, has the statements of both selections', () => {
    const { template } = synthScheduler({ ...MINIMAL_PROPS, tags: { env: 'dev' } });

    expect((functionRoleStatements(template) as { Sid: string }[]).map((s) => s.Sid)).toEqual([
      'WriteOwnLogGroup',
      'ListServicesAndTheirTags',
      'ReadListedServices',
      'PauseResumeDeployListedServices',
      'WriteMarkerTagOnListedServices',
      'ReadTaggedServices',
      'PauseResumeDeployTaggedServices',
      'WriteMarkerTagOnTaggedServices',
      'ReadAutoScalingConfigurations',
      'ArrangePausesInOwnScheduleGroup',
      'PassSchedulesRoleToScheduler',
    ]);
  });

  test.each<[string, AppRunnerSchedulerProps, boolean]>([
    ['a real resume run', { tags: { env: 'dev' }, regions: ['eu-west-1', 'ap-northeast-1'], resumeAt: '07:00' }, true],
    ['a pause-only scheduler', { tags: { env: 'dev' }, regions: ['eu-west-1', 'ap-northeast-1'], pauseAt: '19:00' }, false],
    ['a dry run', { tags: { env: 'dev' }, regions: ['eu-west-1', 'ap-northeast-1'], resumeAt: '07:00', dryRun: true }, false],
  ])('reads auto scaling configurations (for savings) of this account in its regions only, in %s', (_, props, reads) => {
    const statements = functionRoleStatements(synthScheduler(props).template) as Statement[];

    const autoScaling = statements.filter((s) => actionsOf(s).includes('apprunner:DescribeAutoScalingConfiguration'));
    expect(autoScaling).toEqual(
      reads
        ? [
            {
              Sid: 'ReadAutoScalingConfigurations',
              Effect: 'Allow',
              Action: 'apprunner:DescribeAutoScalingConfiguration',
              Resource: [anyAutoScalingConfigurationIn('eu-west-1'), anyAutoScalingConfigurationIn('ap-northeast-1')],
            },
          ]
        : [],
    );
  });

  test('gets only sqs:SendMessage on the dead-letter queue besides, and no managed policy', () => {
    const { stack, scheduler, template } = synthScheduler(MINIMAL_PROPS);

    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve(scheduler.function.role!.roleName)],
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: stack.resolve(scheduler.deadLetterQueue.queueArn) }],
      },
    });
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });
});

describe('function role: only what the schedules do', () => {
  const TAGS = { tags: { env: 'dev' } };
  const LISTED = { services: [WEB_API_ARN] };

  test.each<[string, AppRunnerSchedulerProps]>([
    ['listed ARNs, both schedules', { ...LISTED, pauseAt: '19:00', resumeAt: '07:00' }],
    ['tags, both schedules, deploying always', { ...TAGS, pauseAt: '19:00', resumeAt: '07:00', deployAfterResume: DeployAfterResume.ALWAYS }],
    ['ARNs and tags, pause only', { ...LISTED, ...TAGS, pauseAt: '19:00' }],
    ['tags, resume only', { ...TAGS, resumeAt: '07:00' }],
  ])('a dry run with %s gets a read-only role', (_, props) => {
    // WHEN
    const { template } = synthScheduler({ ...props, dryRun: true });

    // THEN
    for (const statement of functionRoleStatements(template) as Statement[]) {
      expect({ sid: statement.Sid, mutating: actionsOf(statement).filter((a) => MUTATING_ACTIONS.includes(a)) }).toEqual({ sid: statement.Sid, mutating: [] });
    }
    expect(allowedActions(template)).toContain('apprunner:ListServices');
  });

  test('a dry run reads the operation history only when a resume may deploy', () => {
    const planning = (deployAfterResume: DeployAfterResume) =>
      allowedActions(synthScheduler({ ...TAGS, pauseAt: '19:00', resumeAt: '07:00', deployAfterResume, dryRun: true }).template);

    expect(planning(DeployAfterResume.AUTO)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'apprunner:ListServices', 'tag:GetResources', 'apprunner:DescribeService', 'apprunner:ListOperations']);
    expect(planning(DeployAfterResume.ALWAYS)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'apprunner:ListServices', 'tag:GetResources', 'apprunner:ListOperations']);
    expect(planning(DeployAfterResume.NEVER)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'apprunner:ListServices', 'tag:GetResources']);
  });

  test.each<[string, AppRunnerSchedulerProps]>([
    ['listed ARNs', LISTED],
    ['tags', TAGS],
  ])('DeployAfterResume.NEVER with %s allows no StartDeployment', (_, selection) => {
    const { template } = synthScheduler({ ...selection, pauseAt: '19:00', resumeAt: '07:00', deployAfterResume: DeployAfterResume.NEVER });

    expect(allowedActions(template)).not.toContain('apprunner:StartDeployment');
    expect(allowedActions(template)).toEqual(expect.arrayContaining(['apprunner:PauseService', 'apprunner:ResumeService', 'apprunner:ListOperations']));
  });

  test.each<[string, AppRunnerSchedulerProps]>([
    ['listed ARNs', LISTED],
    ['tags', TAGS],
  ])('a pause-only scheduler with %s may pause and set the marker, but not resume, deploy or remove the marker', (_, selection) => {
    const { template } = synthScheduler({ ...selection, pauseAt: '19:00' });

    const actions = allowedActions(template);
    expect(actions).toEqual(expect.arrayContaining(['apprunner:PauseService', 'apprunner:TagResource']));
    for (const action of ['apprunner:ResumeService', 'apprunner:StartDeployment', 'apprunner:UntagResource']) expect(actions).not.toContain(action);
  });

  test.each<[string, AppRunnerSchedulerProps]>([
    ['listed ARNs', LISTED],
    ['tags', TAGS],
  ])('a resume-only scheduler with %s may resume, deploy and write the marker, but not pause', (_, selection) => {
    const { template } = synthScheduler({ ...selection, resumeAt: '07:00' });

    const actions = allowedActions(template);
    expect(actions).toEqual(expect.arrayContaining(['apprunner:ResumeService', 'apprunner:StartDeployment', 'apprunner:TagResource', 'apprunner:UntagResource']));
    expect(actions).not.toContain('apprunner:PauseService');
  });

  test('names each change statement after what it allows', () => {
    const sids = (props: AppRunnerSchedulerProps) => (functionRoleStatements(synthScheduler(props).template) as Statement[]).map((s) => s.Sid);

    expect(sids({ ...LISTED, pauseAt: '19:00' })).toContain('PauseListedServices');
    expect(sids({ ...TAGS, resumeAt: '07:00', deployAfterResume: DeployAfterResume.NEVER })).toContain('ResumeTaggedServices');
    expect(sids({ ...TAGS, resumeAt: '07:00' })).toContain('ResumeDeployTaggedServices');
  });

  test.each<[string, AppRunnerSchedulerProps]>([
    ['listed ARNs', { ...LISTED, pauseAt: '19:00', resumeAt: '07:00' }],
    ['tags', { ...TAGS, regions: ['eu-west-1', 'us-east-1'], pauseAt: '19:00', resumeAt: '07:00' }],
    ['a dry run of both', { ...LISTED, ...TAGS, pauseAt: '19:00', resumeAt: '07:00', dryRun: true }],
  ])('with %s, allows "*" only for the listing calls, which take no resource', (_, props) => {
    const { template } = synthScheduler(props);

    const onAnything = (functionRoleStatements(template) as Statement[]).filter((s) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')));
    expect(onAnything.flatMap(actionsOf).filter((a) => a !== 'apprunner:ListServices' && a !== 'tag:GetResources')).toEqual([]);
    expect(onAnything.every((s) => s.Condition && 'aws:RequestedRegion' in (s.Condition.StringEquals as object))).toBe(true);
  });
});

describe('function role in a VPC', () => {
  function roleTemplate(inVpc: boolean | undefined): { stack: Stack; template: Template } {
    const stack = new Stack(new App(), 'Stack');
    const logGroup = new logs.LogGroup(stack, 'LogGroup');
    new FunctionRole(stack, 'FunctionRole', { logGroup, selections: [{ services: [WEB_API_ARN], scheduledActions: ['pause', 'resume'] }], inVpc });
    return { stack, template: Template.fromStack(stack) };
  }

  test('may manage the network interfaces Lambda creates for the function, on "*" because DescribeNetworkInterfaces takes nothing else', () => {
    // WHEN
    const { template } = roleTemplate(true);

    // THEN
    template.hasResourceProperties('AWS::IAM::Role', {
      Policies: [
        {
          PolicyDocument: {
            Statement: Match.arrayWith([
              {
                Sid: 'ManageVpcNetworkInterfaces',
                Effect: 'Allow',
                Action: [
                  'ec2:CreateNetworkInterface',
                  'ec2:DescribeNetworkInterfaces',
                  'ec2:DescribeSubnets',
                  'ec2:DeleteNetworkInterface',
                  'ec2:AssignPrivateIpAddresses',
                  'ec2:UnassignPrivateIpAddresses',
                ],
                Resource: '*',
              },
            ]),
          },
        },
      ],
    });
  });

  test('acknowledges that wildcard with its reason, so that cdk-nag finds nothing, and adds nothing outside a VPC', () => {
    const reasonOf = (stack: Stack) =>
      stack.node
        .findChild('FunctionRole')
        .node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, { reason?: string } | string>))
        .filter(([id]) => id.endsWith('AwsSolutions-IAM5[Resource::*]'))
        .map(([, ack]) => (typeof ack === 'string' ? ack : (ack.reason ?? '')))
        .join('');

    const inVpc = roleTemplate(true);
    const outside = roleTemplate(undefined);

    expect(reasonOf(inVpc.stack)).toContain('ec2:DescribeNetworkInterfaces only works on "*"');
    expect(reasonOf(outside.stack)).not.toContain('ec2:');
    expect(JSON.stringify(outside.template.toJSON())).not.toContain('ec2:');
    expect(new AwsSolutionsChecks().validateScope(inVpc.stack).violations).toEqual([]);
  });
});

describe('schedule role', () => {
  test('is trusted by EventBridge Scheduler for this account’s schedule group, and may invoke the function and dead-letter', () => {
    const { stack, scheduler, template } = synthScheduler(MINIMAL_PROPS);

    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: {
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                'aws:SourceArn': stack.resolve(scheduler.scheduleGroup.scheduleGroupArn),
              },
            },
          },
        ],
      },
    });
    const functionArn = stack.resolve(scheduler.function.functionArn);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [functionArn, { 'Fn::Join': ['', [functionArn, ':*']] }] },
          { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: stack.resolve(scheduler.deadLetterQueue.queueArn) },
        ],
      },
    });
  });
});

describe('function role with selections added after construction (named schedules)', () => {
  function roleWithTwoSelections(): { stack: Stack; template: Template } {
    const stack = new Stack(new App(), 'Stack');
    const logGroup = new logs.LogGroup(stack, 'LogGroup');
    const role = new FunctionRole(stack, 'FunctionRole', { logGroup, selections: [{ services: [WEB_API_ARN], scheduledActions: ['pause'] }] });
    role.addSelection({ tags: { team: 'web' }, regions: ['ap-southeast-1'], scheduledActions: ['pause', 'resume'], deployAfterResume: 'never' });
    return { stack, template: Template.fromStack(stack) };
  }

  test('lists in the regions of every selection with one statement, and allows each selection only its own runs’ calls', () => {
    const { template } = roleWithTwoSelections();

    expect(functionRoleStatements(template)).toEqual([
      logGroupStatement(template),
      {
        Sid: 'ListServicesAndTheirTags',
        Effect: 'Allow',
        Action: ['apprunner:ListServices', 'tag:GetResources'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'ap-southeast-1'] } },
      },
      { Sid: 'ReadListedServices', Effect: 'Allow', Action: ['apprunner:DescribeService', 'apprunner:ListOperations', 'apprunner:ListTagsForResource'], Resource: WEB_API_ARN },
      { Sid: 'PauseListedServices', Effect: 'Allow', Action: 'apprunner:PauseService', Resource: WEB_API_ARN },
      { Sid: 'WriteMarkerTagOnListedServices', Effect: 'Allow', Action: 'apprunner:TagResource', Resource: WEB_API_ARN, Condition: MARKER_TAG_ONLY },
      {
        Sid: 'ReadTaggedServices2',
        Effect: 'Allow',
        Action: ['apprunner:DescribeService', 'apprunner:ListOperations', 'apprunner:ListTagsForResource'],
        Resource: anyServiceIn('ap-southeast-1'),
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'web' } },
      },
      {
        Sid: 'PauseResumeTaggedServices2',
        Effect: 'Allow',
        Action: ['apprunner:PauseService', 'apprunner:ResumeService'],
        Resource: anyServiceIn('ap-southeast-1'),
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'web' } },
      },
      {
        Sid: 'WriteMarkerTagOnTaggedServices2',
        Effect: 'Allow',
        Action: ['apprunner:TagResource', 'apprunner:UntagResource'],
        Resource: anyServiceIn('ap-southeast-1'),
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'web' }, ...MARKER_TAG_ONLY },
      },
      {
        Sid: 'ReadAutoScalingConfigurations',
        Effect: 'Allow',
        Action: 'apprunner:DescribeAutoScalingConfiguration',
        Resource: anyAutoScalingConfigurationIn('ap-southeast-1'),
      },
    ]);
  });

  test('acknowledges the added selection’s wildcards, so that cdk-nag finds nothing', () => {
    const { stack } = roleWithTwoSelections();

    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});
