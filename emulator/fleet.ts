/**
 * The emulator's state: the services of each account, per Region, and the state machine that pause,
 * resume and deployment operations drive. No HTTP here; `wire-operations.ts` maps requests onto it.
 *
 * Operations finish lazily: an operation stores when it ends, and every read of a service first
 * "settles" it against the clock. So there are no timers to leak, thousands of services cost nothing
 * while idle, and an operation's EndedAt is exactly StartedAt + its duration.
 */
import { ApiError, invalidState } from './api-error';
import { checkAccount } from './accounts';
import { AutoScalingConfigurations, type AutoScalingConfigurationRecord } from './auto-scaling';
import { SeededRandom } from './seeded-random';

/** A service status, as in the model's `ServiceStatus` enum. */
export type ServiceStatus = 'RUNNING' | 'PAUSED' | 'OPERATION_IN_PROGRESS' | 'CREATE_FAILED' | 'DELETED' | 'DELETE_FAILED';

/** The statuses a service can be created in; OPERATION_IN_PROGRESS comes from starting an operation. */
export type InitialServiceStatus = Exclude<ServiceStatus, 'OPERATION_IN_PROGRESS'>;

/** An operation type, as in the model's `OperationType` enum (UPDATE_SERVICE is in newer models only). */
export type OperationType =
  | 'CREATE_SERVICE'
  | 'PAUSE_SERVICE'
  | 'RESUME_SERVICE'
  | 'START_DEPLOYMENT'
  | 'UPDATE_SERVICE'
  | 'DELETE_SERVICE';

/** An operation status, as in the model's `OperationStatus` enum. */
export type OperationStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCEEDED'
  | 'ROLLBACK_FAILED';

/** The operations the emulator runs: the three this project starts. */
export type StartableOperation = 'PAUSE_SERVICE' | 'RESUME_SERVICE' | 'START_DEPLOYMENT';

/**
 * How a failed operation ends (see `AppRunnerEmulator.failNextOperation`). A ROLLBACK_* end goes through
 * ROLLBACK_IN_PROGRESS first, for as long again as the operation ran: App Runner documents the statuses
 * (ListOperations) and that a failed deployment rolls back, not how long a rollback takes.
 */
export type FailedOperationStatus = 'FAILED' | 'ROLLBACK_SUCCEEDED' | 'ROLLBACK_FAILED';

/** Told of every operation that reaches its final status, at the time it does. */
export type OperationEndListener = (service: ServiceRecord, operation: OperationRecord) => void;

/** The two App Runner errors a refused StartDeployment may plausibly answer (see `EmulatorOptions`). */
export type DeploymentRefusalError = 'InvalidRequestException' | 'InvalidStateException';

/** How long each kind of operation runs, in milliseconds. */
export interface Timings {
  /** PauseService: RUNNING -> OPERATION_IN_PROGRESS -> PAUSED. */
  readonly pause: number;
  /** ResumeService: PAUSED -> OPERATION_IN_PROGRESS -> RUNNING. */
  readonly resume: number;
  /** StartDeployment (manual or automatic): RUNNING -> OPERATION_IN_PROGRESS -> RUNNING. */
  readonly deploy: number;
}

/** One entry of a service's operation history. Times are epoch milliseconds. */
export interface OperationRecord {
  readonly id: string;
  readonly type: OperationType;
  status: OperationStatus;
  readonly startedAt: number;
  endedAt?: number;
  updatedAt: number;
}

/** What the next operation of a type is armed to do instead of succeeding. */
type Arming = { readonly kind: 'fail'; readonly status: FailedOperationStatus } | { readonly kind: 'hang' };

interface PendingOperation {
  readonly operation: OperationRecord;
  /** Epoch ms the current phase ends; Infinity for a hung operation. */
  readonly endsAt: number;
  /** `rollback` once a failing operation rolls back (ROLLBACK_IN_PROGRESS). */
  readonly phase: 'run' | 'rollback';
  readonly arming?: Arming;
  readonly statusBefore: ServiceStatus;
  readonly statusOnSuccess: ServiceStatus;
  /** For a deployment: the version it deploys (the latest when it started). */
  readonly version?: number;
}

/** A service as the emulator stores it. Times are epoch milliseconds. */
export interface ServiceRecord {
  /** Creation order, which is also the order ListServices and GetResources return services in. */
  readonly seq: number;
  readonly arn: string;
  readonly id: string;
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly url: string;
  readonly createdAt: number;
  updatedAt: number;
  status: ServiceStatus;
  /** Insertion-ordered, like the tag list App Runner returns. */
  readonly tags: Map<string, string>;
  /** GetResources only returns resources that are or were tagged (see `wire-operations.ts`). */
  everTagged: boolean;
  readonly source: 'image' | 'code';
  readonly autoDeploymentsEnabled: boolean;
  readonly cpu: string;
  readonly memory: string;
  /** The auto scaling configuration its AutoScalingConfigurationSummary names. */
  readonly autoScaling: AutoScalingConfigurationRecord;
  /** Oldest first; ListOperations reverses it. */
  readonly operations: OperationRecord[];
  pending?: PendingOperation;
  readonly armed: Map<StartableOperation, Arming>;
  /** The version running (or that resume will bring back), and the newest one pushed. */
  deployedVersion: number;
  latestVersion: number;
  /** Successful START_DEPLOYMENT operations, manual or automatic. */
  deployments: number;
}

/** What `Fleet.add` needs; defaults are applied by the emulator. */
export interface NewService {
  readonly name: string;
  readonly region: string;
  readonly status: InitialServiceStatus;
  readonly tags: Record<string, string>;
  readonly source: 'image' | 'code';
  readonly autoDeploymentsEnabled: boolean;
  readonly cpu: string;
  readonly memory: string;
  /** A configuration of the service's Region. @default the Region's default configuration */
  readonly autoScalingConfigurationArn?: string;
  /** For a service created PAUSED: when its pause ended (epoch ms, in the past); the pause started `timings.pause` before. @default now */
  readonly pausedAt?: number;
}

/** ServiceName in the model: 4-40 characters, a letter or digit first, then letters, digits, '-' or '_'. */
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9-_]{3,39}$/;

const REQUIRED_STATUS: Record<StartableOperation, ServiceStatus> = {
  PAUSE_SERVICE: 'RUNNING',
  RESUME_SERVICE: 'PAUSED',
  START_DEPLOYMENT: 'RUNNING',
};

const API_NAME: Record<StartableOperation, string> = {
  PAUSE_SERVICE: 'PauseService',
  RESUME_SERVICE: 'ResumeService',
  START_DEPLOYMENT: 'StartDeployment',
};

/** The services of one account, with their operations. */
export class Fleet {
  private readonly byArn = new Map<string, ServiceRecord>();
  /** Per Region, in creation order, so that a page is a binary search plus a slice. */
  private readonly byRegion = new Map<string, ServiceRecord[]>();
  private nextSeq = 1;
  private operationEnded?: OperationEndListener;
  /** The account's auto scaling configurations. */
  readonly autoScaling: AutoScalingConfigurations;

  /** `now` is the clock (epoch ms); `ids` makes service and operation ids reproducible. */
  constructor(
    readonly account: string,
    private timings: Timings,
    private readonly deploymentRefusal: DeploymentRefusalError,
    private readonly ids: SeededRandom,
    private readonly now: () => number,
  ) {
    this.autoScaling = new AutoScalingConfigurations(account, now);
  }

  /** Creates a service with its CREATE_SERVICE history; throws on a bad or duplicate name. */
  add(spec: NewService): ServiceRecord {
    if (!SERVICE_NAME.test(spec.name)) {
      throw new Error(`service name '${spec.name}' does not match ${SERVICE_NAME} (the model's ServiceName)`);
    }
    const siblings = this.byRegion.get(spec.region) ?? [];
    if (siblings.some((s) => s.name === spec.name && s.status !== 'DELETED')) {
      throw new Error(`a service named '${spec.name}' already exists in ${spec.region}`);
    }
    const autoScaling =
      spec.autoScalingConfigurationArn === undefined ? this.autoScaling.defaultFor(spec.region) : this.autoScaling.lookup(spec.region, spec.autoScalingConfigurationArn);
    if (!autoScaling) throw new Error(`no auto scaling configuration ${spec.autoScalingConfigurationArn} in ${spec.region}`);
    if (spec.pausedAt !== undefined && (spec.status !== 'PAUSED' || !(spec.pausedAt <= this.now()))) {
      throw new Error('pausedAt is for a service created PAUSED, at a time not in the future');
    }
    const now = this.now();
    const pauseEnd = spec.pausedAt ?? now;
    const pauseStart = spec.pausedAt === undefined ? now : pauseEnd - this.timings.pause;
    const at = Math.min(now, pauseStart);
    const id = this.ids.hex(32);
    const tags = new Map(Object.entries(spec.tags));
    const record: ServiceRecord = {
      seq: this.nextSeq++,
      arn: `arn:aws:apprunner:${spec.region}:${this.account}:service/${spec.name}/${id}`,
      id,
      name: spec.name,
      region: spec.region,
      account: this.account,
      url: `${this.ids.hex(10)}.${spec.region}.awsapprunner.com`,
      createdAt: at,
      updatedAt: at,
      status: spec.status,
      tags,
      everTagged: tags.size > 0,
      source: spec.source,
      autoDeploymentsEnabled: spec.autoDeploymentsEnabled,
      cpu: spec.cpu,
      memory: spec.memory,
      autoScaling,
      operations: [],
      armed: new Map(),
      deployedVersion: 1,
      latestVersion: 1,
      deployments: 0,
    };
    this.recordFinished(record, 'CREATE_SERVICE', spec.status === 'CREATE_FAILED' ? 'FAILED' : 'SUCCEEDED', at);
    if (spec.status === 'PAUSED') {
      record.operations.push({ id: this.ids.uuid(), type: 'PAUSE_SERVICE', status: 'SUCCEEDED', startedAt: pauseStart, endedAt: pauseEnd, updatedAt: pauseEnd });
    }
    this.byArn.set(record.arn, record);
    siblings.push(record);
    this.byRegion.set(spec.region, siblings);
    return record;
  }

  /** The service with this ARN, settled to the current time, or undefined. */
  find(arn: string): ServiceRecord | undefined {
    const record = this.byArn.get(arn);
    if (record) this.settle(record);
    return record;
  }

  /** Like `find`, for the emulator's own helpers: an unknown ARN is a bug in the test. */
  get(arn: string): ServiceRecord {
    const record = this.find(arn);
    if (!record) throw new Error(`the emulator has no service ${arn}`);
    return record;
  }

  /** Removes the service from every view at once; any unfinished operation goes with it. */
  remove(arn: string): void {
    const record = this.get(arn);
    this.byArn.delete(arn);
    const siblings = this.byRegion.get(record.region) ?? [];
    siblings.splice(siblings.indexOf(record), 1);
  }

  /** Every service, settled, in creation order per Region. */
  all(): ServiceRecord[] {
    const out: ServiceRecord[] = [];
    for (const siblings of this.byRegion.values()) {
      for (const record of siblings) {
        this.settle(record);
        out.push(record);
      }
    }
    return out;
  }

  /**
   * Up to `limit` services of `region` created after `afterSeq` that satisfy `accept`, settled, and
   * whether more may follow. Work is proportional to the services examined, never to the whole fleet.
   */
  page(
    region: string,
    afterSeq: number,
    limit: number,
    accept: (record: ServiceRecord) => boolean = () => true,
  ): { items: ServiceRecord[]; more: boolean } {
    const siblings = this.byRegion.get(region) ?? [];
    const items: ServiceRecord[] = [];
    for (let i = firstIndexAfter(siblings, afterSeq); i < siblings.length; i++) {
      const record = siblings[i];
      this.settle(record);
      if (!accept(record)) continue;
      if (items.length === limit) return { items, more: true };
      items.push(record);
    }
    return { items, more: false };
  }

  /**
   * Starts an operation the way the API would, or throws the ApiError the API would answer.
   * Refusals: any operation while another runs, PauseService unless RUNNING, ResumeService unless PAUSED,
   * StartDeployment unless RUNNING. App Runner documents none of these codes; see the emulator header.
   */
  start(record: ServiceRecord, type: StartableOperation): OperationRecord {
    this.settle(record);
    const required = REQUIRED_STATUS[type];
    if (record.status !== required) {
      const message = `${API_NAME[type]} needs the service in ${required}, but ${record.arn} is ${record.status}.`;
      if (type === 'START_DEPLOYMENT') throw new ApiError(this.deploymentRefusal, 400, message);
      throw invalidState(message);
    }
    const at = this.now();
    const operation: OperationRecord = { id: this.ids.uuid(), type, status: 'IN_PROGRESS', startedAt: at, updatedAt: at };
    const arming = record.armed.get(type);
    record.armed.delete(type);
    record.operations.push(operation);
    record.pending = {
      operation,
      endsAt: arming?.kind === 'hang' ? Infinity : at + this.durationOf(type),
      phase: 'run',
      arming,
      statusBefore: record.status,
      statusOnSuccess: type === 'PAUSE_SERVICE' ? 'PAUSED' : 'RUNNING',
      version: type === 'START_DEPLOYMENT' ? record.latestVersion : undefined,
    };
    record.status = 'OPERATION_IN_PROGRESS';
    record.updatedAt = at;
    return operation;
  }

  /** Makes the next operation of `type` on the service end as `arming` says instead of succeeding. */
  arm(record: ServiceRecord, type: StartableOperation, arming: Arming): void {
    record.armed.set(type, arming);
  }

  /**
   * Records a push of a new image or commit. With automatic deployment on and the service RUNNING, this
   * starts a deployment, as App Runner does. A PAUSED service keeps running its old version after resume
   * (developer guide); the emulator also skips the automatic deployment when an operation is running,
   * which App Runner does not document.
   */
  publishVersion(record: ServiceRecord): number {
    this.settle(record);
    record.latestVersion += 1;
    if (record.autoDeploymentsEnabled && record.status === 'RUNNING') {
      this.start(record, 'START_DEPLOYMENT');
    }
    return record.latestVersion;
  }

  /** Replaces the tag set; used by TagResource/UntagResource and by tests acting as a person. */
  replaceTags(record: ServiceRecord, tags: Map<string, string>): void {
    record.tags.clear();
    for (const [key, value] of tags) record.tags.set(key, value);
    if (tags.size > 0) record.everTagged = true;
  }

  /** Sets who is told of every operation that reaches its final status (the emulator's event sink). */
  onOperationEnded(listener: OperationEndListener | undefined): void {
    this.operationEnded = listener;
  }

  /** Changes the durations of operations started from now on. */
  setTimings(timings: Timings): void {
    this.timings = timings;
  }

  /** When the last finite running operation ends (epoch ms), or undefined when none runs. */
  lastFiniteEnd(): number | undefined {
    let last: number | undefined;
    for (const record of this.byArn.values()) {
      const endsAt = record.pending?.endsAt;
      if (endsAt !== undefined && Number.isFinite(endsAt) && (last === undefined || endsAt > last)) last = endsAt;
    }
    return last;
  }

  private durationOf(type: StartableOperation): number {
    if (type === 'PAUSE_SERVICE') return this.timings.pause;
    if (type === 'RESUME_SERVICE') return this.timings.resume;
    return this.timings.deploy;
  }

  /** Moves the pending operation on as far as the clock says: into its rollback, and to its end. */
  private settle(record: ServiceRecord): void {
    let pending = record.pending;
    while (pending && this.now() >= pending.endsAt) {
      const { operation, endsAt, arming } = pending;
      operation.updatedAt = endsAt;
      record.updatedAt = endsAt;
      if (arming?.kind === 'fail' && arming.status !== 'FAILED' && pending.phase === 'run') {
        // The service stays OPERATION_IN_PROGRESS while App Runner rolls back to the previous version.
        operation.status = 'ROLLBACK_IN_PROGRESS';
        pending = { ...pending, phase: 'rollback', endsAt: endsAt + (endsAt - operation.startedAt) };
        record.pending = pending;
        continue;
      }
      record.pending = undefined;
      operation.endedAt = endsAt;
      if (arming?.kind === 'fail') {
        // Not documented: the emulator returns a failed operation's service to where it was, so a failed
        // pause leaves it RUNNING, a failed resume PAUSED, and a failed deployment RUNNING its previous
        // version, ROLLBACK_FAILED included (what App Runner serves after a failed rollback is not documented).
        operation.status = arming.status;
        record.status = pending.statusBefore;
      } else {
        operation.status = 'SUCCEEDED';
        record.status = pending.statusOnSuccess;
        if (pending.version !== undefined) {
          record.deployedVersion = pending.version;
          record.deployments += 1;
        }
      }
      pending = undefined;
      this.operationEnded?.(record, operation);
    }
  }

  private recordFinished(record: ServiceRecord, type: OperationType, status: OperationStatus, at: number): void {
    record.operations.push({ id: this.ids.uuid(), type, status, startedAt: at, endedAt: at, updatedAt: at });
  }
}

/**
 * The fleets of every account, created when first named. They share the id stream, the timings and the
 * operation-end listener, so that a test with one account draws the same ids as before accounts existed.
 */
export class Fleets {
  private readonly byAccount = new Map<string, Fleet>();
  private listener?: OperationEndListener;

  constructor(
    /** The account of credentials the emulator's STS did not issue. */
    readonly defaultAccount: string,
    private timings: Timings,
    private readonly deploymentRefusal: DeploymentRefusalError,
    private readonly ids: SeededRandom,
    private readonly now: () => number,
  ) {
    this.of(defaultAccount);
  }

  /** The account's fleet, created empty on first use; throws on an account that is not 12 digits. */
  of(account: string): Fleet {
    let fleet = this.byAccount.get(account);
    if (!fleet) {
      checkAccount(account);
      fleet = new Fleet(account, this.timings, this.deploymentRefusal, this.ids, this.now);
      fleet.onOperationEnded(this.listener);
      this.byAccount.set(account, fleet);
    }
    return fleet;
  }

  /** The fleet of the account an ARN names (its fifth field), if that account has one. */
  ofArn(arn: string): Fleet | undefined {
    return this.byAccount.get(arn.split(':')[4] ?? '');
  }

  /** The service with this ARN in its account, settled, or undefined. */
  find(arn: string): ServiceRecord | undefined {
    return this.ofArn(arn)?.find(arn);
  }

  /** Like `find`, for the emulator's own helpers: an unknown ARN is a bug in the test. */
  get(arn: string): ServiceRecord {
    const record = this.find(arn);
    if (!record) throw new Error(`the emulator has no service ${arn}`);
    return record;
  }

  /** Every service, settled: account by account (the default one first), per Region in creation order. */
  all(): ServiceRecord[] {
    return [...this.byAccount.values()].flatMap((fleet) => fleet.all());
  }

  /** Sets who is told of every operation that reaches its final status, in every account. */
  onOperationEnded(listener: OperationEndListener | undefined): void {
    this.listener = listener;
    for (const fleet of this.byAccount.values()) fleet.onOperationEnded(listener);
  }

  /** Changes the durations of operations started from now on, in every account. */
  setTimings(timings: Timings): void {
    this.timings = timings;
    for (const fleet of this.byAccount.values()) fleet.setTimings(timings);
  }

  /** When the last finite running operation of any account ends (epoch ms), or undefined when none runs. */
  lastFiniteEnd(): number | undefined {
    const ends = [...this.byAccount.values()].map((fleet) => fleet.lastFiniteEnd()).filter((end) => end !== undefined);
    return ends.length === 0 ? undefined : Math.max(...ends);
  }
}

/** Index of the first record with seq > afterSeq in a seq-ascending array. */
function firstIndexAfter(records: readonly ServiceRecord[], afterSeq: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid].seq <= afterSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

