/**
 * An App Runner emulator for tests, the demo and the benchmarks: an HTTP server on 127.0.0.1 that the real
 * `@aws-sdk/client-apprunner`, `@aws-sdk/client-resource-groups-tagging-api`, `@aws-sdk/client-scheduler`,
 * `@aws-sdk/client-lambda` and `@aws-sdk/client-sts` talk to, with no AWS account.
 *
 * Point a client at it with `endpoint: emulator.endpoint`, or without touching the client code by setting
 * `AWS_ENDPOINT_URL_APPRUNNER` (and `AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API`, `AWS_ENDPOINT_URL_SCHEDULER`,
 * `AWS_ENDPOINT_URL_LAMBDA`, `AWS_ENDPOINT_URL_STS`) to the endpoint: the SDK honours them all (tested).
 * Requests must be SigV4-signed, as the SDK always does; any credentials work.
 *
 * One server, routed by the SigV4 credential scope's service name: `sts` requests speak the query
 * protocol, served by `sts-api.ts` (roles and sessions in `accounts.ts`); `scheduler` and `lambda`
 * requests are REST-JSON, served by `scheduler-api.ts` (schedules kept and fired by `schedules.ts`) and
 * `lambda-api.ts` (functions and their invocations in `functions.ts`); every other request is AWS JSON,
 * below. The Scheduler and Lambda side runs on its own clock (`SchedulerOptions.clock`, virtual in
 * tests), never on the App Runner operations' real time; credentials expire on real time, like App Runner.
 *
 * Accounts: the SigV4 credential's access key id decides the caller's account. Keys that the emulator's
 * AssumeRole issued belong to the role's account until they expire; every other key belongs to the
 * default account (`EmulatorOptions.account`), so a test that never calls STS sees one account. Services
 * belong to an account (`ServiceSpec.account`); App Runner and Tagging API calls see only the caller's
 * account's services in the Region. Where AWS is silent the emulator chooses, and says so:
 * - An ARN of another account answers AccessDeniedException (400): App Runner's model declares no such
 *   error and says nothing of cross-account calls; without a resource policy (App Runner has none) IAM
 *   denies them, and AccessDeniedException is what AWS JSON services answer for a denied call.
 * - A session whose role was removed, or that `revokeSessions` revoked, answers AccessDeniedException (400); an expired one
 *   ExpiredTokenException (400, the status AWS JSON services answer; see `faults.ts`).
 * - The Scheduler and Lambda hold the default account's schedules and functions only: a call with another
 *   account's credentials answers AccessDeniedException (403) rather than showing them.
 *
 * Protocol, from the public API models (App Runner 2020-05-15, Tagging API 2017-01-26):
 * - `POST /`, AWS JSON 1.0 with `X-Amz-Target: AppRunner.<Operation>` for ListServices, DescribeService,
 *   PauseService, ResumeService, StartDeployment, ListOperations, ListTagsForResource, TagResource,
 *   UntagResource, DescribeAutoScalingConfiguration (see `auto-scaling.ts`); AWS JSON 1.1 with `X-Amz-Target: ResourceGroupsTaggingAPI_20170126.GetResources`.
 * - The Region is the SigV4 credential scope's (`Credential=AKID/<date>/<region>/<service>/aws4_request`).
 *   Each Region is its own world, as with real endpoints: lists show only its services, and an ARN of another
 *   Region answers ResourceNotFoundException. Signatures are not verified.
 * - Errors: `{"__type", "Message"}` plus `x-amzn-ErrorType`. Timestamps: epoch seconds.
 * - ListServices lists services in every status, PAUSED included: the model calls them "running" services,
 *   but public tools that find a paused service by name and resume it rely on this.
 *
 * Where App Runner documents nothing, the emulator chooses, and says so:
 * - PauseService on a service that is not RUNNING (PAUSED included) and ResumeService on one that is not
 *   PAUSED answer InvalidStateException, the only state error those operations declare.
 * - StartDeployment declares no InvalidStateException; refused (service not RUNNING, e.g. PAUSED or mid-
 *   operation) it answers InvalidRequestException by default, or InvalidStateException with
 *   `deploymentRefusalError`, so callers can be tested against both.
 * - A failed operation returns the service to the status it had before (see `failNextOperation`).
 * - Operations start IN_PROGRESS: ListOperations documents PENDING, but not when an operation is in it (the
 *   emulator runs one operation per service at a time, so none waits).
 * - EventBridge: each pause, resume and deployment that ends is announced to the sinks given to
 *   `onOperationEvent`, in the documented event shape (see `operation-events.ts` for what is chosen).
 * - `deleteService` removes a service from every view at once (the not-found case). For the other possible
 *   ending, a service still listed as DELETED, create it with `status: 'DELETED'`.
 * - Unknown operations answer UnknownOperationException (400), malformed JSON SerializationException (400),
 *   an unsigned request MissingAuthenticationTokenException (403), as AWS JSON services generally do.
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { ApiError } from './api-error';
import { Accounts, Caller, CallerRefusal, RoleOptions, isRefusal } from './accounts';
import { ApiName, FaultInjector, FaultKind, FaultSpec, InjectedFault, accessDeniedError, expiredTokenError } from './faults';
import {
  DeploymentRefusalError,
  FailedOperationStatus,
  Fleet,
  Fleets,
  InitialServiceStatus,
  OperationStatus,
  OperationType,
  ServiceRecord,
  ServiceStatus,
  StartableOperation,
  Timings,
} from './fleet';
import { FunctionRegistry, FunctionSpec, InvocationRecord, LambdaContext } from './functions';
import { LAMBDA_ROUTES, LambdaApiContext, lambdaErrorBody } from './lambda-api';
import { MEMBER_ROLE_NAME } from '../contract/member-role';
import { RestRequest, RestResponse, RestRoute, matchRoute } from './rest-api';
import { SCHEDULER_ROUTES, SchedulerContext } from './scheduler-api';
import { DEFAULT_GROUP, Firing, ScheduleBook, ScheduleChange, ScheduleSnapshot, TargetInvoker } from './schedules';
import { operationEvent, type OperationEvent, type OperationEventSink } from './operation-events';
import { SeededRandom } from './seeded-random';
import { answerSts, arnsOfSts, parseQuery, stsErrorBody } from './sts-api';
import {
  APP_RUNNER_OPERATIONS,
  JsonObject,
  MUTATING_OPERATIONS,
  RequestContext,
  TAGGING_OPERATIONS,
  apiOfTarget,
  arnsNamedBy,
} from './wire-operations';

export type {
  ApiName,
  RoleOptions,
  Firing,
  FunctionSpec,
  InvocationRecord,
  LambdaContext,
  ScheduleChange,
  ScheduleSnapshot,
  DeploymentRefusalError,
  FailedOperationStatus,
  FaultKind,
  FaultSpec,
  InitialServiceStatus,
  InjectedFault,
  OperationStatus,
  OperationType,
  ServiceStatus,
  StartableOperation,
  Timings,
};
export type { OperationEvent, OperationEventSink };
export { MUTATING_OPERATIONS };

/** How to start the emulator. */
export interface EmulatorOptions {
  /** TCP port on 127.0.0.1. @default 0, an ephemeral port */
  readonly port?: number;
  /** Operation durations in ms. @default 50 ms each, so tests stay fast */
  readonly timings?: Partial<Timings>;
  /** Delay added before every request is handled, in ms. @default 0 */
  readonly latencyMs?: number;
  /**
   * Page size for list calls that name none (ListServices/ListOperations without MaxResults, GetResources
   * without ResourcesPerPage). @default App Runner's documented "all results in one response", and 50 for
   * GetResources, whose default is undocumented
   */
  readonly defaultPageSize?: number;
  /**
   * The default account: every service and role that names no account belongs to it, and so do all
   * credentials the emulator's STS did not issue. @default '123456789012'
   */
  readonly account?: string;
  /** Seed for service ids, operation ids and probabilistic faults. @default 1 */
  readonly seed?: number;
  /** What a refused StartDeployment answers (undocumented, see the header). @default 'InvalidRequestException' */
  readonly deploymentRefusalError?: DeploymentRefusalError;
  /** The EventBridge Scheduler and Lambda side: its clock, its schedule groups. @default see SchedulerOptions */
  readonly scheduler?: SchedulerOptions;
}

/** How the emulator's EventBridge Scheduler (and the Lambda functions it invokes) runs. */
export interface SchedulerOptions {
  /**
   * The scheduler clock, epoch ms: when schedules are due, the times schedules and invocations show, when a
   * failed asynchronous invocation is retried. A virtual clock (e.g. a scaled one) lets a test live through
   * hours in seconds. Schedules fire by themselves only when a clock is given (`Date.now` for real time);
   * without one they are kept and listed but fire only when a test calls `scheduler.fireDue()`, so that a
   * test creating a schedule for a date already past does not see it fire and vanish.
   * @default Date.now for the times shown, and no firing by itself
   */
  readonly clock?: () => number;
  /** Schedule groups that exist besides `default` (in every Region). @default none */
  readonly groups?: readonly string[];
  /** How often, in real ms, due schedules and invocations are looked for while some are pending. @default 5 */
  readonly tickMs?: number;
  /** ListSchedules' page size without MaxResults (AWS documents none). @default 100 */
  readonly defaultPageSize?: number;
}

/** The emulator's EventBridge Scheduler, for tests: what exists, what changed, what fired. */
export interface SchedulerControls {
  /** The scheduler clock now, epoch ms. */
  now(): number;
  /** Every schedule that exists now, in creation order. */
  schedules(): ScheduleSnapshot[];
  /** One schedule, or undefined when it does not exist. */
  schedule(name: string, groupName?: string, region?: string): ScheduleSnapshot | undefined;
  /** Every create, update and delete so far (by API call or by ActionAfterCompletion), in order. */
  readonly changes: readonly ScheduleChange[];
  /** Every firing so far, in order. */
  readonly firings: readonly Firing[];
  /** Makes a schedule group exist in every Region. */
  addGroup(name: string): void;
  /**
   * Fires what is due on the scheduler clock now and starts due asynchronous invocations, then resolves
   * once their handlers finished: for tests that move a hand-driven clock. Returns this tick's firings.
   */
  fireDue(): Promise<Firing[]>;
  /**
   * Delivers a firing's input to its target a second time, as Lambda's asynchronous invocation documents
   * it may ("your function may receive the same event multiple times"): for tests of a run that fires
   * twice. Returns the new firing (`redelivery: true`).
   */
  deliverAgain(firing: Firing): Firing;
}

/** The emulator's Lambda functions, for tests. */
export interface LambdaControls {
  /** Registers a function that Invoke and schedules reach; returns its ARN. */
  addFunction(spec: FunctionSpec): string;
  /** Every handler run so far (a retry is a run of its own), in start order. */
  readonly invocations: readonly InvocationRecord[];
  /** Resolves once no asynchronous handler is running. */
  idle(): Promise<void>;
}

/** A service to create; everything but the name has a default. */
export interface ServiceSpec {
  /** ServiceName: 4-40 characters, letters, digits, '-' and '_', starting with a letter or digit. */
  readonly name: string;
  /** @default 'eu-west-1' */
  readonly region?: string;
  /** The 12-digit account it belongs to; only credentials of that account see it. @default the default account */
  readonly account?: string;
  /** @default 'RUNNING' */
  readonly status?: InitialServiceStatus;
  /** A service created with tags counts as tagged for GetResources. @default no tags */
  readonly tags?: Record<string, string>;
  /** An ECR image or a source code repository. @default 'image' */
  readonly source?: 'image' | 'code';
  /**
   * Whether a pushed version deploys by itself (`publishVersion`).
   * @default true, App Runner's default for code and same-account ECR images
   */
  readonly autoDeploymentsEnabled?: boolean;
  /** InstanceConfiguration.Cpu as DescribeService shows it. @default '1024' */
  readonly cpu?: string;
  /** InstanceConfiguration.Memory as DescribeService shows it. @default '2048' */
  readonly memory?: string;
  /** Its auto scaling configuration (from `addAutoScalingConfiguration`, same Region). @default the Region's DefaultConfiguration (MinSize 1) */
  readonly autoScalingConfigurationArn?: string;
  /**
   * For a service created PAUSED: epoch ms at which its pause ended, so that its history shows a
   * PAUSE_SERVICE that started `timings.pause` earlier. @default now
   */
  readonly pausedAt?: number;
}

/** An auto scaling configuration to create; see `emulator/auto-scaling.ts`. */
export interface AutoScalingConfigurationSpec {
  /** AutoScalingConfigurationName; a name that exists gets a new revision. */
  readonly name: string;
  /** @default 'eu-west-1' */
  readonly region?: string;
  /** @default the default account */
  readonly account?: string;
  /** Provisioned instances, 1-25. @default 1 */
  readonly minSize?: number;
  /** 1-25. @default 25 */
  readonly maxSize?: number;
  /** 1-200. @default 100 */
  readonly maxConcurrency?: number;
}

/** One operation of a service, for assertions. Times are epoch ms. */
export interface OperationSnapshot {
  readonly id: string;
  readonly type: OperationType;
  readonly status: OperationStatus;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly updatedAt: number;
}

/** A service as it is now, for assertions. */
export interface ServiceSnapshot {
  readonly arn: string;
  readonly id: string;
  readonly name: string;
  readonly region: string;
  /** The 12-digit account it belongs to. */
  readonly account: string;
  readonly status: ServiceStatus;
  readonly tags: Record<string, string>;
  /** Newest first, like ListOperations. */
  readonly operations: readonly OperationSnapshot[];
  readonly source: 'image' | 'code';
  readonly autoDeploymentsEnabled: boolean;
  /** The version running, or that a resume will bring back. Starts at 1. */
  readonly deployedVersion: number;
  /** The newest version pushed (`publishVersion`). Starts at 1. */
  readonly latestVersion: number;
  /** Successful deployments (manual or automatic) since creation. */
  readonly deployments: number;
  /** InstanceConfiguration.Cpu and Memory, as DescribeService shows them. */
  readonly cpu: string;
  readonly memory: string;
  /** Its auto scaling configuration, and that configuration's MinSize: the instances it keeps provisioned. */
  readonly autoScalingConfigurationArn: string;
  readonly provisionedInstances: number;
}

/** One request the emulator received. */
export interface CallRecord {
  /** Arrival order: 1 for the emulator's first request, never reused (not even after `clearCalls()`). */
  readonly seq: number;
  readonly api?: ApiName;
  /** The operation of X-Amz-Target, e.g. 'PauseService', 'GetResources'; '' when there was none. */
  readonly operation: string;
  /** From the SigV4 credential scope. */
  readonly region?: string;
  /**
   * The account the credentials belong to (for AssumeRole: the caller's, not the role's): the role's
   * account for keys the emulator's STS issued, the default account for any other. Undefined when unsigned.
   */
  readonly account?: string;
  /** The ARN the call names (ServiceArn or ResourceArn), if any. */
  readonly targetArn?: string;
  /** The parsed JSON body, or its raw text when it was not a JSON object. */
  readonly input: unknown;
  /** The SDK's attempt number (amz-sdk-request header): 2 and up are retries. */
  readonly attempt?: number;
  /** Epoch ms of arrival. */
  readonly at: number;
  /** Undefined while in flight, and when a `reset` fault dropped the connection. */
  readonly httpStatus?: number;
  /** The error's `__type`, when the answer was an error. */
  readonly errorType?: string;
  /** The injected fault that decided the answer, if any (`latency` faults are not named here). */
  readonly fault?: FaultKind;
  /** Arrival to response, in ms (latency included). */
  readonly durationMs?: number;
}

type MutableCall = { -readonly [K in keyof CallRecord]: CallRecord[K] };

const DEFAULT_TIMINGS: Timings = { pause: 50, resume: 50, deploy: 50 };
const CONTENT_TYPE: Record<ApiName, string> = {
  AppRunner: 'application/x-amz-json-1.0',
  ResourceGroupsTaggingAPI: 'application/x-amz-json-1.1',
  Scheduler: 'application/json',
  Lambda: 'application/json',
  STS: 'text/xml',
};
const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

/** Starts an emulator on 127.0.0.1 and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<AppRunnerEmulator> {
  return AppRunnerEmulator.start(options);
}

/** A running emulator: the services' state, the call log, fault injection and the HTTP server. */
export class AppRunnerEmulator {
  /** Starts an emulator; `startEmulator` is the same. */
  static async start(options: EmulatorOptions = {}): Promise<AppRunnerEmulator> {
    const emulator = new AppRunnerEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.server.once('error', reject);
      emulator.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return emulator;
  }

  private readonly fleets: Fleets;
  private readonly accounts: Accounts;
  private readonly faults: FaultInjector;
  private readonly eventSinks = new Set<OperationEventSink>();
  private readonly server: http.Server;
  private readonly log: MutableCall[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly peaks = new Map<string, number>();
  private readonly inFlightByOperation = new Map<string, number>();
  private readonly defaultPageSize?: number;
  private readonly book: ScheduleBook;
  private readonly functions: FunctionRegistry;
  private readonly schedulerClock: () => number;
  private readonly schedulerPageSize?: number;
  private readonly tickMs: number;
  private readonly firesByItself: boolean;
  private ticker?: NodeJS.Timeout;
  private closed = false;
  private timings: Timings;
  private latencyMs: number;
  private inFlight = 0;
  private nextSeq = 1;
  private peakTotal = 0;

  private constructor(options: EmulatorOptions) {
    const account = options.account ?? '123456789012';
    const seed = options.seed ?? 1;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.latencyMs = options.latencyMs ?? 0;
    this.defaultPageSize = options.defaultPageSize;
    this.fleets = new Fleets(
      account,
      this.timings,
      options.deploymentRefusalError ?? 'InvalidRequestException',
      new SeededRandom(seed),
      Date.now,
    );
    // Separate streams, so that adding a service does not change which calls a probabilistic fault hits,
    // and assuming a role does not change the ids of services created after it.
    this.accounts = new Accounts(account, new SeededRandom(seed ^ 0x5757), Date.now);
    this.faults = new FaultInjector(new SeededRandom(seed ^ 0x5eed));
    this.schedulerClock = options.scheduler?.clock ?? Date.now;
    this.firesByItself = options.scheduler?.clock !== undefined;
    this.book = new ScheduleBook(account, options.scheduler?.groups ?? [], this.schedulerClock);
    this.functions = new FunctionRegistry(account, this.schedulerClock, () => this.ensureTicking());
    this.schedulerPageSize = options.scheduler?.defaultPageSize;
    this.tickMs = options.scheduler?.tickMs ?? 5;
    const eventIds = new SeededRandom(seed ^ 0xe7e7);
    this.fleets.onOperationEnded((service, operation) => {
      const event = this.eventSinks.size > 0 ? operationEvent(service, operation, eventIds) : undefined;
      if (event) for (const sink of this.eventSinks) sink(event);
    });
    this.server = http.createServer((req, res) => this.receive(req, res));
    // The SDK keeps connections alive; a long server timeout avoids resets on idle sockets between calls.
    this.server.keepAliveTimeout = 60_000;
  }

  /** The default account: of services and roles that name none, and of every credential its STS did not issue. */
  get defaultAccount(): string {
    return this.fleets.defaultAccount;
  }

  /** The URL to give the SDK: http://127.0.0.1:<port>. */
  get endpoint(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Creates a service and returns its ARN: arn:aws:apprunner:<region>:<account>:service/<name>/<32 hex>. */
  addService(spec: ServiceSpec): string {
    return this.fleets.of(spec.account ?? this.fleets.defaultAccount).add({
      name: spec.name,
      region: spec.region ?? 'eu-west-1',
      status: spec.status ?? 'RUNNING',
      tags: spec.tags ?? {},
      source: spec.source ?? 'image',
      autoDeploymentsEnabled: spec.autoDeploymentsEnabled ?? true,
      cpu: spec.cpu ?? '1024',
      memory: spec.memory ?? '2048',
      autoScalingConfigurationArn: spec.autoScalingConfigurationArn,
      pausedAt: spec.pausedAt,
    }).arn;
  }

  /** Creates an auto scaling configuration (a new revision when the name exists in the Region) and returns its ARN. */
  addAutoScalingConfiguration(spec: AutoScalingConfigurationSpec): string {
    const fleet = this.fleets.of(spec.account ?? this.fleets.defaultAccount);
    return fleet.autoScaling.create({ ...spec, region: spec.region ?? 'eu-west-1' }).arn;
  }

  /** The service as it is now; throws if the emulator has no such service. */
  service(arn: string): ServiceSnapshot {
    return snapshot(this.fleets.get(arn));
  }

  /** Whether the emulator has this service (false after `deleteService`). */
  hasService(arn: string): boolean {
    return this.fleets.find(arn) !== undefined;
  }

  /** Every service: account by account (the default one first), per Region in creation order. */
  services(): ServiceSnapshot[] {
    return this.fleets.all().map(snapshot);
  }

  /** Makes the service vanish: every call on it answers ResourceNotFoundException, lists omit it. */
  deleteService(arn: string): void {
    this.ownFleet(arn).remove(arn);
  }

  /** Replaces the service's tags, as a person in the console would (not logged as a call). */
  setTags(arn: string, tags: Record<string, string>): void {
    this.ownFleet(arn).replaceTags(this.fleets.get(arn), new Map(Object.entries(tags)));
  }

  /** Pauses the service as a person would (same rules as PauseService, not logged); returns the operation id. */
  pauseByHand(arn: string): string {
    return this.ownFleet(arn).start(this.fleets.get(arn), 'PAUSE_SERVICE').id;
  }

  /** Resumes the service as a person would (same rules as ResumeService, not logged); returns the operation id. */
  resumeByHand(arn: string): string {
    return this.ownFleet(arn).start(this.fleets.get(arn), 'RESUME_SERVICE').id;
  }

  /** Starts a deployment as a person would (same rules as StartDeployment, not logged); returns the operation id. */
  deployByHand(arn: string): string {
    return this.ownFleet(arn).start(this.fleets.get(arn), 'START_DEPLOYMENT').id;
  }

  /**
   * Pushes a new image or commit and returns its version number. With automatic deployment on and the
   * service RUNNING it deploys at once; otherwise it waits for a StartDeployment (e.g. after a resume).
   */
  publishVersion(arn: string): number {
    return this.ownFleet(arn).publishVersion(this.fleets.get(arn));
  }

  /**
   * Makes the next operation of `type` on the service start normally (the call succeeds, the service goes
   * OPERATION_IN_PROGRESS) but end as `status` after its usual time, the service back in its old status.
   */
  failNextOperation(arn: string, type: StartableOperation, status: FailedOperationStatus = 'FAILED'): void {
    this.ownFleet(arn).arm(this.fleets.get(arn), type, { kind: 'fail', status });
  }

  /**
   * Makes the service's next deployment (the scheduler's or a person's) start normally, fail, and roll back:
   * ROLLBACK_IN_PROGRESS, then `final` (ROLLBACK_SUCCEEDED: the service keeps its previous version).
   */
  failNextDeployment(arn: string, final: 'ROLLBACK_SUCCEEDED' | 'ROLLBACK_FAILED' = 'ROLLBACK_SUCCEEDED'): void {
    this.failNextOperation(arn, 'START_DEPLOYMENT', final);
  }

  /**
   * Registers a sink for the EventBridge events App Runner would send as operations end; returns a function
   * that removes it. Operations end lazily, on the next read of their service or on `settled()`.
   */
  onOperationEvent(sink: OperationEventSink): () => void {
    this.eventSinks.add(sink);
    return () => this.eventSinks.delete(sink);
  }

  /** Makes the next operation of `type` on the service start and never finish: OPERATION_IN_PROGRESS for good. */
  hangNextOperation(arn: string, type: StartableOperation): void {
    this.ownFleet(arn).arm(this.fleets.get(arn), type, { kind: 'hang' });
  }

  /**
   * Creates an IAM role that STS's AssumeRole reaches as `arn:aws:iam::<account>:role/<roleName>`, and
   * returns that ARN. With `externalId`, AssumeRole must pass it (`sts:ExternalId` in the trust policy).
   * The account exists from then on, with no services until some name it.
   */
  addRole(account: string, roleName: string = MEMBER_ROLE_NAME, options?: RoleOptions): string {
    const arn = this.accounts.addRole(account, roleName, options);
    this.fleets.of(account);
    return arn;
  }

  /** Whether the account has the role (`addRole`, not removed since). */
  hasRole(account: string, roleName: string = MEMBER_ROLE_NAME): boolean {
    return this.accounts.hasRole(account, roleName);
  }

  /**
   * Deletes the role: AssumeRole of it answers AccessDenied, and every call made with a session it issued
   * answers AccessDeniedException (AccessDenied for STS) from now on, even after the role is added again.
   */
  removeRole(account: string, roleName: string = MEMBER_ROLE_NAME): void {
    this.accounts.removeRole(account, roleName);
  }

  /**
   * IAM's "Revoke active sessions" on the role: every call made with a session it issued until now
   * answers AccessDeniedException (AccessDenied for STS) from now on; AssumeRole gives sessions that work.
   */
  revokeSessions(account: string, roleName: string = MEMBER_ROLE_NAME): void {
    this.accounts.revokeSessions(account, roleName);
  }

  /**
   * Caps the lifetime of credentials AssumeRole issues from now on, in seconds: Expiration is now +
   * min(DurationSeconds, this). May be below STS's 900 s minimum, so tests see expiry in seconds.
   * @default no cap: DurationSeconds decides, 3600 s when AssumeRole names none
   */
  setCredentialLifetime(seconds: number): void {
    this.accounts.setCredentialLifetime(seconds);
  }

  /**
   * Expires every session AssumeRole issued (of one account, when given): their calls answer
   * ExpiredTokenException (ExpiredToken for STS) from now on, though their Expiration still lies ahead.
   */
  expireSessions(account?: string): void {
    this.accounts.expireSessions(account);
  }

  /** The EventBridge Scheduler side: schedules, their history and firings. */
  get scheduler(): SchedulerControls {
    const book = this.book;
    return {
      now: () => this.schedulerClock(),
      schedules: () => book.all(),
      schedule: (name, groupName = DEFAULT_GROUP, region = 'eu-west-1') => {
        const found = book.find(region, groupName, name);
        return found && book.all().find((s) => s.arn === found.arn);
      },
      get changes() {
        return book.changes;
      },
      get firings() {
        return book.firings;
      },
      addGroup: (name) => book.addGroup(name),
      fireDue: async () => {
        const fired = this.tick();
        await this.functions.idle();
        return fired;
      },
      deliverAgain: (firing) => {
        const schedule = lastSnapshotOf(book, firing.scheduleArn);
        const again = book.redeliver(firing, this.deliver, schedule);
        this.tick(false);
        return again;
      },
    };
  }

  /** The Lambda side: the functions schedules and Invoke reach, and their invocations. */
  get lambda(): LambdaControls {
    const functions = this.functions;
    return {
      addFunction: (spec) => functions.add(spec),
      get invocations() {
        return functions.invocations;
      },
      idle: () => functions.idle(),
    };
  }

  /** Arms a fault (see `FaultSpec`); it is bounded by `times` (default 1) and/or `forMs`. */
  injectFault(spec: FaultSpec): InjectedFault {
    return this.faults.inject(spec);
  }

  /** Disarms every fault. */
  clearFaults(): void {
    this.faults.clear();
  }

  /** Every request received since the start or the last `clearCalls()`, in arrival order. */
  get calls(): readonly CallRecord[] {
    return this.log;
  }

  /** The calls of one operation, e.g. 'PauseService'. */
  callsTo(operation: string): CallRecord[] {
    return this.log.filter((call) => call.operation === operation);
  }

  /**
   * The App Runner calls that change state: TagResource, UntagResource, PauseService, ResumeService,
   * StartDeployment. Scheduler and Lambda calls are not counted here: read them with `callsTo`.
   */
  mutatingCalls(): CallRecord[] {
    return this.log.filter((call) => MUTATING_OPERATIONS.has(call.operation));
  }

  /** Empties the call log and resets the in-flight peaks. */
  clearCalls(): void {
    this.log.length = 0;
    this.peaks.clear();
    this.peakTotal = this.inFlight;
  }

  /** The most requests (of one operation, or of all) in flight at once since the last `clearCalls()`. */
  peakInFlight(operation?: string): number {
    return operation === undefined ? this.peakTotal : (this.peaks.get(operation) ?? 0);
  }

  /** Changes the delay added before every request is handled. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Changes the durations of operations started from now on. */
  setTimings(timings: Partial<Timings>): void {
    this.timings = { ...this.timings, ...timings };
    this.fleets.setTimings(this.timings);
  }

  /** Resolves once every running operation that can finish has finished (hung ones never do). */
  async settled(): Promise<void> {
    // A rollback is a second phase: settle, then wait again until nothing finite is left.
    for (let last = this.fleets.lastFiniteEnd(); last !== undefined; last = this.fleets.lastFiniteEnd()) {
      await this.sleep(last - Date.now() + 1);
      this.fleets.all();
    }
  }

  /** Stops the server, drops kept-alive connections and cancels pending delays. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.ticker);
    this.ticker = undefined;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.faults.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** The fleet of the account the ARN names; an ARN of no known account is a bug in the test. */
  private ownFleet(arn: string): Fleet {
    const fleet = this.fleets.ofArn(arn);
    if (!fleet) throw new Error(`the emulator has no service ${arn}`);
    return fleet;
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void this.answer(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): Promise<void> {
    const scope = signedScope(req);
    if (scope?.service === 'sts') return this.answerSts(req, res, body, scope);
    const rest = restApiOf(req, scope);
    if (rest) return this.answerRest(req, res, body, rest, scope);
    const at = Date.now();
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix, operation = ''] = target.split('.', 2);
    const api = apiOfTarget(prefix);
    const region = scope?.region;
    const caller = scope && this.accounts.identify(scope.accessKeyId);
    const parsed = parseBody(body);
    const input: JsonObject = parsed instanceof ApiError ? {} : parsed;
    const arns = arnsNamedBy(input);
    const attempt = /attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''))?.[1];
    const call: MutableCall = {
      seq: this.nextSeq++,
      api,
      operation,
      region,
      account: caller?.account,
      targetArn: arns.length === 1 ? arns[0] : undefined,
      input: parsed instanceof ApiError ? body : parsed,
      attempt: attempt === undefined ? undefined : Number(attempt),
      at,
    };
    this.log.push(call);
    this.enter(operation);
    res.on('close', () => this.leave(operation));

    const route = routeOf(req.method, target, api, operation, region, parsed, caller);
    const fault = await this.applyFault(req, call, 'error' in route ? undefined : { api: route.api, operation, arns, account: route.caller.account });

    const contentType = CONTENT_TYPE[api ?? 'AppRunner'];
    if ('error' in route) return this.sendError(res, call, contentType, route.error);
    if (fault === 'dropped') return;
    if (fault) return this.sendError(res, call, contentType, fault);
    let output: JsonObject;
    try {
      const fleet = this.fleets.of(route.caller.account);
      output = route.handler(input, { region: route.region, fleet, defaultPageSize: this.defaultPageSize });
    } catch (error) {
      // Anything but an ApiError is a bug in the emulator: answer 500 so the test fails loudly, with the cause.
      const answer =
        error instanceof ApiError ? error : new ApiError('InternalServiceErrorException', 500, `Emulator bug: ${String(error)}`);
      return this.sendError(res, call, contentType, answer);
    }
    this.send(res, call, contentType, 200, output);
  }

  /**
   * An STS request (query protocol, see `sts-api.ts`): logged, refused when its own credentials are,
   * subject to faults like the others.
   */
  private async answerSts(req: http.IncomingMessage, res: http.ServerResponse, body: string, scope: SignedScope): Promise<void> {
    const at = Date.now();
    const parameters = parseQuery(body);
    const operation = parameters.Action ?? '';
    const caller = this.accounts.identify(scope.accessKeyId);
    const arns = arnsOfSts(parameters);
    const attempt = /attempt=(\d+)/.exec(String(req.headers['amz-sdk-request'] ?? ''))?.[1];
    const call: MutableCall = {
      seq: this.nextSeq++,
      api: 'STS',
      operation,
      region: scope.region,
      account: caller.account,
      targetArn: arns[0],
      input: parameters,
      attempt: attempt === undefined ? undefined : Number(attempt),
      at,
    };
    this.log.push(call);
    this.enter(operation);
    res.on('close', () => this.leave(operation));

    if (isRefusal(caller)) {
      await this.applyFault(req, call, undefined);
      return this.sendStsError(res, call, refusalError('STS', caller));
    }
    const fault = await this.applyFault(req, call, { api: 'STS', operation, arns, account: caller.account });
    if (fault === 'dropped') return;
    if (fault) return this.sendStsError(res, call, fault);
    let xml: string;
    try {
      xml = answerSts(parameters, caller, this.accounts, requestIdOf(call));
    } catch (error) {
      const answer = error instanceof ApiError ? error : new ApiError('InternalFailure', 500, `Emulator bug: ${String(error)}`);
      return this.sendStsError(res, call, answer);
    }
    this.sendText(res, call, 200, xml);
  }

  private sendStsError(res: http.ServerResponse, call: MutableCall, error: ApiError): void {
    call.errorType = error.type;
    this.sendText(res, call, error.httpStatus, stsErrorBody(error, requestIdOf(call)));
  }

  private sendText(res: http.ServerResponse, call: MutableCall, status: number, xml: string): void {
    call.httpStatus = status;
    call.durationMs = Date.now() - call.at;
    res.writeHead(status, {
      'content-type': CONTENT_TYPE.STS,
      'content-length': Buffer.byteLength(xml),
      'x-amzn-RequestId': requestIdOf(call),
    });
    res.end(xml);
  }

  /** A Scheduler or Lambda request: routed by method and path, logged, subject to faults like the others. */
  private async answerRest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: string,
    api: 'Scheduler' | 'Lambda',
    scope: SignedScope | undefined,
  ): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://emulator');
    const region = scope?.region;
    const caller = scope && this.accounts.identify(scope.accessKeyId);
    const routes: readonly RestRoute<SchedulerContext & LambdaApiContext>[] = api === 'Scheduler' ? SCHEDULER_ROUTES : LAMBDA_ROUTES;
    const matched = matchRoute(routes, req.method ?? 'GET', url.pathname);
    const query = Object.fromEntries(url.searchParams.entries());
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name.toLowerCase()] = value;
    const request: RestRequest = { method: req.method ?? 'GET', labels: matched?.labels ?? {}, query, headers, body, region: region ?? '' };
    const operation = matched?.route.operation ?? '';
    const arns = region === undefined ? [] : this.arnsOfRest(api, operation, request);
    const attempt = /attempt=(\d+)/.exec(headers['amz-sdk-request'] ?? '')?.[1];
    const call: MutableCall = {
      seq: this.nextSeq++,
      api,
      operation,
      region,
      account: caller?.account,
      targetArn: arns[0],
      input: restInput(request),
      attempt: attempt === undefined ? undefined : Number(attempt),
      at,
    };
    this.log.push(call);
    this.enter(operation);
    res.on('close', () => this.leave(operation));

    const refusal = !matched
      ? new ApiError('UnknownOperationException', 404, `The emulator does not serve ${req.method} ${url.pathname}.`)
      : region === undefined || caller === undefined
        ? new ApiError('MissingAuthenticationTokenException', 403, 'Missing or unsigned Authorization header.')
        : isRefusal(caller)
          ? refusalError(api, caller)
          : caller.account !== this.fleets.defaultAccount
            ? accessDeniedError(api, `The emulator's ${api} holds the default account's resources only (${this.fleets.defaultAccount}), not ${caller.account}'s.`)
            : undefined;
    const fault = await this.applyFault(req, call, refusal ? undefined : { api, operation, arns, account: caller?.account });
    if (refusal) return this.sendRestError(res, call, api, refusal);
    if (fault === 'dropped') return;
    if (fault) return this.sendRestError(res, call, api, fault);
    let answer: RestResponse;
    try {
      answer = await (matched as NonNullable<typeof matched>).route.handle(request, { book: this.book, defaultPageSize: this.schedulerPageSize, functions: this.functions });
    } catch (error) {
      const apiError = error instanceof ApiError ? error : new ApiError(api === 'Scheduler' ? 'InternalServerException' : 'ServiceException', 500, `Emulator bug: ${String(error)}`);
      return this.sendRestError(res, call, api, apiError);
    }
    this.ensureTicking();
    const payload = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    call.httpStatus = answer.status;
    call.durationMs = Date.now() - at;
    res.writeHead(answer.status, {
      ...(payload === '' ? {} : { 'content-type': CONTENT_TYPE[api] }),
      'content-length': Buffer.byteLength(payload),
      'x-amzn-RequestId': requestIdOf(call),
      ...answer.headers,
    });
    res.end(payload);
  }

  /**
   * Waits the call's latency and any injected delay, then applies an injected failure: a dropped
   * connection ('dropped': the socket is destroyed) or an error to answer with. Undefined: answer as
   * usual. Without `query` (a request refused before routing) no fault applies, only the latency.
   */
  private async applyFault(req: http.IncomingMessage, call: MutableCall, query: Parameters<FaultInjector['decide']>[0] | undefined): Promise<ApiError | 'dropped' | undefined> {
    const decision = query ? this.faults.decide(query) : { extraLatencyMs: 0 };
    await this.sleep(this.latencyMs + decision.extraLatencyMs);
    if (!decision.failure) return undefined;
    call.fault = decision.failure.kind;
    if (decision.failure.error) return decision.failure.error;
    call.durationMs = Date.now() - call.at;
    req.socket.destroy();
    return 'dropped';
  }

  private sendRestError(res: http.ServerResponse, call: MutableCall, api: 'Scheduler' | 'Lambda', error: ApiError): void {
    call.errorType = error.type;
    const body = api === 'Lambda' ? lambdaErrorBody(error) : { Message: error.message };
    this.send(res, call, CONTENT_TYPE[api], error.httpStatus, body, { 'x-amzn-ErrorType': error.type });
  }

  /** The schedule's or function's ARN a REST call names, for the call log and fault filters. */
  private arnsOfRest(api: 'Scheduler' | 'Lambda', operation: string, request: RestRequest): string[] {
    if (api === 'Lambda') {
      const fn = request.labels.FunctionName === undefined ? undefined : this.functions.resolve(request.labels.FunctionName, request.region);
      return fn ? [fn.arn] : [];
    }
    if (request.labels.Name === undefined || operation === 'ListSchedules') return [];
    let group = request.query.groupName;
    if (operation === 'CreateSchedule' || operation === 'UpdateSchedule') {
      try {
        const parsed = JSON.parse(request.body) as { GroupName?: unknown };
        if (typeof parsed.GroupName === 'string') group = parsed.GroupName;
      } catch {
        // The operation itself answers a malformed body.
      }
    }
    return [this.book.arnOf(request.region, group ?? DEFAULT_GROUP, request.labels.Name)];
  }

  /** Fires due schedules (unless told not to) and starts due asynchronous invocations; returns this tick's firings. */
  private tick(fireSchedules = true): Firing[] {
    const fired = fireSchedules ? this.book.fireDue(this.deliver) : [];
    this.functions.startDue();
    if (!this.hasWork()) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
    return fired;
  }

  /** Whether a tick has something to wait for: a queued invocation, or (with a clock given) a schedule's fire. */
  private hasWork(): boolean {
    return this.functions.hasQueued() || (this.firesByItself && this.book.hasPending());
  }

  /** Keeps ticking on real time while an asynchronous invocation or (with a clock given) a schedule waits. */
  private ensureTicking(): void {
    if (this.ticker || this.closed || !this.hasWork()) return;
    this.ticker = setInterval(() => this.tick(this.firesByItself), this.tickMs);
  }

  /**
   * A firing's delivery: an asynchronous invoke of the target function with the schedule's Input as the
   * event. A schedule without Input delivers `{}`: AWS's "default notification" has no documented shape.
   */
  private readonly deliver: TargetInvoker = (targetArn, input, schedule) => {
    const fn = this.functions.byArn(targetArn);
    if (!fn) {
      return { accepted: false, errorType: 'ResourceNotFoundException', message: `Function not found: ${targetArn}` };
    }
    const requestId = this.functions.invokeLater(fn, input === undefined ? {} : (JSON.parse(input) as unknown), 'schedule', schedule.arn);
    return { accepted: true, requestId };
  };

  private sendError(res: http.ServerResponse, call: MutableCall, contentType: string, error: ApiError): void {
    call.errorType = error.type;
    this.send(res, call, contentType, error.httpStatus, { __type: error.type, Message: error.message }, {
      'x-amzn-ErrorType': error.type,
    });
  }

  private send(
    res: http.ServerResponse,
    call: MutableCall,
    contentType: string,
    status: number,
    payload: JsonObject,
    headers: Record<string, string> = {},
  ): void {
    call.httpStatus = status;
    call.durationMs = Date.now() - call.at;
    const body = JSON.stringify(payload);
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'x-amzn-RequestId': requestIdOf(call),
      ...headers,
    });
    res.end(body);
  }

  private enter(operation: string): void {
    this.inFlight += 1;
    this.peakTotal = Math.max(this.peakTotal, this.inFlight);
    const now = (this.inFlightByOperation.get(operation) ?? 0) + 1;
    this.inFlightByOperation.set(operation, now);
    this.peaks.set(operation, Math.max(this.peaks.get(operation) ?? 0, now));
  }

  private leave(operation: string): void {
    this.inFlight -= 1;
    this.inFlightByOperation.set(operation, (this.inFlightByOperation.get(operation) ?? 1) - 1);
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

type Route =
  | { readonly error: ApiError }
  | {
      readonly api: ApiName;
      readonly region: string;
      readonly caller: Caller;
      readonly handler: (input: JsonObject, ctx: RequestContext) => JsonObject;
    };

/** Which handler serves the request, or the error that refuses it before any fault or state is involved. */
function routeOf(
  method: string | undefined,
  target: string,
  api: ApiName | undefined,
  operation: string,
  region: string | undefined,
  parsed: JsonObject | ApiError,
  caller: Caller | CallerRefusal | undefined,
): Route {
  const table = api === 'AppRunner' ? APP_RUNNER_OPERATIONS : TAGGING_OPERATIONS;
  // hasOwn: an X-Amz-Target like 'AppRunner.constructor' must not reach Object.prototype.
  const handler = api && Object.hasOwn(table, operation) ? table[operation] : undefined;
  if (method !== 'POST' || !api || !handler) {
    return { error: new ApiError('UnknownOperationException', 400, `The emulator does not serve '${target}'.`) };
  }
  if (!region || !caller) {
    return { error: new ApiError('MissingAuthenticationTokenException', 403, 'Missing or unsigned Authorization header.') };
  }
  if (isRefusal(caller)) return { error: refusalError(api, caller) };
  if (parsed instanceof ApiError) return { error: parsed };
  return { api, region, caller, handler };
}

/**
 * The API's answer to credentials refused before the call is handled: an expired session, or one whose
 * role was removed (see `accounts.ts`).
 */
function refusalError(api: ApiName, refusal: CallerRefusal): ApiError {
  return refusal.refused === 'expired' ? expiredTokenError(api, refusal.message) : accessDeniedError(api, refusal.message);
}

/** What the SigV4 `Authorization` header's credential names. */
interface SignedScope {
  readonly accessKeyId: string;
  readonly region: string;
  /** The signing name: `apprunner`, `tagging`, `scheduler`, `lambda`, `sts`. */
  readonly service: string;
}

/** The request's SigV4 credential scope, or undefined when it is unsigned. */
function signedScope(req: http.IncomingMessage): SignedScope | undefined {
  const match = CREDENTIAL_SCOPE.exec(String(req.headers.authorization ?? ''));
  return match ? { accessKeyId: match[1], region: match[2], service: match[3] } : undefined;
}

/** The request id every answer carries, in its header (and STS's body). */
function requestIdOf(call: CallRecord): string {
  return `emulator-${call.seq}`;
}

/** The schedule as it last was (it may have been deleted since), from the change history. */
function lastSnapshotOf(book: ScheduleBook, arn: string): ScheduleSnapshot {
  const change = [...book.changes].reverse().find((c) => c.schedule.arn === arn);
  if (!change) throw new Error(`the emulator never had a schedule ${arn}`);
  return change.schedule;
}

/**
 * Which REST-JSON API a request is for: the SigV4 credential scope's service name (`scheduler`, `lambda`)
 * decides; an unsigned request is recognized by its path, so that it gets the API's own 403.
 */
function restApiOf(req: http.IncomingMessage, scope: SignedScope | undefined): 'Scheduler' | 'Lambda' | undefined {
  const service = scope?.service;
  if (service === 'scheduler') return 'Scheduler';
  if (service === 'lambda') return 'Lambda';
  if (service !== undefined || req.headers['x-amz-target'] !== undefined) return undefined;
  const path = (req.url ?? '').split('?')[0];
  if (path === '/schedules' || path.startsWith('/schedules/')) return 'Scheduler';
  if (path.startsWith('/2015-03-31/functions/')) return 'Lambda';
  return undefined;
}

/** A REST call as the call log shows it: path labels, query and the JSON body's fields (or the raw body). */
function restInput(request: RestRequest): unknown {
  let body: unknown = request.body;
  try {
    body = request.body === '' ? {} : JSON.parse(request.body);
  } catch {
    // Kept as text below.
  }
  const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? body : { Payload: body };
  return { ...request.labels, ...request.query, ...fields };
}

/** The JSON body as an object; an empty body is `{}`, as AWS JSON clients send for no input. */
function parseBody(body: string): JsonObject | ApiError {
  if (body.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(body);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as JsonObject;
  } catch {
    // Falls through: unparsable and non-object bodies get the same answer.
  }
  return new ApiError('SerializationException', 400, 'The request body is not a JSON object.');
}

function snapshot(record: ServiceRecord): ServiceSnapshot {
  return {
    arn: record.arn,
    id: record.id,
    name: record.name,
    region: record.region,
    account: record.account,
    status: record.status,
    tags: Object.fromEntries(record.tags),
    operations: [...record.operations].reverse().map((operation) => ({ ...operation })),
    source: record.source,
    autoDeploymentsEnabled: record.autoDeploymentsEnabled,
    deployedVersion: record.deployedVersion,
    latestVersion: record.latestVersion,
    deployments: record.deployments,
    cpu: record.cpu,
    memory: record.memory,
    autoScalingConfigurationArn: record.autoScaling.arn,
    provisionedInstances: record.autoScaling.minSize,
  };
}
