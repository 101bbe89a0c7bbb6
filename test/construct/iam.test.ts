import { App, Stack } from 'aws-cdk-lib';
import * as apprunner from 'aws-cdk-lib/aws-apprunner';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AppRunnerScheduler } from '../../lib';
import { MINIMAL_PROPS, WEB_API_ARN, WORKER_ARN, synthScheduler } from './fixtures';

const MARKER_TAG_ONLY = { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['apprunner-scheduler:state'] } };

function anyServiceIn(region: string | { Ref: string }) {
  const inRegion = typeof region === 'string' ? [`:apprunner:${region}:`] : [':apprunner:', region, ':'];
  return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...inRegion, { Ref: 'AWS::AccountId' }, ':service/*']] };
}

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
        Condition: MARKER_TAG_ONLY,
      },
    ]);
    const iamResources = { ...template.findResources('AWS::IAM::Role'), ...template.findResources('AWS::IAM::Policy') };
    expect(JSON.stringify(iamResources).match(/"Resource":"\*"/g)).toHaveLength(1);
  });

  test('with tags, lists in bulk, reads in the stack’s region and changes only services carrying every selector tag', () => {
    // WHEN
    const { template } = synthScheduler({ tags: { env: 'dev', team: 'web' }, pauseAt: '19:00' });

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
        Sid: 'ReadServicesInSelectedRegions',
        Effect: 'Allow',
        Action: ['apprunner:DescribeService', 'apprunner:ListOperations', 'apprunner:ListTagsForResource'],
        Resource: anyService,
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
        Condition: { ...carriesSelectorTags, ...MARKER_TAG_ONLY },
      },
    ]);
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
    expect(resourcesOf('ReadServicesInSelectedRegions')).toEqual(inRegions);
    expect(resourcesOf('PauseResumeDeployTaggedServices')).toEqual(inRegions);
    expect(resourcesOf('WriteMarkerTagOnTaggedServices')).toEqual(inRegions);
  });

  test('with both, has the statements of both selections', () => {
    const { template } = synthScheduler({ ...MINIMAL_PROPS, tags: { env: 'dev' } });

    expect((functionRoleStatements(template) as { Sid: string }[]).map((s) => s.Sid)).toEqual([
      'WriteOwnLogGroup',
      'ListServicesAndTheirTags',
      'ReadListedServices',
      'PauseResumeDeployListedServices',
      'WriteMarkerTagOnListedServices',
      'ReadServicesInSelectedRegions',
      'PauseResumeDeployTaggedServices',
      'WriteMarkerTagOnTaggedServices',
    ]);
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
