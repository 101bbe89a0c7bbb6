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

interface Listing {
  readonly startedAt: number;
  readonly statuses: Promise<Map<string, string>>;
}

/** A status, and when the read that returned it started (epoch ms). */
interface StatusRead {
  readonly status: string;
  readonly startedAt: number;
}

/** The status App Runner reports for a service that is gone. */
const GONE = 'DELETED';

/** Polls statuses for a run. One per run. */
export class StatusWatcher {
  private readonly listings = new Map<string, Listing>();
  private readonly waiting = new Map<string, number>();

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
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Waits until the service is no longer OPERATION_IN_PROGRESS and returns its status (`DELETED` if it is gone). */
  async settled(service: WatchedService, lastStatus = 'OPERATION_IN_PROGRESS'): Promise<string> {
    this.waiting.set(service.region, (this.waiting.get(service.region) ?? 0) + 1);
    try {
      let delay = this.poll.initialMs;
      let lastRead = this.clock();
      for (;;) {
        // Counted from the start of the read that answered last, not from its end: otherwise a long
        // ListServices walk (50 pages for 1,000 services) adds its own duration to `maxMs`. A wait
        // that would end past the deadline ends at it instead, for one last read.
        if (this.clock() >= this.deadline) throw new DeadlineError(service.arn, lastStatus);
        const wait = Math.max(0, Math.min(lastRead + delay, this.deadline) - this.clock());
        await this.sleep(wait);
        const read = await this.statusOf(service, lastRead);
        lastRead = read.startedAt;
        lastStatus = read.status;
        if (lastStatus !== 'OPERATION_IN_PROGRESS') return lastStatus;
        delay = Math.min(this.poll.maxMs, delay * this.poll.factor);
      }
    } finally {
      this.waiting.set(service.region, (this.waiting.get(service.region) ?? 1) - 1);
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
      return { status: (await listing.statuses).get(service.arn) ?? GONE, startedAt: listing.startedAt };
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
    const statuses = this.gateway
      .listServices(region)
      .then((services: ServiceSummary[]) => new Map(services.map((s) => [s.arn, s.status])));
    const listing = { startedAt, statuses };
    this.listings.set(region, listing);
    // A failed listing must not be reused by the next waiter; it gets its own try (and its own error).
    statuses.catch(() => {
      if (this.listings.get(region)?.statuses === statuses) this.listings.delete(region);
    });
    return listing;
  }
}
