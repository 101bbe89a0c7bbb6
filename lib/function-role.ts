/**
 * The function's role: its own log group, the App Runner calls its selection needs and nothing else,
 * with the cdk-nag acknowledgements those statements need, each saying why the wildcard is there.
 */
import { Aws, Fn, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { SCHEDULER_WRITTEN_TAG_KEYS } from '../contract/scheduler-tags';
import type { AppRunnerSchedulerProps } from './app-runner-scheduler';

/** The props that decide what the function may touch. */
type FunctionRoleProps = Pick<AppRunnerSchedulerProps, 'services' | 'tags' | 'regions' | 'summaryTopic'> & {
  /** The function's log group, the only one it writes to. */
  readonly logGroup: logs.ILogGroup;
  /**
   * Whether the function runs in a VPC: Lambda then creates its network interfaces with this role.
   * @default false
   */
  readonly inVpc?: boolean;
};

/** The role the scheduler function runs with. */
export class FunctionRole extends iam.Role {
  constructor(scope: Construct, id: string, props: FunctionRoleProps) {
    const tagRegions = props.tags ? (props.regions ?? [Aws.REGION]) : [];
    // The listed ARNs' regions (Fn.select and Fn.split resolve at deployment for a token, at once for a literal).
    const arnRegions = (props.services ?? []).map((arn) => Fn.select(3, Fn.split(':', arn)));
    const statements = [
      new iam.PolicyStatement({
        sid: 'WriteOwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [props.logGroup.logGroupArn],
      }),
      listingStatement(props.tags !== undefined, [...new Set([...arnRegions, ...tagRegions])]),
      ...(props.services ? listedServiceStatements(props.services) : []),
      ...(props.tags ? taggedServiceStatements(props.tags, tagRegions) : []),
      ...(props.inVpc ? [networkInterfaceStatement()] : []),
    ];
    super(scope, id, {
      description: 'Runs the App Runner scheduler function',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: { AppRunnerScheduler: new iam.PolicyDocument({ statements }) },
    });
    this.acknowledgeAnyResourceWildcard(props.tags !== undefined, props.inVpc ?? false);
    if (props.tags) this.acknowledgeTagSelectionWildcards(tagRegions);
    if (props.summaryTopic?.masterKey) this.acknowledgeSummaryKeyWildcard();
  }

  private acknowledgeAnyResourceWildcard(withTags: boolean, inVpc: boolean): void {
    const listing = withTags
      ? 'apprunner:ListServices and tag:GetResources accept no resource ARN (Service Authorization Reference): they list what tag selection then filters. They only read.'
      : 'apprunner:ListServices accepts no resource ARN (Service Authorization Reference). It only reads names and statuses, so that a fleet is read a page of 20 at a time rather than one DescribeService per service per poll.';
    const networkInterfaces =
      ' In a VPC, Lambda manages the function\'s network interfaces with this role: ec2:DescribeNetworkInterfaces only works on "*" (Lambda developer guide, "Configuring a Lambda function to access resources in a VPC"), and the interfaces Lambda creates have no ARN known in advance; these are the actions of AWSLambdaVPCAccessExecutionRole, inline.';
    Validations.of(this).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: inVpc ? listing + networkInterfaces : listing });
  }

  private acknowledgeTagSelectionWildcards(regions: string[]): void {
    for (const region of regions.filter((r) => r === Aws.REGION || !Token.isUnresolved(r))) {
      const nagRegion = region === Aws.REGION ? '<AWS::Region>' : region;
      Validations.of(this).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apprunner:${nagRegion}:<AWS::AccountId>:service/*]`,
        reason:
          'Tag selection cannot know service ARNs in advance. Reads (DescribeService, ListOperations, ListTagsForResource) cover the App Runner services of this account and region; every mutating call is conditioned on aws:ResourceTag for each selector tag, and TagResource/UntagResource also on aws:TagKeys (the scheduler marker tag only).',
      });
    }
  }

  /** The statement itself is added later, by the function's on-success destination. */
  private acknowledgeSummaryKeyWildcard(): void {
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Written by Topic.grantPublish for the encrypted summary topic: publishing needs kms:GenerateDataKey* (GenerateDataKey, GenerateDataKeyWithoutPlaintext), on that topic\'s key only.',
    });
  }
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

function listedServiceStatements(services: string[]): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ReadListedServices',
      actions: ['apprunner:DescribeService', 'apprunner:ListOperations', 'apprunner:ListTagsForResource'],
      resources: services,
    }),
    new iam.PolicyStatement({
      sid: 'PauseResumeDeployListedServices',
      actions: ['apprunner:PauseService', 'apprunner:ResumeService', 'apprunner:StartDeployment'],
      resources: services,
    }),
    new iam.PolicyStatement({
      sid: 'WriteMarkerTagOnListedServices',
      actions: ['apprunner:TagResource', 'apprunner:UntagResource'],
      resources: services,
      conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [...SCHEDULER_WRITTEN_TAG_KEYS] } },
    }),
  ];
}

function taggedServiceStatements(tags: { [key: string]: string }, regions: string[]): iam.PolicyStatement[] {
  const anyService = regions.map((region) => `arn:${Aws.PARTITION}:apprunner:${region}:${Aws.ACCOUNT_ID}:service/*`);
  const carriesSelectorTags = Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:ResourceTag/${key}`, value]));
  return [
    new iam.PolicyStatement({
      sid: 'ReadServicesInSelectedRegions',
      actions: ['apprunner:DescribeService', 'apprunner:ListOperations', 'apprunner:ListTagsForResource'],
      resources: anyService,
    }),
    new iam.PolicyStatement({
      sid: 'PauseResumeDeployTaggedServices',
      actions: ['apprunner:PauseService', 'apprunner:ResumeService', 'apprunner:StartDeployment'],
      resources: anyService,
      conditions: { StringEquals: carriesSelectorTags },
    }),
    new iam.PolicyStatement({
      sid: 'WriteMarkerTagOnTaggedServices',
      actions: ['apprunner:TagResource', 'apprunner:UntagResource'],
      resources: anyService,
      conditions: {
        'StringEquals': carriesSelectorTags,
        'ForAllValues:StringEquals': { 'aws:TagKeys': [...SCHEDULER_WRITTEN_TAG_KEYS] },
      },
    }),
  ];
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
