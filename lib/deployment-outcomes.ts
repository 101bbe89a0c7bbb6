/**
 * How the construct learns what became of the deployments its resume runs start: an EventBridge rule
 * that sends App Runner's deployment events to the scheduler's own function, and an alarm on the
 * DeploymentsFailed metric the function publishes for each one that failed or rolled back.
 */
import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SCHEDULER_METRICS } from '../contract/metric-names';
import { deploymentEventPattern } from '../contract/operation-event';
import { failureCountAlarm } from './scheduler-metrics';

/** What `DeploymentOutcomes` is built from. */
export interface DeploymentOutcomesProps {
  /** The scheduler's function: it receives the events and tells its own deployments from others. */
  readonly function: lambda.IFunction;
  /** The listed services' ARNs; the rule matches only their events. Empty: every service of the account (tag selection). */
  readonly services: string[];
  /** The `Scheduler` dimension's value: the function's SCHEDULER_NAME. */
  readonly schedulerName: string;
  /** Where an event that could not be delivered to the function goes. */
  readonly deadLetterQueue: sqs.IQueue;
}

/** The rule that delivers deployment events to the function, and the alarm on failed deployments. */
export class DeploymentOutcomes extends Construct {
  /** Matches App Runner's "AppRunner Service Operation Status Change" events whose code is a deployment's. */
  public readonly rule: events.Rule;
  /** In ALARM when a deployment the scheduler started after a resume failed or rolled back. */
  public readonly alarm: cloudwatch.Alarm;

  /** The services whose deployments the rule matches; undefined: every service of the account. */
  private services?: string[];

  constructor(scope: Construct, id: string, props: DeploymentOutcomesProps) {
    super(scope, id);
    // App Runner sends its events to the default bus of the service's own region: this rule sees the
    // services of the stack's region. Deployments elsewhere are reported unconfirmed by the next run.
    const pattern = deploymentEventPattern({ account: Stack.of(this).account, serviceArns: props.services });
    if (props.services.length > 0) {
      this.services = [...props.services];
      // Read at synth, in its place in the pattern: services added later widen it, and every service drops it.
      pattern.resources = Lazy.any({ produce: () => (this.services ? [...new Set(this.services)] : undefined) });
    }
    this.rule = new events.Rule(this, 'Rule', {
      description: 'App Runner deployments ending on the services the scheduler resumes: the function reports the ones it started',
      eventPattern: pattern as events.EventPattern,
    });
    this.rule.addTarget(
      new eventsTargets.LambdaFunction(props.function, {
        deadLetterQueue: props.deadLetterQueue,
        retryAttempts: 10,
        // An outcome still undelivered after a day is stale; it waits in the dead-letter queue, under the failed-run alarm.
        maxEventAge: Duration.hours(24),
      }),
    );
    this.alarm = failureCountAlarm(this, 'Alarm', {
      metricName: SCHEDULER_METRICS.deploymentsFailed,
      schedulerName: props.schedulerName,
      description:
        'A deployment the scheduler started after a resume failed or rolled back: the service runs the version from before the pause. The summary topic and the function log (deployment outcome) name the service and the operation; redeploy with aws apprunner start-deployment --service-arn <arn>.',
    });
  }

  /**
   * Matches the deployments of more services too: those another schedule resumes. Empty: every
   * service of the account (a schedule that selects by tag).
   */
  public addServices(serviceArns: string[]): void {
    if (this.services === undefined) return;
    if (serviceArns.length === 0) this.services = undefined;
    else this.services.push(...serviceArns);
  }
}
