/**
 * Waits for services to leave OPERATION_IN_PROGRESS. App Runner's Pause/Resume/StartDeployment only
 * start an operation; the run learns the result by reading the status again, with backoff. Reads are
 * shared: a waiter reuses any read that started after its own previous one, so a fleet waiting in
 * one region costs one ListServices walk per poll, not one DescribeService per service.
 */
import { ServiceNotFoundError, type AppRunnerGateway, type ServiceSummary } from './app-runner';

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

/** The run's deadline passed while a service was still changing. */
export class DeadlineError extends Error {
  constructor(
    readonly serviceArn: string,
    readonly lastStatus: string,
  ) {
    super(`${serviceArn} was still ${lastStatus} when the run's deadline came`);
    this.name = 'DeadlineError';
  }
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

/** Polls statuses for a run. One per run. */
export class StatusWatcher {
  private readonly listings = new Map<string, Listing>();
  private readonly waiting = new Map<string, number>();
  /** Per ARN, the waiters of services in listed regions that are sleeping until their next poll. */
  private readonly sleepers = new Map<string, Set<(read: StatusRead) => void>>();

  constructor(
    private readonly gateway: AppRunnerGateway,
    private readonly poll: PollSettings,
    private readonly deadline: number,
    /**
     * Services per region, for the regions selection listed to the end: decides whether a listing is
     * cheaper than describes. A region not in it is read service by service.
     */
    private readonly regionSizes: ReadonlyMap<string, number>,
    private readonly clock: () => number = Date.now,
    /** Resolves after `ms`, or as soon as `signal` aborts. */
    private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void> = sleepFor,
  ) {}

  /** Waits until the service is no longer OPERATION_IN_PROGRESS and returns its status (`DELETED` if it is gone). */
  async settled(service: WatchedService): Promise<string> {
    this.waiting.set(service.region, (this.waiting.get(service.region) ?? 0) + 1);
    try {
      let lastStatus = 'OPERATION_IN_PROGRESS';
      let delay = this.poll.initialMs;
      let lastRead = this.clock();
      for (;;) {
        // Counted from the start of the read that answered last, not from its end: otherwise a long
        // ListServices walk (50 pages for 1,000 services) adds its own duration to `maxMs`. A wait
        // that would end past the deadline ends at it instead, for one last read.
        if (this.clock() >= this.deadline) throw new DeadlineError(service.arn, lastStatus);
        const wait = Math.max(0, Math.min(lastRead + delay, this.deadline) - this.clock());
        const read = (await this.sleepUnlessSeen(service, wait, lastRead)) ?? (await this.statusOf(service, lastRead));
        lastRead = read.startedAt;
        lastStatus = read.status;
        if (lastStatus !== 'OPERATION_IN_PROGRESS') return lastStatus;
        delay = Math.min(this.poll.maxMs, delay * this.poll.factor);
      }
    } finally {
      this.waiting.set(service.region, (this.waiting.get(service.region) ?? 1) - 1);
    }
  }

  /**
   * Sleeps until the waiter's next poll; returns early with the service's status if, meanwhile, a
   * listing that started after `readAfter` read it settled. Listings are made for the whole region
   * whenever any waiter polls, so with hundreds of waiters one of them usually reads this service
   * well before its own poll is due: without this, a service seen RUNNING would still wait out its
   * own 2-4 s interval before its deployment is started. It makes no call of its own.
   */
  private async sleepUnlessSeen(service: WatchedService, ms: number, readAfter: number): Promise<StatusRead | undefined> {
    if (!this.regionSizes.has(service.region)) {
      await this.sleep(ms);
      return undefined;
    }
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
      await this.sleep(ms, wake.signal);
    } finally {
      sleepers.delete(sleeper);
      if (sleepers.size === 0) this.sleepers.delete(service.arn);
    }
    return seen;
  }

  /** Hands a listing's page to the waiters of its services that are sleeping. */
  private seenInListing(page: readonly ServiceSummary[], startedAt: number): void {
    for (const summary of page) {
      for (const sleeper of this.sleepers.get(summary.arn) ?? []) sleeper({ status: summary.status, startedAt });
    }
  }

  /** True once the run's deadline has passed: no new operation should start. */
  pastDeadline(): boolean {
    return this.clock() > this.deadline;
  }

  /** Reads the service's status now, with no wait (after App Runner refused a call in the state we thought it had). */
  async current(service: WatchedService): Promise<string> {
    return (await this.statusOf(service, this.clock())).status;
  }

  /** The status from a read that started after `readAfter`, and when that read started. */
  private async statusOf(service: WatchedService, readAfter: number): Promise<StatusRead> {
    if (this.listingIsCheaper(service.region)) {
      const listing = this.listing(service.region, readAfter);
      const status = await listing.status(service.arn);
      if (status !== undefined) return { status, startedAt: listing.startedAt };
      // Not in the walk: deleted, or a listing that lags. Only DescribeService can say it is gone.
    }
    const startedAt = this.clock();
    try {
      return { status: (await this.gateway.describeService(service.arn)).status, startedAt };
    } catch (error) {
      if (error instanceof ServiceNotFoundError) return { status: GONE, startedAt };
      throw error;
    }
  }

  private listingIsCheaper(region: string): boolean {
    const size = this.regionSizes.get(region);
    if (size === undefined) return false;
    const pages = Math.max(1, Math.ceil(size / 20));
    return (this.waiting.get(region) ?? 0) >= pages;
  }

  /**
   * The latest listing of the region if it started after `readAfter`, else a new one. Strictly after:
   * a waiter passes the start of the read that answered its previous poll, and that read is no news.
   */
  private listing(region: string, readAfter: number): Listing {
    const latest = this.listings.get(region);
    if (latest && latest.startedAt > readAfter) return latest;
    const startedAt = this.clock();
    const listing = new Listing(
      startedAt,
      (onPage) => this.gateway.listServices(region, { onPage }).then((scan) => scan.services),
      (page) => this.seenInListing(page, startedAt),
    );
    this.listings.set(region, listing);
    // A failed listing must not be reused by the next waiter; it gets its own try (and its own error).
    listing.walked.catch(() => {
      if (this.listings.get(region) === listing) this.listings.delete(region);
    });
    return listing;
  }
}
