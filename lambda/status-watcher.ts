/**
 * Waits for services to leave OPERATION_IN_PROGRESS. App Runner's Pause/Resume/StartDeployment only
 * start an operation; the run learns the result by reading the status again, with backoff. Each
 * region has one read strategy: where selection listed the whole region, its waiters share
 * ListServices walks, so a fleet waiting there costs one walk per poll, not one DescribeService per
 * service; elsewhere (listed ARNs whose region selection did not walk to the end) each waiter
 * describes its service.
 */
import { APP_RUNNER_PAGE_SIZE, type AppRunnerGateway, type ServiceSummary } from './app-runner';
import { DeadlineError, ServiceNotFoundError } from './errors';

/** How often the run reads a waiting service's status. */
export interface PollSettings {
  /** First wait after a call, in ms. */
  readonly initialMs: number;
  /** Longest wait between two reads, in ms: bounds how late the run notices a service is ready. */
  readonly maxMs: number;
  /** Growth of the wait from one read to the next. */
  readonly factor: number;
  /**
   * Longest wait between two reads in a pause run, in ms. Nothing follows PAUSED but the report, so
   * the run reads less often: fewer calls while App Runner takes minutes, for a report up to this
   * much later. @default maxMs
   */
  readonly pauseMaxMs?: number;
  /**
   * How long a resume run that finds someone else's resume just ended waits before it deploys: the
   * run that made that resume deploys as soon as it sees RUNNING, without reading the history, and
   * this gives it the time to go first (a refused StartDeployment then tells the later run). Must
   * exceed the resuming run's lag from the end of its resume to its StartDeployment: `maxMs`, one
   * status read (a ListServices walk) and one call. @default 5 x maxMs
   */
  readonly deployGraceMs?: number;
}

/**
 * Defaults for AWS. Pause and resume take minutes. A resume run reads every 4 s at most, to start a
 * deployment within 5 s of RUNNING; a pause run's reads grow to every 30 s, which sees a 2-minute
 * pause end about 4 s late (reads at 2, 5, 9.5, 16, 26, 42, 64, 94 and 124 s) with 9 reads instead of 31.
 */
export const DEFAULT_POLL: PollSettings = { initialMs: 2_000, maxMs: 4_000, factor: 1.5, pauseMaxMs: 30_000 };

/** The settings a run of `action` polls with: a pause run's waits may grow to `pauseMaxMs`. */
export function pollFor(action: 'pause' | 'resume', poll: PollSettings): PollSettings {
  return action === 'pause' ? { ...poll, maxMs: poll.pauseMaxMs ?? poll.maxMs } : poll;
}

/** A service the watcher can read. */
export interface WatchedService {
  readonly arn: string;
  readonly region: string;
}

/**
 * One ListServices walk of a region. A waiter has its status as soon as the page that holds its
 * service is read: a walk of 1,000 services takes 50 pages in sequence (1.7 s at 30 ms a call), and
 * waiting for the last page would add that to every waiter's lateness and hand the next steps of
 * hundreds of services to the concurrency limit at once.
 */
class Listing {
  private readonly statuses = new Map<string, string>();
  private readonly pending = new Map<string, { resolve: (status: string | undefined) => void; reject: (error: unknown) => void }[]>();
  private ended?: { readonly error?: unknown };
  /** Settles when the walk ends; rejects with its error. */
  readonly walked: Promise<void>;

  constructor(
    readonly startedAt: number,
    walk: (onPage: (page: readonly ServiceSummary[]) => void) => Promise<readonly ServiceSummary[]>,
    /** Sees every page as it is read. */
    private readonly observe: (page: readonly ServiceSummary[]) => void,
  ) {
    this.walked = walk((page) => this.read(page)).then(
      (services) => {
        this.read(services);
        this.end({});
      },
      (error: unknown) => {
        this.end({ error });
        throw error;
      },
    );
  }

  /** The service's status in this walk: undefined if the walk ended without it; rejects if the walk failed before reading it. */
  status(arn: string): Promise<string | undefined> {
    const status = this.statuses.get(arn);
    if (status !== undefined) return Promise.resolve(status);
    if (this.ended) return this.ended.error === undefined ? Promise.resolve(undefined) : Promise.reject(this.ended.error);
    return new Promise((resolve, reject) => {
      const waiters = this.pending.get(arn) ?? [];
      waiters.push({ resolve, reject });
      this.pending.set(arn, waiters);
    });
  }

  private read(page: readonly ServiceSummary[]): void {
    this.observe(page);
    for (const service of page) {
      this.statuses.set(service.arn, service.status);
      const waiters = this.pending.get(service.arn);
      this.pending.delete(service.arn);
      for (const waiter of waiters ?? []) waiter.resolve(service.status);
    }
  }

  private end(ended: { readonly error?: unknown }): void {
    this.ended = ended;
    for (const waiters of this.pending.values()) {
      for (const waiter of waiters) {
        if (ended.error === undefined) waiter.resolve(undefined);
        else waiter.reject(ended.error);
      }
    }
    this.pending.clear();
  }
}

/** A status, and when the read that returned it started (epoch ms). */
interface StatusRead {
  readonly status: string;
  readonly startedAt: number;
}

/** The status App Runner reports for a service that is gone. */
const GONE = 'DELETED';

/**
 * Resolves after `ms`, or as soon as `signal` aborts. On the global timers, not `node:timers/promises`,
 * so that tests' fake clocks drive it.
 */
function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}


/** Resolves after `ms`, or as soon as `signal` aborts. */
type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** What a status watcher is built from. */
export interface StatusWatcherOptions {
  /** Where statuses are read. */
  readonly gateway: AppRunnerGateway;
  /** This run's polling: see `pollFor`. */
  readonly poll: PollSettings;
  /** Epoch ms after which a wait ends with a `DeadlineError`, after one last read at the deadline. */
  readonly deadline: number;
  /**
   * The regions selection walked to their last page, and how many services each holds: there,
   * waiters share ListServices walks. A region not in it is read service by service.
   */
  readonly walkedRegions: ReadonlyMap<string, number>;
  /** The clock. @default Date.now */
  readonly clock?: () => number;
  /** @default a timer on the global `setTimeout`, which tests' fake clocks drive */
  readonly sleep?: Sleep;
}

/** Polls statuses for a run. One per run. */
export class StatusWatcher {
  private readonly regions = new Map<string, RegionReads>();
  private readonly clock: () => number;

  constructor(private readonly options: StatusWatcherOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** Waits until the service is no longer OPERATION_IN_PROGRESS and returns its status (`DELETED` if it is gone). */
  async settled(service: WatchedService): Promise<string> {
    const { poll, deadline } = this.options;
    const reads = this.readsOf(service.region);
    reads.waiting += 1;
    try {
      let lastStatus = 'OPERATION_IN_PROGRESS';
      let delay = poll.initialMs;
      let lastRead = this.clock();
      for (;;) {
        // Counted from the start of the read that answered last, not from its end: otherwise a long
        // ListServices walk (50 pages for 1,000 services) adds its own duration to `maxMs`. A wait
        // that would end past the deadline ends at it instead, for one last read.
        if (this.clock() >= deadline) throw new DeadlineError(service.arn, lastStatus);
        const wait = Math.max(0, Math.min(lastRead + delay, deadline) - this.clock());
        const read = (await reads.sleep(service, wait, lastRead)) ?? (await reads.read(service, lastRead));
        lastRead = read.startedAt;
        lastStatus = read.status;
        if (lastStatus !== 'OPERATION_IN_PROGRESS') return lastStatus;
        delay = Math.min(poll.maxMs, delay * poll.factor);
      }
    } finally {
      reads.waiting -= 1;
    }
  }

  /** The run's clock, epoch ms. */
  now(): number {
    return this.clock();
  }

  /** See `PollSettings.deployGraceMs`. */
  get deployGraceMs(): number {
    return this.options.poll.deployGraceMs ?? 5 * this.options.poll.maxMs;
  }

  /** Waits `deployGraceMs`, or until the deadline if that comes first. */
  async deployGrace(): Promise<void> {
    const { deadline, sleep = sleepFor } = this.options;
    await sleep(Math.max(0, Math.min(this.deployGraceMs, deadline - this.clock())));
  }

  /** True once the run's deadline has come: no new operation should start. */
  pastDeadline(): boolean {
    return this.clock() >= this.options.deadline;
  }

  /** Reads the service's status now, with no wait (after App Runner refused a call in the state we thought it had). */
  async current(service: WatchedService): Promise<string> {
    return (await this.readsOf(service.region).read(service, this.clock())).status;
  }

  private readsOf(region: string): RegionReads {
    let reads = this.regions.get(region);
    if (!reads) {
      const { gateway, walkedRegions, sleep = sleepFor } = this.options;
      const size = walkedRegions.get(region);
      reads = size === undefined ? new EachServiceReads(gateway, this.clock, sleep) : new SharedWalkReads(region, size, gateway, this.clock, sleep);
      this.regions.set(region, reads);
    }
    return reads;
  }
}

/** How the waiters of one region read their statuses. */
interface RegionReads {
  /** Services of the region waiting in `settled` now. */
  waiting: number;
  /** Sleeps until the waiter's next poll; may end early with a status that a read started after `readAfter` showed settled. */
  sleep(service: WatchedService, ms: number, readAfter: number): Promise<StatusRead | undefined>;
  /** The status from a read that started after `readAfter`, and when that read started. */
  read(service: WatchedService, readAfter: number): Promise<StatusRead>;
}

/** Reads the service with DescribeService: the only read that can say a service is gone. */
async function describe(gateway: AppRunnerGateway, service: WatchedService, startedAt: number): Promise<StatusRead> {
  try {
    return { status: (await gateway.describeService(service.arn)).status, startedAt };
  } catch (error) {
    if (error instanceof ServiceNotFoundError) return { status: GONE, startedAt };
    throw error;
  }
}

/** A region selection did not list to the end: each waiter describes its own service, and shares nothing. */
class EachServiceReads implements RegionReads {
  waiting = 0;

  constructor(
    private readonly gateway: AppRunnerGateway,
    private readonly clock: () => number,
    private readonly sleepMs: Sleep,
  ) {}

  async sleep(_service: WatchedService, ms: number): Promise<undefined> {
    await this.sleepMs(ms);
    return undefined;
  }

  read(service: WatchedService): Promise<StatusRead> {
    return describe(this.gateway, service, this.clock());
  }
}

/**
 * A region selection listed to the end. While at least as many of its services wait as a walk has
 * pages, a waiter's read joins the latest walk that started after its previous read, or starts one;
 * with fewer, it describes its service. A sleeping waiter wakes as soon as any newer walk's page shows
 * its service settled.
 */
class SharedWalkReads implements RegionReads {
  waiting = 0;
  private latest?: Listing;
  /** Per ARN, the waiters sleeping until their next poll. */
  private readonly sleepers = new Map<string, Set<(read: StatusRead) => void>>();
  private readonly pages: number;

  constructor(
    private readonly region: string,
    size: number,
    private readonly gateway: AppRunnerGateway,
    private readonly clock: () => number,
    private readonly sleepMs: Sleep,
  ) {
    this.pages = Math.max(1, Math.ceil(size / APP_RUNNER_PAGE_SIZE));
  }

  /**
   * Walks are made for the whole region whenever any waiter polls, so with hundreds of waiters one of
   * them usually reads this service well before its own poll is due: without waking, a service seen
   * RUNNING would still wait out its own 2-4 s interval before its deployment is started. Waking makes
   * no call of its own.
   */
  async sleep(service: WatchedService, ms: number, readAfter: number): Promise<StatusRead | undefined> {
    const wake = new AbortController();
    let seen: StatusRead | undefined;
    const sleeper = (read: StatusRead): void => {
      if (seen || read.startedAt <= readAfter || read.status === 'OPERATION_IN_PROGRESS') return;
      seen = read;
      wake.abort();
    };
    const sleepers = this.sleepers.get(service.arn) ?? new Set();
    this.sleepers.set(service.arn, sleepers.add(sleeper));
    try {
      await this.sleepMs(ms, wake.signal);
    } finally {
      sleepers.delete(sleeper);
      if (sleepers.size === 0) this.sleepers.delete(service.arn);
    }
    return seen;
  }

  async read(service: WatchedService, readAfter: number): Promise<StatusRead> {
    if (this.waiting >= this.pages) {
      const listing = this.listing(readAfter);
      const status = await listing.status(service.arn);
      if (status !== undefined) return { status, startedAt: listing.startedAt };
      // Not in the walk: deleted, or a listing that lags. Only DescribeService can say it is gone.
    }
    return describe(this.gateway, service, this.clock());
  }

  /**
   * The latest walk if it started after `readAfter`, else a new one. Strictly after: a waiter passes
   * the start of the read that answered its previous poll, and that read is no news.
   */
  private listing(readAfter: number): Listing {
    if (this.latest && this.latest.startedAt > readAfter) return this.latest;
    const startedAt = this.clock();
    const listing = new Listing(
      startedAt,
      (onPage) => this.gateway.listServices(this.region, { onPage }).then((scan) => scan.services),
      (page) => this.wakeSleepers(page, startedAt),
    );
    this.latest = listing;
    // A failed walk must not be reused by the next waiter; it gets its own try (and its own error).
    listing.walked.catch(() => {
      if (this.latest === listing) this.latest = undefined;
    });
    return listing;
  }

  /** Hands a walk's page to the sleeping waiters of its services. */
  private wakeSleepers(page: readonly ServiceSummary[], startedAt: number): void {
    for (const summary of page) {
      for (const sleeper of this.sleepers.get(summary.arn) ?? []) sleeper({ status: summary.status, startedAt });
    }
  }
}
