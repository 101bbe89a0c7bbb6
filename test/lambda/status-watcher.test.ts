/**
 * The status watcher's polling, with a scripted gateway and a simulated clock: which reads a waiter
 * may share, and when it reads again.
 */
import type { AppRunnerGateway, ServiceSummary } from '../../lambda/app-runner';
import { StatusWatcher, type PollSettings, type WatchedService } from '../../lambda/status-watcher';

const SERVICE: WatchedService = { arn: 'arn:aws:apprunner:eu-west-1:123456789012:service/web/0123456789abcdef0123456789abcdef', region: 'eu-west-1' };
const POLL: PollSettings = { initialMs: 2_000, maxMs: 2_000, factor: 1 };

/** A region whose listing takes `walkMs` of simulated time and shows the statuses in `script`, one per listing. */
function scriptedRegion(script: string[], walkMs: number) {
  let now = 0;
  const listingsStartedAt: number[] = [];
  const gateway = {
    async listServices(): Promise<ServiceSummary[]> {
      listingsStartedAt.push(now);
      now += walkMs;
      const status = script[Math.min(listingsStartedAt.length - 1, script.length - 1)];
      return [{ arn: SERVICE.arn, name: 'web', status }];
    },
  } as unknown as AppRunnerGateway;
  const watcher = new StatusWatcher(gateway, POLL, Number.MAX_SAFE_INTEGER, new Map([[SERVICE.region, 1]]), () => now, async (ms) => {
    now += ms;
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
});
