/**
 * The only module that talks to EventBridge Scheduler: it creates the one-time schedules that pause
 * a service when its snooze or wake ends. The run sees the small `SchedulerGateway` interface, so it
 * can be tested against the emulator through the real SDK, or with an injected one.
 */
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { errorName, SchedulerCallError } from './errors';

/** A one-time schedule that invokes the function once with `input`, then deletes itself. */
export interface OneTimeSchedule {
  /** Deterministic, so that a retried run finds the schedule it created before. */
  readonly name: string;
  readonly groupName: string;
  /** When it fires, to the minute (EventBridge Scheduler's precision). */
  readonly at: Date;
  /** The function's unqualified ARN. */
  readonly functionArn: string;
  /** The role the schedule invokes the function with. */
  readonly roleArn: string;
  /** The event, as JSON text. */
  readonly input: string;
  /** Where an event that could not be delivered goes. @default none */
  readonly deadLetterQueueArn?: string;
  /** The customer managed key the schedule is encrypted with. @default an AWS owned key */
  readonly kmsKeyArn?: string;
  readonly description: string;
}

/** Whether CreateSchedule created the schedule, or found it already there (a retried run). */
export type ScheduleCreation = 'created' | 'exists';

/** The Scheduler calls a run makes. Every method throws `SchedulerCallError` on failure. */
export interface SchedulerGateway {
  createOneTimeSchedule(schedule: OneTimeSchedule): Promise<ScheduleCreation>;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC. */
export function atExpression(at: Date): string {
  return `at(${at.toISOString().slice(0, 19)})`;
}

/**
 * How long EventBridge Scheduler keeps trying to hand the event to Lambda, and how often: like the
 * construct's own schedules. A pause still undelivered after an hour is stale.
 */
const RETRY_POLICY = { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 };

/** How the SDK client is built. */
export interface SdkSchedulerGatewayOptions {
  /** The region of the function and its schedule group. @default the SDK's (AWS_REGION) */
  readonly region?: string;
  /** Attempts per call, the first included, for throttling and 5xx. @default 8 */
  readonly maxAttempts?: number;
  /** Credentials for the client; the SDK's default chain when absent. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** An endpoint (the emulator); the SDK's `AWS_ENDPOINT_URL_SCHEDULER` variable works too. */
  readonly endpoint?: string;
}

/** The gateway backed by the AWS SDK v3 Scheduler client, built on first use. */
export class SdkSchedulerGateway implements SchedulerGateway {
  private client?: SchedulerClient;

  constructor(private readonly options: SdkSchedulerGatewayOptions = {}) {}

  private scheduler(): SchedulerClient {
    this.client ??= new SchedulerClient({
      ...(this.options.region ? { region: this.options.region } : {}),
      maxAttempts: this.options.maxAttempts ?? 8,
      retryMode: 'adaptive',
      ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
      ...(this.options.endpoint ? { endpoint: this.options.endpoint } : {}),
    });
    return this.client;
  }

  async createOneTimeSchedule(schedule: OneTimeSchedule): Promise<ScheduleCreation> {
    const command = new CreateScheduleCommand({
      Name: schedule.name,
      GroupName: schedule.groupName,
      Description: schedule.description,
      ScheduleExpression: atExpression(schedule.at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      ...(schedule.kmsKeyArn ? { KmsKeyArn: schedule.kmsKeyArn } : {}),
      Target: {
        Arn: schedule.functionArn,
        RoleArn: schedule.roleArn,
        Input: schedule.input,
        RetryPolicy: RETRY_POLICY,
        ...(schedule.deadLetterQueueArn ? { DeadLetterConfig: { Arn: schedule.deadLetterQueueArn } } : {}),
      },
    });
    try {
      await this.scheduler().send(command);
      return 'created';
    } catch (error) {
      // The name says the service, the kind and the instant: the schedule there is this very one.
      if (errorName(error) === 'ConflictException') return 'exists';
      throw new SchedulerCallError('CreateSchedule', `${schedule.groupName}/${schedule.name}`, error);
    }
  }
}
