/**
 * What became of a deployment the scheduler started after a resume. A minimal placeholder written on
 * branch `metrics` so that notifications and metrics can be built against it; branch `deploy-events`
 * owns this file and replaces it with the outcome it reads from App Runner's EventBridge events.
 */

/** The final state of one deployment the scheduler started. */
export interface DeploymentOutcome {
  readonly serviceArn: string;
  readonly serviceName: string;
  readonly region: string;
  /** The operation id `StartDeployment` returned. */
  readonly operationId: string;
  /** App Runner's final operation status: `SUCCEEDED`, `FAILED`, `ROLLBACK_SUCCEEDED` or `ROLLBACK_FAILED`. */
  readonly status: string;
}
