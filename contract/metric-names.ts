/**
 * The names of the scheduler's CloudWatch metrics: the function publishes them (lambda/metrics.ts)
 * and the construct's dashboard and alarms read them (lib/), so they live here, once. Pure: no SDK,
 * no CDK.
 *
 * Dimensions stay low-cardinality, because custom metrics are billed per dimension set: every metric
 * carries `Scheduler`; the run metrics carry `Action` too; none is ever per service.
 */

/** The CloudWatch namespace of every metric. */
export const METRICS_NAMESPACE = 'AppRunnerScheduler';

/** The dimension that names the scheduler (the function's SCHEDULER_NAME). */
export const SCHEDULER_DIMENSION = 'Scheduler';

/** The dimension that names a run's action, `pause` or `resume`. */
export const ACTION_DIMENSION = 'Action';

/** Metrics of one run, with the dimensions `Scheduler` and `Action`. A dry run publishes none of them. */
export const RUN_METRICS = {
  /** Services the run paused (Count). */
  servicesPaused: 'ServicesPaused',
  /** Services the run resumed (Count). */
  servicesResumed: 'ServicesResumed',
  /** Services whose deployment the run started after a resume (Count). */
  servicesDeployed: 'ServicesDeployed',
  /** Services the run skipped: opted out, snoozed, or in a state it does not touch (Count). */
  servicesSkipped: 'ServicesSkipped',
  /** Services the run failed to bring to their target state (Count). */
  servicesFailed: 'ServicesFailed',
  /** Hours the services a resume run resumed had been paused, summed; only when the report has the figure (Count of hours, unit None). */
  hoursPaused: 'HoursPaused',
  /** What the resumed services saved while paused, in USD; only when the report has the figure (unit None). */
  amountSaved: 'AmountSaved',
} as const;

/** Metrics of the scheduler as a whole, with the dimension `Scheduler` only. */
export const SCHEDULER_METRICS = {
  /** Selected services PAUSED when a (real) run ended, whatever its action: what is paused now (Count). */
  servicesPausedNow: 'ServicesPausedNow',
  /** Deployments started after a resume that App Runner reported SUCCEEDED (Count). */
  deploymentsSucceeded: 'DeploymentsSucceeded',
  /** Deployments started after a resume that failed or rolled back (Count). */
  deploymentsFailed: 'DeploymentsFailed',
  /** Notifications that could not be published to the summary topic (Count), dry runs' included. */
  notificationsFailed: 'NotificationsFailed',
} as const;

/** The currency of `AmountSaved`. */
export const AMOUNT_SAVED_CURRENCY = 'USD';
