/**
 * Savings measured by the real handler through the real SDK and the emulator: what each resumed
 * service saved, by hand computation, in two priced regions and one without a price; what happens
 * when a read the figure needs fails; and how often auto scaling configurations are read.
 */
import { MARKER_TAG_KEY } from '../../contract/scheduler-tags';
import { RunFailedError } from '../../lambda/errors';
import type { PricedSavings, RunReport } from '../../lambda/report';
import { OFFICE_HOURS, outcomeOf, startHarness, type SchedulerHarness } from '../support/scheduler-harness';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The marker a pause run writes, `minutesBefore` the pause ended. */
function markerBefore(pauseEnd: number, minutesBefore: number): Record<string, string> {
  return { ...OFFICE_HOURS, [MARKER_TAG_KEY]: `paused ${new Date(pauseEnd - minutesBefore * MINUTE).toISOString().replace(/\.\d{3}Z$/, 'Z')}` };
}

function describeCalls(harness: SchedulerHarness): number {
  return harness.emulator.calls.filter((c) => c.operation === 'DescribeAutoScalingConfiguration').length;
}

describe('what each resumed service saved', () => {
  let harness: SchedulerHarness;

  beforeEach(async () => {
    harness = await startHarness();
  });

  afterEach(() => harness.close());

  it('matches a hand computation for two sizes in two priced regions, counted from the marker', async () => {
    // GIVEN: two services paused 14 hours ago, marked a minute before App Runner finished pausing them
    const { emulator, invoke } = harness;
    const pauseEnd = Math.floor(Date.now() / 1000) * 1000 - 14 * HOUR; // whole seconds, as the marker writes them
    const markedAt = pauseEnd - MINUTE;
    const small = emulator.addService({ name: 'small-web', region: 'eu-west-1', cpu: '1024', memory: '2048', status: 'PAUSED', pausedAt: pauseEnd, tags: markerBefore(pauseEnd, 1) });
    const threeInstances = emulator.addAutoScalingConfiguration({ name: 'three-warm', region: 'us-east-1', minSize: 3, maxSize: 10 });
    const large = emulator.addService({
      name: 'large-api',
      region: 'us-east-1',
      cpu: '2 vCPU',
      memory: '4 GB',
      status: 'PAUSED',
      pausedAt: pauseEnd,
      autoScalingConfigurationArn: threeInstances,
      tags: markerBefore(pauseEnd, 1),
    });

    // WHEN: the resume run (deployAfterResume always; its own resume, so it deploys without reading the history)
    const before = Date.now();
    const report = await invoke({ action: 'resume', tags: OFFICE_HOURS, regions: ['eu-west-1', 'us-east-1'], deployAfterResume: 'always' });
    const after = Date.now();

    // THEN
    // By hand: the paused time runs from the marker to the resume call, 14 h 1 min and the seconds the
    // test took to get there (the minute the pause operation took counts too: no history was read to
    // say when it ended). Per hour paused:
    //   small-web, eu-west-1: 1 instance x 2 GB x $0.007 per GB-hour = $0.014
    //   large-api, us-east-1: 3 instances x 4 GB x $0.007 per GB-hour = $0.084
    // so for 14 h: $0.196 and $1.176, $1.372 in all.
    const smallSavings = outcomeOf(report, small).savings as PricedSavings;
    const largeSavings = outcomeOf(report, large).savings as PricedSavings;
    for (const [savings, perHour] of [[smallSavings, 0.014], [largeSavings, 0.084]] as const) {
      expect(savings).toMatchObject({ status: 'priced', currency: 'USD', basis: 'marker', pausedFrom: new Date(markedAt).toISOString() });
      expect(savings).not.toHaveProperty('note');
      const pausedTo = Date.parse(savings.pausedTo);
      expect(pausedTo).toBeGreaterThanOrEqual(before);
      expect(pausedTo).toBeLessThanOrEqual(after);
      expect(savings.hours).toBeCloseTo((pausedTo - markedAt) / HOUR, 12);
      expect(savings.hours).toBeGreaterThanOrEqual(14 + 1 / 60);
      expect(savings.hours).toBeLessThan(14 + (after - markedAt - 14 * HOUR) / HOUR + 1e-9);
      expect(savings.amount).toBeCloseTo(perHour * savings.hours, 12);
    }
    expect(smallSavings.inputs).toEqual({ vcpu: 1, memoryGb: 2, provisionedInstances: 1, pricePerGbHour: 0.007 });
    expect(largeSavings.inputs).toEqual({ vcpu: 2, memoryGb: 4, provisionedInstances: 3, pricePerGbHour: 0.007 });
    expect(smallSavings.amount).toBeGreaterThanOrEqual(0.196);
    expect(largeSavings.amount).toBeGreaterThanOrEqual(1.176);
    expect(report.savings).toEqual({
      amount: expect.closeTo(smallSavings.amount + largeSavings.amount, 12),
      currency: 'USD',
      hours: expect.closeTo(smallSavings.hours + largeSavings.hours, 12),
      priced: 2,
      unpriced: 0,
      unknown: 0,
    });
    expect(report.savings!.amount).toBeGreaterThanOrEqual(1.372);
    expect(report.services.map((s) => s.outcome)).toEqual(['changed', 'changed']);
    expect(emulator.calls.filter((c) => c.operation === 'ListOperations')).toEqual([]);
  });

  it('counts from the marker alone when the run reads no history (deployAfterResume never)', async () => {
    // GIVEN
    const { emulator, invoke } = harness;
    const pauseEnd = Math.floor(Date.now() / 1000) * 1000 - 10 * HOUR; // whole seconds, as the marker writes them
    const arn = emulator.addService({ name: 'no-deploys', status: 'PAUSED', pausedAt: pauseEnd, tags: markerBefore(pauseEnd, 2) });

    // WHEN
    const report = await invoke({ action: 'resume', tags: OFFICE_HOURS, deployAfterResume: 'never' });

    // THEN: from the marker, 2 minutes before the pause ended; no ListOperations was made for it
    const savings = outcomeOf(report, arn).savings as PricedSavings;
    expect(savings).toMatchObject({ status: 'priced', basis: 'marker', pausedFrom: new Date(pauseEnd - 2 * MINUTE).toISOString() });
    expect(savings.amount).toBeCloseTo(0.014 * savings.hours, 12);
    expect(emulator.calls.filter((c) => c.operation === 'ListOperations')).toEqual([]);
  });

  it('says "unpriced" for a region without a price, with its paused hours and no amount, and reads no auto scaling configuration', async () => {
    // GIVEN
    const { emulator, invoke } = harness;
    const pauseEnd = Math.floor(Date.now() / 1000) * 1000 - 12 * HOUR;
    const frankfurt = emulator.addService({ name: 'in-frankfurt', region: 'eu-central-1', status: 'PAUSED', pausedAt: pauseEnd, tags: markerBefore(pauseEnd, 1) });

    // WHEN
    const report = await invoke({ action: 'resume', tags: OFFICE_HOURS, regions: ['eu-central-1'], deployAfterResume: 'always' });

    // THEN
    const savings = outcomeOf(report, frankfurt).savings!;
    expect(savings).toMatchObject({ status: 'unpriced', reason: expect.stringContaining('eu-central-1'), pausedFrom: new Date(pauseEnd - MINUTE).toISOString() });
    expect(savings.hours).toBeGreaterThanOrEqual(12);
    expect(savings).not.toHaveProperty('amount');
    expect(report.savings).toEqual({ currency: 'USD', hours: savings.hours, priced: 0, unpriced: 1, unknown: 0 });
    expect(describeCalls(harness)).toBe(0);
  });

  it.each(['internal', 'accessDenied'] as const)(
    'reports a DescribeAutoScalingConfiguration that fails (%s) as unknown; the service stays changed and the run succeeds',
    async (kind) => {
      // GIVEN: the read fails past the SDK's 4 attempts
      const { emulator, invoke } = harness;
      const pauseEnd = Date.now() - 8 * HOUR;
      const arn = emulator.addService({ name: 'unreadable-size', status: 'PAUSED', pausedAt: pauseEnd, tags: markerBefore(pauseEnd, 1) });
      emulator.injectFault({ kind, operation: 'DescribeAutoScalingConfiguration', times: 10 });

      // WHEN
      const report = await invoke({ action: 'resume', tags: OFFICE_HOURS, deployAfterResume: 'always' });

      // THEN
      const outcome = outcomeOf(report, arn);
      expect(outcome).toMatchObject({ outcome: 'changed', actions: ['resume', 'deploy'] });
      expect(outcome.savings).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/^could not read the auto scaling configuration arn:aws:apprunner:eu-west-1:\d{12}:autoscalingconfiguration\/DefaultConfiguration\/1\/0{32}: /) });
      expect(outcome.savings!.hours).toBeGreaterThanOrEqual(8);
      expect(outcome.savings).not.toHaveProperty('amount');
      expect(report.savings).toEqual({ currency: 'USD', hours: outcome.savings!.hours, priced: 0, unpriced: 0, unknown: 1 });
    },
  );

  it('keeps the savings of a resume whose deployment will not start, on its failed row', async () => {
    // GIVEN: StartDeployment keeps failing, so the run fails for the service after it resumed it
    const { emulator, invoke } = harness;
    const pauseEnd = Date.now() - 6 * HOUR;
    const arn = emulator.addService({ name: 'deploy-fails', status: 'PAUSED', pausedAt: pauseEnd, tags: markerBefore(pauseEnd, 1) });
    emulator.injectFault({ kind: 'accessDenied', operation: 'StartDeployment', times: 10 });

    // WHEN
    const error = await invoke({ action: 'resume', tags: OFFICE_HOURS, deployAfterResume: 'always' }).catch((e: unknown) => e);

    // THEN: the run fails for the deployment; what the pause saved is still reported
    expect(error).toBeInstanceOf(RunFailedError);
    const report: RunReport = (error as RunFailedError).report;
    const outcome = outcomeOf(report, arn);
    expect(outcome).toMatchObject({ outcome: 'failed', actions: ['resume'], savings: { status: 'priced', basis: 'marker' } });
    expect(report.savings).toMatchObject({ amount: (outcome.savings as PricedSavings).amount, priced: 1, unknown: 0 });
  });

  it('reads each auto scaling configuration once per run, and not again in a warm invocation', async () => {
    // GIVEN: three services sharing the default configuration and one with its own
    const { emulator, invoke } = harness;
    const pauseEnd = Date.now() - 12 * HOUR;
    const own = emulator.addAutoScalingConfiguration({ name: 'two-warm', minSize: 2 });
    const pausedFleet = () => {
      for (const name of ['shared-a', 'shared-b', 'shared-c']) emulator.addService({ name, status: 'PAUSED', pausedAt: pauseEnd, tags: markerBefore(pauseEnd, 1) });
      emulator.addService({ name: 'own-config', status: 'PAUSED', pausedAt: pauseEnd, autoScalingConfigurationArn: own, tags: markerBefore(pauseEnd, 1) });
    };
    pausedFleet();

    // WHEN: a resume, a pause, and the next resume, by the same handler
    const first = await invoke({ action: 'resume', tags: OFFICE_HOURS, deployAfterResume: 'never' });
    const readsInFirstRun = describeCalls(harness);
    await invoke({ action: 'pause', tags: OFFICE_HOURS });
    const second = await invoke({ action: 'resume', tags: OFFICE_HOURS, deployAfterResume: 'never' });

    // THEN
    expect(readsInFirstRun).toBe(2);
    expect(describeCalls(harness)).toBe(2);
    expect(first.savings).toMatchObject({ priced: 4, unpriced: 0, unknown: 0 });
    expect(second.savings).toMatchObject({ priced: 4, unpriced: 0, unknown: 0 });
    const ownRow = second.services.find((s) => s.serviceName === 'own-config')!.savings as PricedSavings;
    expect(ownRow.inputs.provisionedInstances).toBe(2);
  });

  it('adds no savings to pause runs or dry runs', async () => {
    // GIVEN
    const { emulator, invoke } = harness;
    const pauseEnd = Date.now() - 12 * HOUR;
    emulator.addService({ name: 'paused-one', status: 'PAUSED', pausedAt: pauseEnd, tags: markerBefore(pauseEnd, 1) });
    emulator.addService({ name: 'running-one', tags: OFFICE_HOURS });

    // WHEN
    const dryRun = await invoke({ action: 'resume', tags: OFFICE_HOURS, dryRun: true });
    const pause = await invoke({ action: 'pause', tags: OFFICE_HOURS });

    // THEN
    for (const report of [dryRun, pause]) {
      expect(report).not.toHaveProperty('savings');
      expect(report.services.filter((s) => s.savings !== undefined)).toEqual([]);
    }
  });
});
