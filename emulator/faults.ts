/**
 * Fault injection: each fault is bounded (a number of hits, a time window, or both), optionally
 * filtered by operation and service ARN, optionally probabilistic with a seeded draw so runs repeat.
 */
import { ApiError } from './api-error';
import { SeededRandom } from './seeded-random';

/**
 * What a fault does to a matching call:
 * - `throttle`: `ThrottlingException` (App Runner; unmodelled, so the SDK names a generic error),
 *   `ThrottledException` (Tagging API; modelled), with status 400 or 429; `ThrottlingException` 429
 *   (Scheduler, modelled), `TooManyRequestsException` 429 (Lambda, modelled) or `Throttling` 400 "Rate
 *   exceeded" (STS: what it answers in practice; its model names no throttling error). The SDK retries them all.
 * - `internal`: 500 `InternalServiceErrorException` (App Runner), `InternalServiceException` (Tagging),
 *   `InternalServerException` (Scheduler), `ServiceException` (Lambda) or `InternalFailure` (STS).
 * - `unavailable`: 503 `ServiceUnavailableException` (unmodelled; the SDK retries on the status), or
 *   `ServiceUnavailable` (STS, a common error of the query APIs).
 * - `notFound`: `ResourceNotFoundException`, 400 for App Runner, 404 for Scheduler and Lambda; the Tagging
 *   API and STS have no such error.
 * - `reset`: the connection is dropped without a response (the SDK sees ECONNRESET and retries).
 * - `latency`: `latencyMs` more before the call is handled; the call then proceeds normally.
 * - `accessDenied`: 400 `AccessDeniedException`, what IAM answers for a call the caller's policy (or
 *   a service control policy) does not allow. Not in App Runner's model nor the facts sheet: it is
 *   the common error of AWS JSON APIs for a denied call, and the SDK does not retry it. The REST APIs
 *   (Scheduler, Lambda) answer it with 403, as REST-JSON services do, and STS with `AccessDenied` 403.
 *   Besides roles and sessions (`accounts.ts`) the emulator does no IAM of its own, so this is how
 *   tests deny a call.
 */
export type FaultKind = 'throttle' | 'internal' | 'unavailable' | 'notFound' | 'reset' | 'latency' | 'accessDenied';

/**
 * Which APIs the emulator serves: the AWS JSON ones as named in their X-Amz-Target prefixes, the REST-JSON
 * ones (EventBridge Scheduler, Lambda) and the query one (STS) by their SDK names.
 */
export type ApiName = 'AppRunner' | 'ResourceGroupsTaggingAPI' | 'Scheduler' | 'Lambda' | 'STS';

/** A fault to inject; see `AppRunnerEmulator.injectFault`. */
export interface FaultSpec {
  /** What happens to a matching call. */
  readonly kind: FaultKind;
  /** Only this operation, as in X-Amz-Target (e.g. 'PauseService', 'GetResources'). @default every operation */
  readonly operation?: string;
  /**
   * Only calls that name this ARN (ServiceArn, ResourceArn, AutoScalingConfigurationArn or an entry of
   * ResourceARNList; for Scheduler calls the schedule's ARN, for Lambda calls the function's, for STS's
   * AssumeRole the RoleArn). @default any call
   */
  readonly serviceArn?: string;
  /** The fault disarms after this many hits. @default 1, or unlimited within `forMs` when that is set */
  readonly times?: number;
  /** The fault disarms this many ms after injection. @default no time limit */
  readonly forMs?: number;
  /** Chance (0-1) that a matching call is hit, drawn from the emulator's seeded generator. @default 1 */
  readonly probability?: number;
  /** Only calls to this API. @default every API */
  readonly api?: ApiName;
  /** For `throttle`: the HTTP status. @default 400 for App Runner, the Tagging API and STS, 429 for Scheduler and Lambda */
  readonly throttleStatus?: 400 | 429;
  /** For `latency`: the extra delay in ms. Required for that kind. */
  readonly latencyMs?: number;
}

/** A handle on an injected fault. */
export interface InjectedFault {
  /** The spec it was injected with. */
  readonly spec: FaultSpec;
  /** Calls it has hit so far. */
  readonly hits: number;
  /** False once its hits or its window are used up, or after `remove()`. */
  readonly active: boolean;
  /** Disarms it now. */
  remove(): void;
}

/** The call facts a fault filters on. */
export interface CallFacts {
  readonly api: ApiName;
  readonly operation: string;
  readonly arns: readonly string[];
}

/** What the faults decided for one call. */
export interface FaultDecision {
  /** Extra delay from `latency` faults. */
  readonly extraLatencyMs: number;
  /** The first error fault that hit, if any ('reset' has no ApiError). */
  readonly failure?: { readonly kind: Exclude<FaultKind, 'latency'>; readonly error?: ApiError };
}

class ArmedFault implements InjectedFault {
  hits = 0;
  private removed = false;

  constructor(
    readonly spec: FaultSpec,
    private readonly maxHits: number,
    private readonly until: number,
  ) {}

  get active(): boolean {
    return !this.removed && this.hits < this.maxHits && Date.now() < this.until;
  }

  remove(): void {
    this.removed = true;
  }

  matches(call: CallFacts): boolean {
    if (this.spec.api !== undefined && this.spec.api !== call.api) return false;
    if (this.spec.operation !== undefined && this.spec.operation !== call.operation) return false;
    if (this.spec.serviceArn !== undefined && !call.arns.includes(this.spec.serviceArn)) return false;
    return this.spec.kind !== 'notFound' || (call.api !== 'ResourceGroupsTaggingAPI' && call.api !== 'STS');
  }
}

/** The set of armed faults of one emulator. */
export class FaultInjector {
  private faults: ArmedFault[] = [];

  /** `random` decides probabilistic faults; seeded so a run repeats. */
  constructor(private readonly random: SeededRandom) {}

  /** Arms a fault; throws on a spec that could never fire or never stop. */
  inject(spec: FaultSpec): InjectedFault {
    if (spec.kind === 'latency' && !(spec.latencyMs !== undefined && spec.latencyMs > 0)) {
      throw new Error('a latency fault needs latencyMs > 0');
    }
    if (spec.kind === 'notFound' && spec.operation === 'GetResources') {
      throw new Error('notFound has no Tagging API equivalent: GetResources never answers ResourceNotFoundException');
    }
    if (spec.kind === 'notFound' && spec.api === 'STS') {
      throw new Error('notFound has no STS equivalent: a missing role answers AccessDenied (see removeRole)');
    }
    if (spec.probability !== undefined && !(spec.probability > 0 && spec.probability <= 1)) {
      throw new Error(`probability must be in (0, 1], got ${spec.probability}`);
    }
    if (spec.times !== undefined && !(Number.isInteger(spec.times) && spec.times > 0)) {
      throw new Error(`times must be a positive integer, got ${spec.times}`);
    }
    const maxHits = spec.times ?? (spec.forMs === undefined ? 1 : Infinity);
    const until = spec.forMs === undefined ? Infinity : Date.now() + spec.forMs;
    const fault = new ArmedFault(spec, maxHits, until);
    this.faults.push(fault);
    return fault;
  }

  /** Disarms every fault. */
  clear(): void {
    for (const fault of this.faults) fault.remove();
    this.faults = [];
  }

  /** Applies the armed faults to one call: every matching latency fault adds up, the first error wins. */
  decide(call: CallFacts): FaultDecision {
    this.faults = this.faults.filter((fault) => fault.active);
    let extraLatencyMs = 0;
    let failure: FaultDecision['failure'];
    for (const fault of this.faults) {
      const { kind } = fault.spec;
      if ((kind !== 'latency' && failure) || !fault.matches(call)) continue;
      if (fault.spec.probability !== undefined && this.random.next() >= fault.spec.probability) continue;
      fault.hits += 1;
      if (kind === 'latency') extraLatencyMs += fault.spec.latencyMs ?? 0;
      else failure = { kind, error: errorFor(kind, call.api, fault.spec.throttleStatus) };
    }
    return { extraLatencyMs, failure };
  }
}

/** Per API: its throttling, internal, unavailable, access-denied and expired-token errors, and their statuses. */
interface ErrorNames {
  readonly throttle: string;
  readonly throttleStatus: number;
  readonly internal: string;
  readonly unavailable: string;
  readonly notFoundStatus: number;
  readonly denied: string;
  readonly deniedStatus: number;
  readonly expired: string;
  readonly expiredStatus: number;
}

/**
 * Expired credentials: `ExpiredTokenException` for the JSON and REST APIs, `ExpiredToken` for the query
 * one (STS). The status is not in any model: AWS JSON services answer 400 (DynamoDB, for one), REST ones
 * 403 (Lambda), query ones 403 (STS, IAM), as public bug reports show; the emulator follows that.
 */
const ERROR_NAMES: Record<ApiName, ErrorNames> = {
  AppRunner: {
    throttle: 'ThrottlingException', throttleStatus: 400, internal: 'InternalServiceErrorException', unavailable: 'ServiceUnavailableException',
    notFoundStatus: 400, denied: 'AccessDeniedException', deniedStatus: 400, expired: 'ExpiredTokenException', expiredStatus: 400,
  },
  ResourceGroupsTaggingAPI: {
    throttle: 'ThrottledException', throttleStatus: 400, internal: 'InternalServiceException', unavailable: 'ServiceUnavailableException',
    notFoundStatus: 400, denied: 'AccessDeniedException', deniedStatus: 400, expired: 'ExpiredTokenException', expiredStatus: 400,
  },
  Scheduler: {
    throttle: 'ThrottlingException', throttleStatus: 429, internal: 'InternalServerException', unavailable: 'ServiceUnavailableException',
    notFoundStatus: 404, denied: 'AccessDeniedException', deniedStatus: 403, expired: 'ExpiredTokenException', expiredStatus: 403,
  },
  Lambda: {
    throttle: 'TooManyRequestsException', throttleStatus: 429, internal: 'ServiceException', unavailable: 'ServiceUnavailableException',
    notFoundStatus: 404, denied: 'AccessDeniedException', deniedStatus: 403, expired: 'ExpiredTokenException', expiredStatus: 403,
  },
  STS: {
    throttle: 'Throttling', throttleStatus: 400, internal: 'InternalFailure', unavailable: 'ServiceUnavailable',
    notFoundStatus: 400, denied: 'AccessDenied', deniedStatus: 403, expired: 'ExpiredToken', expiredStatus: 403,
  },
};

/** The API's error for a call its caller may not make (an injected fault, or a session whose role is gone). */
export function accessDeniedError(api: ApiName, message: string): ApiError {
  const names = ERROR_NAMES[api];
  return new ApiError(names.denied, names.deniedStatus, message);
}

/** The API's error for a call signed with expired credentials. */
export function expiredTokenError(api: ApiName, message: string): ApiError {
  const names = ERROR_NAMES[api];
  return new ApiError(names.expired, names.expiredStatus, message);
}

function errorFor(kind: Exclude<FaultKind, 'latency'>, api: ApiName, throttleStatus: number | undefined): ApiError | undefined {
  const names = ERROR_NAMES[api];
  switch (kind) {
    case 'throttle':
      return new ApiError(names.throttle, throttleStatus ?? names.throttleStatus, 'Rate exceeded');
    case 'internal':
      return new ApiError(names.internal, 500, 'An internal error occurred (injected by the emulator).');
    case 'unavailable':
      return new ApiError(names.unavailable, 503, 'Service unavailable (injected by the emulator).');
    case 'notFound':
      return new ApiError('ResourceNotFoundException', names.notFoundStatus, 'Resource not found (injected by the emulator).');
    case 'accessDenied':
      return accessDeniedError(api, 'User is not authorized to perform this action (injected by the emulator).');
    case 'reset':
      return undefined;
  }
}
