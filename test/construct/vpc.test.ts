import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { AppRunnerScheduler, type AppRunnerSchedulerProps } from '../../lib';
import { MINIMAL_PROPS } from './fixtures';

const NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

/** A stack with an imported VPC: two private subnets with egress, two isolated ones. */
function stackWithVpc(): { stack: Stack; vpc: ec2.IVpc } {
  const stack = new Stack(new App(), 'Stack');
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    isolatedSubnetIds: ['subnet-0fedcba9876543210', 'subnet-0fedcba9876543211'],
  });
  return { stack, vpc };
}

/** The statements of the function role's inline policy. */
function functionRoleStatements(template: Template): Array<{ Sid?: string; Action: string | string[]; Resource: unknown }> {
  const [role] = Object.values(template.findResources('AWS::IAM::Role', { Properties: { Description: 'Runs the App Runner scheduler function' } }));
  return role.Properties.Policies.flatMap((policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement);
}

/** The reasons given on `scope` for acknowledging `rule`. */
function acknowledgedReasons(scope: IConstruct, rule: string): string[] {
  return scope.node.metadata
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
    .filter(([id]) => id.replace(/^annotation::/i, '') === rule)
    .map(([, reason]) => reason);
}

describe('the function in a VPC', () => {
  test('is placed in the VPC’s private subnets, with a security group of its own that only lets traffic out', () => {
    // GIVEN
    const { stack, vpc } = stackWithVpc();

    // WHEN
    new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, vpc });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: {
        SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SchedulerFunctionSecurityGroup'), 'GroupId'] }],
      },
    });
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: 'vpc-0123456789abcdef0',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: '-1' }],
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('uses the subnets and security groups it is given', () => {
    // GIVEN
    const { stack, vpc } = stackWithVpc();
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'SecurityGroup', 'sg-0123456789abcdef0');

    // WHEN
    new AppRunnerScheduler(stack, 'Scheduler', {
      ...MINIMAL_PROPS,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [securityGroup],
    });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: ['subnet-0fedcba9876543210', 'subnet-0fedcba9876543211'], SecurityGroupIds: ['sg-0123456789abcdef0'] },
    });
    template.resourceCountIs('AWS::EC2::SecurityGroup', 0);
  });

  test('may create and delete its network interfaces: what AWSLambdaVPCAccessExecutionRole allows, inline', () => {
    // GIVEN
    const { stack, vpc } = stackWithVpc();

    // WHEN
    new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, vpc });

    // THEN
    const template = Template.fromStack(stack);
    expect(functionRoleStatements(template).filter((s) => s.Sid === 'ManageVpcNetworkInterfaces')).toEqual([
      { Sid: 'ManageVpcNetworkInterfaces', Effect: 'Allow', Action: NETWORK_INTERFACE_ACTIONS, Resource: '*' },
    ]);
    template.resourcePropertiesCountIs('AWS::IAM::Role', { ManagedPolicyArns: Match.anyValue() }, 0);
    expect(acknowledgedReasons(stack.node.findChild('Scheduler').node.findChild('FunctionRole'), 'AwsSolutions-IAM5[Resource::*]')).toEqual([
      expect.stringContaining('ec2:DescribeNetworkInterfaces only works on "*"'),
    ]);
  });

  test('leaves cdk-nag nothing unacknowledged', () => {
    // GIVEN
    const { stack, vpc } = stackWithVpc();

    // WHEN
    new AppRunnerScheduler(stack, 'Scheduler', { tags: { env: 'dev' }, pauseAt: '19:00', resumeAt: '07:00', vpc });

    // THEN
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
  });
});

describe('the function outside a VPC', () => {
  test('has no VpcConfig and no permission on network interfaces', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack');

    // WHEN
    new AppRunnerScheduler(stack, 'Scheduler', MINIMAL_PROPS);

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.absent() });
    const actions = functionRoleStatements(template).flatMap((s) => s.Action);
    expect(actions.filter((action) => action.startsWith('ec2:'))).toEqual([]);
  });

  test.each<[string, (stack: Stack, vpc: ec2.IVpc) => Partial<AppRunnerSchedulerProps>, string]>([
    ['vpcSubnets', () => ({ vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }), 'vpcSubnets: received {"subnetType":"Isolated"}; expected vpcSubnets only together with vpc'],
    [
      'vpcSubnets naming subnets',
      (_, vpc) => ({ vpcSubnets: { subnets: [vpc.isolatedSubnets[0]] } }),
      'vpcSubnets: received {"subnets":["Stack/Vpc/IsolatedSubnet1"]}; expected vpcSubnets only together with vpc',
    ],
    [
      'securityGroups',
      (stack) => ({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'SecurityGroup', 'sg-0123456789abcdef0')] }),
      'securityGroups: received ["Stack/SecurityGroup"]; expected securityGroups only together with vpc',
    ],
  ])('refuses %s without vpc', (_, networkProps, message) => {
    const { stack, vpc } = stackWithVpc();

    expect(() => new AppRunnerScheduler(stack, 'Scheduler', { ...MINIMAL_PROPS, ...networkProps(stack, vpc) })).toThrow(message);
  });
});
