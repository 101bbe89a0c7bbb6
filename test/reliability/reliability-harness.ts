/**
 * The harness of the reliability suite: the emulator and the real handler through the real AWS SDK
 * (as `test/support/scheduler-harness.ts` builds them), plus what the invariants need to know about
 * each run: the state of every service before and after it, the calls it made, what it read before
 * each StartDeployment, and what people did by hand meanwhile.
 *
 * With `members`, the handler reaches other accounts as in production: `StsAccountAccess` assumes the
 * member role through the emulator's STS, one instance for the harness's life (a warm container).
 */
import { STSClient } from '@aws-sdk/client-sts';
import { SdkStsGateway, StsAccountAccess, type AccountAccess } from '../../lambda/accounts';
import {
  type AppRunnerGateway,
  type SdkGatewayOptions,
  type ServiceDetail,
  type ListServicesOptions,
  type ServiceScan,
  type ServiceSummary,
} from '../../lambda/app-runner';
import { RunFailedError, ServiceNotFoundError } from '../../lambda/errors';
import { parseEvent, type SchedulerRequest } from '../../contract/event';
import { SAFETY_MARGIN_MS, type HandlerDependencies, type InvocationContext } from '../../lambda/index';
import type { RunReport } from '../../lambda/report';
import {
  startEmulator,
  type AppRunnerEmulator,
  type CallRecord,
  type EmulatorOptions,
  type OperationEvent,
  type ServiceSnapshot,
  type StartableOperation,
} from '../../emulator/app-runner-emulator';
import type { DeploymentEventResult } from '../../lambda/deployment-event';
import {
  REGION,
  TEST_CREDENTIALS,
  contextWithRemaining,
  emulatorGateway,
  harnessEventHandler,
  harnessHandler,
  type EventDelivery,
} from '../support/scheduler-harness';

/** A StartDeployment the scheduler sent although the last status it had read for the service was not RUNNING. */
export interface BlindDeployment {
  readonly serviceArn: string;
  /** The last status the run read for the service; undefined when it had read none. */
  readonly lastSeen: string | undefined;
}

/** The gateway methods whose answer tells the run a service's status. */
const STATUS_READS = new Set(['listServices', 'describeService']);
/** The gateway methods that start an operation: afterwards the run knows the service is OPERATION_IN_PROGRESS. */
const OPERATION_STARTS = new Set(['pauseService', 'resumeService', 'startDeployment']);

/**
 * Wraps a gateway so that every call passes through to it, while remembering per service the last
 * status the run read (or caused): invariant 3 asks whether the run had seen a service RUNNING
 * before it sent StartDeployment. A Proxy, so that it keeps up with the gateway's interface. One per
 * run, so that overlapping runs do not see each other's reads.
 */
export function observeStatuses(inner: AppRunnerGateway): { gateway: AppRunnerGateway; blindDeployments: BlindDeployment[] } {
  const observer = new StatusObserver();
  return { gateway: observer.wrap(inner), blindDeployments: observer.blindDeployments };
}

/**
 * Wraps every gateway an AccountAccess gives, as `observeStatuses` wraps one, into one run's record:
 * the same wrapped gateway for the same inner one, since the fleet run groups accounts by gateway.
 */
export function observeAccess(inner: AccountAccess): { access: AccountAccess; blindDeployments: BlindDeployment[] } {
  const observer = new StatusObserver();
  const wrapped = new Map<AppRunnerGateway, AppRunnerGateway>();
  const access: AccountAccess = {
    homeAccount: () => inner.homeAccount(),
    gatewayFor: (account) => {
      const gateway = inner.gatewayFor(account);
      let observed = wrapped.get(gateway);
      if (!observed) {
        observed = observer.wrap(gateway);
        wrapped.set(gateway, observed);
      }
      return observed;
    },
  };
  return { access, blindDeployments: observer.blindDeployments };
}

/** One run's record of the statuses it read, over every gateway it wraps (service ARNs name their account). */
class StatusObserver {
  readonly blindDeployments: BlindDeployment[] = [];
  private readonly lastSeen = new Map<string, { status: string }>();
  /** Per service, the tick at which the run learnt that it had started an operation there. */
  private readonly operationStarted = new Map<string, number>();
  private tick = 0;

  /**
   * A read that started before the run learnt of its latest operation on the service is older news:
   * it does not replace what the run knows. Among the others, the answer that arrives last is the
   * newest, whichever read was sent first: a read that the SDK retried (after a 500 or a dropped
   * connection) reaches App Runner after one sent later, and shows the fresher status.
   */
  private see(arn: string, status: string, startedAt: number): void {
    if (startedAt < (this.operationStarted.get(arn) ?? 0)) return;
    this.lastSeen.set(arn, { status });
  }

  private started(arn: string): void {
    this.operationStarted.set(arn, ++this.tick);
    this.lastSeen.set(arn, { status: 'OPERATION_IN_PROGRESS' });
  }

  /** The gateway, with every call passing through and its statuses recorded. */
  wrap(inner: AppRunnerGateway): AppRunnerGateway {
    const lastSeen = this.lastSeen;
    const blindDeployments = this.blindDeployments;
    const see = (arn: string, status: string, startedAt: number): void => this.see(arn, status, startedAt);
    const started = (arn: string): void => this.started(arn);
    const next = (): number => ++this.tick;
    return new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        return async (...args: unknown[]) => {
          const startedAt = next();
          const arn = typeof args[0] === 'string' ? args[0] : '';
          if (property === 'startDeployment' && lastSeen.get(arn)?.status !== 'RUNNING') {
            blindDeployments.push({ serviceArn: arn, lastSeen: lastSeen.get(arn)?.status });
          }
          if (property === 'listServices') {
            // Pages reach the run before the walk ends: what they show is seen from then on.
            const options = (args[1] ?? {}) as ListServicesOptions;
            args = [args[0], { ...options, onPage: (page: readonly ServiceSummary[]) => {
              for (const s of page) see(s.arn, s.status, startedAt);
              options.onPage?.(page);
            } }];
          }
          try {
            const result: unknown = await value.apply(target, args);
            if (property === 'listServices') for (const s of (result as ServiceScan).services) see(s.arn, s.status, startedAt);
            if (property === 'describeService') see(arn, (result as ServiceDetail).status, startedAt);
            if (OPERATION_STARTS.has(property)) started(arn);
            return result;
          } catch (error) {
            if (STATUS_READS.has(property) && error instanceof ServiceNotFoundError) see(arn, 'DELETED', startedAt);
            throw error;
          }
        };
      },
    });
  }
}

/** One invocation of the handler and what surrounded it. */
export interface RunRecord {
  readonly event: unknown;
  /** The parsed event. */
  readonly request: SchedulerRequest;
  /** The report: returned, or carried by the RunFailedError. */
  readonly report: RunReport;
  /** True when the handler rejected (with a RunFailedError). */
  readonly rejected: boolean;
  /** Every service before and just after the run (not settled: an operation may still be running). */
  readonly before: readonly ServiceSnapshot[];
  readonly after: readonly ServiceSnapshot[];
  /** The emulator's call sequence numbers of this run's calls: (afterSeq, lastSeq]. */
  readonly afterSeq: number;
  readonly lastSeq: number;
  /** Epoch ms of the invocation's start. */
  readonly startedAt: number;
  readonly blindDeployments: readonly BlindDeployment[];
}

/** Something a person did to a service, as the invariants need it. */
export interface HandAction {
  readonly serviceArn: string;
  readonly action: 'pause' | 'resume' | 'deploy' | 'delete';
  /** The emulator's last call sequence number when it happened: calls after it see its effect. */
  readonly afterSeq: number;
}

/** Options for `startReliabilityHarness`. */
export interface ReliabilityHarnessOptions {
  readonly emulator?: EmulatorOptions;
  readonly gateway?: Omit<SdkGatewayOptions, 'endpoint' | 'credentials'>;
  readonly handler?: Omit<HandlerDependencies, 'gateway' | 'logger'>;
  /** Wraps the SDK gateway, e.g. to break it on purpose and show that the invariants notice. @default none */
  readonly wrapGateway?: (gateway: AppRunnerGateway) => AppRunnerGateway;
  /**
   * Reach other accounts as production does (`StsAccountAccess` through the emulator's STS), rather
   * than with one gateway for every account. @default one gateway, the default account's credentials
   */
  readonly members?: MemberAccessOptions;
}

/** How the harness's `StsAccountAccess` reaches member accounts. */
export interface MemberAccessOptions {
  /** The external id the function passes (SCHEDULER_MEMBER_EXTERNAL_ID). @default none */
  readonly externalId?: string;
  /** How long before expiry credentials are assumed again, in ms. @default the engine's REFRESH_BEFORE_EXPIRY_MS */
  readonly refreshBeforeExpiryMs?: number;
  /** How old a session App Runner refuses must be to be assumed again. @default the engine's RECHECK_DENIED_SESSION_AFTER_MS */
  readonly recheckDeniedSessionAfterMs?: number;
  /** Attempts per STS call. @default 4, standard retries, as the harness's App Runner clients */
  readonly stsMaxAttempts?: number;
  /** Wraps an account's gateway, e.g. to break it on purpose and show that the invariants notice. @default none */
  readonly wrapGateway?: (account: string, gateway: AppRunnerGateway) => AppRunnerGateway;
}

/** The emulator, a handler factory against it, and the record of runs and hand actions. */
export class ReliabilityHarness {
  readonly runs: RunRecord[] = [];
  readonly handActions: HandAction[] = [];
  /** Operations the test armed to fail; a retry may repeat what they undid. */
  readonly armedFailures: { readonly serviceArn: string; readonly type: StartableOperation }[] = [];

  /** App Runner's events sent and not delivered yet. */
  private readonly waitingEvents: OperationEvent[] = [];

  private constructor(
    readonly emulator: AppRunnerEmulator,
    private readonly gateway: AppRunnerGateway,
    private readonly handlerOptions: ReliabilityHarnessOptions['handler'],
    /** With `members`: the access every run shares, as a warm container's handler does. */
    private access?: AccountAccess,
    private readonly newAccess?: () => AccountAccess,
  ) {
    emulator.onOperationEvent((event) => this.waitingEvents.push(event));
  }

  /**
   * Delivers App Runner's events sent since the last delivery to the function's entry point, once, twice
   * or never (EventBridge's best effort), in order. Not recorded as runs: the invariants are about runs.
   */
  async deliverEvents(delivery: EventDelivery = 'once'): Promise<DeploymentEventResult[]> {
    await this.emulator.settled();
    const onEvent = harnessEventHandler(this.gateway, this.handlerOptions);
    const results: DeploymentEventResult[] = [];
    for (const event of delivery === 'never' ? [] : this.waitingEvents.splice(0)) {
      for (let i = 0; i < (delivery === 'twice' ? 2 : 1); i++) results.push(await onEvent(event));
    }
    this.waitingEvents.length = 0;
    return results;
  }

  static async start(options: ReliabilityHarnessOptions = {}): Promise<ReliabilityHarness> {
    const emulator = await startEmulator(options.emulator);
    const gateway = emulatorGateway(emulator, options.gateway);
    const members = options.members;
    const newAccess = members && ((): AccountAccess => memberAccess(emulator, members, options.gateway));
    return new ReliabilityHarness(emulator, options.wrapGateway ? options.wrapGateway(gateway) : gateway, options.handler, newAccess?.(), newAccess);
  }

  /**
   * The next runs start in a new container: a new `StsAccountAccess`, with no credentials cached (as
   * when Lambda's retry of an invocation lands elsewhere). Only with `members`.
   */
  coldStart(): void {
    if (!this.newAccess) throw new Error('coldStart() is for a harness started with members');
    this.access = this.newAccess();
  }

  /** The highest call sequence number so far (0 before any call); the suite never clears the log. */
  lastSeq(): number {
    const calls = this.emulator.calls;
    return calls.length === 0 ? 0 : calls[calls.length - 1].seq;
  }

  /** Invokes the real handler as Lambda would: the report, or the handler's own error. Not recorded as a run. */
  invoke(event: unknown, context?: InvocationContext): Promise<RunReport> {
    return harnessHandler(this.gateway, this.handlerOptions)(event, context);
  }

  /** Invokes the real handler once; resolves with the report whether the run resolved or rejected. */
  async run(event: unknown, context?: InvocationContext): Promise<RunRecord> {
    const [record] = await this.runTogether([event], context);
    return record;
  }

  /** Invokes the handler with each event at the same time (overlapping runs on the same services). */
  async runTogether(events: readonly unknown[], context?: InvocationContext): Promise<RunRecord[]> {
    const before = this.emulator.services();
    const afterSeq = this.lastSeq();
    const startedAt = Date.now();
    const observers = events.map(() => this.observeRun());
    const settled = await Promise.all(
      events.map((event, i) => {
        const { gateway, accounts } = observers[i];
        return harnessHandler(gateway, accounts ? { ...this.handlerOptions, accounts } : this.handlerOptions)(event, context).then(
          (report) => ({ report, rejected: false }),
          (error: unknown) => {
            if (error instanceof RunFailedError) return { report: error.report, rejected: true };
            throw error;
          },
        );
      }),
    );
    const after = this.emulator.services();
    const lastSeq = this.lastSeq();
    const records = events.map((event, i) => ({
      event,
      request: parseEvent(event, { defaultRegion: REGION }),
      report: settled[i].report,
      rejected: settled[i].rejected,
      before,
      after,
      afterSeq,
      lastSeq,
      startedAt,
      blindDeployments: observers[i].blindDeployments,
    }));
    this.runs.push(...records);
    return records;
  }

  /** What one run's handler is given, observed: the gateway, and with `members` the access to every account. */
  private observeRun(): { gateway: AppRunnerGateway; accounts?: AccountAccess; blindDeployments: BlindDeployment[] } {
    if (!this.access) return observeStatuses(this.gateway);
    const { access, blindDeployments } = observeAccess(this.access);
    return { gateway: this.gateway, accounts: access, blindDeployments };
  }

  /** A person pauses the service in the console. */
  pauseByHand(arn: string): string {
    return this.byHand(arn, 'pause', () => this.emulator.pauseByHand(arn));
  }

  /** A person resumes the service in the console. */
  resumeByHand(arn: string): string {
    return this.byHand(arn, 'resume', () => this.emulator.resumeByHand(arn));
  }

  /** A person deploys the service in the console. */
  deployByHand(arn: string): string {
    return this.byHand(arn, 'deploy', () => this.emulator.deployByHand(arn));
  }

  /** Starts an operation by hand and records it, after the calls made so far (and only once it started). */
  private byHand(arn: string, action: HandAction['action'], start: () => string): string {
    const afterSeq = this.lastSeq();
    const operationId = start();
    this.handActions.push({ serviceArn: arn, action, afterSeq });
    return operationId;
  }

  /** A person deletes the service. */
  deleteService(arn: string): void {
    this.handActions.push({ serviceArn: arn, action: 'delete', afterSeq: this.lastSeq() });
    this.emulator.deleteService(arn);
  }

  /** The next operation of `type` on the service starts but ends FAILED, the service back where it was. */
  failNextOperation(arn: string, type: StartableOperation): void {
    this.armedFailures.push({ serviceArn: arn, type });
    this.emulator.failNextOperation(arn, type);
  }

  /**
   * Resolves once the first call matching `matches` reaches the emulator (polled every 2 ms), or once
   * `stopWhen` settles (the run ended without making that call).
   */
  async whenCall(matches: (call: CallRecord) => boolean, stopWhen?: Promise<unknown>): Promise<void> {
    let stopped = false;
    void stopWhen?.then(
      () => (stopped = true),
      () => (stopped = true),
    );
    const deadline = Date.now() + 10_000;
    while (!stopped && !this.emulator.calls.some(matches)) {
      if (Date.now() > deadline) throw new Error('the awaited call never reached the emulator');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  close(): Promise<void> {
    return this.emulator.close();
  }
}

/**
 * The production access against the emulator: the default account with the harness's credentials, the
 * others through AssumeRole of the member role in the emulator's STS.
 */
function memberAccess(emulator: AppRunnerEmulator, members: MemberAccessOptions, gateway: ReliabilityHarnessOptions['gateway']): AccountAccess {
  const sts = new STSClient({
    endpoint: emulator.endpoint,
    region: REGION,
    credentials: TEST_CREDENTIALS,
    maxAttempts: members.stsMaxAttempts ?? 4,
    retryMode: 'standard',
  });
  const access = new StsAccountAccess({
    home: { account: emulator.defaultAccount, partition: 'aws' },
    externalId: members.externalId,
    refreshBeforeExpiryMs: members.refreshBeforeExpiryMs,
    recheckDeniedSessionAfterMs: members.recheckDeniedSessionAfterMs,
    sts: new SdkStsGateway(sts),
    gateway: { maxAttempts: 4, retryMode: 'standard', ...gateway, endpoint: emulator.endpoint, credentials: TEST_CREDENTIALS },
  });
  const wrap = members.wrapGateway;
  if (!wrap) return access;
  const wrapped = new Map<string, AppRunnerGateway>();
  return {
    homeAccount: () => access.homeAccount(),
    gatewayFor: (account) => {
      if (!wrapped.has(account)) wrapped.set(account, wrap(account, access.gatewayFor(account)));
      return wrapped.get(account)!;
    },
  };
}

/** Starts a reliability harness: an emulator on 127.0.0.1 and the real handler against it. */
export function startReliabilityHarness(options: ReliabilityHarnessOptions = {}): Promise<ReliabilityHarness> {
  return ReliabilityHarness.start(options);
}

/** A Lambda context with `ms` of run time left once the handler's safety margin is taken off. */
export function contextWithBudget(ms: number): InvocationContext {
  return contextWithRemaining(ms + SAFETY_MARGIN_MS);
}
