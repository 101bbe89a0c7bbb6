/**
 * A run tells of itself: the real handler against the App Runner emulator publishes its EMF metrics and
 * one notification to the summary topic through the real `@aws-sdk/client-sns` (to the SNS emulator),
 * writes its metrics when it fails too, and survives a notification that cannot be sent.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SNSClient } from '@aws-sdk/client-sns';
import { RUN_METRICS, SCHEDULER_METRICS } from '../../contract/metric-names';
import { startEmulator, type AppRunnerEmulator } from '../../emulator/app-runner-emulator';
import { startSnsEmulator, type SnsEmulator } from '../../emulator/sns-emulator';
import { RunFailedError } from '../../lambda/errors';
import { PowertoolsSchedulerMetrics } from '../../lambda/metrics';
import type { ChatNotification } from '../../lambda/notification-message';
import { SnsNotifier } from '../../lambda/notify';
import {
  MARKED_PAUSED,
  OFFICE_HOURS,
  REGION,
  TEST_CREDENTIALS,
  emfWrittenDuring,
  emulatorGateway,
  harnessHandler,
  type EmfDocument,
  type Invoke,
} from '../support/scheduler-harness';

const TOPIC_ARN = `arn:aws:sns:${REGION}:123456789012:scheduler-summary`;
const RESUME = { action: 'resume', tags: OFFICE_HOURS, deployAfterResume: 'never' };

let appRunner: AppRunnerEmulator;
let sns: SnsEmulator;
let logger: Logger;
let invoke: Invoke;

beforeEach(async () => {
  appRunner = await startEmulator();
  sns = await startSnsEmulator({ topicArns: [TOPIC_ARN] });
  logger = new Logger({ logLevel: 'SILENT' });
  const client = new SNSClient({ endpoint: sns.endpoint, region: REGION, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  invoke = harnessHandler(emulatorGateway(appRunner), {
    logger,
    metrics: new PowertoolsSchedulerMetrics({ schedulerName: 'office-hours' }),
    notifier: new SnsNotifier({ topicArn: TOPIC_ARN, schedulerName: 'office-hours', client }),
  });
});

afterEach(async () => {
  await Promise.all([appRunner.close(), sns.close()]);
});

/** The value of each metric in the EMF documents, by name. */
function values(documents: readonly EmfDocument[]): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const document of documents) for (const directive of document._aws.CloudWatchMetrics) for (const m of directive.Metrics) found[m.Name] = document[m.Name];
  return found;
}

describe('a resume run', () => {
  it('publishes its metrics and one notification: text for e-mail, a Chatbot notification for the rest', async () => {
    appRunner.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });
    appRunner.addService({ name: 'worker', status: 'PAUSED', tags: MARKED_PAUSED });

    const { documents, result } = await emfWrittenDuring(() => invoke(RESUME));

    expect(result?.counts.changed).toBe(2);
    const saved = result!.savings!.amount!;
    expect(values(documents)).toMatchObject({
      [RUN_METRICS.servicesResumed]: 2,
      [RUN_METRICS.servicesFailed]: 0,
      [SCHEDULER_METRICS.servicesPausedNow]: 0,
      [RUN_METRICS.amountSaved]: saved,
      [RUN_METRICS.hoursPaused]: result!.savings!.hours,
    });
    const [message] = sns.published();
    expect(sns.published()).toHaveLength(1);
    expect(message.subject).toBe(`[office-hours] Resumed 2 services, saved ${saved.toFixed(2)} USD`);
    expect(message.deliveredTo('email')).toContain('Changed (2):\n- web-api (eu-west-1): resumed');
    expect(message.deliveredTo('email')).toContain('The JSON report:\n');
    const chat = JSON.parse(message.deliveredTo('https')) as ChatNotification;
    expect(chat).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown', title: `office-hours: Resumed 2 services, saved ${saved.toFixed(2)} USD` } });
    expect(JSON.parse(message.deliveredTo('sqs'))).toEqual(chat);
  });

  it('still writes its metrics and notifies, with what to do, when a service fails', async () => {
    const arn = appRunner.addService({ name: 'stuck', status: 'PAUSED', tags: MARKED_PAUSED });
    appRunner.injectFault({ operation: 'ResumeService', kind: 'accessDenied', times: 10 });

    const { documents, error } = await emfWrittenDuring(() => invoke(RESUME));

    expect(error).toBeInstanceOf(RunFailedError);
    expect(values(documents)).toMatchObject({ [RUN_METRICS.servicesFailed]: 1, [SCHEDULER_METRICS.servicesPausedNow]: 1 });
    const [message] = sns.published();
    expect(message.subject).toBe('[office-hours] Resume run changed nothing (1 service selected), 1 failed');
    expect(message.deliveredTo('email')).toContain(`Resume it by hand: aws apprunner resume-service --service-arn ${arn} --region eu-west-1`);
  });
});

describe('a notification that cannot be sent', () => {
  it('leaves the run done, logs an error and counts NotificationsFailed', async () => {
    appRunner.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });
    sns.failNextPublish('AuthorizationError', 403);
    const errors = jest.spyOn(logger, 'error');

    const { documents, result, error } = await emfWrittenDuring(() => invoke(RESUME));

    expect(error).toBeUndefined();
    expect(result?.counts.changed).toBe(1);
    expect(appRunner.service(result!.services[0].serviceArn).status).toBe('RUNNING');
    expect(errors).toHaveBeenCalledWith('the run is done, but its notification was not sent', expect.objectContaining({ error: expect.any(Error) }));
    expect(values(documents)).toMatchObject({ [SCHEDULER_METRICS.notificationsFailed]: 1, [RUN_METRICS.servicesResumed]: 1 });
    expect(sns.published()).toHaveLength(0);
  });
});

describe('a dry run', () => {
  it('notifies in the future tense and publishes no run metric', async () => {
    appRunner.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED, autoDeploymentsEnabled: false });

    const { documents } = await emfWrittenDuring(() => invoke({ ...RESUME, dryRun: true, deployAfterResume: 'always' }));

    expect(documents).toEqual([]);
    const [message] = sns.published();
    expect(message.subject).toBe('[office-hours] Dry run: would resume 1 service, deploy 1');
    expect(message.deliveredTo('email')).toContain('Deployments it would start (1):\n- web-api (eu-west-1)');
  });
});
