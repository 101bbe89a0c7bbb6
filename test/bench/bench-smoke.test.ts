/**
 * The benchmark code, run once at a tiny size so that it cannot rot: `npm run bench` measures with
 * the same functions. Only structure is asserted (calls counted, bounds computed, tables drawn),
 * never a time.
 */
import { DEFAULT_POLL } from '../../lambda/status-watcher';
import { accountsCallBound, accountsTimeBound, callBound, pollsPerWait, timeBound } from '../../bench/bounds';
import { measureColdStart } from '../../bench/cold-start';
import { STACK_CONFIGURATIONS, engineSeconds, freeTierSplit, keyUsdPerMonth, metricHoursPerMonth, pollingCost, scheduledCost, shareOfSaving, stackCost, type MonthlyCost, type RunUsage } from '../../bench/cost';
import { projectRealTransitions, runAccountsFleet, runFleet, type AccountsResult, type FleetSettings } from '../../bench/fleet-bench';
import { accountsProjectionTable, accountsTable, coldStartTable, costTable, fleetCallTable, fleetTimeTable, stackCostTable, synthTable } from '../../bench/report';
import { measureSynth } from '../../bench/synth-bench';
import { FAST_POLL } from '../support/scheduler-harness';

const TINY: FleetSettings = {
  latencyMs: 1,
  timings: { pause: 50, resume: 50, deploy: 50 },
  poll: FAST_POLL,
  concurrency: 4,
  placement: 'in-process',
};

describe('fleet benchmark', () => {
  it('counts every call of a pause by tag and sets it against the bound', async () => {
    const result = await runFleet({ action: 'pause', selection: 'tag', services: 3 }, TINY);

    expect(result.outcomes.changed).toBe(3);
    expect(result.calls.byOperation).toMatchObject({ TagResource: 3, PauseService: 3, GetResources: 1 });
    expect(result.calls.mutating).toBe(6);
    expect(result.callBound).toEqual({ byOperation: { TagResource: 3, PauseService: 3, ListServices: 2, GetResources: 1 }, mutating: 6, reads: 3, total: 9 });
    expect(result.callRatio).toBeGreaterThanOrEqual(1);
    expect(result.timeBound.ms).toBeGreaterThan(TINY.timings.pause);
    expect(result.deployLag).toBeUndefined();
    expect(fleetTimeTable([result]).split('\n')).toHaveLength(3);
  });

  it('measures how late each deployment of a resume by ARN started', async () => {
    const result = await runFleet({ action: 'resume', selection: 'arn', services: 3 }, TINY);

    expect(result.outcomes.changed).toBe(3);
    expect(result.calls.byOperation).toMatchObject({ TagResource: 6, ResumeService: 3, StartDeployment: 3, ListTagsForResource: 3 });
    // The run resumed each service itself: no history read before its deployment.
    expect(result.calls.byOperation.ListOperations).toBeUndefined();
    // Per service: 4 mutating calls and a tag read; a ListServices page to select and one to observe.
    expect(result.callBound).toMatchObject({ byOperation: { TagResource: 6, ResumeService: 3, StartDeployment: 3, ListServices: 2, ListTagsForResource: 3 }, mutating: 12 });
    expect(result.callBound.total).toBe(3 * 5 + 2);
    expect(result.callRatio).toBeGreaterThanOrEqual(1);
    expect(result.deployLag?.count).toBe(3);
    expect(fleetCallTable([result])).toContain('resume + deploy by ARN');
  });

  it('reads only, in a run that has nothing to change', async () => {
    const result = await runFleet({ action: 'pause', selection: 'tag', services: 3, settled: true }, TINY);

    expect(result.outcomes.unchanged).toBe(3);
    expect(result.calls.mutating).toBe(0);
    expect(result.calls.total).toBe(result.callBound.total);
  });
});

describe('many-accounts benchmark', () => {
  it('resumes every member account in every region through STS, one AssumeRole per account, and sets the run against its bounds', async () => {
    const scenario = { action: 'resume', accounts: 2, regions: ['eu-west-1', 'us-east-1'], servicesPerUnit: 2 } as const;
    const result = await runAccountsFleet(scenario, { ...TINY, regionLatencyMs: { 'us-east-1': 5 } }, 180_000);

    expect(result.outcomes.changed).toBe(8);
    expect(result.units).toBe(4);
    expect(result.calls.byOperation).toMatchObject({ AssumeRole: 2, TagResource: 16, ResumeService: 8, StartDeployment: 8, GetResources: 4 });
    // Per unit: 4 mutating calls per service, a ListServices page to select and one to observe, a GetResources page; and one AssumeRole per account.
    expect(result.callBound).toEqual({
      byOperation: { AssumeRole: 2, TagResource: 16, ResumeService: 8, StartDeployment: 8, ListServices: 8, GetResources: 4 },
      mutating: 32,
      reads: 14,
      total: 46,
    });
    expect(result.regionLatencyMs).toEqual([1, 6]);
    expect(result.callRatio).toBeGreaterThanOrEqual(1);
    expect(result.timeBound.ms).toBeGreaterThan(TINY.timings.resume);
    expect(result.projection.lambdaWallMs).toBeGreaterThan(180_000);
    expect(accountsTable([result])).toContain('resume + deploy by tag, 2 accounts x 2 regions x 2');
    expect(accountsProjectionTable([result], 0.145).split('\n')).toHaveLength(3);
  });
});

describe('bounds', () => {
  it.each([
    ['pause', 'tag', 1_000, 2 * 1_000 + 50 + 50 + 10],
    ['pause', 'arn', 1_000, 3 * 1_000 + 50 + 50],
    ['resume', 'tag', 1_000, 4 * 1_000 + 50 + 50 + 10],
    ['resume', 'arn', 1_000, 5 * 1_000 + 50 + 50],
  ] as const)('%s by %s of %i services takes at least %i calls', (action, selection, services, total) => {
    const input = { action, selection, services, regionServices: services, concurrency: 10, latencyMs: 30, transitionMs: 4_000 };

    expect(callBound(input).total).toBe(total);
    expect(timeBound(input).ms).toBeGreaterThanOrEqual(input.transitionMs);
  });

  it('counts a DescribeService per service when the region has more pages than services are selected', () => {
    const input = { action: 'pause', selection: 'arn', services: 3, regionServices: 200, concurrency: 10, latencyMs: 30, transitionMs: 4_000 } as const;

    expect(callBound(input).byOperation).toEqual({ TagResource: 3, PauseService: 3, DescribeService: 6, ListTagsForResource: 3 });
  });

  it('bounds a run over 20 accounts x 3 regions x 50 services by its calls at the fleet-wide concurrency', () => {
    const input = { action: 'resume', accounts: 20, regionLatencyMs: [30, 100, 200], servicesPerUnit: 50, concurrency: 10, fleetConcurrency: 40, stsLatencyMs: 30, transitionMs: 4_000 } as const;

    // Per unit: 4 x 50 mutating calls, 3 ListServices pages twice, 1 GetResources page: 207; 60 units and 20 AssumeRoles.
    expect(accountsCallBound(input)).toMatchObject({ total: 60 * 207 + 20, mutating: 60 * 200 });
    // Every call holds a slot for its region's latency: (20 x 30 + 20 x 207 x (30 + 100 + 200)) / 40 ms.
    expect(accountsTimeBound(input)).toMatchObject({ ms: 34_170, throughputMs: 34_170 });
    expect(accountsTimeBound({ ...input, fleetConcurrency: 600 }).ms).toBe(accountsTimeBound({ ...input, fleetConcurrency: 600 }).slowestUnitMs);
  });

  it('projects a run onto real transitions: the start and the tail as measured, the wait as long as the transition', () => {
    const measured = {
      scenario: { action: 'resume', accounts: 20, regions: ['eu-west-1', 'us-east-1', 'ap-southeast-1'], servicesPerUnit: 50 },
      units: 60,
      transitionMs: 4_000,
      lastStartMs: 40_000,
      tailMs: 5_000,
      callsBeforeLastStart: 10_000,
      callsAfterLastEnd: 2_000,
      cpuMs: 12_000,
      calls: { byOperation: {}, mutating: 0, reads: 0, total: 12_000 },
    } satisfies Parameters<typeof projectRealTransitions>[0] & Partial<AccountsResult>;

    const projection = projectRealTransitions(measured, 180_000, DEFAULT_POLL);

    expect(projection.wallMs).toBe(40_000 + 180_000 + 5_000);
    // 1 ms of CPU per call at 256/1,769 of a vCPU: 10,000 calls take 69.1 s to start, 2,000 calls 13.8 s after the transition.
    expect(projection.lambdaWallMs).toBeCloseTo(10_000 / (256 / 1_769) + 180_000 + 2_000 / (256 / 1_769), 0);
    expect(projection.extraReads).toBe(60 * (pollsPerWait(180_000, DEFAULT_POLL) - pollsPerWait(4_000, DEFAULT_POLL)) * 3);
    expect(projection.longestTransitionMs).toBeCloseTo(870_000 - 10_000 / (256 / 1_769) - 2_000 / (256 / 1_769), 0);
  });

  it('counts the reads of a wait with the production poll schedule', () => {
    expect(pollsPerWait(4_000, DEFAULT_POLL)).toBe(2);
    expect(pollsPerWait(60_000, DEFAULT_POLL)).toBe(16);
  });
});

describe('cost', () => {
  it('bills both designs', () => {
    const run: RunUsage = { engineSeconds: engineSeconds(1_000, 100), waitingSeconds: 180, initSeconds: 0.1, logBytes: 2_000 };
    const scheduled = scheduledCost(run, run);
    const polling = pollingCost({ ...run, waitingSeconds: 0 }, run, run);

    expect(scheduled.invocations).toBeCloseTo(60.8, 1);
    expect(polling.invocations).toBeCloseTo(8_760, 0);
    expect(scheduled.usd).toBeGreaterThan(0);
    expect(costTable([{ services: 10, scheduled, polling }]).split('\n')).toHaveLength(4);
  });

  // The runs of 10 services in BENCHMARKS.md: 2,758 GB-s and $0.0001 of logs a month.
  const measuredRuns: MonthlyCost = { invocations: 60.83, gbSeconds: 2_758, lambdaUsd: 0.0368, logsUsd: 0.0001, usd: 0.0369 };
  const [byDefault, noDashboard, ownKey, withSummaries] = STACK_CONFIGURATIONS;

  it('bills the whole default stack: $3 of dashboard, $1 of key, two alarms and the metric-hours on top of the runs', () => {
    const cost = stackCost(measuredRuns, byDefault);

    expect(cost).toMatchObject({ dashboardUsd: 3, keyUsd: 1, alarmUsd: 0.2, snsUsd: 0 });
    expect(metricHoursPerMonth()).toBeCloseTo(456.25, 2);
    expect(cost.metricsUsd).toBeCloseTo(0.1875, 4);
    expect(cost.lambdaUsd).toBeCloseTo(0.0379, 4);
    expect(cost.usd).toBeCloseTo(4.426, 3);
    expect(stackCost(measuredRuns, noDashboard).usd).toBeCloseTo(1.426, 3);
    expect(shareOfSaving(stackCost(measuredRuns, noDashboard).usd, 1)).toBeCloseTo(0.217, 3);
  });

  it('leaves the key alone to the free tier: dashboard, metrics, alarms and Lambda are free-tier dependent', () => {
    expect(freeTierSplit(stackCost(measuredRuns, byDefault)).usdWithFreeTier).toBeCloseTo(1.0, 2);
    expect(freeTierSplit(stackCost(measuredRuns, ownKey)).usdWithFreeTier).toBeLessThan(0.001);
  });

  it('bills no key when the user brings one, and the summary topic’s publishes and alarm when there is one', () => {
    expect(stackCost(measuredRuns, ownKey).usd).toBeCloseTo(0.426, 3);
    expect(stackCost(measuredRuns, withSummaries).snsUsd).toBeCloseTo((60.83 + 10 * (365 / 12)) * 0.5e-6, 9);
    expect(stackCost(measuredRuns, withSummaries).alarmUsd).toBeCloseTo(0.3, 9);
  });

  it('prices a rotating key $1, $2, then $3 a month for good', () => {
    expect([1, 2, 3, 4, 10].map(keyUsdPerMonth)).toEqual([1, 2, 3, 3, 3]);
    expect(stackCost(measuredRuns, noDashboard, 3).usd).toBeCloseTo(3.426, 3);
    expect(stackCostTable([{ services: 10, scheduled: measuredRuns }]).split('\n')).toHaveLength(2 + STACK_CONFIGURATIONS.length);
  });
});

describe('cold start and synth', () => {
  it('measures the bundled handler once', async () => {
    const result = await measureColdStart(1, 1);

    expect(result.assetBytes).toBeGreaterThan(result.assetDeflatedBytes);
    expect(result.loads.map((l) => l.what)).toHaveLength(3);
    expect(result.loads[2].firstInvokeMs).toBeDefined();
    expect(coldStartTable(result)).toContain('bundled handler');
  });

  it('synthesizes the stack with the construct once', async () => {
    const result = await measureSynth('scheduler', 1, 0, 0);

    expect(result.resources).toBeGreaterThan(1);
    expect(synthTable([result])).toContain('AppRunnerScheduler');
  });
});
