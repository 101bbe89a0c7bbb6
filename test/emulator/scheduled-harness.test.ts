/**
 * The scheduled harness: the real handler registered as the function EventBridge Scheduler invokes, and
 * one-time schedules that fire on a scaled clock. What the snooze and wake tests build on.
 */
import { GetFunctionConfigurationCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateScheduleCommand, CreateScheduleCommandInput, SchedulerClient } from '@aws-sdk/client-scheduler';
import { RunFailedError } from '../../lambda/errors';
import { OFFICE_HOURS, emulatorClientConfig, startHarness, type ScheduledHarness } from '../support/scheduler-harness';
import { ScaledClock, instantOf } from '../support/scaled-clock';

let harness: ScheduledHarness;
let scheduler: SchedulerClient;

async function start(startAt: string, options: { maximumRetryAttempts?: number } = {}): Promise<void> {
  harness = await startHarness({
    scheduling: {
      clock: new ScaledClock({ start: instantOf(startAt, 'Europe/London') }),
      environment: { SCHEDULER_HOURS: '{"pause":{"expression":"cron(0 19 ? * MON-FRI *)","timeZone":"Europe/London"}}' },
      ...options,
    },
  });
  scheduler = new SchedulerClient(emulatorClientConfig(harness.emulator));
}

/** A one-time schedule in the harness's group, as the function arranges a deferred pause. */
function arrangedPause(name: string, at: string, event: unknown, overrides: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommand {
  return new CreateScheduleCommand({
    Name: name,
    GroupName: harness.groupName,
    ScheduleExpression: `at(${at})`,
    ScheduleExpressionTimezone: 'Europe/London',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: { Arn: harness.functionArn, RoleArn: harness.targetRoleArn, Input: JSON.stringify(event) },
    ...overrides,
  });
}

afterEach(async () => {
  scheduler.destroy();
  await harness.close();
});

describe('a scheduled harness', () => {
  it('runs the real handler when a one-time schedule comes due on the scaled clock, and the schedule deletes itself', async () => {
    await start('2026-12-01T21:58:00');
    const arn = harness.emulator.addService({ name: 'web-app', tags: OFFICE_HOURS });
    await scheduler.send(arrangedPause('pause-web-app', '2026-12-01T22:00:00', { action: 'pause', services: [arn] }));

    await harness.advanceTo('2026-12-01T22:00:30', 'Europe/London');

    const [fired] = harness.fired();
    expect(fired).toMatchObject({ name: 'pause-web-app', event: { action: 'pause', services: [arn] }, done: true });
    expect(fired.dueAt).toBe(instantOf('2026-12-01T22:00:00', 'Europe/London'));
    expect(fired.runs).toHaveLength(1);
    expect(fired.runs[0].report?.services.map((s) => [s.serviceArn, s.outcome])).toEqual([[arn, 'changed']]);
    expect(harness.emulator.service(arn).status).toBe('PAUSED');
    expect(harness.schedules()).toEqual([]);
    expect(harness.deleted().map((s) => s.name)).toEqual(['pause-web-app']);
  });

  it('waits for a named firing and hands over the handler invocation with the function ARN as its context', async () => {
    await start('2026-12-01T21:59:00');
    const arn = harness.emulator.addService({ name: 'web-app', tags: OFFICE_HOURS });
    await scheduler.send(arrangedPause('pause-web-app', '2026-12-01T22:00:00', { action: 'pause', services: [arn] }));

    const fired = await harness.waitForFiring('pause-web-app');

    expect(fired.runs[0].outcome).toBe('succeeded');
    const [invocation] = harness.emulator.lambda.invocations;
    expect(invocation).toMatchObject({ functionArn: harness.functionArn, source: 'schedule', event: { action: 'pause', services: [arn] } });
  });

  it('reports a failed run with its error, after Lambda retried it', async () => {
    await start('2026-12-01T21:59:00', { maximumRetryAttempts: 1 });
    const arn = harness.emulator.addService({ name: 'web-app', tags: OFFICE_HOURS });
    harness.emulator.injectFault({ kind: 'accessDenied', operation: 'PauseService', forMs: 60_000 });
    await scheduler.send(arrangedPause('pause-web-app', '2026-12-01T22:00:00', { action: 'pause', services: [arn] }));

    const fired = await harness.waitForFiring('pause-web-app');

    expect(fired.runs.map((r) => [r.attempt, r.outcome])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
    expect(fired.runs[1].error).toBeInstanceOf(RunFailedError);
    expect((fired.runs[1].error as RunFailedError).report.services[0].outcome).toBe('failed');
  });

  it('does not fire a DISABLED schedule however far the clock goes', async () => {
    await start('2026-12-01T21:00:00');
    await scheduler.send(arrangedPause('disabled', '2026-12-01T21:30:00', { action: 'pause', tags: OFFICE_HOURS }, { State: 'DISABLED' }));

    await harness.jumpTo('2026-12-02T08:00:00', 'Europe/London');

    expect(harness.fired()).toEqual([]);
    expect(harness.schedules().map((s) => s.name)).toEqual(['disabled']);
  });

  it('fires what came due during a jump late, at the instant jumped to', async () => {
    await start('2026-12-01T21:00:00');
    await scheduler.send(arrangedPause('missed', '2026-12-01T22:00:00', { action: 'pause', tags: OFFICE_HOURS }));

    await harness.jumpTo('2026-12-01T23:00:00', 'Europe/London');

    const [fired] = harness.fired();
    expect(fired.firedAt - fired.dueAt).toBeGreaterThanOrEqual(3_600_000);
  });

  it('rejects a wait for a schedule that does not fire before the instant given', async () => {
    await start('2026-12-01T21:59:00');

    await expect(harness.waitForFiring('never-created', { before: '2026-12-01T22:00:00', timeZone: 'Europe/London' })).rejects.toThrow(
      'schedule never-created had not fired by 2026-12-01T22:00:00.000Z (virtual)',
    );
  });

  it('shows the function with its environment, the group and the target role filled in, to GetFunctionConfiguration', async () => {
    await start('2026-12-01T21:00:00');
    const lambda = new LambdaClient(emulatorClientConfig(harness.emulator));

    const configuration = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: harness.functionName }));
    lambda.destroy();

    expect(configuration.FunctionArn).toBe(harness.functionArn);
    expect(configuration.Environment?.Variables).toEqual({
      SCHEDULER_GROUP_NAME: 'apprunner-scheduler',
      SCHEDULER_TARGET_ROLE_ARN: harness.targetRoleArn,
      SCHEDULER_HOURS: '{"pause":{"expression":"cron(0 19 ? * MON-FRI *)","timeZone":"Europe/London"}}',
    });
  });

  it('serves Lambda Invoke with the real handler: a report, or the run\'s failure as an unhandled error', async () => {
    await start('2026-12-01T21:00:00');
    const arn = harness.emulator.addService({ name: 'web-app', tags: OFFICE_HOURS });
    const lambda = new LambdaClient(emulatorClientConfig(harness.emulator));

    const paused = await lambda.send(new InvokeCommand({ FunctionName: harness.functionName, Payload: JSON.stringify({ action: 'pause', services: [arn] }) }));
    harness.emulator.injectFault({ kind: 'accessDenied', operation: 'ResumeService', forMs: 60_000 });
    const refused = await lambda.send(new InvokeCommand({ FunctionName: harness.functionName, Payload: JSON.stringify({ action: 'resume', services: [arn] }) }));
    lambda.destroy();

    const report = JSON.parse(Buffer.from(paused.Payload ?? new Uint8Array()).toString()) as { services: { outcome: string }[] };
    expect(report.services.map((s) => s.outcome)).toEqual(['changed']);
    expect(refused.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(refused.Payload ?? new Uint8Array()).toString())).toMatchObject({ errorType: 'RunFailedError' });
  });
});
