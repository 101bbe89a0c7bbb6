/**
 * Many accounts end to end: the real handler, the production StsAccountAccess and the real AWS SDK
 * (App Runner, Tagging API and STS) against the emulator, whose accounts are told apart by the
 * credentials a call carries and whose STS issues the member role's sessions.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { STSClient } from '@aws-sdk/client-sts';
import { SdkStsGateway, StsAccountAccess, type StsAccountAccessOptions } from '../../lambda/accounts';
import { RunFailedError } from '../../lambda/errors';
import { createHandler } from '../../lambda/index';
import type { RunReport } from '../../lambda/report';
import { memberRoleArn } from '../../contract/member-role';
import { SCHEDULER_MEMBER_EXTERNAL_ID_ENV } from '../../contract/function-environment';
import { startEmulator, type AppRunnerEmulator, type EmulatorOptions } from '../../emulator/app-runner-emulator';
import { emulatorGateway, FAST_POLL, harnessHandler, MetricsInMemory, OFFICE_HOURS, outcomeOf, REGION, TEST_CREDENTIALS, type Invoke } from '../support/scheduler-harness';

const HOME = '123456789012';
const STAGING = '210987654321';
const SANDBOX = '333333333333';
const FUNCTION_ARN = `arn:aws:lambda:${REGION}:${HOME}:function:apprunner-scheduler`;
const CONTEXT = { getRemainingTimeInMillis: () => 60_000, invokedFunctionArn: FUNCTION_ARN };

let emulator: AppRunnerEmulator;

async function start(options: EmulatorOptions = {}): Promise<void> {
  emulator = await startEmulator({ timings: { pause: 30, resume: 30, deploy: 30 }, ...options });
}

afterEach(() => emulator.close());

/** The production access pointed at the emulator: the function's own credentials at home, the member role's elsewhere. */
function stsAccess(options: Partial<StsAccountAccessOptions> = {}): StsAccountAccess {
  const sts = new SdkStsGateway(new STSClient({ region: REGION, endpoint: emulator.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 3, retryMode: 'standard' }));
  return new StsAccountAccess({
    home: { account: HOME, partition: 'aws' },
    sts,
    gateway: { endpoint: emulator.endpoint, credentials: TEST_CREDENTIALS, maxAttempts: 4, retryMode: 'standard' },
    ...options,
  });
}

function handlerWith(access: StsAccountAccess): Invoke {
  return harnessHandler(emulatorGateway(emulator), { accounts: access });
}

/** The RunFailedError a run rejects with; fails the test when the run does not fail. */
async function failure(run: Promise<RunReport>): Promise<RunFailedError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RunFailedError)) throw new Error(`expected the run to fail, got ${String(error)}`);
  return error;
}

/** The report of a run that fails. */
async function failedReport(run: Promise<RunReport>): Promise<RunReport> {
  return (await failure(run)).report;
}

function statusOf(arn: string): string {
  return emulator.service(arn).status;
}

/** The AssumeRole calls the emulator answered for the member role of `account`. */
function assumeRoleCalls(account: string) {
  return emulator.callsTo('AssumeRole').filter((c) => c.targetArn === memberRoleArn('aws', account));
}

describe('a scheduler for many accounts', () => {
  it('pauses the services of the accounts whose role it can assume, reports those of an account without the role failed, and fails the invocation', async () => {
    await start();
    emulator.addRole(STAGING);
    const done = [
      emulator.addService({ name: 'home-web', tags: OFFICE_HOURS }),
      emulator.addService({ name: 'staging-web', account: STAGING, tags: OFFICE_HOURS }),
    ];
    const unreached = emulator.addService({ name: 'sandbox-web', account: SANDBOX, tags: OFFICE_HOURS });
    const listed = emulator.addService({ name: 'sandbox-api', account: SANDBOX });

    const { report, message } = await failure(handlerWith(stsAccess())({ action: 'pause', tags: OFFICE_HOURS, accounts: [HOME, STAGING, SANDBOX], services: [listed] }, CONTEXT));

    expect(done.map(statusOf)).toEqual(['PAUSED', 'PAUSED']);
    expect([unreached, listed].map(statusOf)).toEqual(['RUNNING', 'RUNNING']);
    expect(done.map((arn) => outcomeOf(report, arn).outcome)).toEqual(['changed', 'changed']);
    const because = `could not assume ${memberRoleArn('aws', SANDBOX)} to act in account ${SANDBOX}: AccessDenied`;
    expect(outcomeOf(report, listed)).toMatchObject({ outcome: 'failed', reason: expect.stringContaining(because) });
    expect(report.selectionFailures).toEqual([{ target: REGION, account: SANDBOX, reason: expect.stringContaining(because) }]);
    expect(emulator.mutatingCalls().map((c) => c.account).sort()).toEqual([HOME, HOME, STAGING, STAGING]);
    expect(message).toMatch(new RegExp(`^The pause run failed for 2 of its targets: ${listed}: .*; ${REGION} in account ${SANDBOX}: could not list`));
  });

  it('acts on a listed ARN of another account in that account, with the member role\'s session', async () => {
    await start();
    emulator.addRole(STAGING);
    const arn = emulator.addService({ name: 'staging-web', account: STAGING });

    const report = await handlerWith(stsAccess())({ action: 'pause', services: [arn] }, CONTEXT);

    expect(statusOf(arn)).toBe('PAUSED');
    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(emulator.mutatingCalls().map((c) => [c.operation, c.account])).toEqual([
      ['TagResource', STAGING],
      ['PauseService', STAGING],
    ]);
  });

  it('passes the external id the member role asks for, from the function\'s environment', async () => {
    await start();
    emulator.addRole(STAGING, undefined, { externalId: 'platform-7f3a' });
    const arn = emulator.addService({ name: 'staging-web', account: STAGING });
    // The production default: no gateway and no access injected; the SDK finds the emulator, the region
    // and the credentials in the environment, as in Lambda, and the home account in the function's ARN.
    const variables = { AWS_ENDPOINT_URL: emulator.endpoint, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey };
    const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
    Object.assign(process.env, variables);
    try {
      const handler = createHandler({ region: REGION, poll: FAST_POLL, logger: new Logger({ logLevel: 'SILENT' }), metrics: new MetricsInMemory(), environment: { [SCHEDULER_MEMBER_EXTERNAL_ID_ENV]: 'platform-7f3a' } });

      await handler({ action: 'pause', services: [arn] }, CONTEXT);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }

    expect(statusOf(arn)).toBe('PAUSED');
    expect(assumeRoleCalls(STAGING).map((c) => (c.input as Record<string, string>).ExternalId)).toEqual(['platform-7f3a']);
    expect(emulator.callsTo('GetCallerIdentity')).toEqual([]);
  });

  it('assumes the role of an account once, for all of its regions and calls', async () => {
    await start();
    emulator.addRole(STAGING);
    const regions = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];
    const arns = regions.flatMap((region) => [0, 1].map((i) => emulator.addService({ name: `staging-${region}-${i}`, region, account: STAGING, tags: OFFICE_HOURS })));

    await handlerWith(stsAccess())({ action: 'pause', tags: OFFICE_HOURS, accounts: [STAGING], regions }, CONTEXT);

    expect(arns.map(statusOf)).toEqual(arns.map(() => 'PAUSED'));
    expect(assumeRoleCalls(STAGING)).toHaveLength(1);
    expect(emulator.calls.filter((c) => c.api !== 'STS' && c.account === STAGING).length).toBeGreaterThan(12);
  });

  it('assumes the role again before its credentials expire, in a run that outlasts them, and no call is refused for an expired token', async () => {
    await start({ timings: { pause: 30, resume: 2_500, deploy: 1_000 } });
    emulator.addRole(STAGING);
    emulator.setCredentialLifetime(2);
    const arns = [0, 1, 2].map((i) => emulator.addService({ name: `staging-web-${i}`, account: STAGING, status: 'PAUSED', tags: OFFICE_HOURS }));

    const report = await handlerWith(stsAccess({ refreshBeforeExpiryMs: 1_000 }))(
      { action: 'resume', tags: OFFICE_HOURS, accounts: [STAGING], deployAfterResume: 'always', resumeManuallyPaused: true },
      CONTEXT,
    );

    expect(arns.map((arn) => [outcomeOf(report, arn).outcome, ...outcomeOf(report, arn).actions])).toEqual(arns.map(() => ['changed', 'resume', 'deploy']));
    expect(assumeRoleCalls(STAGING).length).toBeGreaterThan(1);
    expect(emulator.calls.filter((c) => c.errorType !== undefined)).toEqual([]);
  });

  it('assumes the role again and makes the call once more when App Runner refuses a session as expired before its time', async () => {
    await start({ timings: { pause: 30, resume: 1_000, deploy: 30 } });
    emulator.addRole(STAGING);
    const arn = emulator.addService({ name: 'staging-web', account: STAGING, status: 'PAUSED', tags: OFFICE_HOURS });
    const run = handlerWith(stsAccess())({ action: 'resume', tags: OFFICE_HOURS, accounts: [STAGING], deployAfterResume: 'never', resumeManuallyPaused: true }, CONTEXT);
    while (emulator.callsTo('ResumeService').length === 0) await new Promise((resolve) => setTimeout(resolve, 5));

    emulator.expireSessions(STAGING);
    const report = await run;

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'changed', statusAfter: 'RUNNING' });
    expect(emulator.calls.filter((c) => c.errorType === 'ExpiredTokenException').length).toBeGreaterThan(0);
    expect(assumeRoleCalls(STAGING)).toHaveLength(2);
  });

  it('finishes the other accounts while App Runner throttles one account past the SDK\'s retries, and reports that account\'s services failed', async () => {
    await start();
    emulator.addRole(STAGING);
    emulator.addRole(SANDBOX);
    emulator.injectFault({ kind: 'throttle', api: 'AppRunner', account: SANDBOX, forMs: 60_000 });
    const done = [
      emulator.addService({ name: 'home-web', tags: OFFICE_HOURS }),
      emulator.addService({ name: 'staging-web', account: STAGING, tags: OFFICE_HOURS }),
    ];
    const throttled = emulator.addService({ name: 'sandbox-web', account: SANDBOX, tags: OFFICE_HOURS });
    const listed = emulator.addService({ name: 'sandbox-api', account: SANDBOX });

    const report = await failedReport(handlerWith(stsAccess())({ action: 'pause', tags: OFFICE_HOURS, accounts: [HOME, STAGING, SANDBOX], services: [listed] }, CONTEXT));

    expect(done.map(statusOf)).toEqual(['PAUSED', 'PAUSED']);
    expect([throttled, listed].map(statusOf)).toEqual(['RUNNING', 'RUNNING']);
    expect(outcomeOf(report, listed)).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('ThrottlingException') });
    expect(report.selectionFailures).toEqual([{ target: REGION, account: SANDBOX, reason: expect.stringContaining('ListServices on eu-west-1 failed: ThrottlingException') }]);
  });

  it('finishes the other accounts while one account\'s STS answers Throttling', async () => {
    await start();
    emulator.addRole(STAGING);
    emulator.addRole(SANDBOX);
    emulator.injectFault({ kind: 'throttle', api: 'STS', operation: 'AssumeRole', serviceArn: memberRoleArn('aws', SANDBOX), forMs: 60_000 });
    const done = [
      emulator.addService({ name: 'home-web', tags: OFFICE_HOURS }),
      emulator.addService({ name: 'staging-web', account: STAGING, tags: OFFICE_HOURS }),
    ];
    const throttled = emulator.addService({ name: 'sandbox-web', account: SANDBOX, tags: OFFICE_HOURS });

    const report = await failedReport(handlerWith(stsAccess())({ action: 'pause', tags: OFFICE_HOURS, accounts: [HOME, STAGING, SANDBOX] }, CONTEXT));

    expect(done.map(statusOf)).toEqual(['PAUSED', 'PAUSED']);
    expect(statusOf(throttled)).toBe('RUNNING');
    expect(report.selectionFailures).toEqual([
      { target: REGION, account: SANDBOX, reason: expect.stringContaining(`could not assume ${memberRoleArn('aws', SANDBOX)} to act in account ${SANDBOX}: Throttling`) },
    ]);
    // The SDK's attempts, then the failure stands for the rest of the run: no call of the account asks again.
    expect(assumeRoleCalls(SANDBOX)).toHaveLength(3);
  });
});
