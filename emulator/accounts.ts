/**
 * Who is calling: the IAM roles of each account, the sessions STS's AssumeRole issued, and which account
 * a request's credentials belong to. No HTTP here; `sts-api.ts` maps AssumeRole and GetCallerIdentity
 * onto it, and the emulator asks `identify` about every request it receives.
 *
 * What is modelled, from the STS API reference and the IAM user guide:
 * - An account exists once a service or a role names it; nothing else is needed to create one.
 * - A role is reached by its ARN `arn:aws:iam::<account>:role/<name>`. AssumeRole of a role that does not
 *   exist, or whose trust policy the caller does not satisfy (here: the role has an external id and the
 *   request's `ExternalId` differs), answers `AccessDenied` (403): STS does not tell the two apart.
 * - DurationSeconds: 900 s up to the role's maximum session duration (IAM's default for a role: 3600 s;
 *   at most 43200 s); outside it, `ValidationError` (400). Without it, 3600 s.
 * - Keys the emulator issued belong to the role's account until they expire. Every other access key id
 *   belongs to the default account (`EmulatorOptions.account`), so a test that never calls STS sees
 *   one account, as before.
 *
 * Where the public material is silent, the emulator chooses:
 * - `setCredentialLifetime(seconds)` caps every session's lifetime (by default nothing does, so
 *   DurationSeconds decides, 3600 s without it) and may be shorter than STS's 900 s minimum, so a test can
 *   live through an expiry in seconds. Credentials'
 *   `Expiration` is `now + min(DurationSeconds, lifetime)` on real time (`Date.now`), the App Runner
 *   side's clock: the engine compares it with its own `Date.now`, never with the scheduler's virtual clock.
 * - A call made with an expired session answers the API's expired-token error (see `CallerRefusal`);
 *   `expireSessions()` expires sessions at once while their `Expiration` still lies ahead, which is what
 *   a credential that a client cached past its end looks like to the service.
 * - A call made with a session whose role was removed (`removeRole`) answers AccessDeniedException: the
 *   session's permissions came from the role's policies, which are gone. A role added again under the
 *   same name is a new role (IAM gives it a new role id), so the old sessions stay denied.
 * - The session token is not checked against the access key: signatures are not verified either.
 * - Role chaining (a session calling AssumeRole) is allowed, and the 1-hour cap AWS puts on chained
 *   sessions is not applied.
 */
import { MEMBER_ROLE_NAME } from '../contract/member-role';
import { SeededRandom } from './seeded-random';

/** A role's options; see `AppRunnerEmulator.addRole`. */
export interface RoleOptions {
  /** The external id the role's trust policy requires (`sts:ExternalId`). @default none required */
  readonly externalId?: string;
  /** The role's maximum session duration in seconds, 3600-43200 as IAM accepts. @default 3600, IAM's default */
  readonly maxSessionDurationSeconds?: number;
}

/** One role of one account. */
interface RoleRecord {
  readonly account: string;
  readonly name: string;
  readonly arn: string;
  /** IAM's unique id of the role (`AROA...`), part of every session's `AssumedRoleId`. */
  readonly roleId: string;
  readonly externalId?: string;
  readonly maxSessionDurationSeconds: number;
}

/** A session that AssumeRole issued. Times are epoch ms. */
interface SessionRecord {
  readonly role: RoleRecord;
  readonly sessionName: string;
  readonly accessKeyId: string;
  readonly sessionToken: string;
  expiresAt: number;
}

/** The credentials AssumeRole answers. */
export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  /** `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly assumedRoleArn: string;
  /** `<role id>:<session>`. */
  readonly assumedRoleId: string;
}

/** Who a request's credentials are. */
export interface Caller {
  readonly account: string;
  /** GetCallerIdentity's Arn. */
  readonly arn: string;
  /** GetCallerIdentity's UserId. */
  readonly userId: string;
}

/**
 * Why a request's credentials are refused before the call is handled: the session expired, or its role
 * was removed. Each API names these its own way (`AppRunnerEmulator` maps them).
 */
export type CallerRefusal = { readonly refused: 'expired' | 'roleRemoved'; readonly account: string; readonly message: string };

/** Why AssumeRole refuses: `AccessDenied` (403) or `ValidationError` (400), with STS's codes. */
export class StsRefusal extends Error {
  constructor(
    readonly code: 'AccessDenied' | 'ValidationError',
    readonly httpStatus: 403 | 400,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** What AssumeRole needs, as read from the request. */
export interface AssumeRoleInput {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly durationSeconds?: number;
  readonly externalId?: string;
}

const ACCOUNT = /^\d{12}$/;
/** IAM's role name: 1-64 characters of letters, digits and `+=,.@_-`. */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** STS's roleSessionNameType: 2-64 characters of the same set. */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** STS's arnType is 20-2048 characters; a role ARN is `arn:<partition>:iam::<account>:role/<path/><name>`. */
const ROLE_ARN = /^arn:[\w-]+:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const MIN_DURATION_S = 900;
const MAX_DURATION_S = 43200;
const DEFAULT_DURATION_S = 3600;

/** The roles of every account and the sessions issued for them. */
export class Accounts {
  private readonly roles = new Map<string, RoleRecord>();
  private readonly sessions = new Map<string, SessionRecord>();
  private lifetimeSeconds = Infinity;

  /** `random` makes role ids and keys reproducible; `now` is the clock expiry runs on (epoch ms). */
  constructor(
    readonly defaultAccount: string,
    private readonly random: SeededRandom,
    private readonly now: () => number,
  ) {}

  /** Creates a role; throws on a malformed account or name, or a role that exists. */
  addRole(account: string, roleName: string = MEMBER_ROLE_NAME, options: RoleOptions = {}): string {
    checkAccount(account);
    if (!ROLE_NAME.test(roleName)) throw new Error(`roleName must match ${ROLE_NAME} (IAM's role name), got '${roleName}'`);
    const max = options.maxSessionDurationSeconds ?? DEFAULT_DURATION_S;
    if (!(Number.isInteger(max) && max >= DEFAULT_DURATION_S && max <= MAX_DURATION_S)) {
      throw new Error(`maxSessionDurationSeconds must be an integer from ${DEFAULT_DURATION_S} to ${MAX_DURATION_S} (IAM's range), got ${max}`);
    }
    const key = roleKey(account, roleName);
    if (this.roles.has(key)) throw new Error(`account ${account} already has a role named '${roleName}'`);
    const arn = `arn:aws:iam::${account}:role/${roleName}`;
    const roleId = `AROA${this.random.hex(17).toUpperCase()}`;
    this.roles.set(key, { account, name: roleName, arn, roleId, externalId: options.externalId, maxSessionDurationSeconds: max });
    return arn;
  }

  /** Deletes a role; its sessions' calls are refused from now on. Throws when there is no such role. */
  removeRole(account: string, roleName: string = MEMBER_ROLE_NAME): void {
    if (!this.roles.delete(roleKey(account, roleName))) throw new Error(`account ${account} has no role named '${roleName}'`);
  }

  /** Caps the lifetime of sessions issued from now on, in seconds (> 0; may be below STS's 900 s). */
  setCredentialLifetime(seconds: number): void {
    if (!(Number.isFinite(seconds) && seconds > 0)) throw new Error(`the credential lifetime must be a number of seconds > 0, got ${seconds}`);
    this.lifetimeSeconds = seconds;
  }

  /** Expires every session now (of one account, when given). */
  expireSessions(account?: string): void {
    const now = this.now();
    for (const session of this.sessions.values()) {
      if (account === undefined || session.role.account === account) session.expiresAt = Math.min(session.expiresAt, now);
    }
  }

  /** Every account a role names. */
  roleAccounts(): string[] {
    return [...new Set([...this.roles.values()].map((role) => role.account))];
  }

  /**
   * The caller behind an access key id, or why its calls are refused. A key the emulator did not issue is
   * the default account's root: the emulator cannot know who holds it.
   */
  identify(accessKeyId: string | undefined): Caller | CallerRefusal {
    const session = accessKeyId === undefined ? undefined : this.sessions.get(accessKeyId);
    if (!session) {
      return { account: this.defaultAccount, arn: `arn:aws:iam::${this.defaultAccount}:root`, userId: this.defaultAccount };
    }
    const { role } = session;
    if (this.roles.get(roleKey(role.account, role.name)) !== role) {
      return {
        refused: 'roleRemoved',
        account: role.account,
        message: `User: ${assumedRoleArn(session)} is not authorized to perform this action: its role ${role.arn} no longer exists.`,
      };
    }
    if (this.now() >= session.expiresAt) {
      return { refused: 'expired', account: role.account, message: 'The security token included in the request is expired' };
    }
    return { account: role.account, arn: assumedRoleArn(session), userId: `${role.roleId}:${session.sessionName}` };
  }

  /** AssumeRole for `caller`: new credentials for the role's account, or the StsRefusal STS would answer. */
  assumeRole(caller: Caller, input: AssumeRoleInput): IssuedCredentials {
    if (!SESSION_NAME.test(input.roleSessionName)) {
      throw validation('roleSessionName', input.roleSessionName, `Member must satisfy regular expression pattern: ${SESSION_NAME.source}`);
    }
    const arn = ROLE_ARN.exec(input.roleArn);
    if (input.roleArn.length < 20 || input.roleArn.length > 2048 || !arn) {
      throw validation('roleArn', input.roleArn, 'Member must be the ARN of an IAM role (arn:aws:iam::<account>:role/<name>)');
    }
    const requested = input.durationSeconds ?? DEFAULT_DURATION_S;
    if (!Number.isInteger(requested) || requested < MIN_DURATION_S || requested > MAX_DURATION_S) {
      throw validation('durationSeconds', String(requested), `Member must have value between ${MIN_DURATION_S} and ${MAX_DURATION_S}`);
    }
    const role = this.roles.get(roleKey(arn[1], arn[2]));
    const denied = new StsRefusal('AccessDenied', 403, `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`);
    if (!role || (role.externalId !== undefined && role.externalId !== input.externalId)) throw denied;
    if (requested > role.maxSessionDurationSeconds) {
      throw new StsRefusal('ValidationError', 400, 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    const session: SessionRecord = {
      role,
      sessionName: input.roleSessionName,
      accessKeyId: `ASIA${this.random.hex(16).toUpperCase()}`,
      sessionToken: Buffer.from(this.random.hex(96), 'hex').toString('base64'),
      expiresAt: this.now() + Math.min(requested, this.lifetimeSeconds) * 1000,
    };
    this.sessions.set(session.accessKeyId, session);
    return {
      accessKeyId: session.accessKeyId,
      secretAccessKey: Buffer.from(this.random.hex(30), 'hex').toString('base64'),
      sessionToken: session.sessionToken,
      expiresAt: session.expiresAt,
      assumedRoleArn: assumedRoleArn(session),
      assumedRoleId: `${role.roleId}:${session.sessionName}`,
    };
  }
}

/** Whether `identify` refused the credentials. */
export function isRefusal(caller: Caller | CallerRefusal): caller is CallerRefusal {
  return 'refused' in caller;
}

/** Throws unless `account` is 12 digits, as in an ARN. */
export function checkAccount(account: string): void {
  if (!ACCOUNT.test(account)) throw new Error(`account must be 12 digits, as in an ARN; got '${account}'`);
}

function roleKey(account: string, roleName: string): string {
  // IAM role names are unique case-insensitively within an account.
  return `${account}/${roleName.toLowerCase()}`;
}

function assumedRoleArn(session: SessionRecord): string {
  return `arn:aws:sts::${session.role.account}:assumed-role/${session.role.name}/${session.sessionName}`;
}

/** STS's validation message, in the shape AWS's query services word it. */
function validation(member: string, value: string, constraint: string): StsRefusal {
  return new StsRefusal('ValidationError', 400, `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
}
