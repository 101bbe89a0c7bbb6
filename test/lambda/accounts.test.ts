/**
 * Which credentials reach which account: the member role assumed once per account, shared, and
 * assumed again before it expires; a failure that names the account and the role.
 */
import { defaultAccountAccess, identityOfFunctionArn, SharedGatewayAccess, StsAccountAccess, FAILED_ASSUME_ROLE_STANDS_MS, type HomeIdentity, type StsGateway, type TemporaryCredentials } from '../../lambda/accounts';
import { SdkAppRunnerGateway } from '../../lambda/app-runner';
import { MemberRoleError } from '../../lambda/errors';

const HOME: HomeIdentity = { account: '123456789012', partition: 'aws' };
const MEMBER = '210987654321';
const ROLE = `arn:aws:iam::${MEMBER}:role/AppRunnerSchedulerMember`;
const HOUR = 3_600_000;

/** An STS that answers at once, counts its calls, and issues credentials for `lifetimeMs` of the test's clock. */
class FakeSts implements StsGateway {
  readonly assumed: { roleArn: string; externalId?: string }[] = [];
  identityCalls = 0;
  refuse?: Error;

  constructor(
    private readonly clock: () => number,
    private readonly lifetimeMs = HOUR,
  ) {}

  async assumeRole(roleArn: string, externalId: string | undefined): Promise<TemporaryCredentials> {
    const n = this.assumed.push({ roleArn, ...(externalId ? { externalId } : {}) });
    await Promise.resolve();
    if (this.refuse) throw this.refuse;
    return { accessKeyId: `ASIA${n}`, secretAccessKey: 'secret', sessionToken: `token-${n}`, expiration: new Date(this.clock() + this.lifetimeMs) };
  }

  async callerIdentity(): Promise<HomeIdentity> {
    this.identityCalls += 1;
    return HOME;
  }
}

function accessDenied(): Error {
  return Object.assign(new Error(`User: arn:aws:sts::${HOME.account}:assumed-role/fn/x is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`), { name: 'AccessDenied' });
}

let now: number;
const clock = () => now;
beforeEach(() => {
  now = Date.parse('2026-12-01T19:00:00Z');
});

describe('member account credentials', () => {
  it('assume the member role once for all of an account\'s first calls, even concurrent ones', async () => {
    const sts = new FakeSts(clock);
    const access = new StsAccountAccess({ home: HOME, sts, clock });

    const credentials = await Promise.all([access.credentialsFor(MEMBER), access.credentialsFor(MEMBER), access.credentialsFor(MEMBER)]);

    expect(sts.assumed).toEqual([{ roleArn: ROLE }]);
    expect(new Set(credentials.map((c) => c.sessionToken))).toEqual(new Set(['token-1']));
  });

  it('are kept per account: each account has its own session', async () => {
    const sts = new FakeSts(clock);
    const access = new StsAccountAccess({ home: HOME, sts, clock });

    const [a, b] = await Promise.all([access.credentialsFor(MEMBER), access.credentialsFor('333333333333')]);

    expect(sts.assumed.map((c) => c.roleArn)).toEqual([ROLE, 'arn:aws:iam::333333333333:role/AppRunnerSchedulerMember']);
    expect(a.sessionToken).not.toBe(b.sessionToken);
  });

  it('are assumed again 5 minutes before they expire, not sooner', async () => {
    const sts = new FakeSts(clock);
    const access = new StsAccountAccess({ home: HOME, sts, clock });
    await access.credentialsFor(MEMBER);

    now += HOUR - 300_001;
    expect((await access.credentialsFor(MEMBER)).sessionToken).toBe('token-1');
    now += 1;
    expect((await access.credentialsFor(MEMBER)).sessionToken).toBe('token-2');
    expect(sts.assumed).toHaveLength(2);
  });

  it('pass the external id the construct gave, and the partition of the function', async () => {
    const sts = new FakeSts(clock);
    const access = new StsAccountAccess({ home: { account: HOME.account, partition: 'aws-cn' }, externalId: 'platform-7f3a', sts, clock });

    await access.credentialsFor(MEMBER);

    expect(sts.assumed).toEqual([{ roleArn: `arn:aws-cn:iam::${MEMBER}:role/AppRunnerSchedulerMember`, externalId: 'platform-7f3a' }]);
  });

  it('fail with an error that names the account and the role, keeping STS\'s error as its cause', async () => {
    const sts = new FakeSts(clock);
    sts.refuse = accessDenied();
    const access = new StsAccountAccess({ home: HOME, sts, clock });

    const error = await access.credentialsFor(MEMBER).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MemberRoleError);
    expect((error as MemberRoleError).message).toBe(`could not assume ${ROLE} to act in account ${MEMBER}: AccessDenied: ${sts.refuse.message}`);
    expect((error as MemberRoleError).cause).toBe(sts.refuse);
  });

  it('do not ask STS again for every call of an account it refused, until a while has passed', async () => {
    const sts = new FakeSts(clock);
    sts.refuse = accessDenied();
    const access = new StsAccountAccess({ home: HOME, sts, clock });
    await access.credentialsFor(MEMBER).catch(() => undefined);

    await Promise.all([access.credentialsFor(MEMBER).catch(() => undefined), access.credentialsFor(MEMBER).catch(() => undefined)]);
    expect(sts.assumed).toHaveLength(1);

    sts.refuse = undefined;
    now += FAILED_ASSUME_ROLE_STANDS_MS;
    expect((await access.credentialsFor(MEMBER)).sessionToken).toBe('token-2');
  });
});

describe('the home account', () => {
  it('is the account of the invoked function\'s ARN, with no call to STS', async () => {
    const sts = new FakeSts(clock);
    const access = new StsAccountAccess({ home: identityOfFunctionArn('arn:aws:lambda:eu-west-1:123456789012:function:scheduler:live'), sts, clock });

    expect(await access.homeAccount()).toBe('123456789012');
    expect(sts.identityCalls).toBe(0);
  });

  it('is asked of STS once when no function ARN tells it', async () => {
    const sts = new FakeSts(clock);
    const access = new StsAccountAccess({ sts, clock });

    expect(await Promise.all([access.homeAccount(), access.homeAccount()])).toEqual([HOME.account, HOME.account]);
    expect(await access.homeAccount()).toBe(HOME.account);
    expect(sts.identityCalls).toBe(1);
  });

  it('is reached with the function\'s own credentials: no role is assumed for it', async () => {
    const sts = new FakeSts(clock);
    const access = new StsAccountAccess({ home: HOME, sts, clock });

    expect(access.gatewayFor(HOME.account)).toBeInstanceOf(SdkAppRunnerGateway);
    expect(access.gatewayFor(HOME.account)).toBe(access.gatewayFor(HOME.account));
    expect(access.gatewayFor(MEMBER)).not.toBe(access.gatewayFor(HOME.account));
    expect(sts.assumed).toEqual([]);
  });

  test.each([
    ['a function ARN', 'arn:aws:lambda:eu-west-1:123456789012:function:scheduler', { partition: 'aws', account: '123456789012' }],
    ['a qualified one', 'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:scheduler:3', { partition: 'aws-us-gov', account: '123456789012' }],
    ['no ARN', undefined, undefined],
    ['something else', 'arn:aws:iam::123456789012:role/x', undefined],
  ])('is read from %s', (_, arn, identity) => {
    expect(identityOfFunctionArn(arn)).toEqual(identity);
  });
});

describe('one gateway for every account', () => {
  it('is what a handler given only a gateway uses', async () => {
    const gateway = new SdkAppRunnerGateway();
    const access = defaultAccountAccess(gateway, 'arn:aws:lambda:eu-west-1:123456789012:function:scheduler', {});

    expect(access).toBeInstanceOf(SharedGatewayAccess);
    expect(access.gatewayFor(MEMBER)).toBe(gateway);
    expect(await access.homeAccount()).toBe('123456789012');
  });
});
