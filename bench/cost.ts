/**
 * What the scheduler costs a month: the runs (Lambda, logs, schedules) next to a scheduler that
 * polls every 5 minutes, from published prices and the measured runs, and the whole stack of each
 * configuration (key, alarm, topics). Pure arithmetic: every input is named. This file is the one
 * home of the prices; README.md and BENCHMARKS.md quote what it computes.
 *
 * List prices, us-east-1, as published on 2026-12-01; free tiers are left out (each is named where
 * it would make an item free):
 * - Lambda, arm64 (https://aws.amazon.com/lambda/pricing/): $0.0000133334 per GB-second,
 *   $0.20 per million requests (free tier: 400,000 GB-s and 1M requests a month).
 *   Since 2025-08-01 the INIT phase of a cold start is billed too; every scheduled run is counted cold.
 * - CPU share: "At 1,769 MB, a function has the equivalent of one vCPU"
 *   (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
 * - CloudWatch (https://aws.amazon.com/cloudwatch/pricing/): Logs ingestion, standard class, $0.50 per
 *   GB (the run reports, the EMF metric documents and the summaries: PutLogEvents); storage $0.03 per
 *   GB-month; a standard-resolution alarm $0.10 per alarm metric a month (free tier: 10 alarm
 *   metrics); a custom metric $0.30 a month (first 10,000), "prorated by the hour and metered only
 *   when you send metrics to CloudWatch", so a metric that gets data in one hour of the month is
 *   billed 1/730 of $0.30 (free tier: 10 metrics); a dashboard $3.00 a month (free tier: 3 dashboards
 *   of up to 50 metrics each). Viewing the dashboard reads metrics (GetMetricData, $0.01 per 1,000
 *   metrics) and runs its Logs Insights query ($0.005 per GB scanned, a few MB here): per view, not
 *   counted.
 * - AWS KMS (https://aws.amazon.com/kms/pricing/): $1.00 a month per customer managed key, prorated
 *   hourly; with automatic rotation, the first and the second rotation each add $1.00 a month, later
 *   rotations nothing (pricing since 2024-05). Requests: $0.03 per 10,000 after 20,000 free a month;
 *   CloudWatch Logs and SNS make them for this stack, in numbers AWS does not publish: not counted.
 * - EventBridge Scheduler (https://aws.amazon.com/eventbridge/pricing/): $1.00 per million invocations
 *   (free tier: 14 million a month); the one-time schedules of snoozes and wakes are invocations like
 *   any other (one each), and delete themselves after they run. EventBridge event bus: AWS management
 *   events, App Runner's deployment events among them, are ingested free, and the rule's delivery to
 *   the function in the same account is free: the deployment-outcome rule costs only the function's
 *   time.
 * - SNS (https://aws.amazon.com/sns/pricing/): $0.50 per million publishes (free tier: 1 million), each
 *   64 KB chunk of a message billed as one publish (a summary is at most about 200 KB: 4);
 *   deliveries are the subscriber's (e-mail: 1,000 free, then $2.00 per 100,000).
 * - SQS (https://aws.amazon.com/sqs/pricing/): $0.40 per million requests. The dead-letter queue gets
 *   a message only when a run fails, and its depth metric, which the alarm watches, is free: $0.
 */

/** Lambda arm64 prices, us-east-1. */
export const LAMBDA_ARM64 = { usdPerGbSecond: 0.0000133334, usdPerRequest: 0.2 / 1_000_000 } as const;

/** CloudWatch Logs ingestion, standard class, us-east-1. */
export const LOG_INGESTION_USD_PER_GB = 0.5;

/** CloudWatch Logs storage, us-east-1, a GB-month (billed on the compressed size: this is an upper bound). */
export const LOG_STORAGE_USD_PER_GB_MONTH = 0.03;

/** Months the function's log group keeps its logs (RetentionDays.ONE_YEAR): the storage once it is full. */
export const LOG_RETENTION_MONTHS = 12;

/** One standard-resolution CloudWatch alarm (one metric), a month. */
export const ALARM_USD_PER_MONTH = 0.1;

/** One customer managed KMS key, a month, before its first rotation. */
export const KMS_KEY_USD_PER_MONTH = 1;

/** What each of a key's first `KMS_BILLED_ROTATIONS` rotations adds to its monthly price. */
export const KMS_ROTATION_USD_PER_MONTH = 1;

/** Rotations that raise a key's price; later ones are free. */
export const KMS_BILLED_ROTATIONS = 2;

/** One custom metric (one name and dimension set) a month, first 10,000; billed by the hour it gets data. */
export const CUSTOM_METRIC_USD_PER_MONTH = 0.3;

/** Hours CloudWatch prorates a month's metric price over. */
export const HOURS_PER_MONTH = 730;

/** One CloudWatch dashboard, a month (beyond the free tier's three). */
export const DASHBOARD_USD_PER_MONTH = 3;

/**
 * Metrics a real run publishes, each in the one hour its flush lands in (lambda/metrics.ts): a pause
 * run ServicesPaused, ServicesResumed, ServicesDeployed, ServicesSkipped and ServicesFailed (Scheduler
 * and Action) and ServicesPausedNow (Scheduler); a resume run those and HoursPaused and AmountSaved. A
 * dry run publishes none.
 */
export const METRICS_PER_PAUSE_RUN = 6;
export const METRICS_PER_RESUME_RUN = 8;

/**
 * Metric-hours a day of the deployment outcomes (DeploymentsSucceeded or DeploymentsFailed, Scheduler
 * only): the deployments one resume starts end within about an hour, so one, or two when they fail
 * too. NotificationsFailed only when a publish fails: not counted. At most 16 metrics exist in all
 * (5 + 7 run metrics, 4 of the scheduler); the bill is by the hours they get data, not by the count.
 */
export const DEPLOYMENT_METRIC_HOURS_PER_DAY = 1;

/** The function's time for one deployment event (INIT of a cold start and the handler's one DescribeService at most), in s: an upper bound. */
export const DEPLOYMENT_EVENT_SECONDS = 1;

/** Bytes a run logs beside its report (the EMF metric documents, the summary, Lambda's START/END/REPORT lines): an upper bound. */
export const LOG_BYTES_PER_RUN_BESIDE_REPORT = 3_000;

/** EventBridge Scheduler, per invocation. */
export const SCHEDULER_USD_PER_INVOCATION = 1 / 1_000_000;

/** SNS, per publish (the summary topic's: one per run and one per deployment outcome). */
export const SNS_USD_PER_PUBLISH = 0.5 / 1_000_000;

/** Memory at which a Lambda function gets one vCPU. */
export const MB_PER_VCPU = 1_769;

/** The function's memory, as the construct sets it. */
export const FUNCTION_MEMORY_MB = 256;

/** What one App Runner service saves a month when paused 108 of 168 hours (1 vCPU / 2 GB, one idle instance; facts sheet). */
export const APP_RUNNER_SAVING_PER_SERVICE_USD = 6.57;

const DAYS_PER_MONTH = 365 / 12;
const TICKS_PER_DAY = (24 * 60) / 5;

/** What one run uses. */
export interface RunUsage {
  /** The engine's own time at the function's CPU share (calls, decisions; not the waiting), in s. */
  readonly engineSeconds: number;
  /** Waiting for App Runner to finish the pause or resume (the run waits for PAUSED / RUNNING), in s. */
  readonly waitingSeconds: number;
  /** INIT of a cold start (loading the bundle), in s. */
  readonly initSeconds: number;
  /** The report logged (one JSON line), in bytes. */
  readonly logBytes: number;
}

/** One design's monthly bill. */
export interface MonthlyCost {
  readonly invocations: number;
  readonly gbSeconds: number;
  readonly lambdaUsd: number;
  readonly logsUsd: number;
  readonly usd: number;
}

/** Seconds of the function's time for work that took `wallMs` here and `cpuMs` of CPU: the CPU at the function's share may be the longer. */
export function engineSeconds(wallMs: number, cpuMs: number, memoryMb = FUNCTION_MEMORY_MB): number {
  return Math.max(wallMs, cpuMs / (memoryMb / MB_PER_VCPU)) / 1000;
}

function bill(invocationsPerDay: number, secondsPerDay: number, logBytesPerDay: number, memoryMb: number): MonthlyCost {
  const invocations = invocationsPerDay * DAYS_PER_MONTH;
  const gbSeconds = secondsPerDay * DAYS_PER_MONTH * (memoryMb / 1024);
  const lambdaUsd = gbSeconds * LAMBDA_ARM64.usdPerGbSecond + invocations * LAMBDA_ARM64.usdPerRequest;
  const logsUsd = ((logBytesPerDay * DAYS_PER_MONTH) / 1e9) * LOG_INGESTION_USD_PER_GB;
  return { invocations, gbSeconds, lambdaUsd, logsUsd, usd: lambdaUsd + logsUsd };
}

/** This project: a pause and a resume a day, each waiting for App Runner to finish, each a cold start. */
export function scheduledCost(pause: RunUsage, resume: RunUsage, memoryMb = FUNCTION_MEMORY_MB): MonthlyCost {
  const runs = [pause, resume];
  const seconds = runs.reduce((sum, run) => sum + run.engineSeconds + run.waitingSeconds + run.initSeconds, 0);
  return bill(2, seconds, pause.logBytes + resume.logBytes + 2 * LOG_BYTES_PER_RUN_BESIDE_REPORT, memoryMb);
}

/**
 * A poller: wakes every 5 minutes (warm), reads the fleet and finds nothing to do (`idleTick`); twice
 * a day it pauses or resumes without waiting (the next tick looks again). It logs a report every tick.
 */
export function pollingCost(idleTick: RunUsage, pause: RunUsage, resume: RunUsage, memoryMb = FUNCTION_MEMORY_MB): MonthlyCost {
  const idleTicks = TICKS_PER_DAY - 2;
  const seconds = idleTicks * idleTick.engineSeconds + pause.engineSeconds + resume.engineSeconds;
  return bill(TICKS_PER_DAY, seconds, idleTicks * idleTick.logBytes + pause.logBytes + resume.logBytes, memoryMb);
}

/**
 * What a key with yearly rotation (the construct's, and Control Tower CT.KMS.PR.1's demand) costs a
 * month in its `year`-th year: $1, then $2, then $3 for good.
 */
export function keyUsdPerMonth(year: number): number {
  return KMS_KEY_USD_PER_MONTH + KMS_ROTATION_USD_PER_MONTH * Math.min(Math.max(year - 1, 0), KMS_BILLED_ROTATIONS);
}

/** Which of the stack's billed resources a configuration has. */
export interface StackConfiguration {
  /** How the README names it. */
  readonly name: string;
  /** The construct creates its key (no `encryptionKey`); a key you bring is billed to you once, however many schedulers use it. */
  readonly createsKey: boolean;
  /** A `summaryTopic` is told of every run and every deployment outcome; it adds the notification alarm. */
  readonly summaryTopic: boolean;
  /** The dashboard (`dashboard`, on by default). */
  readonly dashboard: boolean;
}

/**
 * The configurations whose whole cost README.md and BENCHMARKS.md state, each with a resume that may
 * deploy (`deployAfterResume` AUTO, the default): the failed-run alarm and the failed-deployment
 * alarm. `alarmTopic` changes nothing billed here.
 */
export const STACK_CONFIGURATIONS: readonly StackConfiguration[] = [
  { name: 'default (or with your alarmTopic)', createsKey: true, summaryTopic: false, dashboard: true },
  { name: 'default without the dashboard (dashboard: false)', createsKey: true, summaryTopic: false, dashboard: false },
  { name: 'your own key (encryptionKey), no dashboard', createsKey: false, summaryTopic: false, dashboard: false },
  { name: 'default with a summaryTopic', createsKey: true, summaryTopic: true, dashboard: true },
];

/** Alarms a configuration has: the failed-run alarm, the failed-deployment alarm, and the notification alarm with a summary topic. */
export function alarmCount(configuration: StackConfiguration): number {
  return 2 + (configuration.summaryTopic ? 1 : 0);
}

/** Metric-hours a month of the metrics the function publishes, two runs a day. */
export function metricHoursPerMonth(): number {
  return (METRICS_PER_PAUSE_RUN + METRICS_PER_RESUME_RUN + DEPLOYMENT_METRIC_HOURS_PER_DAY) * DAYS_PER_MONTH;
}

/** One configuration's monthly bill, item by item. */
export interface StackCost {
  /** The runs, and the deployment events of `services` services (one a day each). */
  readonly lambdaUsd: number;
  /** Ingestion, and storage once the year of retention is full. */
  readonly logsUsd: number;
  readonly schedulerUsd: number;
  readonly snsUsd: number;
  readonly alarmUsd: number;
  readonly metricsUsd: number;
  readonly dashboardUsd: number;
  readonly keyUsd: number;
  readonly usd: number;
}

/** What the free tier would take off a configuration's bill: the items it can make free, none of them in an account that uses its free tier elsewhere. */
export interface FreeTierDependent {
  /** Free while the account has no more than 3 dashboards. */
  readonly dashboardUsd: number;
  /** Free within the 10 free custom metrics (7,300 metric-hours a month). */
  readonly metricsUsd: number;
  /** Free within the 10 free alarm metrics. */
  readonly alarmUsd: number;
  /** Free within Lambda's free tier. */
  readonly lambdaUsd: number;
}

/**
 * The whole stack's monthly bill: the runs (`runs`, from `scheduledCost`), the deployment events of
 * `services` services (one deployment a day each, an upper bound), and what the configuration
 * deploys, in the key's `keyYear`-th year.
 */
export function stackCost(runs: MonthlyCost, configuration: StackConfiguration, keyYear = 1, services = 10): StackCost {
  const logsStoredGb = (runs.logsUsd / LOG_INGESTION_USD_PER_GB) * LOG_RETENTION_MONTHS;
  const deploymentEvents = services * DAYS_PER_MONTH;
  const deploymentEventsUsd =
    deploymentEvents * (DEPLOYMENT_EVENT_SECONDS * (FUNCTION_MEMORY_MB / 1024) * LAMBDA_ARM64.usdPerGbSecond + LAMBDA_ARM64.usdPerRequest);
  const items = {
    lambdaUsd: runs.lambdaUsd + deploymentEventsUsd,
    logsUsd: runs.logsUsd + logsStoredGb * LOG_STORAGE_USD_PER_GB_MONTH,
    schedulerUsd: runs.invocations * SCHEDULER_USD_PER_INVOCATION,
    snsUsd: configuration.summaryTopic ? (runs.invocations + deploymentEvents) * SNS_USD_PER_PUBLISH : 0,
    alarmUsd: alarmCount(configuration) * ALARM_USD_PER_MONTH,
    metricsUsd: (metricHoursPerMonth() / HOURS_PER_MONTH) * CUSTOM_METRIC_USD_PER_MONTH,
    dashboardUsd: configuration.dashboard ? DASHBOARD_USD_PER_MONTH : 0,
    keyUsd: configuration.createsKey ? keyUsdPerMonth(keyYear) : 0,
  };
  return { ...items, usd: Object.values(items).reduce((sum, usd) => sum + usd, 0) };
}

/** The part of a bill that the free tier can make free (`FreeTierDependent`), and what is left in any case. */
export function freeTierSplit(cost: StackCost): { dependent: FreeTierDependent; usdWithFreeTier: number } {
  const dependent = { dashboardUsd: cost.dashboardUsd, metricsUsd: cost.metricsUsd, alarmUsd: cost.alarmUsd, lambdaUsd: cost.lambdaUsd };
  return { dependent, usdWithFreeTier: cost.usd - Object.values(dependent).reduce((sum, usd) => sum + usd, 0) };
}

/** A monthly cost as a share of what `services` paused services save a month (0.17 = 17%). */
export function shareOfSaving(usd: number, services: number): number {
  return usd / (services * APP_RUNNER_SAVING_PER_SERVICE_USD);
}
