import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AppRunnerScheduler, type AppRunnerSchedulerProps } from '../../lib';
import { WEB_API_ARN, functionRoleStatementsOf, memberRoleStatement, scheduleInput, synthScheduler } from './fixtures';

const HOME = '999999999999';
const DEV = '111111111111';
const STAGING = '222222222222';
/** A service of the dev account. */
const DEV_ARN = `arn:aws:apprunner:eu-west-1:${DEV}:service/web-api/0123456789abcdef0123456789abcdef`;
const HOME_ARN = `arn:aws:apprunner:eu-west-1:${HOME}:service/worker/fedcba9876543210fedcba9876543210`;

/** A scheduler in a stack of the home account in eu-west-1. */
function synthAtHome(props: AppRunnerSchedulerProps): { stack: Stack; template: Template; scheduler: AppRunnerScheduler } {
  const stack = new Stack(new App(), 'Hub', { env: { account: HOME, region: 'eu-west-1' } });
  const scheduler = new AppRunnerScheduler(stack, 'Scheduler', props);
  return { stack, scheduler, template: Template.fromStack(stack) };
}

const sids = (template: Template) => functionRoleStatementsOf(template).map((s) => s.Sid);
const assumeStatements = (template: Template) => functionRoleStatementsOf(template).filter((s) => [s.Action].flat().includes('sts:AssumeRole'));

describe('the hub function role and other accounts', () => {
  test('may assume the member role, and only it, in exactly the accounts of tag selection besides its own', () => {
    const { template } = synthAtHome({ tags: { env: 'dev' }, accounts: [DEV, HOME, STAGING], pauseAt: '19:00', resumeAt: '07:00' });

    expect(assumeStatements(template)).toEqual([memberRoleStatement([DEV, STAGING])]);
    // Its own account is among them: it keeps the tag-conditioned statements at home.
    expect(sids(template)).toEqual(expect.arrayContaining(['ListServicesAndTheirTags', 'ReadTaggedServices', 'PauseResumeDeployTaggedServices']));
  });

  test('keeps no App Runner statement at home when tag selection looks only in other accounts', () => {
    const { template } = synthAtHome({ tags: { env: 'dev' }, accounts: [DEV], pauseAt: '19:00', resumeAt: '07:00' });

    expect(sids(template)).toEqual(['WriteOwnLogGroup', 'ArrangePausesInOwnScheduleGroup', 'PassSchedulesRoleToScheduler', 'AssumeMemberRoles']);
    expect(assumeStatements(template)).toEqual([memberRoleStatement([DEV])]);
  });

  test('assumes the member role in the account of a listed ARN of another account, and names only its own account’s ARNs at home', () => {
    const { template } = synthAtHome({ services: [DEV_ARN, HOME_ARN], pauseAt: '19:00' });

    expect(assumeStatements(template)).toEqual([memberRoleStatement([DEV])]);
    const listed = functionRoleStatementsOf(template).filter((s) => s.Sid.endsWith('ListedServices'));
    expect(listed.map((s) => s.Resource)).toEqual([HOME_ARN, HOME_ARN, HOME_ARN]);
  });

  test.each<[string, AppRunnerSchedulerProps, string[]]>([
    ['ARNs of one account and no accounts prop: that account is taken as its own, as before', { services: [DEV_ARN] }, []],
    ['ARNs of two accounts: both, since it cannot tell which is its own', { services: [DEV_ARN, HOME_ARN] }, [DEV, HOME]],
    ['an ARN beside tag selection in other accounts: all of them', { services: [DEV_ARN], tags: { env: 'dev' }, accounts: [STAGING] }, [STAGING, DEV]],
  ])('in a stack without an account, with %s', (_, props, accounts) => {
    const { template } = synthScheduler({ ...props, pauseAt: '19:00' });

    expect(assumeStatements(template)).toEqual(accounts.length > 0 ? [memberRoleStatement(accounts)] : []);
  });

  test('names the account of an ARN known only at deployment through the ARN itself', () => {
    const stack = new Stack(new App(), 'Hub');
    const arn = new CfnParameter(stack, 'ServiceArn').valueAsString;
    new AppRunnerScheduler(stack, 'Scheduler', { services: [arn], pauseAt: '19:00' });

    expect(assumeStatements(Template.fromStack(stack))).toEqual([memberRoleStatement([{ 'Fn::Select': [4, { 'Fn::Split': [':', { Ref: 'ServiceArn' }] }] }])]);
  });

  test('assumes nothing for a service of a stack of the app: CDK references never cross accounts', () => {
    const { template } = synthAtHome({ tags: { env: 'dev' }, pauseAt: '19:00', resumeAt: '07:00' });
    const stack = new Stack(new App(), 'Hub');
    // Any resource of the stack stands in: its ARN attribute is a reference, like a CfnService's.
    const standIn = new lambda.CfnFunction(stack, 'Stand-in', { code: { zipFile: 'x' }, handler: 'index.handler', runtime: 'nodejs22.x', role: 'arn:aws:iam::123456789012:role/x' });
    new AppRunnerScheduler(stack, 'Scheduler', { services: [standIn.attrArn], pauseAt: '19:00' });

    expect(assumeStatements(template)).toEqual([]);
    expect(assumeStatements(Template.fromStack(stack))).toEqual([]);
  });

  test('may assume the member role in the accounts of a named schedule added later too', () => {
    const stack = new Stack(new App(), 'Hub', { env: { account: HOME, region: 'eu-west-1' } });
    const scheduler = new AppRunnerScheduler(stack, 'Scheduler', { tags: { env: 'dev' }, accounts: [DEV], pauseAt: '19:00' });

    scheduler.addSchedule('singapore', { tags: { env: 'dev' }, accounts: [STAGING], regions: ['ap-southeast-1'], pauseAt: '19:00' });

    expect(assumeStatements(Template.fromStack(stack))).toEqual([memberRoleStatement([DEV, STAGING])]);
  });

  test('never allows sts:AssumeRole on "*"', () => {
    const { template } = synthAtHome({ services: [DEV_ARN], tags: { env: 'dev' }, accounts: [STAGING], pauseAt: '19:00' });

    const resources = JSON.stringify(assumeStatements(template).map((s) => s.Resource));
    expect(resources).not.toContain('"*"');
    expect(resources).toContain(`:iam::${DEV}:role/AppRunnerSchedulerMember`);
    expect(resources).toContain(`:iam::${STAGING}:role/AppRunnerSchedulerMember`);
  });
});

describe('accounts in the events and the function’s environment', () => {
  test('the schedules’ events carry the accounts of tag selection', () => {
    const { template } = synthScheduler({ tags: { env: 'dev' }, accounts: [DEV, STAGING], pauseAt: '19:00', resumeAt: '07:00' });

    expect(scheduleInput(template, 'pause')).toMatchObject({ tags: { env: 'dev' }, accounts: [DEV, STAGING] });
    expect(scheduleInput(template, 'resume')).toMatchObject({ accounts: [DEV, STAGING] });
  });

  test('memberExternalId is set on the function as SCHEDULER_MEMBER_EXTERNAL_ID, and nothing is set without it', () => {
    const withId = synthScheduler({ tags: { env: 'dev' }, accounts: [DEV], pauseAt: '19:00', memberExternalId: 'platform-scheduler-7f3a' }).template;
    const without = synthScheduler({ tags: { env: 'dev' }, accounts: [DEV], pauseAt: '19:00' }).template;

    withId.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { SCHEDULER_MEMBER_EXTERNAL_ID: 'platform-scheduler-7f3a' } } });
    expect(JSON.stringify(without.toJSON())).not.toContain('SCHEDULER_MEMBER_EXTERNAL_ID');
  });
});

describe('bad accounts props', () => {
  test.each<[string, Partial<AppRunnerSchedulerProps>, string]>([
    ['accounts without tags', { services: [WEB_API_ARN], accounts: [DEV] }, `accounts: received ["${DEV}"]; expected accounts only together with "tags"`],
    ['an account that is no 12-digit ID', { tags: { env: 'dev' }, accounts: [DEV, '1234'] }, 'accounts[1]: received "1234"; expected 12-digit AWS account IDs'],
    ['an external ID STS refuses', { tags: { env: 'dev' }, memberExternalId: 'has spaces' }, 'memberExternalId: received "has spaces"; expected an external ID of 2-1224 characters'],
  ])('%s fail synth, naming the prop, the value and what is accepted, and create nothing', (_, props, message) => {
    const stack = new Stack(new App(), 'Hub');

    expect(() => new AppRunnerScheduler(stack, 'Scheduler', { pauseAt: '19:00', ...props })).toThrow(message);
    expect(stack.node.tryFindChild('Scheduler')?.node.children ?? []).toEqual([]);
  });

  test('a whole list as one token fails synth: the role names the member role in each account', () => {
    const stack = new Stack(new App(), 'Hub');
    const accounts = new CfnParameter(stack, 'Accounts', { type: 'List<String>' }).valueAsList;

    expect(() => new AppRunnerScheduler(stack, 'Scheduler', { tags: { env: 'dev' }, accounts, pauseAt: '19:00' })).toThrow(/accounts: received .*; expected a list of 12-digit account IDs written out/);
  });
});
