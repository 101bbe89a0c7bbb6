/**
 * The function's metrics as CloudWatch reads them: the EMF documents Powertools writes to stdout, their
 * namespace, names and dimensions (never one per service), what a dry run publishes (nothing), and a
 * missing savings figure left out rather than sent as zero.
 */
import { ACTION_DIMENSION, METRICS_NAMESPACE, RUN_METRICS, SCHEDULER_DIMENSION, SCHEDULER_METRICS } from '../../contract/metric-names';
import { PowertoolsSchedulerMetrics, schedulerName } from '../../lambda/metrics';
import type { Outcome, RunReport, SavingsTotal, ServiceOutcome } from '../../lambda/report';
import { deploymentOutcomeOf, emfWrittenDuring, type EmfDocument } from '../support/scheduler-harness';

function service(name: string, outcome: Outcome, actions: ServiceOutcome['actions'], statusAfter: string): ServiceOutcome {
  return {
    serviceArn: `arn:aws:apprunner:eu-west-1:123456789012:service/${name}/0123456789abcdef0123456789abcdef`,
    serviceName: name,
    region: 'eu-west-1',
    statusBefore: 'PAUSED',
    statusAfter,
    actions,
    operationIds: [],
    outcome,
    reason: 'test',
  };
}

function report(services: ServiceOutcome[], fields: Partial<RunReport> = {}): RunReport {
  const counts: Record<Outcome, number> = { changed: 0, unchanged: 0, skipped: 0, failed: 0, planned: 0 };
  for (const s of services) counts[s.outcome] += 1;
  return { action: 'resume', dryRun: false, startedAt: '2026-12-01T07:00:00Z', finishedAt: '2026-12-01T07:02:00Z', counts, services, selectionFailures: [], ...fields };
}

/** A run total as lambda/report.ts sums it. */
function total(fields: Partial<SavingsTotal>): SavingsTotal {
  return { currency: 'USD', priced: 0, unpriced: 0, unknown: 0, ...fields };
}

const RESUME_RUN = report([
  service('api', 'changed', ['resume', 'deploy'], 'OPERATION_IN_PROGRESS'),
  service('web', 'changed', ['resume'], 'RUNNING'),
  service('stuck', 'failed', [], 'PAUSED'),
  service('snoozed', 'skipped', [], 'PAUSED'),
]);

/** The metric values of the documents, by name, with the dimensions each carries. */
function published(documents: readonly EmfDocument[]): Map<string, { value: unknown; unit: string; dimensions: Record<string, unknown> }> {
  const metrics = new Map<string, { value: unknown; unit: string; dimensions: Record<string, unknown> }>();
  for (const document of documents) {
    for (const directive of document._aws.CloudWatchMetrics) {
      expect(directive.Namespace).toBe(METRICS_NAMESPACE);
      for (const metric of directive.Metrics) {
        for (const set of directive.Dimensions) {
          metrics.set(metric.Name, { value: document[metric.Name], unit: metric.Unit, dimensions: Object.fromEntries(set.map((d) => [d, document[d]])) });
        }
      }
    }
  }
  return metrics;
}

async function emfOf(record: (metrics: PowertoolsSchedulerMetrics) => void): Promise<EmfDocument[]> {
  const metrics = new PowertoolsSchedulerMetrics({ schedulerName: 'office-hours' });
  const { documents } = await emfWrittenDuring(async () => {
    record(metrics);
    metrics.flush();
  });
  return documents;
}

describe('run metrics', () => {
  it('publishes what a resume run did under Scheduler and Action', async () => {
    const metrics = published(await emfOf((m) => m.runFinished(RESUME_RUN)));
    const run = { Scheduler: 'office-hours', Action: 'resume' };
    expect(metrics.get(RUN_METRICS.servicesResumed)).toEqual({ value: 2, unit: 'Count', dimensions: run });
    expect(metrics.get(RUN_METRICS.servicesDeployed)).toEqual({ value: 1, unit: 'Count', dimensions: run });
    expect(metrics.get(RUN_METRICS.servicesPaused)).toEqual({ value: 0, unit: 'Count', dimensions: run });
    expect(metrics.get(RUN_METRICS.servicesFailed)).toEqual({ value: 1, unit: 'Count', dimensions: run });
    expect(metrics.get(RUN_METRICS.servicesSkipped)).toEqual({ value: 1, unit: 'Count', dimensions: run });
  });

  it('publishes what is paused now under Scheduler alone, whatever the action', async () => {
    const metrics = published(await emfOf((m) => m.runFinished(RESUME_RUN)));
    expect(metrics.get(SCHEDULER_METRICS.servicesPausedNow)).toEqual({ value: 2, unit: 'Count', dimensions: { Scheduler: 'office-hours' } });
  });

  it('never carries a dimension but Scheduler and Action: none per service, not Powertools\' service', async () => {
    const documents = await emfOf((m) => {
      m.runFinished({ ...RESUME_RUN, savings: total({ hours: 30, amount: 4.5, priced: 2 }) });
      m.deploymentFinished(deploymentOutcomeOf('FAILED', { serviceArn: RESUME_RUN.services[0].serviceArn }));
      m.notificationFailed();
    });
    expect(documents.length).toBeGreaterThan(0);
    for (const document of documents) {
      for (const directive of document._aws.CloudWatchMetrics) {
        for (const set of directive.Dimensions) expect([[SCHEDULER_DIMENSION, ACTION_DIMENSION], [SCHEDULER_DIMENSION]]).toContainEqual(set);
      }
      expect(Object.keys(document)).not.toContain('service');
      expect(JSON.stringify(document)).not.toContain('arn:aws:apprunner');
    }
  });

  it('publishes hours paused and the amount saved when the report has them', async () => {
    const metrics = published(await emfOf((m) => m.runFinished({ ...RESUME_RUN, savings: total({ hours: 30, amount: 4.5, priced: 2 }) })));
    expect(metrics.get(RUN_METRICS.hoursPaused)?.value).toBe(30);
    expect(metrics.get(RUN_METRICS.amountSaved)).toEqual({ value: 4.5, unit: 'None', dimensions: { Scheduler: 'office-hours', Action: 'resume' } });
  });

  it.each([
    ['the report has no savings', undefined],
    ['no resumed service is priced', total({ hours: 30, unpriced: 2 })],
    ['no figure could be made', total({ unknown: 2 })],
  ])('leaves AmountSaved out, never zero, when %s', async (_case, savings) => {
    const metrics = published(await emfOf((m) => m.runFinished({ ...RESUME_RUN, savings })));
    expect(metrics.has(RUN_METRICS.amountSaved)).toBe(false);
    expect(metrics.has(RUN_METRICS.servicesResumed)).toBe(true);
  });

  it('publishes the hours paused of unpriced services, and leaves HoursPaused out when no paused time is known', async () => {
    expect(published(await emfOf((m) => m.runFinished({ ...RESUME_RUN, savings: total({ hours: 30, unpriced: 2 }) }))).get(RUN_METRICS.hoursPaused)?.value).toBe(30);
    expect(published(await emfOf((m) => m.runFinished({ ...RESUME_RUN, savings: total({ unknown: 2 }) }))).has(RUN_METRICS.hoursPaused)).toBe(false);
  });

  it('publishes nothing for a dry run: no planned change reads as one made', async () => {
    const plan = report([service('api', 'planned', ['resume', 'deploy'], 'PAUSED')], { dryRun: true });
    expect(await emfOf((m) => m.runFinished(plan))).toEqual([]);
  });
});

describe('deployment and notification metrics', () => {
  const outcome = (status: string) => deploymentOutcomeOf(status);

  it.each([
    ['SUCCEEDED', SCHEDULER_METRICS.deploymentsSucceeded],
    ['FAILED', SCHEDULER_METRICS.deploymentsFailed],
    ['ROLLBACK_SUCCEEDED', SCHEDULER_METRICS.deploymentsFailed],
    ['ROLLBACK_FAILED', SCHEDULER_METRICS.deploymentsFailed],
    ['A_STATUS_FROM_THE_FUTURE', SCHEDULER_METRICS.deploymentsFailed],
  ])('counts a deployment that ended %s in %s', async (status, name) => {
    const metrics = published(await emfOf((m) => m.deploymentFinished(outcome(status))));
    expect([...metrics.keys()]).toEqual([name]);
    expect(metrics.get(name)).toEqual({ value: 1, unit: 'Count', dimensions: { Scheduler: 'office-hours' } });
  });

  it('counts a notification that could not be sent', async () => {
    const metrics = published(await emfOf((m) => m.notificationFailed()));
    expect(metrics.get(SCHEDULER_METRICS.notificationsFailed)).toEqual({ value: 1, unit: 'Count', dimensions: { Scheduler: 'office-hours' } });
  });

  it('writes no document when nothing was recorded', async () => {
    expect(await emfOf(() => undefined)).toEqual([]);
  });
});

describe('the scheduler name', () => {
  it('is SCHEDULER_NAME, else the function name', () => {
    expect(schedulerName({ SCHEDULER_NAME: 'office-hours', AWS_LAMBDA_FUNCTION_NAME: 'fn' })).toBe('office-hours');
    expect(schedulerName({ AWS_LAMBDA_FUNCTION_NAME: 'fn' })).toBe('fn');
  });
});
