/**
 * The status watcher's polling, with a scripted gateway and a simulated clock: which reads a waiter
 * may share, and when it reads again.
 */
import type { AppRunnerGateway, ListServicesOptions, ServiceScan } from '../../lambda/app-runner';
import { DeadlineError, ServiceNotFoundError } from '../../lambda/errors';
import { pollFor, StatusWatcher, type PollSettings, type StatusWatcherOptions, type WatchedService } from '../../lambda/status-watcher';

const SERVICE: WatchedService = { arn: 'arn:aws:apprunner:eu-west-1:123456789012:service/web/0123456789abcdef0123456789abcdef', region: 'eu-west-1' };
const POLL: PollSettings = { initialMs: 2_000, maxMs: 2_000, factor: 1 };

/** A watcher of SERVICE's region, walked by selection (one service): its waiters share walks. */
function watcherOf(gateway: AppRunnerGateway, options: Partial<StatusWatcherOptions> = {}): StatusWatcher {
  return new StatusWatcher({ gateway, poll: POLL, deadline: Number.MAX_SAFE_INTEGER, walkedRegions: new Map([[SERVICE.region, 1]]), ...options });
}

/** A region whose listing takes `walkMs` of simulated time and shows the statuses in `script`, one per listing. */
function scriptedRegion(script: string[], walkMs: number, poll: PollSettings = POLL, deadline = Number.MAX_SAFE_INTEGER) {
  let now = 0;
  const listingsStartedAt: number[] = [];
  const gateway = {
    async listServices(): Promise<ServiceScan> {
      listingsStartedAt.push(now);
      now += walkMs;
      const status = script[Math.min(listingsStartedAt.length - 1, script.length - 1)];
      return { services: [{ arn: SERVICE.arn, name: 'web', status }], complete: true };
    },
  } as unknown as AppRunnerGateway;
  const watcher = watcherOf(gateway, {
    poll,
    deadline,
    clock: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  return { watcher, listingsStartedAt };
}

describe('status watcher', () => {
  it('does not take the listing that answered its previous poll for news', async () => {
    const { watcher, listingsStartedAt } = scriptedRegion(['OPERATION_IN_PROGRESS', 'PAUSED'], 0);

    await expect(watcher.settled(SERVICE)).resolves.toBe('PAUSED');
    expect(listingsStartedAt).toEqual([2_000, 4_000]);
  });

  it('counts the wait between two polls from the start of the previous read, so a long walk does not add to it', async () => {
    const { watcher, listingsStartedAt } = scriptedRegion(['OPERATION_IN_PROGRESS', 'OPERATION_IN_PROGRESS', 'RUNNING'], 1_500);

    await expect(watcher.settled(SERVICE)).resolves.toBe('RUNNING');
    expect(listingsStartedAt).toEqual([2_000, 4_000, 6_000]);
  });

  it('in a pause run, lets the wait grow past a resume run’s longest, up to pauseMaxMs', async () => {
    const poll: PollSettings = { initialMs: 2_000, maxMs: 4_000, factor: 2, pauseMaxMs: 10_000 };
    const inProgress = Array<string>(5).fill('OPERATION_IN_PROGRESS');

    const pause = scriptedRegion([...inProgress, 'PAUSED'], 0, pollFor('pause', poll));
    const resume = scriptedRegion([...inProgress, 'RUNNING'], 0, pollFor('resume', poll));
    await pause.watcher.settled(SERVICE);
    await resume.watcher.settled(SERVICE);

    expect(pause.listingsStartedAt).toEqual([2_000, 6_000, 14_000, 24_000, 34_000, 44_000]);
    expect(resume.listingsStartedAt).toEqual([2_000, 6_000, 10_000, 14_000, 18_000, 22_000]);
  });

  it('cuts a wait short at the deadline for one last read, and reports the deadline only after it', async () => {
    const poll: PollSettings = { initialMs: 2_000, maxMs: 30_000, factor: 10 };
    const { watcher, listingsStartedAt } = scriptedRegion(['OPERATION_IN_PROGRESS'], 0, poll, 15_000);

    await expect(watcher.settled(SERVICE)).rejects.toBeInstanceOf(DeadlineError);
    expect(listingsStartedAt).toEqual([2_000, 15_000]);
  });

  it('sees a service settle at its last read before the deadline', async () => {
    const poll: PollSettings = { initialMs: 2_000, maxMs: 30_000, factor: 10 };
    const { watcher, listingsStartedAt } = scriptedRegion(['OPERATION_IN_PROGRESS', 'PAUSED'], 0, poll, 15_000);

    await expect(watcher.settled(SERVICE)).resolves.toBe('PAUSED');
    expect(listingsStartedAt).toEqual([2_000, 15_000]);
  });

  it.each([
    ['RUNNING', async () => ({ arn: SERVICE.arn, name: 'web', status: 'RUNNING', autoDeploymentsEnabled: false })],
    ['DELETED', async () => Promise.reject(new ServiceNotFoundError('DescribeService', SERVICE.arn, new Error('gone')))],
  ])('asks DescribeService about a service a walk did not show, and takes its answer (%s)', async (expected, describeService) => {
    const described: string[] = [];
    const gateway = {
      listServices: async (): Promise<ServiceScan> => ({ services: [], complete: true }),
      describeService: (arn: string) => {
        described.push(arn);
        return describeService();
      },
    } as unknown as AppRunnerGateway;
    const watcher = watcherOf(gateway, { clock: () => 0, sleep: async () => {} });

    await expect(watcher.settled(SERVICE)).resolves.toBe(expected);
    expect(described).toEqual([SERVICE.arn]);
  });

  it('in a region selection did not walk, describes the service at every poll and never lists', async () => {
    let now = 0;
    const calls: string[] = [];
    const statuses = ['OPERATION_IN_PROGRESS', 'RUNNING'];
    const gateway = {
      listServices: async (): Promise<ServiceScan> => {
        calls.push('listServices');
        return { services: [], complete: true };
      },
      describeService: async (arn: string) => {
        calls.push(`describeService at ${now}`);
        return { arn, name: 'web', status: statuses.shift(), autoDeploymentsEnabled: false };
      },
    } as unknown as AppRunnerGateway;
    const watcher = watcherOf(gateway, { walkedRegions: new Map(), clock: () => now, sleep: async (ms) => void (now += ms) });

    await expect(watcher.settled(SERVICE)).resolves.toBe('RUNNING');
    expect(calls).toEqual(['describeService at 2000', 'describeService at 4000']);
  });

  it('answers a waiter from the page that holds its service, before the walk ends', async () => {
    let endWalk!: () => void;
    const gateway = {
      listServices: (_region: string, options?: ListServicesOptions): Promise<ServiceScan> => {
        const page = [{ arn: SERVICE.arn, name: 'web', status: 'RUNNING' }];
        options?.onPage?.(page);
        return new Promise((resolve) => (endWalk = () => resolve({ services: page, complete: true })));
      },
    } as unknown as AppRunnerGateway;
    const watcher = watcherOf(gateway, { clock: () => 0, sleep: async () => {} });

    await expect(watcher.settled(SERVICE)).resolves.toBe('RUNNING');
    endWalk();
  });

  describe('with two services waiting', () => {
    const OTHER: WatchedService = { ...SERVICE, arn: SERVICE.arn.replace('/web/', '/api/') };

    beforeEach(() => jest.useFakeTimers({ now: 0 }));
    afterEach(() => jest.useRealTimers());

    it("wakes a waiter as soon as another waiter's listing shows its service settled, without a read of its own", async () => {
      const listingsStartedAt: number[] = [];
      const gateway = {
        async listServices(): Promise<ServiceScan> {
          listingsStartedAt.push(Date.now());
          const first = listingsStartedAt.length === 1;
          const services = [
            { arn: SERVICE.arn, name: 'web', status: first ? 'OPERATION_IN_PROGRESS' : 'RUNNING' },
            { arn: OTHER.arn, name: 'api', status: 'RUNNING' },
          ];
          return { services, complete: true };
        },
      } as unknown as AppRunnerGateway;
      const watcher = watcherOf(gateway);

      const first = watcher.settled(SERVICE);
      await jest.advanceTimersByTimeAsync(500);
      let otherSettledAt: number | undefined;
      const other = watcher.settled(OTHER).then((status) => {
        otherSettledAt = Date.now();
        return status;
      });
      await jest.advanceTimersByTimeAsync(1_500);

      // The first waiter's poll at 2 s listed the region; the other one, due at 2.5 s, took its answer from that listing.
      await expect(other).resolves.toBe('RUNNING');
      expect(otherSettledAt).toBe(2_000);
      await jest.advanceTimersByTimeAsync(2_000);
      await expect(first).resolves.toBe('RUNNING');
      expect(listingsStartedAt).toEqual([2_000, 4_000]);
    });

    it('does not wake a waiter for a listing that started before its last read', async () => {
      let release!: () => void;
      const listingsStartedAt: number[] = [];
      const gateway = {
        async listServices(_region: string, options?: ListServicesOptions): Promise<ServiceScan> {
          listingsStartedAt.push(Date.now());
          if (listingsStartedAt.length === 1) await new Promise<void>((resolve) => (release = resolve));
          const page = [
            { arn: SERVICE.arn, name: 'web', status: 'RUNNING' },
            { arn: OTHER.arn, name: 'api', status: 'RUNNING' },
          ];
          options?.onPage?.(page);
          return { services: page, complete: true };
        },
      } as unknown as AppRunnerGateway;
      const watcher = watcherOf(gateway);

      const first = watcher.settled(SERVICE);
      await jest.advanceTimersByTimeAsync(2_100);
      // The other service starts waiting while the listing that started at 2 s is still being read: that listing is no news to it.
      let otherSettledAt: number | undefined;
      const other = watcher.settled(OTHER).then((status) => {
        otherSettledAt = Date.now();
        return status;
      });
      release();
      await expect(first).resolves.toBe('RUNNING');
      await jest.advanceTimersByTimeAsync(2_000);
      await expect(other).resolves.toBe('RUNNING');
      expect(otherSettledAt).toBe(4_100);
      expect(listingsStartedAt).toEqual([2_000, 4_100]);
    });
  });
});
