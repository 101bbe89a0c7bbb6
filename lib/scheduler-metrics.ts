/**
 * The function's own metrics (named in contract/metric-names.ts) as the construct reads them: in its
 * namespace, with the scheduler's low-cardinality dimensions only, and the alarms on failures counted there.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { ACTION_DIMENSION, METRICS_NAMESPACE, SCHEDULER_DIMENSION } from '../contract/metric-names';

/** How one metric is read. */
export interface SchedulerMetricOptions {
  /** The run's action, for run metrics (which carry the `Action` dimension). @default none: a scheduler-wide metric */
  readonly action?: string;
  /** @default cloudwatch.Stats.SUM */
  readonly statistic?: string;
  /** @default the metric's name */
  readonly label?: string;
  /** @default one hour */
  readonly period?: Duration;
}

/** One metric of the scheduler `schedulerName` (its SCHEDULER_NAME, the `Scheduler` dimension). */
export function schedulerMetric(metricName: string, schedulerName: string, options: SchedulerMetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { [SCHEDULER_DIMENSION]: schedulerName, ...(options.action === undefined ? {} : { [ACTION_DIMENSION]: options.action }) },
    statistic: options.statistic ?? cloudwatch.Stats.SUM,
    label: options.label,
    period: options.period ?? Duration.hours(1),
  });
}

/**
 * An alarm that goes off when the failures the function counts in `metricName` reach one in five
 * minutes. No data means nothing failed (no run, no deployment ended), so it does not breach.
 */
export function failureCountAlarm(scope: Construct, id: string, props: { metricName: string; schedulerName: string; description: string }): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: props.description,
    metric: schedulerMetric(props.metricName, props.schedulerName, { period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
