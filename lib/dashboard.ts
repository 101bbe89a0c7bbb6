/**
 * The scheduler's CloudWatch dashboard: the last runs' outcomes, what is paused now, what was saved
 * (the last 30 days, and in total as far as CloudWatch keeps the metric), the failures and the failed
 * deployments, the alarms, and the last run reports from the function's log group. Its name is left
 * to CloudFormation, so that two schedulers in one account never collide.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RUN_METRICS, SCHEDULER_METRICS } from '../contract/metric-names';
import { schedulerMetric } from './scheduler-metrics';

/** What the dashboard shows. */
export interface SchedulerDashboardProps {
  /** The `Scheduler` dimension's value: the function's SCHEDULER_NAME. */
  readonly schedulerName: string;
  /** The function's log group, where each run writes its report. */
  readonly logGroup: logs.ILogGroup;
  /** The dead-letter queue of runs that failed for good. */
  readonly deadLetterQueue: sqs.IQueue;
  /** The scheduler's alarms, shown with their state; the widget reads the list at synth, so alarms pushed onto it later are shown too. */
  readonly alarms: cloudwatch.IAlarm[];
}

/**
 * How far back "in total" reaches: CloudWatch keeps 1-hour datapoints for 455 days (15 months), so a
 * sum over a longer range would silently count only what is left.
 */
export const TOTAL_RANGE = '-P455D';

/** The range of "saved this month": CloudWatch has no calendar month, so the last 30 days. */
export const MONTH_RANGE = '-P30D';

/** The dashboard's widget titles, which the README lists. */
export const DASHBOARD_WIDGETS = {
  pausedNow: 'Paused now (at the last run)',
  savedThisMonth: 'Saved, last 30 days (USD)',
  savedInTotal: 'Saved in total, up to 15 months (USD)',
  hoursPaused: 'Hours paused, last 30 days',
  outcomes: "Last runs' outcomes (services per run)",
  failures: 'Failures and failed deployments',
  alarms: 'Alarms',
  reports: 'Last run reports',
} as const;

/** The Logs Insights query of the last run reports: the `summary` the handler logs beside each report. */
export const LAST_REPORTS_QUERY = [
  'fields @timestamp, summary.action as action, summary.dryRun as dryRun, summary.paused as paused, summary.resumed as resumed, summary.deployed as deployed, summary.skipped as skipped, summary.failed as failed, summary.pausedNow as pausedNow, summary.saved.amount as savedUsd',
  "filter message = 'run report'",
  'sort @timestamp desc',
  'limit 20',
];

/** The scheduler's dashboard. */
export class SchedulerDashboard extends Construct {
  /** The CloudWatch dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: SchedulerDashboardProps) {
    super(scope, id);
    const run = (metricName: string, action: 'pause' | 'resume', label: string, statistic: string = cloudwatch.Stats.SUM) =>
      schedulerMetric(metricName, props.schedulerName, { action, label, statistic });
    const scheduler = (metricName: string, label: string, statistic: string = cloudwatch.Stats.SUM, period = Duration.hours(1)) =>
      schedulerMetric(metricName, props.schedulerName, { label, statistic, period });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(14),
      widgets: [
        [
          new cloudwatch.TextWidget({
            markdown: `## App Runner scheduler \`${props.schedulerName}\`\nDry runs publish no metrics. Savings count the provisioned memory of the paused instances (a floor); a service without a price or a figure adds nothing to them. "In total" reaches back 15 months at most: CloudWatch keeps no older hourly data.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          new cloudwatch.SingleValueWidget({
            title: DASHBOARD_WIDGETS.pausedNow,
            // The latest datapoint in the range: the last real run's count.
            metrics: [scheduler(SCHEDULER_METRICS.servicesPausedNow, 'services paused', cloudwatch.Stats.MAXIMUM, Duration.minutes(5))],
            width: 6,
            height: 4,
          }),
          new cloudwatch.SingleValueWidget({
            title: DASHBOARD_WIDGETS.savedThisMonth,
            metrics: [run(RUN_METRICS.amountSaved, 'resume', 'USD saved')],
            setPeriodToTimeRange: true,
            start: MONTH_RANGE,
            width: 6,
            height: 4,
          }),
          new cloudwatch.SingleValueWidget({
            title: DASHBOARD_WIDGETS.savedInTotal,
            metrics: [run(RUN_METRICS.amountSaved, 'resume', 'USD saved')],
            setPeriodToTimeRange: true,
            start: TOTAL_RANGE,
            width: 6,
            height: 4,
          }),
          new cloudwatch.SingleValueWidget({
            title: DASHBOARD_WIDGETS.hoursPaused,
            metrics: [run(RUN_METRICS.hoursPaused, 'resume', 'service hours paused')],
            setPeriodToTimeRange: true,
            start: MONTH_RANGE,
            width: 6,
            height: 4,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: DASHBOARD_WIDGETS.outcomes,
            view: cloudwatch.GraphWidgetView.BAR,
            left: [
              run(RUN_METRICS.servicesPaused, 'pause', 'paused'),
              run(RUN_METRICS.servicesResumed, 'resume', 'resumed'),
              run(RUN_METRICS.servicesDeployed, 'resume', 'deployed after resume'),
              run(RUN_METRICS.servicesSkipped, 'pause', 'skipped (pause)'),
              run(RUN_METRICS.servicesSkipped, 'resume', 'skipped (resume)'),
              run(RUN_METRICS.servicesFailed, 'pause', 'failed (pause)'),
              run(RUN_METRICS.servicesFailed, 'resume', 'failed (resume)'),
            ],
            width: 12,
            height: 6,
          }),
          new cloudwatch.GraphWidget({
            title: DASHBOARD_WIDGETS.failures,
            left: [
              run(RUN_METRICS.servicesFailed, 'pause', 'services failed (pause)'),
              run(RUN_METRICS.servicesFailed, 'resume', 'services failed (resume)'),
              scheduler(SCHEDULER_METRICS.deploymentsFailed, 'deployments failed or rolled back'),
              scheduler(SCHEDULER_METRICS.notificationsFailed, 'notifications not sent'),
              props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'runs in the dead-letter queue', statistic: cloudwatch.Stats.MAXIMUM, period: Duration.hours(1) }),
            ],
            width: 12,
            height: 6,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: DASHBOARD_WIDGETS.alarms, alarms: props.alarms, width: 24, height: 2 })],
        [
          new cloudwatch.LogQueryWidget({
            title: DASHBOARD_WIDGETS.reports,
            logGroupNames: [props.logGroup.logGroupName],
            queryLines: LAST_REPORTS_QUERY,
            width: 24,
            height: 8,
          }),
        ],
      ],
    });
  }
}
