/**
 * The concurrency bound on App Runner calls, and the order in which queued calls get a slot. Calls
 * queue in named lanes; a free slot goes to the first lane that holds a call, so the call furthest
 * along its service's way goes first and each service moves on without waiting behind a whole
 * fleet's earlier steps: a service's pause follows its own marker, not a thousand markers, and a
 * service that is RUNNING gets its deployment while the rest of a large fleet is still being resumed.
 */
import type { AppRunnerGateway } from './app-runner';
import type { Action } from '../contract/event';

/** A gateway method: what a lane holds. */
export type GatewayCall = keyof AppRunnerGateway;

/** One queue of calls under the bound. */
export interface Lane {
  /** What its calls are, for a reader. */
  readonly name: string;
  /** The gateway methods whose calls wait in it. */
  readonly calls: readonly GatewayCall[];
  /** Its calls start work on another service: such lanes keep `CallLanes.startingSlots` while they queue. */
  readonly startsAService?: boolean;
  /** Its calls read statuses that waiting services need: while one queues, starting lanes keep no slots. */
  readonly readsStatus?: boolean;
}

/** The lanes of a run, first served first, and the slots kept for the lanes that start services. */
export interface CallLanes {
  /** Every gateway method is in exactly one lane. */
  readonly lanes: readonly Lane[];
  /** Slots that lanes starting a service keep while they queue, even when earlier lanes hold calls too. */
  readonly startingSlots: number;
}

/**
 * The lanes of a run of `action` under a bound of `limit` calls.
 *
 * In a resume run, a region's ListServices walk goes before everything: it is one slot for 50 pages,
 * and each of its pages is what lets the services on it go on to their deployment (a walk queued
 * behind a burst of deployments found the next burst 2 s late). Then a RUNNING service's deployment,
 * its history check, status reads of single services, pause and resume, and the marker that starts
 * work on another service. Selection's tag reads share the marker's lane: during selection they
 * compete with nothing, and after it the only one is the stale-marker check that leads to a marker
 * removal. Marker removal goes last: nothing waits on it but the end of the run. And a fifth of the
 * slots is kept for starting services while deployments queue: one walk can find hundreds of services
 * RUNNING at once, and with strict priorities their deployments kept every resume waiting for
 * seconds, so that the last resumes, and the run, ended later. Not while status reads queue, though:
 * then the run already waits on more services than it can read (by ARN each waiter reads its own
 * status), and starting more would only add reads and make every waiter see RUNNING later.
 *
 * In a pause run no step follows a status read, so there reads wait their turn with the markers:
 * reading sooner would only mean more reads. Selection's reads are made before any service starts,
 * so they compete with nothing.
 */
export function callLanes(action: Action, limit: number): CallLanes {
  if (action === 'resume') {
    return {
      lanes: [
        { name: 'status walk', calls: ['listServices'], readsStatus: true },
        { name: 'deployment', calls: ['startDeployment'] },
        // The auto scaling read comes at the end of a resumed service's way, like the history check before it.
        { name: 'history check and auto scaling read', calls: ['listRecentOperations', 'describeAutoScalingConfiguration'] },
        { name: 'status read', calls: ['describeService'], readsStatus: true },
        { name: 'pause and resume', calls: ['pauseService', 'resumeService'], startsAService: true },
        { name: 'marker and tag reads', calls: ['tagService', 'listTags', 'findTaggedServices'], startsAService: true },
        { name: 'marker removal', calls: ['untagService'] },
      ],
      startingSlots: Math.floor(limit / 5),
    };
  }
  return {
    lanes: [
      { name: 'deployment and history check', calls: ['startDeployment', 'listRecentOperations', 'describeAutoScalingConfiguration'] },
      { name: 'pause, resume and marker removal', calls: ['pauseService', 'resumeService', 'untagService'] },
      { name: 'reads and marker', calls: ['describeService', 'listServices', 'tagService', 'listTags', 'findTaggedServices'] },
    ],
    startingSlots: 0,
  };
}

/** Wraps every gateway method so that at most `limit` calls are in flight; queued calls wait in their lane. */
export function limitCalls(gateway: AppRunnerGateway, limit: number, lanes: CallLanes): AppRunnerGateway {
  return new CallLimiter(limit, lanes).wrap(gateway);
}

/** The lanes of a bound shared by several runs (`runFleet`'s units): one lane, first come first served. */
export const ONE_LANE: CallLanes = { lanes: [{ name: 'every call', calls: [] }], startingSlots: 0 };

/**
 * One bound of at most `limit` calls in flight, shared by every gateway it wraps: `limitCalls` wraps
 * one run's gateway; `runFleet` wraps each unit's gateway with one limiter for the whole invocation.
 */
export class CallLimiter {
  private readonly queues: (() => void)[][];
  private readonly laneOf: Map<GatewayCall, number>;
  private active = 0;
  private activeStarting = 0;

  constructor(
    private readonly limit: number,
    private readonly lanes: CallLanes,
  ) {
    this.queues = lanes.lanes.map((): (() => void)[] => []);
    this.laneOf = new Map(lanes.lanes.flatMap((lane, index) => lane.calls.map((call) => [call, index] as const)));
  }

  private holds(lane: number): boolean {
    return this.queues[lane].length > 0;
  }

  private take(lane: number): void {
    this.active += 1;
    if (this.lanes.lanes[lane].startsAService) this.activeStarting += 1;
  }

  private acquire(lane: number): Promise<void> {
    if (this.active < this.limit) {
      this.take(lane);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queues[lane].push(resolve));
  }

  private release(lane: number): void {
    const { lanes, startingSlots } = this.lanes;
    this.active -= 1;
    if (lanes[lane].startsAService) this.activeStarting -= 1;
    const keepSlot = this.activeStarting < startingSlots && !lanes.some((l, i) => l.readsStatus && this.holds(i));
    const starting = keepSlot ? lanes.findIndex((l, i) => l.startsAService && this.holds(i)) : -1;
    const next = starting >= 0 ? starting : this.queues.findIndex((_, i) => this.holds(i));
    if (next < 0) return;
    this.take(next);
    this.queues[next].shift()!();
  }

  /** The gateway with every method's calls under this bound. */
  wrap(gateway: AppRunnerGateway): AppRunnerGateway {
    return new Proxy(gateway, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        // A function that is no gateway method (none is called today) waits in the last lane.
        const lane = this.laneOf.get(property as GatewayCall) ?? this.lanes.lanes.length - 1;
        return async (...args: unknown[]) => {
          await this.acquire(lane);
          try {
            return await value.apply(target, args);
          } finally {
            // Handed on once the caller has moved on, so that its service's next call is queued and competes.
            setImmediate(() => this.release(lane));
          }
        };
      },
    });
  }
}
