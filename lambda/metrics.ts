/**
 * The function's CloudWatch metrics, in Embedded Metric Format (Powertools Metrics writes them to
 * stdout, CloudWatch Logs turns them into metrics): what a run did, what a deployment came to, and
 * notifications that could not be sent. The names and dimensions are contract/metric-names.ts's;
 * which values a run publishes is decided here, purely, in `runMetricValues`.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  ACTION_DIMENSION,
  AMOUNT_SAVED_CURRENCY,
  METRICS_NAMESPACE,
  RUN_METRICS,
  SCHEDULER_DIMENSION,
  SCHEDULER_METRICS,
} from '../contract/metric-names';
import { SCHEDULER_NAME_ENV } from '../contract/function-environment';
import type { DeploymentOutcome } from './deployment-outcome';
import { runFigures } from './report-figures';
import type { RunReport } from './report';

/** What the function records. Injected into the handler (and into `deploy-events`'s handler); `flush` writes it out. */
export interface SchedulerMetrics {
  /** Records a finished run's figures. A dry run records none: it did no work. */
  runFinished(report: RunReport): void;
  /** Records a deployment's end: DeploymentsSucceeded or DeploymentsFailed. */
  deploymentFinished(outcome: DeploymentOutcome): void;
  /** Records a notification that could not be published. */
  notificationFailed(): void;
  /** Writes what was recorded and forgets it. Call it in a `finally`, so that a failed run's metrics are written too. */
  flush(): void;
}

/** A Powertools metric unit. */
type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Which dimensions a value carries: a run's (`Scheduler`, `Action`) or the scheduler's (`Scheduler`). */
export type MetricScope = 'run' | 'scheduler';

/** One value to publish. */
export interface MetricValue {
  readonly name: string;
  readonly value: number;
  readonly unit: Unit;
  readonly scope: MetricScope;
}

/**
 * The values a run publishes. A dry run publishes nothing: none of its figures is work done, and a
 * "would pause" under ServicesPaused would be read as a pause. HoursPaused and AmountSaved only when
 * the report has them (AmountSaved only in USD): a missing figure is left out, never sent as zero.
 */
export function runMetricValues(report: RunReport): MetricValue[] {
  if (report.dryRun) return [];
  const figures = runFigures(report);
  const count = (name: string, value: number, scope: MetricScope = 'run'): MetricValue => ({ name, value, unit: MetricUnit.Count, scope });
  return [
    count(RUN_METRICS.servicesPaused, figures.paused),
    count(RUN_METRICS.servicesResumed, figures.resumed),
    count(RUN_METRICS.servicesDeployed, figures.deployed),
    count(RUN_METRICS.servicesSkipped, figures.skipped),
    count(RUN_METRICS.servicesFailed, figures.failed),
    count(SCHEDULER_METRICS.servicesPausedNow, figures.pausedNow, 'scheduler'),
    ...(figures.hoursPaused === undefined ? [] : [{ name: RUN_METRICS.hoursPaused, value: figures.hoursPaused, unit: MetricUnit.Count, scope: 'run' as const }]),
    ...(figures.saved?.currency === AMOUNT_SAVED_CURRENCY
      ? [{ name: RUN_METRICS.amountSaved, value: figures.saved.amount, unit: MetricUnit.NoUnit, scope: 'run' as const }]
      : []),
  ];
}

/** Final deployment statuses that count as a success; any other, including one App Runner may add, counts as a failure. */
const SUCCEEDED_STATUSES: readonly string[] = ['SUCCEEDED'];

/** The value a deployment's end publishes. */
export function deploymentMetricValue(outcome: DeploymentOutcome): MetricValue {
  const name = SUCCEEDED_STATUSES.includes(outcome.status) ? SCHEDULER_METRICS.deploymentsSucceeded : SCHEDULER_METRICS.deploymentsFailed;
  return { name, value: 1, unit: MetricUnit.Count, scope: 'scheduler' };
}

/** The value a notification that could not be published adds. */
export const NOTIFICATION_FAILED_VALUE: MetricValue = { name: SCHEDULER_METRICS.notificationsFailed, value: 1, unit: MetricUnit.Count, scope: 'scheduler' };

/** The scheduler's name for the `Scheduler` dimension: SCHEDULER_NAME, else the function's name. */
export function schedulerName(env: NodeJS.ProcessEnv = process.env): string {
  return env[SCHEDULER_NAME_ENV] || env.AWS_LAMBDA_FUNCTION_NAME || 'apprunner-scheduler';
}

/** Options for `PowertoolsSchedulerMetrics`. */
export interface PowertoolsSchedulerMetricsOptions {
  /** The `Scheduler` dimension's value. @default schedulerName() */
  readonly schedulerName?: string;
}

/**
 * SchedulerMetrics written as EMF by Powertools. Two Powertools instances, one per dimension set,
 * because Powertools applies one set to every metric of a flush. Powertools' own `service`
 * dimension is removed: the dimensions are the contract's and nothing else.
 */
export class PowertoolsSchedulerMetrics implements SchedulerMetrics {
  private readonly run: Metrics;
  private readonly scheduler: Metrics;

  constructor(options: PowertoolsSchedulerMetricsOptions = {}) {
    const name = options.schedulerName ?? schedulerName();
    this.run = schedulerScoped(name);
    this.scheduler = schedulerScoped(name);
  }

  runFinished(report: RunReport): void {
    const values = runMetricValues(report);
    if (values.some((v) => v.scope === 'run')) this.run.addDimension(ACTION_DIMENSION, report.action);
    for (const value of values) this.store(value);
  }

  deploymentFinished(outcome: DeploymentOutcome): void {
    this.store(deploymentMetricValue(outcome));
  }

  notificationFailed(): void {
    this.store(NOTIFICATION_FAILED_VALUE);
  }

  flush(): void {
    // Powertools warns when a flush has nothing to write: only flush what holds metrics.
    for (const metrics of [this.run, this.scheduler]) if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }

  private store(value: MetricValue): void {
    (value.scope === 'run' ? this.run : this.scheduler).addMetric(value.name, value.unit, value.value);
  }
}

/** A Powertools Metrics in the namespace whose only default dimension is `Scheduler`. */
function schedulerScoped(name: string): Metrics {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE });
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ [SCHEDULER_DIMENSION]: name });
  return metrics;
}
