import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AppRunnerScheduler, type AppRunnerSchedulerProps } from '../../lib';

export const WEB_API_ARN = 'arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123456789abcdef0123456789abcdef';
export const WORKER_ARN = 'arn:aws:apprunner:us-east-1:123456789012:service/worker/fedcba9876543210fedcba9876543210';

/** Props that select something and schedule both runs: the smallest valid configuration. */
export const MINIMAL_PROPS: AppRunnerSchedulerProps = { services: [WEB_API_ARN], pauseAt: '19:00', resumeAt: '07:00' };

/** A fresh app and stack holding one scheduler. */
export function synthScheduler(props: AppRunnerSchedulerProps): { stack: Stack; scheduler: AppRunnerScheduler; template: Template } {
  const stack = new Stack(new App(), 'Stack');
  const scheduler = new AppRunnerScheduler(stack, 'Scheduler', props);
  return { stack, scheduler, template: Template.fromStack(stack) };
}

/** The JSON event a schedule sends to the function. */
export function scheduleInput(template: Template, action: 'pause' | 'resume'): unknown {
  const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
  const inputs = schedules.map((s) => JSON.parse(s.Properties.Target.Input as string) as { action: string });
  return inputs.find((input) => input.action === action);
}

/** The function role's sts:AssumeRole on the member role in these accounts (literal IDs or template values), as the template has it. */
export function memberRoleStatement(accounts: readonly unknown[]) {
  const arnIn = (account: unknown) =>
    typeof account === 'string'
      ? { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:role/AppRunnerSchedulerMember`]] }
      : { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', account, ':role/AppRunnerSchedulerMember']] };
  return { Sid: 'AssumeMemberRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: accounts.length === 1 ? arnIn(accounts[0]) : accounts.map(arnIn) };
}

/** The statements of the scheduler function role's inline policy. */
export function functionRoleStatementsOf(template: Template): { Sid: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
  const roles = template.findResources('AWS::IAM::Role', {
    Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })] } },
  });
  const [role] = Object.values(roles);
  return role.Properties.Policies[0].PolicyDocument.Statement;
}
