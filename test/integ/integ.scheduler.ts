/**
 * A deployable integration test, run by a maintainer in a real account (see README.md beside this
 * file): one small App Runner service from a public image and a scheduler for it, then assertions that
 * invoke the scheduler's function as its schedules would. A pause run must leave the service PAUSED;
 * a resume run with `deployAfterResume: 'always'` must bring it back RUNNING and start a deployment.
 *
 * CI never deploys it: test/integ/integ-snapshot.test.ts synthesizes it offline and compares the
 * templates with the committed snapshot.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apprunner from 'aws-cdk-lib/aws-apprunner';
import { ExpectedResult, InvocationType, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { AppRunnerScheduler, DeployAfterResume } from '../../lib';

/** A public image that serves HTTP on port 8000, so the service becomes healthy with no registry of our own. */
const IMAGE = 'public.ecr.aws/aws-containers/hello-app-runner:latest';

/** App Runner operations take minutes: a pause about 1, a resume or a deployment 3 to 8. */
const WAIT = { totalTimeout: Duration.minutes(25), interval: Duration.seconds(30), backoffRate: 1 };

const app = new App();
const stack = new Stack(app, 'AppRunnerSchedulerInteg');

const service = new apprunner.CfnService(stack, 'HelloService', {
  sourceConfiguration: {
    autoDeploymentsEnabled: false, // ECR Public images cannot deploy automatically
    imageRepository: {
      imageIdentifier: IMAGE,
      imageRepositoryType: 'ECR_PUBLIC',
      imageConfiguration: { port: '8000' },
    },
  },
  instanceConfiguration: { cpu: '0.25 vCPU', memory: '0.5 GB' },
});

const scheduler = new AppRunnerScheduler(stack, 'Scheduler', {
  services: [service.attrServiceArn],
  pauseAt: '19:00',
  resumeAt: '07:00',
  deployAfterResume: DeployAfterResume.ALWAYS,
  // The assertions invoke the function; the schedules must not fire during the test.
  enabled: false,
});

const integ = new IntegTest(app, 'AppRunnerSchedulerIntegTest', {
  testCases: [stack],
});

/** Invokes the function as EventBridge Scheduler does: asynchronously, with the schedule's JSON input. */
function invokeAsTheScheduleWould(event: Record<string, unknown>) {
  return integ.assertions.invokeFunction({
    functionName: scheduler.function.functionName,
    invocationType: InvocationType.EVENT,
    payload: JSON.stringify({ services: [service.attrServiceArn], ...event }),
  });
}

function statusBecomes(status: 'PAUSED' | 'RUNNING') {
  return integ.assertions
    .awsApiCall('AppRunner', 'describeService', { ServiceArn: service.attrServiceArn })
    .expect(ExpectedResult.objectLike({ Service: { Status: status } }))
    .waitForAssertions(WAIT);
}

const deploymentSucceeded = integ.assertions
  .awsApiCall('AppRunner', 'listOperations', { ServiceArn: service.attrServiceArn })
  .expect(ExpectedResult.objectLike({ OperationSummaryList: Match.arrayWith([Match.objectLike({ Type: 'START_DEPLOYMENT', Status: 'SUCCEEDED' })]) }))
  .waitForAssertions(WAIT);

invokeAsTheScheduleWould({ action: 'pause' })
  .next(statusBecomes('PAUSED'))
  .next(invokeAsTheScheduleWould({ action: 'resume', deployAfterResume: 'always' }))
  .next(statusBecomes('RUNNING'))
  // Waiting for the deployment to finish, not only to start, also leaves the service deletable on teardown.
  .next(deploymentSucceeded);

app.synth();
