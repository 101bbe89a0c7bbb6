/**
 * Deployment outcomes, end to end: the real handler resumes and deploys through the real SDK against
 * the emulator, the emulator sends App Runner's events as its operations end, and the harness delivers
 * them to the function's real entry point (once, twice, late or never). What the notifier is told and
 * the metrics are what a person and the alarm see.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { SCHEDULER_METRICS } from '../../contract/metric-names';
import { InvalidOperationEventError } from '../../contract/operation-event';
import { InvalidEventError } from '../../contract/event';
import { awaitedDeployment } from '../../lambda/decide';
import { createFunctionHandler } from '../../lambda/index';
import {
  MARKED_PAUSED,
  MetricsInMemory,
  OFFICE_HOURS,
  emulatorGateway,
  outcomeOf,
  recordingNotifier,
  startHarness,
  type SchedulerHarness,
} from '../support/scheduler-harness';

const RESUME = { action: 'resume', tags: OFFICE_HOURS, deployAfterResume: 'always' };
const PAUSE = { action: 'pause', tags: OFFICE_HOURS };

let harness: SchedulerHarness;
let notifier: ReturnType<typeof recordingNotifier>;
let metrics: MetricsInMemory;

beforeEach(async () => {
  notifier = recordingNotifier();
  metrics = new MetricsInMemory();
  harness = await startHarness({ handler: { notifier, metrics } });
});

afterEach(() => harness.close());

/** The deployment metrics flushed so far, by name. */
function deploymentMetrics(): string[] {
  return metrics.flushed.filter((m) => m.name === SCHEDULER_METRICS.deploymentsFailed || m.name === SCHEDULER_METRICS.deploymentsSucceeded).map((m) => m.name);
}

describe('a deployment the scheduler started after a resume', () => {
  it('that fails and rolls back is reported with the service, the operation, its final status, and alarms', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });
    harness.emulator.failNextDeployment(arn, 'ROLLBACK_SUCCEEDED');

    const report = await harness.invoke(RESUME);
    const [, deployment] = outcomeOf(report, arn).operationIds;
    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'changed', actions: ['resume', 'deploy'], statusAfter: 'OPERATION_IN_PROGRESS' });

    const results = await harness.deliverEvents();

    expect(results.map((r) => r.handled)).toEqual(['ignored', 'reported']);
    expect(notifier.deployments).toEqual([
      {
        serviceArn: arn,
        serviceName: 'web-api',
        region: 'eu-west-1',
        operationId: deployment,
        status: 'ROLLBACK_SUCCEEDED',
        eventStatus: 'DeploymentFailed',
        result: 'failed',
        attribution: 'scheduler',
        reportedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      },
    ]);
    expect(deploymentMetrics()).toEqual([SCHEDULER_METRICS.deploymentsFailed]);
    expect(harness.emulator.service(arn)).toMatchObject({ status: 'RUNNING', deployedVersion: 1, tags: OFFICE_HOURS });
  });

  it('whose rollback fails too is reported ROLLBACK_FAILED', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });
    harness.emulator.failNextDeployment(arn, 'ROLLBACK_FAILED');

    await harness.invoke(RESUME);
    await harness.deliverEvents();

    expect(notifier.deployments).toMatchObject([{ status: 'ROLLBACK_FAILED', result: 'failed', attribution: 'scheduler' }]);
    expect(deploymentMetrics()).toEqual([SCHEDULER_METRICS.deploymentsFailed]);
  });

  it('that succeeds is recorded: DeploymentsSucceeded, the outcome told, the marker removed', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });
    const pushed = harness.emulator.publishVersion(arn);

    await harness.invoke(RESUME);
    const results = await harness.deliverEvents();

    expect(results.filter((r) => r.handled === 'reported').map((r) => r.outcome)).toMatchObject([{ status: 'SUCCEEDED', result: 'succeeded' }]);
    expect(deploymentMetrics()).toEqual([SCHEDULER_METRICS.deploymentsSucceeded]);
    expect(harness.emulator.service(arn)).toMatchObject({ deployedVersion: pushed, tags: OFFICE_HOURS });
  });

  it('does not keep the run waiting: the run ends while the deployment is still in progress', async () => {
    harness.emulator.setTimings({ deploy: 60_000 });
    const arn = harness.emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });

    const report = await harness.invoke(RESUME);

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'changed', statusAfter: 'OPERATION_IN_PROGRESS' });
    expect(harness.emulator.service(arn).operations[0]).toMatchObject({ type: 'START_DEPLOYMENT', status: 'IN_PROGRESS' });
    expect(awaitedDeployment(harness.emulator.service(arn).tags)).toBe(outcomeOf(report, arn).operationIds[1]);
  });
});

describe('a deployment the scheduler did not start', () => {
  it('is not reported as the scheduler’s, even when it fails', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    harness.emulator.failNextDeployment(arn);
    harness.emulator.deployByHand(arn);

    const results = await harness.deliverEvents();

    expect(results).toMatchObject([{ handled: 'ignored', eventStatus: 'DeploymentFailed' }]);
    expect(notifier.deployments).toEqual([]);
    expect(deploymentMetrics()).toEqual([]);
  });

  it('after the scheduler’s own, whose event was lost, reports the scheduler’s from the history and not the person’s', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });
    const report = await harness.invoke(RESUME);
    await harness.deliverEvents('never');
    harness.emulator.failNextDeployment(arn);
    harness.emulator.deployByHand(arn);

    await harness.deliverEvents();

    expect(notifier.deployments).toMatchObject([{ operationId: outcomeOf(report, arn).operationIds[1], status: 'SUCCEEDED', attribution: 'scheduler' }]);
  });
});

describe('App Runner’s best-effort delivery', () => {
  it('reports an event delivered twice once', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });
    harness.emulator.failNextDeployment(arn);

    await harness.invoke(RESUME);
    const results = await harness.deliverEvents('twice');

    expect(results.filter((r) => r.eventStatus === 'DeploymentFailed').map((r) => r.handled)).toEqual(['reported', 'ignored']);
    expect(notifier.deployments).toHaveLength(1);
    expect(deploymentMetrics()).toEqual([SCHEDULER_METRICS.deploymentsFailed]);
  });

  it('reports a failure whose event arrives after the next pause as unattributable, never as silence', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });
    harness.emulator.failNextDeployment(arn);
    const resumed = await harness.invoke(RESUME);
    await harness.emulator.settled();

    const paused = await harness.invoke(PAUSE);
    await harness.deliverEvents();

    const deployment = outcomeOf(resumed, arn).operationIds[1];
    expect(outcomeOf(paused, arn)).toMatchObject({ outcome: 'changed', unconfirmedDeployment: deployment, reason: expect.stringContaining(`Deployment ${deployment}, started by an earlier resume, has no reported outcome`) });
    expect(notifier.deployments).toMatchObject([{ operationId: deployment, status: 'ROLLBACK_SUCCEEDED', attribution: 'unattributable', result: 'failed' }]);
    expect(deploymentMetrics()).toEqual([SCHEDULER_METRICS.deploymentsFailed]);
  });

  it('has the next run say a deployment’s outcome is unconfirmed when its event never arrives', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });
    const resumed = await harness.invoke(RESUME);
    await harness.deliverEvents('never');

    const paused = await harness.invoke(PAUSE);

    const deployment = outcomeOf(resumed, arn).operationIds[1];
    expect(outcomeOf(paused, arn)).toMatchObject({
      outcome: 'changed',
      unconfirmedDeployment: deployment,
      reason: expect.stringContaining(`check it with aws apprunner list-operations --service-arn ${arn}`),
    });
    expect(harness.emulator.service(arn).status).toBe('PAUSED');
    expect(notifier.deployments).toEqual([]);
  });
});

describe('the function’s entry point', () => {
  const handler = () =>
    createFunctionHandler({ gateway: emulatorGateway(harness.emulator), logger: new Logger({ logLevel: 'SILENT' }), metrics, notifier, region: 'eu-west-1' });

  it('refuses a half-valid App Runner event, naming its fields, and calls nothing', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });

    const refused = handler()({ source: 'aws.apprunner', 'detail-type': 'AppRunner Service Operation Status Change', resources: [arn], detail: {} });

    await expect(refused).rejects.toBeInstanceOf(InvalidOperationEventError);
    await expect(refused).rejects.toThrow(/account: received nothing.*region: received nothing.*time: received nothing.*detail\.operationStatus: received nothing/);
    expect(harness.emulator.calls).toEqual([]);
  });

  it('refuses a schedule event that carries an EventBridge field, instead of running it', async () => {
    harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });

    await expect(handler()({ ...PAUSE, source: 'aws.apprunner' })).rejects.toBeInstanceOf(InvalidOperationEventError);
    await expect(handler()({ ...PAUSE, version: '0' })).rejects.toBeInstanceOf(InvalidEventError);
    expect(harness.emulator.calls).toEqual([]);
  });
});
