import {
  AppRunnerClient,
  DescribeAutoScalingConfigurationCommand,
  DescribeServiceCommand,
  ListServicesCommand,
  PauseServiceCommand,
} from '@aws-sdk/client-apprunner';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { AssumeRoleCommand, AssumeRoleCommandInput, Credentials, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AppRunnerEmulator, startEmulator } from '../../emulator/app-runner-emulator';
import { MEMBER_ROLE_NAME, MEMBER_ROLE_SESSION_NAME, memberRoleArn } from '../../contract/member-role';

const HOME = '123456789012';
const MEMBER = '210987654321';
const OTHER = '555555555555';
const homeCredentials = { accessKeyId: 'test', secretAccessKey: 'test' };

let emulator: AppRunnerEmulator;
const clients: { destroy(): void }[] = [];

beforeEach(async () => {
  emulator = await startEmulator();
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await emulator.close();
});

type AwsCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

function sts(credentials: AwsCredentials = homeCredentials, maxAttempts?: number): STSClient {
  const client = new STSClient({ endpoint: emulator.endpoint, region: 'eu-west-1', credentials, maxAttempts });
  clients.push(client);
  return client;
}

function appRunner(credentials: AwsCredentials = homeCredentials, region = 'eu-west-1'): AppRunnerClient {
  const client = new AppRunnerClient({ endpoint: emulator.endpoint, region, credentials });
  clients.push(client);
  return client;
}

function tagging(credentials: AwsCredentials): ResourceGroupsTaggingAPIClient {
  const client = new ResourceGroupsTaggingAPIClient({ endpoint: emulator.endpoint, region: 'eu-west-1', credentials });
  clients.push(client);
  return client;
}

/** The SDK's credentials as a client takes them. */
function asClientCredentials(credentials: Credentials | undefined): AwsCredentials {
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
    throw new Error(`AssumeRole returned incomplete credentials: ${JSON.stringify(credentials)}`);
  }
  return { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken };
}

async function assumeMemberRole(account = MEMBER, input: Partial<AssumeRoleCommandInput> = {}): Promise<AwsCredentials> {
  const answer = await sts().send(
    new AssumeRoleCommand({ RoleArn: memberRoleArn('aws', account), RoleSessionName: MEMBER_ROLE_SESSION_NAME, ...input }),
  );
  return asClientCredentials(answer.Credentials);
}

async function listedNames(client: AppRunnerClient): Promise<string[]> {
  const page = await client.send(new ListServicesCommand({}));
  return (page.ServiceSummaryList ?? []).map((s) => s.ServiceName ?? '');
}

describe('accounts', () => {
  it('gives credentials of no AssumeRole to the default account, so a test with one account is unchanged', async () => {
    const arn = emulator.addService({ name: 'home-app' });

    expect(arn).toContain(`:${HOME}:service/home-app/`);
    expect(await listedNames(appRunner())).toEqual(['home-app']);
    expect(emulator.callsTo('ListServices')[0].account).toBe(HOME);
  });

  it('shows the credentials of an assumed member role only the member account\'s services, in every API', async () => {
    emulator.addService({ name: 'home-app', tags: { team: 'a' } });
    emulator.addService({ name: 'member-app', account: MEMBER, tags: { team: 'a' } });
    emulator.addService({ name: 'member-app-us', account: MEMBER, region: 'us-east-1' });
    emulator.addRole(MEMBER);

    const member = await assumeMemberRole();
    const resources = await tagging(member).send(new GetResourcesCommand({}));

    expect(await listedNames(appRunner(member))).toEqual(['member-app']);
    expect(await listedNames(appRunner(member, 'us-east-1'))).toEqual(['member-app-us']);
    expect(resources.ResourceTagMappingList?.map((r) => r.ResourceARN?.split(':')[4])).toEqual([MEMBER]);
    expect(await listedNames(appRunner())).toEqual(['home-app']);
    expect(emulator.callsTo('ListServices').map((c) => c.account)).toEqual([MEMBER, MEMBER, HOME]);
    expect(emulator.services().map((s) => [s.name, s.account])).toEqual([
      ['home-app', HOME],
      ['member-app', MEMBER],
      ['member-app-us', MEMBER],
    ]);
  });

  it('describes a member service and its auto scaling configuration, both of the member account', async () => {
    const arn = emulator.addService({ name: 'member-app', account: MEMBER });
    emulator.addRole(MEMBER);
    const member = appRunner(await assumeMemberRole());

    const { Service } = await member.send(new DescribeServiceCommand({ ServiceArn: arn }));
    const configurationArn = Service?.AutoScalingConfigurationSummary?.AutoScalingConfigurationArn ?? '';
    const { AutoScalingConfiguration } = await member.send(
      new DescribeAutoScalingConfigurationCommand({ AutoScalingConfigurationArn: configurationArn }),
    );

    expect(configurationArn).toContain(`:${MEMBER}:autoscalingconfiguration/DefaultConfiguration/`);
    expect(AutoScalingConfiguration?.HasAssociatedService).toBe(true);
    await expect(
      appRunner().send(new DescribeAutoScalingConfigurationCommand({ AutoScalingConfigurationArn: configurationArn })),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });

  it('refuses to start with a default account that is not 12 digits, naming the value', async () => {
    await expect(startEmulator({ account: '1234' })).rejects.toThrow("account must be 12 digits, as in an ARN; got '1234'");
  });

  it('rejects a service of an account that is not 12 digits, naming the value', () => {
    expect(() => emulator.addService({ name: 'member-app', account: '2109' })).toThrow("account must be 12 digits, as in an ARN; got '2109'");
  });

  it('answers AccessDeniedException for a service of another account, and changes nothing', async () => {
    const homeArn = emulator.addService({ name: 'home-app' });
    emulator.addRole(MEMBER);
    const member = appRunner(await assumeMemberRole());

    await expect(member.send(new PauseServiceCommand({ ServiceArn: homeArn }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(member.send(new DescribeServiceCommand({ ServiceArn: homeArn }))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(emulator.service(homeArn).status).toBe('RUNNING');
  });

  it('leaves the emulator\'s Scheduler and Lambda to the default account: member credentials are denied there', async () => {
    emulator.addRole(MEMBER);
    const scheduler = new SchedulerClient({ endpoint: emulator.endpoint, region: 'eu-west-1', credentials: await assumeMemberRole() });
    clients.push(scheduler);

    await expect(scheduler.send(new ListSchedulesCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
  });
});

describe('STS AssumeRole', () => {
  it('returns credentials for the role\'s account, expiring after DurationSeconds', async () => {
    emulator.addRole(MEMBER);
    const before = Date.now();

    const answer = await sts().send(
      new AssumeRoleCommand({ RoleArn: memberRoleArn('aws', MEMBER), RoleSessionName: MEMBER_ROLE_SESSION_NAME, DurationSeconds: 900 }),
    );

    expect(answer.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/${MEMBER_ROLE_NAME}/${MEMBER_ROLE_SESSION_NAME}`);
    expect(answer.AssumedRoleUser?.AssumedRoleId).toMatch(new RegExp(`^AROA[0-9A-F]{17}:${MEMBER_ROLE_SESSION_NAME}$`));
    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    const expiresAt = answer.Credentials?.Expiration?.getTime() ?? 0;
    expect(expiresAt).toBeGreaterThanOrEqual(before + 899_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
    const [call] = emulator.callsTo('AssumeRole');
    expect(call).toMatchObject({ api: 'STS', account: HOME, targetArn: memberRoleArn('aws', MEMBER), httpStatus: 200 });
  });

  it('defaults to one hour, capped by setCredentialLifetime', async () => {
    emulator.addRole(MEMBER);
    const oneHour = await sts().send(new AssumeRoleCommand({ RoleArn: memberRoleArn('aws', MEMBER), RoleSessionName: 's1' }));
    emulator.setCredentialLifetime(2);
    const short = await sts().send(new AssumeRoleCommand({ RoleArn: memberRoleArn('aws', MEMBER), RoleSessionName: 's2' }));

    expect((oneHour.Credentials?.Expiration?.getTime() ?? 0) - Date.now()).toBeGreaterThan(3590_000);
    expect((short.Credentials?.Expiration?.getTime() ?? 0) - Date.now()).toBeLessThanOrEqual(2000);
  });

  it.each([
    ['the account has no such role', () => emulator.addRole(OTHER), {}],
    ['the external id is missing', () => emulator.addRole(MEMBER, MEMBER_ROLE_NAME, { externalId: 'ext-1' }), {}],
    ['the external id differs', () => emulator.addRole(MEMBER, MEMBER_ROLE_NAME, { externalId: 'ext-1' }), { ExternalId: 'ext-2' }],
  ])('answers AccessDenied (403) when %s', async (_case, arrange, input) => {
    arrange();

    await expect(assumeMemberRole(MEMBER, input)).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::${HOME}:root is not authorized to perform: sts:AssumeRole on resource: ${memberRoleArn('aws', MEMBER)}`,
      $metadata: { httpStatusCode: 403 },
    });
    expect(emulator.callsTo('AssumeRole')).toHaveLength(1);
  });

  it('accepts the role\'s external id', async () => {
    emulator.addRole(MEMBER, MEMBER_ROLE_NAME, { externalId: 'ext-1' });

    await expect(listedNames(appRunner(await assumeMemberRole(MEMBER, { ExternalId: 'ext-1' })))).resolves.toEqual([]);
  });

  it.each([
    [{ DurationSeconds: 899 }, "Value '899' at 'durationSeconds'"],
    [{ DurationSeconds: 3601 }, 'exceeds the MaxSessionDuration set for this role'],
    [{ RoleSessionName: 'x' }, "Value 'x' at 'roleSessionName'"],
    [{ RoleArn: 'arn:aws:iam::210987654321:user/someone' }, "at 'roleArn'"],
  ])('answers ValidationError (400) for %p', async (input, message) => {
    emulator.addRole(MEMBER);

    await expect(assumeMemberRole(MEMBER, input)).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining(message),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('accepts up to the role\'s maximum session duration', async () => {
    emulator.addRole(MEMBER, MEMBER_ROLE_NAME, { maxSessionDurationSeconds: 43200 });

    const answer = await sts().send(
      new AssumeRoleCommand({ RoleArn: memberRoleArn('aws', MEMBER), RoleSessionName: 'long-session', DurationSeconds: 43200 }),
    );

    expect((answer.Credentials?.Expiration?.getTime() ?? 0) - Date.now()).toBeGreaterThan(43190_000);
  });

  it('rejects a role it could never create, naming the field', () => {
    expect(() => emulator.addRole('12345')).toThrow("account must be 12 digits, as in an ARN; got '12345'");
    expect(() => emulator.addRole(MEMBER, 'bad name')).toThrow("roleName must match");
    emulator.addRole(MEMBER);
    expect(() => emulator.addRole(MEMBER)).toThrow(`account ${MEMBER} already has a role named '${MEMBER_ROLE_NAME}'`);
    expect(() => emulator.setCredentialLifetime(0)).toThrow('the credential lifetime must be a number of seconds > 0, got 0');
  });
});

describe('sessions', () => {
  it('denies every call of a session whose role was removed, even once the role is back', async () => {
    emulator.addService({ name: 'member-app', account: MEMBER });
    emulator.addRole(MEMBER);
    const member = await assumeMemberRole();
    expect(await listedNames(appRunner(member))).toEqual(['member-app']);

    emulator.removeRole(MEMBER);
    expect(emulator.hasRole(MEMBER)).toBe(false);
    await expect(appRunner(member).send(new ListServicesCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(assumeMemberRole()).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(sts(member).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });

    emulator.addRole(MEMBER);
    await expect(appRunner(member).send(new ListServicesCommand({}))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect(await listedNames(appRunner(await assumeMemberRole()))).toEqual(['member-app']);
  });

  it('denies the sessions issued before revokeSessions, and a new AssumeRole works', async () => {
    emulator.addService({ name: 'member-app', account: MEMBER });
    emulator.addRole(MEMBER);
    emulator.addRole(OTHER);
    const before = await assumeMemberRole();
    const other = await assumeMemberRole(OTHER);

    emulator.revokeSessions(MEMBER);

    await expect(appRunner(before).send(new ListServicesCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('AWSRevokeOlderSessions'),
      $metadata: { httpStatusCode: 400 },
    });
    await expect(listedNames(appRunner(other))).resolves.toEqual([]);
    expect(await listedNames(appRunner(await assumeMemberRole()))).toEqual(['member-app']);
    expect(() => emulator.revokeSessions(OTHER, 'NoSuchRole')).toThrow(`account ${OTHER} has no role named 'NoSuchRole'`);
  });

  it('answers ExpiredTokenException once a session expired, and a fresh AssumeRole works again', async () => {
    emulator.addService({ name: 'member-app', account: MEMBER });
    emulator.addRole(MEMBER);
    // Long enough for the first call to arrive in time on a loaded machine.
    emulator.setCredentialLifetime(1);
    const member = await assumeMemberRole();
    expect(await listedNames(appRunner(member))).toEqual(['member-app']);

    await new Promise((resolve) => setTimeout(resolve, 1_050));
    await expect(appRunner(member).send(new ListServicesCommand({}))).rejects.toMatchObject({
      name: 'ExpiredTokenException',
      message: 'The security token included in the request is expired',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(tagging(member).send(new GetResourcesCommand({}))).rejects.toMatchObject({ name: 'ExpiredTokenException' });
    await expect(sts(member).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'ExpiredToken',
      $metadata: { httpStatusCode: 403 },
    });

    expect(await listedNames(appRunner(await assumeMemberRole()))).toEqual(['member-app']);
    expect(emulator.callsTo('ListServices').map((c) => c.errorType)).toEqual([undefined, 'ExpiredTokenException', undefined]);
  });

  it('expireSessions expires the sessions of one account at once, before their Expiration', async () => {
    emulator.addRole(MEMBER);
    emulator.addRole(OTHER);
    const member = await assumeMemberRole(MEMBER);
    const other = await assumeMemberRole(OTHER);

    emulator.expireSessions(MEMBER);

    await expect(appRunner(member).send(new ListServicesCommand({}))).rejects.toMatchObject({ name: 'ExpiredTokenException' });
    await expect(listedNames(appRunner(other))).resolves.toEqual([]);
    emulator.expireSessions();
    await expect(appRunner(other).send(new ListServicesCommand({}))).rejects.toMatchObject({ name: 'ExpiredTokenException' });
    await expect(listedNames(appRunner())).resolves.toEqual([]);
  });
});

describe('STS GetCallerIdentity', () => {
  it('names the default account\'s root for credentials the emulator did not issue', async () => {
    const identity = await sts().send(new GetCallerIdentityCommand({}));

    expect(identity).toMatchObject({ Account: HOME, Arn: `arn:aws:iam::${HOME}:root`, UserId: HOME });
  });

  it('names the assumed role\'s session for credentials AssumeRole issued', async () => {
    emulator.addRole(MEMBER);
    const identity = await sts(await assumeMemberRole()).send(new GetCallerIdentityCommand({}));

    expect(identity.Account).toBe(MEMBER);
    expect(identity.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/${MEMBER_ROLE_NAME}/${MEMBER_ROLE_SESSION_NAME}`);
    expect(identity.UserId).toMatch(new RegExp(`^AROA[0-9A-F]{17}:${MEMBER_ROLE_SESSION_NAME}$`));
    expect(emulator.callsTo('GetCallerIdentity')[0].account).toBe(MEMBER);
  });
});

describe('STS faults', () => {
  it('throttles with Throttling (400), which the SDK retries', async () => {
    emulator.addRole(MEMBER);
    emulator.injectFault({ kind: 'throttle', api: 'STS', operation: 'AssumeRole', times: 1 });

    await expect(assumeMemberRole()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(emulator.callsTo('AssumeRole').map((c) => [c.attempt, c.httpStatus, c.errorType, c.fault])).toEqual([
      [1, 400, 'Throttling', 'throttle'],
      [2, 200, undefined, undefined],
    ]);
  });

  it('surfaces a throttle outlasting the retries as Throttling, naming the role in the fault filter', async () => {
    emulator.addRole(MEMBER);
    emulator.addRole(OTHER);
    emulator.injectFault({ kind: 'throttle', serviceArn: memberRoleArn('aws', MEMBER), times: 3 });

    await expect(
      sts(homeCredentials, 3).send(new AssumeRoleCommand({ RoleArn: memberRoleArn('aws', MEMBER), RoleSessionName: 's' })),
    ).rejects.toMatchObject({ name: 'Throttling', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
    await expect(assumeMemberRole(OTHER)).resolves.toBeDefined();
  });

  it.each([
    ['internal', 'InternalFailure', 500],
    ['unavailable', 'ServiceUnavailable', 503],
    ['accessDenied', 'AccessDenied', 403],
  ] as const)('answers the %s fault as STS does (%s, %p)', async (kind, name, status) => {
    emulator.injectFault({ kind, api: 'STS', times: 5 });

    await expect(sts(homeCredentials, 1).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name,
      $metadata: { httpStatusCode: status },
    });
  });

  it('narrows a fault to the calls of one account\'s credentials', async () => {
    emulator.addService({ name: 'home-app' });
    emulator.addService({ name: 'member-app', account: MEMBER });
    emulator.addRole(MEMBER);
    const member = appRunner(await assumeMemberRole());
    emulator.injectFault({ kind: 'internal', account: MEMBER, operation: 'ListServices', times: 10 });

    await expect(listedNames(appRunner())).resolves.toEqual(['home-app']);
    await expect(member.send(new ListServicesCommand({}))).rejects.toMatchObject({ name: 'InternalServiceErrorException' });
  });

  it('has no not-found fault for STS', () => {
    expect(() => emulator.injectFault({ kind: 'notFound', api: 'STS' })).toThrow('notFound has no STS equivalent');
  });
});

describe('STS wire protocol', () => {
  it('answers an unknown Action with InvalidAction', async () => {
    const answer = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20261202/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x',
      },
      body: 'Action=GetSessionToken&Version=2011-06-15',
    });
    const xml = await answer.text();

    expect(answer.status).toBe(400);
    expect(xml).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect(xml).toContain('<Type>Sender</Type><Code>InvalidAction</Code>');
    expect(xml).toMatch(/<RequestId>emulator-\d+<\/RequestId><\/ErrorResponse>$/);
  });

  it('serves clients routed by AWS_ENDPOINT_URL_STS', async () => {
    const saved = { ...process.env };
    process.env.AWS_ENDPOINT_URL_STS = emulator.endpoint;
    try {
      const viaEnv = new STSClient({ region: 'eu-west-1', credentials: homeCredentials });
      clients.push(viaEnv);

      expect((await viaEnv.send(new GetCallerIdentityCommand({}))).Account).toBe(HOME);
    } finally {
      process.env = saved;
    }
  });
});
