/**
 * A run over accounts and regions: the request split into units, one per account and region, each
 * run by today's engine (`runScheduler`) unchanged, with its own gateway and its own bound on calls
 * (each account and region has its own App Runner quotas), and their reports merged into one. A unit
 * whose account cannot be reached (its member role missing, access denied, STS throttling) reports
 * its own services and regions failed; the other units go on.
 *
 * The common run, one account and one region, is exactly `runScheduler`'s: one unit, run as it is.
 */
import type { AccountAccess } from './accounts';
import type { AppRunnerGateway } from './app-runner';
import { CallLimiter, callLanes } from './call-limiter';
import { parseServiceArn, type SchedulerRequest } from '../contract/event';
import { mergeReports, type ReportPart, type RunReport, type ServiceOutcome } from './report';
import { DEFAULT_CONCURRENCY, runScheduler, type RunOptions, type RunProgress } from './run';

/**
 * Most App Runner calls in flight across all units at once, by default. DEFAULT_CONCURRENCY (10) is
 * what a 256 MB function's CPU share keeps busy at same-region latency: 0.145 vCPU at about 1 ms of
 * CPU per call is some 145 calls a second, which 10 calls of 30-70 ms in flight already reach
 * (BENCHMARKS.md, "Concurrency"). Units in other regions answer later (100-300 ms across continents),
 * so reaching the same 145 calls a second takes up to 145 x 0.3 s, about 40 calls in flight. More
 * would only wait for the CPU; 40 keeps it busy whatever the regions, and bounds the sockets and
 * memory of a 60-unit run. To be confirmed by the multi-account bench.
 */
export const DEFAULT_FLEET_CONCURRENCY = 4 * DEFAULT_CONCURRENCY;

/** What a run over accounts needs besides the request. */
export interface FleetRunOptions extends Omit<RunOptions, 'gateway'> {
  /** The gateways of the accounts. */
  readonly access: AccountAccess;
  /** Most App Runner calls in flight in each unit (one account in one region). @default DEFAULT_CONCURRENCY */
  readonly concurrency?: number;
  /** Most App Runner calls in flight across all units. @default DEFAULT_FLEET_CONCURRENCY */
  readonly fleetConcurrency?: number;
}

/** One part of a run: what to do in one account's region, and the gateway that reaches it. */
export interface RunUnit {
  /** The account, as the event (or a listed ARN) names it. */
  readonly account: string;
  readonly region: string;
  readonly gateway: AppRunnerGateway;
  /** The request restricted to this unit: its listed ARNs, and tag selection in its region when the run selects by tags there. */
  readonly request: SchedulerRequest;
}

/**
 * Splits a request into units: each listed ARN goes to its own account and region; tag selection to
 * every account of `request.accounts` (or `home` when it names none) in every region of
 * `request.regions`. Accounts reached through the same gateway (one set of credentials: a shared
 * gateway, or an ARN in the home account) share a unit per region, so that no service is selected
 * twice.
 */
export function planUnits(request: SchedulerRequest, home: string, gatewayFor: (account: string) => AppRunnerGateway): RunUnit[] {
  interface Draft {
    readonly account: string;
    readonly region: string;
    readonly gateway: AppRunnerGateway;
    readonly services: string[];
    byTags: boolean;
  }
  const drafts = new Map<AppRunnerGateway, Map<string, Draft>>();
  const unitOf = (account: string, region: string): Draft => {
    const gateway = gatewayFor(account);
    const regions = drafts.get(gateway) ?? new Map<string, Draft>();
    drafts.set(gateway, regions);
    let draft = regions.get(region);
    if (!draft) {
      draft = { account, region, gateway, services: [], byTags: false };
      regions.set(region, draft);
    }
    return draft;
  };
  if (Object.keys(request.tags).length > 0) {
    for (const account of request.accounts.length > 0 ? request.accounts : [home]) {
      for (const region of request.regions) unitOf(account, region).byTags = true;
    }
  }
  for (const arn of request.services) {
    const { account, region } = parseServiceArn(arn)!;
    unitOf(account, region).services.push(arn);
  }
  return [...drafts.values()].flatMap((regions) =>
    [...regions.values()].map(({ account, region, gateway, services, byTags }) => ({
      account,
      region,
      gateway,
      request: { ...request, services, tags: byTags ? request.tags : {}, regions: byTags ? [region] : [], accounts: [account] },
    })),
  );
}

/** Runs a request over its accounts and regions to the end and returns one report. Never throws for a service's or an account's failure. */
export async function runFleet(request: SchedulerRequest, options: FleetRunOptions): Promise<RunReport> {
  const { access, fleetConcurrency = DEFAULT_FLEET_CONCURRENCY, onProgress, ...runOptions } = options;
  const units = planUnits(request, await access.homeAccount(), (account) => access.gatewayFor(account));
  if (units.length === 1) {
    // Today's run, with today's bound; an invocation's bound given on purpose caps it too.
    const concurrency = options.fleetConcurrency === undefined ? runOptions.concurrency : Math.min(runOptions.concurrency ?? DEFAULT_CONCURRENCY, options.fleetConcurrency);
    return runScheduler(request, { ...runOptions, concurrency, onProgress, gateway: units[0].gateway });
  }

  // The invocation's bound keeps the run's lanes too, so that a unit's status walk or a deployment does
  // not queue behind other units' markers (first come first served, deployments lagged by 5-10 s).
  const limiter = new CallLimiter(fleetConcurrency, callLanes(request.action, fleetConcurrency));
  const progress = fleetProgress(units.length, onProgress);
  // Settled, so that a unit that throws (no failure of a service or an account does; a fault of the
  // engine would) rejects the run only once every other unit has finished, as one run's fault does.
  const settled = await Promise.allSettled(
    units.map(async (unit, i): Promise<ReportPart> => ({
      account: unit.account,
      report: await runScheduler(unit.request, { ...runOptions, gateway: limiter.wrap(unit.gateway), onProgress: (p) => progress(i, p) }),
    })),
  );
  const thrown = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (thrown) throw thrown.reason;
  return mergeReports(settled.map((r) => (r as PromiseFulfilledResult<ReportPart>).value));
}

/** Tells `onProgress` of every unit's services: all those selected so far, and all outcomes in the order they ended. */
function fleetProgress(count: number, onProgress: ((progress: RunProgress) => void) | undefined): (unit: number, progress: RunProgress) => void {
  const selected: RunProgress['selected'][] = Array.from({ length: count }, () => []);
  const told = Array.from({ length: count }, () => 0);
  const ended: ServiceOutcome[] = [];
  return (unit, progress) => {
    selected[unit] = progress.selected;
    ended.push(...progress.ended.slice(told[unit]));
    told[unit] = progress.ended.length;
    onProgress?.({ selected: selected.flat(), ended });
  };
}
