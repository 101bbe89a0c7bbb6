/**
 * Which credentials reach which account. The function acts in its own account with its own
 * credentials, and in any other with the member role's there (`contract/member-role.ts`), assumed
 * through STS: one AssumeRole per account, shared by every regional client of that account and by
 * concurrent first uses, and asked again before the credentials expire.
 *
 * Why not the SDK's `fromTemporaryCredentials`: it is a provider per client, and the gateway builds
 * one client per region and API, so an account reached in 3 regions would be assumed 6 times, and
 * again by each client on refresh. Here one cache per account feeds them all.
 */
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { SdkAppRunnerGateway, type AppRunnerGateway, type GatewayCredentials, type SdkGatewayOptions } from './app-runner';
import { AppRunnerCallError, HomeAccountError, MemberRoleError } from './errors';
import { parseFunctionArn } from './function-settings';
import { SCHEDULER_MEMBER_EXTERNAL_ID_ENV } from '../contract/function-environment';
import { MEMBER_ROLE_SESSION_NAME, memberRoleArn } from '../contract/member-role';

/** The gateways of the accounts a run reaches. */
export interface AccountAccess {
  /** The function's own account: where tag selection looks when the event names no `accounts`. */
  homeAccount(): Promise<string>;
  /** The gateway whose calls reach `account`'s services: the same one each time for the same account. */
  gatewayFor(account: string): AppRunnerGateway;
}

/** The function's own identity: its account, and the partition its member roles' ARNs are in. */
export interface HomeIdentity {
  readonly account: string;
  readonly partition: string;
}

/** The identity a Lambda function ARN names (`context.invokedFunctionArn`); undefined for anything else. */
export function identityOfFunctionArn(functionArn: string | undefined): HomeIdentity | undefined {
  const parts = parseFunctionArn(functionArn);
  return parts && { partition: parts.partition, account: parts.account };
}

/**
 * One gateway for every account: a test's emulator, or credentials that reach every account the run
 * names. Since every account's calls then share one set of credentials, the fleet run does not split
 * them by account.
 */
export class SharedGatewayAccess implements AccountAccess {
  constructor(
    private readonly gateway: AppRunnerGateway,
    /** The account the gateway's credentials are in, when known; it only labels the report's rows. @default SHARED_GATEWAY_HOME */
    private readonly home: string = SHARED_GATEWAY_HOME,
  ) {}

  homeAccount(): Promise<string> {
    return Promise.resolve(this.home);
  }

  gatewayFor(): AppRunnerGateway {
    return this.gateway;
  }
}

/** What a shared gateway calls the account of its credentials when it was not told its ID. */
export const SHARED_GATEWAY_HOME = 'the function\'s own account';

/** Temporary credentials, as AssumeRole gives them. */
export interface TemporaryCredentials extends GatewayCredentials {
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** The STS calls the function makes: the only place that talks to STS. */
export interface StsGateway {
  /** The member role's credentials; throws the SDK's error after its retries. */
  assumeRole(roleArn: string, externalId: string | undefined): Promise<TemporaryCredentials>;
  /** The identity of the function's own credentials. */
  callerIdentity(): Promise<HomeIdentity>;
}

/** The STS gateway backed by the AWS SDK v3 client. */
export class SdkStsGateway implements StsGateway {
  /** @param client the STS client. @default one in AWS_REGION (STS's regional endpoint), adaptive retries, 8 attempts, as the App Runner clients */
  constructor(private readonly client: STSClient = new STSClient({ maxAttempts: 8, retryMode: 'adaptive' })) {}

  async assumeRole(roleArn: string, externalId: string | undefined): Promise<TemporaryCredentials> {
    const { Credentials: c } = await this.client.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: MEMBER_ROLE_SESSION_NAME, ...(externalId ? { ExternalId: externalId } : {}) }),
    );
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error('AssumeRole answered without complete credentials');
    return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
  }

  async callerIdentity(): Promise<HomeIdentity> {
    const { Account, Arn } = await this.client.send(new GetCallerIdentityCommand({}));
    const partition = Arn?.split(':')[1];
    if (!Account || !partition) throw new Error('GetCallerIdentity answered without an account and ARN');
    return { account: Account, partition };
  }
}

/** How `StsAccountAccess` reaches the accounts. */
export interface StsAccountAccessOptions {
  /** The function's own identity, when known (from the invoked function ARN). @default STS GetCallerIdentity, asked once */
  readonly home?: HomeIdentity;
  /** The ExternalId the member roles' trust policy asks for. @default none */
  readonly externalId?: string;
  /** The STS calls. @default an SdkStsGateway */
  readonly sts?: StsGateway;
  /** How every account's gateway builds its SDK clients; the home account's also uses its `credentials`. @default SdkAppRunnerGateway's defaults */
  readonly gateway?: SdkGatewayOptions;
  /**
   * How long before they expire a member account's credentials are assumed again, in ms: 5 minutes,
   * as the SDK's own memoization refreshes temporary credentials. @default REFRESH_BEFORE_EXPIRY_MS
   */
  readonly refreshBeforeExpiryMs?: number;
  /**
   * A member account's call that App Runner refuses with AccessDenied, on a session assumed longer
   * ago than this, is made once more on a session assumed again, in ms: IAM checks a session against
   * its role as the role is now, so a role replaced since, or whose sessions were revoked, refuses the
   * old session while a new one works. Without this, a warm container's SDK clients would keep the
   * refused session until 5 minutes before its Expiration (up to an hour). A refusal of a fresher
   * session stands, so a role that truly lacks a permission costs at most one AssumeRole per account
   * in this time. @default RECHECK_DENIED_SESSION_AFTER_MS
   */
  readonly recheckDeniedSessionAfterMs?: number;
  /** The clock expirations are read against. @default Date.now */
  readonly clock?: () => number;
}

/** How long before they expire assumed credentials are assumed again: the SDK's own margin, 5 minutes. */
export const REFRESH_BEFORE_EXPIRY_MS = 300_000;

/**
 * How long a failed AssumeRole stands for its account before it is asked again, in ms: the account's
 * other calls in this run fail at once with the same error, rather than each asking STS (and adding
 * to its throttling); the next run, or Lambda's retry of this one a minute later, asks again.
 */
export const FAILED_ASSUME_ROLE_STANDS_MS = 30_000;

/** How old a session App Runner refuses with AccessDenied must be to be assumed again and the call made once more: see `StsAccountAccessOptions.recheckDeniedSessionAfterMs`. */
export const RECHECK_DENIED_SESSION_AFTER_MS = 30_000;

/** One account's credentials, or the AssumeRole on its way; `failedAt` when it failed. */
interface CachedCredentials {
  readonly credentials: Promise<TemporaryCredentials>;
  expiration?: number;
  /** When its AssumeRole answered, for a session that App Runner later refuses. */
  assumedAt?: number;
  failedAt?: number;
}

/** True when App Runner (or the Tagging API) refused the call's session token as expired. */
function isExpiredToken(error: unknown): boolean {
  const name = error instanceof AppRunnerCallError && error.cause instanceof Error ? error.cause.name : undefined;
  return name === 'ExpiredTokenException' || name === 'ExpiredToken';
}

/** True when App Runner (or the Tagging API) refused the call for the session's permissions. */
function isAccessDenied(error: unknown): boolean {
  const name = error instanceof AppRunnerCallError && error.cause instanceof Error ? error.cause.name : undefined;
  return name === 'AccessDeniedException' || name === 'AccessDenied';
}

/** The production access: the function's own credentials at home, the member role's elsewhere. */
export class StsAccountAccess implements AccountAccess {
  private readonly sts: StsGateway;
  private readonly refreshBeforeExpiryMs: number;
  private readonly clock: () => number;
  private home?: Promise<HomeIdentity>;
  private knownHome?: HomeIdentity;
  private readonly gateways = new Map<string, AppRunnerGateway>();
  private readonly cache = new Map<string, CachedCredentials>();

  constructor(private readonly options: StsAccountAccessOptions = {}) {
    this.sts = options.sts ?? new SdkStsGateway();
    this.refreshBeforeExpiryMs = options.refreshBeforeExpiryMs ?? REFRESH_BEFORE_EXPIRY_MS;
    this.clock = options.clock ?? Date.now;
    this.knownHome = options.home;
  }

  /**
   * The home identity: as given, else GetCallerIdentity once (asked again only after a failure).
   * @throws HomeAccountError with the STS error as `cause`.
   */
  private homeIdentity(): Promise<HomeIdentity> {
    if (this.knownHome) return Promise.resolve(this.knownHome);
    this.home ??= this.sts.callerIdentity().then(
      (identity) => (this.knownHome = identity),
      (error: unknown) => {
        this.home = undefined;
        throw new HomeAccountError(error);
      },
    );
    return this.home;
  }

  async homeAccount(): Promise<string> {
    return (await this.homeIdentity()).account;
  }

  /** Needs the home account known: `runFleet` asks `homeAccount()` before any gateway. */
  gatewayFor(account: string): AppRunnerGateway {
    if (!this.knownHome) throw new Error('StsAccountAccess.gatewayFor: the home account is not known yet; await homeAccount() first');
    let gateway = this.gateways.get(account);
    if (!gateway) {
      gateway = account === this.knownHome.account ? new SdkAppRunnerGateway(this.options.gateway) : this.memberGateway(account);
      this.gateways.set(account, gateway);
    }
    return gateway;
  }

  /**
   * A member account's gateway. Should App Runner refuse a session's token as expired before its
   * Expiration (a clock ahead of ours), or refuse an older session access (the role replaced or its
   * sessions revoked since: `recheckDeniedSessionAfterMs`), the call is made once more with
   * credentials assumed again, on new SDK clients: each client keeps the credentials it was given
   * until 5 minutes before their Expiration, and would not ask for others. A refused call did
   * nothing, so it may be made again.
   */
  private memberGateway(account: string): AppRunnerGateway {
    const build = () => new SdkAppRunnerGateway({ ...this.options.gateway, credentials: () => this.credentialsFor(account) });
    let current = build();
    return new Proxy(current, {
      get: (_, property) => {
        const method = Reflect.get(current, property) as unknown;
        if (typeof method !== 'function') return method;
        return async (...args: unknown[]) => {
          const used = current;
          try {
            return await (Reflect.get(used, property) as (...a: unknown[]) => Promise<unknown>).apply(used, args);
          } catch (error) {
            if (!isExpiredToken(error) && !isAccessDenied(error)) throw error;
            // A call refused on a session that another call has already replaced is simply made again on the new one.
            if (used === current) {
              if (!isExpiredToken(error) && !this.sessionMayBeStale(account)) throw error;
              this.cache.delete(account);
              current = build();
            }
            return (Reflect.get(current, property) as (...a: unknown[]) => Promise<unknown>).apply(current, args);
          }
        };
      },
    });
  }

  /** Whether `account`'s session is old enough that a refusal may be the role's change since, not the role's permissions. */
  private sessionMayBeStale(account: string): boolean {
    const assumedAt = this.cache.get(account)?.assumedAt;
    return assumedAt !== undefined && this.clock() - assumedAt >= (this.options.recheckDeniedSessionAfterMs ?? RECHECK_DENIED_SESSION_AFTER_MS);
  }

  /**
   * The member role's credentials in `account`: the cached ones while more than the refresh margin is
   * left, else one AssumeRole that every caller meanwhile shares.
   * @throws MemberRoleError naming the account and the role, with the STS error as `cause`.
   */
  credentialsFor(account: string): Promise<TemporaryCredentials> {
    const now = this.clock();
    const cached = this.cache.get(account);
    if (cached) {
      const fresh = cached.expiration === undefined || cached.expiration - this.refreshBeforeExpiryMs > now;
      const failureStands = cached.failedAt !== undefined && now - cached.failedAt < FAILED_ASSUME_ROLE_STANDS_MS;
      if (cached.failedAt === undefined ? fresh : failureStands) return cached.credentials;
    }
    const entry: CachedCredentials = { credentials: this.assume(account) };
    entry.credentials.then(
      (credentials) => {
        entry.expiration = credentials.expiration.getTime();
        entry.assumedAt = this.clock();
      },
      () => (entry.failedAt = this.clock()),
    );
    this.cache.set(account, entry);
    return entry.credentials;
  }

  private async assume(account: string): Promise<TemporaryCredentials> {
    const { partition } = await this.homeIdentity();
    const roleArn = memberRoleArn(partition, account);
    try {
      return await this.sts.assumeRole(roleArn, this.options.externalId);
    } catch (error) {
      throw new MemberRoleError(account, roleArn, error);
    }
  }
}

/**
 * The handler's access when none is injected: with only a `gateway` injected (tests, the demo, the
 * bench), that gateway for every account; else the production one, which knows its home from the
 * invoked function's ARN and passes the construct's external id (SCHEDULER_MEMBER_EXTERNAL_ID).
 */
export function defaultAccountAccess(
  gateway: AppRunnerGateway | undefined,
  invokedFunctionArn: string | undefined,
  environment: Readonly<Record<string, string | undefined>>,
): AccountAccess {
  const home = identityOfFunctionArn(invokedFunctionArn);
  if (gateway) return new SharedGatewayAccess(gateway, home?.account);
  return new StsAccountAccess({ home, externalId: environment[SCHEDULER_MEMBER_EXTERNAL_ID_ENV] || undefined });
}
