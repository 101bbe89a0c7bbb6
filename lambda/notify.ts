/**
 * Notifications a person reads: the run's summary and the end of a deployment the scheduler
 * started, published to the summary topic. One SNS message serves every subscriber: with
 * `MessageStructure: 'json'`, e-mail subscriptions get the plain text (and the JSON report), every
 * other protocol gets the `default` value, the Chatbot custom notification that AWS Chatbot (Amazon Q
 * Developer in chat applications), subscribed over HTTPS, renders in Slack or Teams.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { DeploymentOutcome } from './deployment-outcome';
import { NotificationError } from './errors';
import { deploymentMessage, runMessage, type MessageContext, type NotificationMessage } from './notification-message';
import type { RunReport } from './report';

/** Where the function's notifications go. Injected into the handler; `deploy-events` calls `deploymentFinished`. */
export interface Notifier {
  /** Tells of a finished run (a dry run's too). Rejects with a NotificationError when the message could not be sent. */
  runFinished(report: RunReport): Promise<void>;
  /** Tells of a deployment the scheduler started after a resume, once it ended. Rejects with a NotificationError when the message could not be sent. */
  deploymentFinished(outcome: DeploymentOutcome): Promise<void>;
}

/** The part of the SNS client the notifier uses. */
export interface SnsPublisher {
  send(command: PublishCommand): Promise<unknown>;
}

/** Options for `SnsNotifier`. */
export interface SnsNotifierOptions extends MessageContext {
  /** The summary topic's ARN. */
  readonly topicArn: string;
  /** The SNS client. @default an SNSClient in the function's region */
  readonly client?: SnsPublisher;
}

/** Publishes each notification to one SNS topic, as e-mail text and a Chatbot notification. */
export class SnsNotifier implements Notifier {
  private readonly client: SnsPublisher;

  constructor(private readonly options: SnsNotifierOptions) {
    this.client = options.client ?? new SNSClient({});
  }

  async runFinished(report: RunReport): Promise<void> {
    await this.publish(runMessage(report, this.options), `the ${report.action} run's summary`);
  }

  async deploymentFinished(outcome: DeploymentOutcome): Promise<void> {
    await this.publish(deploymentMessage(outcome, this.options), `the deployment outcome of ${outcome.serviceArn}`);
  }

  private async publish(message: NotificationMessage, what: string): Promise<void> {
    try {
      await this.client.send(new PublishCommand(snsPublishInput(this.options.topicArn, message)));
    } catch (error) {
      throw new NotificationError(this.options.topicArn, what, error);
    }
  }
}

/** The Publish request of a message: one subject, the text for e-mail, the Chatbot JSON for everyone else. */
export function snsPublishInput(topicArn: string, message: NotificationMessage) {
  const chat = JSON.stringify(message.chat);
  return {
    TopicArn: topicArn,
    Subject: message.subject,
    MessageStructure: 'json',
    Message: JSON.stringify({ default: chat, email: message.text }),
  };
}

/** The notifier of a function without a summary topic: there is nobody to tell. */
export const NO_NOTIFIER: Notifier = {
  runFinished: async () => undefined,
  deploymentFinished: async () => undefined,
};
