import {
  ConflictException,
  CreateScheduleCommand,
  CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
  paginateListSchedules,
} from '@aws-sdk/client-scheduler';
import { AppRunnerEmulator, EmulatorOptions, startEmulator } from '../../emulator/app-runner-emulator';
import type { LambdaContext } from '../../emulator/functions';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const ROLE = 'arn:aws:iam::123456789012:role/scheduler-invoke';
const GROUP = 'apprunner-scheduler';

let emulator: AppRunnerEmulator;
let scheduler: SchedulerClient;
/** The hand-driven scheduler clock of each test, epoch ms. */
let now: number;
let functionArn: string;
let received: { event: unknown; context: LambdaContext; at: number }[];
let failuresLeft: number;
const clients: { destroy(): void }[] = [];

async function restart(options: EmulatorOptions = {}): Promise<void> {
  await emulator?.close();
  now = Date.parse('2026-12-01T18:00:00Z');
  received = [];
  failuresLeft = 0;
  emulator = await startEmulator({ ...options, scheduler: { clock: () => now, groups: [GROUP], ...options.scheduler } });
  functionArn = emulator.lambda.addFunction({
    name: 'apprunner-scheduler',
    handler: async (event, context) => {
      received.push({ event, context, at: now });
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('the run failed');
      }
      return { handled: event };
    },
  });
  scheduler = schedulerClient();
}

function schedulerClient(region = 'eu-west-1', maxAttempts?: number): SchedulerClient {
  const client = new SchedulerClient({ endpoint: emulator.endpoint, region, credentials, maxAttempts });
  clients.push(client);
  return client;
}

/** A valid one-time schedule for the function, with `overrides`. */
function oneTime(overrides: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name: 'pause-web-app-2200',
    GroupName: GROUP,
    ScheduleExpression: 'at(2026-12-01T22:00:00)',
    ScheduleExpressionTimezone: 'Europe/London',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: { Arn: functionArn, RoleArn: ROLE, Input: JSON.stringify({ action: 'pause', services: ['arn:x'] }) },
    ...overrides,
  };
}

async function create(overrides: Partial<CreateScheduleCommandInput> = {}): Promise<string> {
  return (await scheduler.send(new CreateScheduleCommand(oneTime(overrides)))).ScheduleArn as string;
}

async function exists(name: string, group = GROUP): Promise<boolean> {
  try {
    await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: group }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function namesListed(input: ConstructorParameters<typeof ListSchedulesCommand>[0] = {}): Promise<string[]> {
  const names: string[] = [];
  for await (const page of paginateListSchedules({ client: scheduler }, input)) {
    for (const schedule of page.Schedules ?? []) names.push(schedule.Name as string);
  }
  return names;
}

beforeEach(async () => {
  await restart();
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  await emulator?.close();
});

describe('CreateSchedule and GetSchedule', () => {
  it('creates a schedule in a group and shows it back with the defaults it was given', async () => {
    const arn = await create({ ActionAfterCompletion: undefined, Description: 'end of a snooze' });

    const got = await scheduler.send(new GetScheduleCommand({ Name: 'pause-web-app-2200', GroupName: GROUP }));

    expect(arn).toBe(`arn:aws:scheduler:eu-west-1:123456789012:schedule/${GROUP}/pause-web-app-2200`);
    expect(got).toMatchObject({
      Arn: arn,
      Name: 'pause-web-app-2200',
      GroupName: GROUP,
      ScheduleExpression: 'at(2026-12-01T22:00:00)',
      ScheduleExpressionTimezone: 'Europe/London',
      State: 'ENABLED',
      ActionAfterCompletion: 'NONE',
      Description: 'end of a snooze',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: functionArn,
        RoleArn: ROLE,
        Input: '{"action":"pause","services":["arn:x"]}',
        RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
      },
    });
    expect(got.CreationDate).toEqual(new Date(now));
  });

  it('uses the default group when none is named, for create, get and delete alike', async () => {
    const arn = await create({ GroupName: undefined });

    expect(arn).toContain(':schedule/default/pause-web-app-2200');
    expect((await scheduler.send(new GetScheduleCommand({ Name: 'pause-web-app-2200' }))).GroupName).toBe('default');
    await scheduler.send(new DeleteScheduleCommand({ Name: 'pause-web-app-2200' }));
    expect(emulator.scheduler.schedules()).toEqual([]);
  });

  it('answers ConflictException for a name the group already has, and leaves the first schedule as it was', async () => {
    await create();

    await expect(create({ ScheduleExpression: 'at(2026-12-01T23:00:00)' })).rejects.toBeInstanceOf(ConflictException);
    expect(emulator.scheduler.schedule('pause-web-app-2200', GROUP)?.expression).toBe('at(2026-12-01T22:00:00)');
  });

  it('allows the same name in another group', async () => {
    await create();
    await create({ GroupName: 'default' });

    expect(emulator.scheduler.schedules().map((s) => s.groupName)).toEqual([GROUP, 'default']);
  });

  it('answers a retried create that carries the same ClientToken with the same schedule, not a conflict', async () => {
    const first = await create({ ClientToken: 'token-1' });
    const again = await create({ ClientToken: 'token-1' });

    expect(again).toBe(first);
    expect(emulator.scheduler.schedules()).toHaveLength(1);
  });

  it('answers ResourceNotFoundException (404) for a group the emulator was not told about, and creates nothing', async () => {
    const attempt = create({ GroupName: 'someone-elses-group' });

    await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(attempt).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect(emulator.scheduler.schedules()).toEqual([]);
  });

  it('knows a group added after the start', async () => {
    emulator.scheduler.addGroup('late-group');

    await expect(create({ GroupName: 'late-group' })).resolves.toContain('schedule/late-group/');
  });

  it('keeps each Region apart: a schedule of eu-west-1 does not exist in us-east-1', async () => {
    await create();

    const elsewhere = schedulerClient('us-east-1');
    await expect(elsewhere.send(new GetScheduleCommand({ Name: 'pause-web-app-2200', GroupName: GROUP }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect((await elsewhere.send(new ListSchedulesCommand({}))).Schedules).toEqual([]);
  });

  it('answers ResourceNotFoundException for a schedule that does not exist', async () => {
    await expect(scheduler.send(new GetScheduleCommand({ Name: 'never-created', GroupName: GROUP }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});

describe('validation', () => {
  // Each row breaks one field; the service answers ValidationException and creates nothing.
  const target = (overrides: Record<string, unknown>) => ({ Arn: 'arn:aws:lambda:eu-west-1:123456789012:function:apprunner-scheduler', RoleArn: ROLE, ...overrides });
  it.each<[string, Partial<CreateScheduleCommandInput>]>([
    ['a name with a space', { Name: 'pause web app' }],
    ['a name of 65 characters', { Name: 'a'.repeat(65) }],
    ['an at() date that does not exist', { ScheduleExpression: 'at(2026-02-30T22:00:00)' }],
    ['an at() without seconds', { ScheduleExpression: 'at(2026-12-01T22:00)' }],
    ['an at() with a zone offset', { ScheduleExpression: 'at(2026-12-01T22:00:00Z)' }],
    ['a rate of zero', { ScheduleExpression: 'rate(0 minutes)' }],
    ['a rate in weeks', { ScheduleExpression: 'rate(1 week)' }],
    ['a cron of five fields', { ScheduleExpression: 'cron(0 19 * * ?)' }],
    ['a cron with both days given', { ScheduleExpression: 'cron(0 19 1 * MON *)' }],
    ['a cron with a letter in the hours', { ScheduleExpression: 'cron(0 X ? * MON-FRI *)' }],
    ['an expression of another kind', { ScheduleExpression: 'every day at 19:00' }],
    ['an unknown time zone', { ScheduleExpressionTimezone: 'Europe/Atlantis' }],
    ['no flexible time window', { FlexibleTimeWindow: undefined }],
    ['a flexible window without its length', { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }],
    ['a flexible window of 1441 minutes', { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1441 } }],
    ['no target', { Target: undefined }],
    ['a target role that is not a role ARN', { Target: target({ RoleArn: 'arn:aws:iam::123456789012:user/me' }) }],
    ['a Lambda target whose input is not JSON', { Target: target({ Input: 'pause please' }) }],
    ['an empty target input', { Target: target({ Input: '' }) }],
    ['a retry policy of 186 attempts', { Target: target({ RetryPolicy: { MaximumRetryAttempts: 186 } }) }],
    ['an action after completion of KEEP', { ActionAfterCompletion: 'KEEP' as never }],
    ['a state of PAUSED', { State: 'PAUSED' as never }],
    ['a KMS key that is not a key ARN', { KmsKeyArn: 'my-key' }],
    ['a description of 513 characters', { Description: 'd'.repeat(513) }],
  ])('refuses %s with ValidationException and creates nothing', async (_case, overrides) => {
    await expect(create(overrides)).rejects.toBeInstanceOf(ValidationException);
    expect(emulator.scheduler.schedules()).toEqual([]);
  });

  it.each([
    'at(2026-12-01T22:00:00)',
    'rate(1 hour)',
    'rate(15 minutes)',
    'cron(0 19 ? * MON-FRI *)',
    'cron(0/15 8-18 ? * 2#1 2026-2030)',
    'cron(0 7 L * ? *)',
  ])('accepts %s', async (expression) => {
    await expect(create({ ScheduleExpression: expression })).resolves.toContain('pause-web-app-2200');
  });

  it('names the field and the value in its message', async () => {
    await expect(create({ ScheduleExpressionTimezone: 'Europe/Atlantis' })).rejects.toThrow('Europe/Atlantis');
    await expect(create({ ActionAfterCompletion: 'KEEP' as never })).rejects.toThrow('ActionAfterCompletion must be one of NONE, DELETE; got "KEEP"');
  });
});

describe('UpdateSchedule, DeleteSchedule and ListSchedules', () => {
  it('replaces every field on update: what the update leaves out goes back to its default', async () => {
    await create({ Description: 'first', State: 'DISABLED' });

    await scheduler.send(new UpdateScheduleCommand({ ...oneTime(), ScheduleExpression: 'at(2026-12-01T23:00:00)' }));

    const updated = emulator.scheduler.schedule('pause-web-app-2200', GROUP);
    expect(updated).toMatchObject({ expression: 'at(2026-12-01T23:00:00)', state: 'ENABLED' });
    expect(updated?.description).toBeUndefined();
  });

  it('answers ResourceNotFoundException when updating or deleting a schedule that does not exist', async () => {
    await expect(scheduler.send(new UpdateScheduleCommand(oneTime()))).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(scheduler.send(new DeleteScheduleCommand({ Name: 'never-created', GroupName: GROUP }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('deletes a schedule: gone from Get and List, and a second delete is not found', async () => {
    await create();

    await scheduler.send(new DeleteScheduleCommand({ Name: 'pause-web-app-2200', GroupName: GROUP }));

    expect(await exists('pause-web-app-2200')).toBe(false);
    expect(await namesListed()).toEqual([]);
    await expect(scheduler.send(new DeleteScheduleCommand({ Name: 'pause-web-app-2200', GroupName: GROUP }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(emulator.scheduler.changes.map((c) => `${c.kind} ${c.cause}`)).toEqual(['created api', 'deleted api']);
  });

  it('lists every group without a filter, and filters by group, name prefix and state', async () => {
    await create({ Name: 'pause-a' });
    await create({ Name: 'pause-b', State: 'DISABLED' });
    await create({ Name: 'other', GroupName: 'default' });

    expect(await namesListed()).toEqual(['pause-a', 'pause-b', 'other']);
    expect(await namesListed({ GroupName: GROUP })).toEqual(['pause-a', 'pause-b']);
    expect(await namesListed({ NamePrefix: 'pause-' })).toEqual(['pause-a', 'pause-b']);
    expect(await namesListed({ State: 'DISABLED' })).toEqual(['pause-b']);
    const [summary] = (await scheduler.send(new ListSchedulesCommand({ NamePrefix: 'other' }))).Schedules ?? [];
    expect(summary).toMatchObject({ Name: 'other', GroupName: 'default', State: 'ENABLED', Target: { Arn: functionArn } });
  });

  it('pages with MaxResults and a NextToken until every schedule was seen once', async () => {
    for (let i = 0; i < 7; i++) await create({ Name: `pause-${i}` });

    const first = await scheduler.send(new ListSchedulesCommand({ MaxResults: 3 }));

    expect(first.Schedules).toHaveLength(3);
    expect(first.NextToken).toBeDefined();
    expect(await namesListed({ MaxResults: 3 })).toEqual(['pause-0', 'pause-1', 'pause-2', 'pause-3', 'pause-4', 'pause-5', 'pause-6']);
  });

  it('refuses a MaxResults outside 1-100 and a token from another listing', async () => {
    await expect(scheduler.send(new ListSchedulesCommand({ MaxResults: 101 }))).rejects.toBeInstanceOf(ValidationException);
    for (let i = 0; i < 3; i++) await create({ Name: `pause-${i}` });
    const { NextToken } = await scheduler.send(new ListSchedulesCommand({ MaxResults: 1 }));
    await expect(scheduler.send(new ListSchedulesCommand({ MaxResults: 1, State: 'DISABLED', NextToken }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it('answers ResourceNotFoundException when listing a group that does not exist', async () => {
    await expect(scheduler.send(new ListSchedulesCommand({ GroupName: 'no-such-group' }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('one-time schedules that fire', () => {
  it('fires an at() schedule at its wall-clock time in its zone, with its input as the event', async () => {
    // 22:00 in London on 1 July is 21:00 UTC (British Summer Time).
    now = Date.parse('2026-07-01T12:00:00Z');
    await create({ ScheduleExpression: 'at(2026-07-01T22:00:00)' });

    now = Date.parse('2026-07-01T20:59:59Z');
    expect(await emulator.scheduler.fireDue()).toEqual([]);
    now = Date.parse('2026-07-01T21:00:00Z');
    const [firing] = await emulator.scheduler.fireDue();

    expect(firing).toMatchObject({ name: 'pause-web-app-2200', dueAt: Date.parse('2026-07-01T21:00:00Z'), firedAt: now });
    expect(received.map((r) => r.event)).toEqual([{ action: 'pause', services: ['arn:x'] }]);
    expect(received[0].context.invokedFunctionArn).toBe(functionArn);
    expect(received[0].context.getRemainingTimeInMillis()).toBeGreaterThan(30_000);
  });

  it('reads at() in UTC when the schedule names no zone', async () => {
    now = Date.parse('2026-07-01T12:00:00Z');
    await create({ ScheduleExpression: 'at(2026-07-01T22:00:00)', ScheduleExpressionTimezone: undefined });

    now = Date.parse('2026-07-01T21:30:00Z');
    expect(await emulator.scheduler.fireDue()).toEqual([]);
    now = Date.parse('2026-07-01T22:00:00Z');
    expect(await emulator.scheduler.fireDue()).toHaveLength(1);
  });

  it('with ActionAfterCompletion DELETE, deletes the schedule once it fired: gone from Get and List', async () => {
    await create();

    now = Date.parse('2026-12-01T22:00:00Z');
    await emulator.scheduler.fireDue();

    expect(await exists('pause-web-app-2200')).toBe(false);
    expect(await namesListed()).toEqual([]);
    expect(emulator.scheduler.changes.map((c) => `${c.kind} ${c.cause}`)).toEqual(['created api', 'deleted completion']);
  });

  it('without DELETE, keeps the fired schedule, and fires it only once', async () => {
    await create({ ActionAfterCompletion: 'NONE' });

    now = Date.parse('2026-12-01T22:00:00Z');
    await emulator.scheduler.fireDue();
    now = Date.parse('2026-12-02T22:00:00Z');
    await emulator.scheduler.fireDue();

    expect(await exists('pause-web-app-2200')).toBe(true);
    expect(emulator.scheduler.schedule('pause-web-app-2200', GROUP)?.fired).toBe(true);
    expect(received).toHaveLength(1);
  });

  it('never fires a DISABLED schedule', async () => {
    await create({ State: 'DISABLED' });

    now = Date.parse('2026-12-02T00:00:00Z');
    await emulator.scheduler.fireDue();

    expect(received).toEqual([]);
    expect(emulator.scheduler.firings).toEqual([]);
    expect(await exists('pause-web-app-2200')).toBe(true);
  });

  it('fires a schedule deleted before its time never', async () => {
    await create();
    await scheduler.send(new DeleteScheduleCommand({ Name: 'pause-web-app-2200', GroupName: GROUP }));

    now = Date.parse('2026-12-02T00:00:00Z');
    await emulator.scheduler.fireDue();

    expect(received).toEqual([]);
  });

  it('fires due schedules in the order of their times', async () => {
    await create({ Name: 'later', ScheduleExpression: 'at(2026-12-01T21:00:00)' });
    await create({ Name: 'sooner', ScheduleExpression: 'at(2026-12-01T20:00:00)' });

    now = Date.parse('2026-12-01T22:00:00Z');
    const fired = await emulator.scheduler.fireDue();

    expect(fired.map((f) => f.name)).toEqual(['sooner', 'later']);
  });

  it('fires on its own on real time with the default clock', async () => {
    await restart({ scheduler: { clock: Date.now } });
    const soon = new Date(Date.now() + 1000);
    await create({ ScheduleExpression: `at(${soon.toISOString().slice(0, 19)})`, ScheduleExpressionTimezone: 'UTC' });

    while (emulator.scheduler.firings.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await emulator.lambda.idle();

    expect(received).toHaveLength(1);
    expect(emulator.scheduler.schedules()).toEqual([]);
  });

  it('records a target that is not a known function as a refused delivery, and completes the schedule', async () => {
    await create({ Target: { Arn: 'arn:aws:lambda:eu-west-1:123456789012:function:gone', RoleArn: ROLE, Input: '{}' } });

    now = Date.parse('2026-12-01T22:00:00Z');
    const [firing] = await emulator.scheduler.fireDue();

    expect(firing.delivery).toMatchObject({ accepted: false, errorType: 'ResourceNotFoundException' });
    expect(emulator.scheduler.schedules()).toEqual([]);
  });

  it('lets Lambda retry a failed run twice, one and then two minutes later on the scheduler clock', async () => {
    failuresLeft = 5;
    await create();

    now = Date.parse('2026-12-01T22:00:00Z');
    await emulator.scheduler.fireDue();
    now += 59_000;
    await emulator.scheduler.fireDue();
    expect(received).toHaveLength(1);
    now += 1_000;
    await emulator.scheduler.fireDue();
    now += 120_000;
    await emulator.scheduler.fireDue();
    now += 3_600_000;
    await emulator.scheduler.fireDue();

    expect(received.map((r) => r.at - Date.parse('2026-12-01T22:00:00Z'))).toEqual([0, 60_000, 180_000]);
    const attempts = emulator.lambda.invocations.map((i) => `${i.attempt} ${i.outcome}`);
    expect(attempts).toEqual(['1 failed', '2 failed', '3 failed']);
    expect(new Set(emulator.lambda.invocations.map((i) => i.requestId)).size).toBe(1);
  });
});

describe('where AWS is silent: the emulator\'s choices', () => {
  it('fires an at() already past when it is created at the next tick (AWS does not say)', async () => {
    await create({ ScheduleExpression: 'at(2026-12-01T12:00:00)' });

    const [firing] = await emulator.scheduler.fireDue();

    expect(firing).toMatchObject({ dueAt: Date.parse('2026-12-01T12:00:00Z'), firedAt: now });
  });

  it('never fires an at() at a time the zone skips, as the schedule-expression evaluator reads it', async () => {
    // London's clocks go from 01:00 to 02:00 on 28 March 2027.
    await create({ ScheduleExpression: 'at(2027-03-28T01:30:00)' });

    now = Date.parse('2027-03-29T00:00:00Z');
    await emulator.scheduler.fireDue();

    expect(emulator.scheduler.schedule('pause-web-app-2200', GROUP)?.nextFireAt).toBeUndefined();
    expect(received).toEqual([]);
  });

  it('fires a cron() schedule at each of its times in its zone, and keeps it', async () => {
    // Tuesday 1 December 2026, 18:00 London.
    await create({ Name: 'weekday-pause', ScheduleExpression: 'cron(0 19 ? * MON-FRI *)', ActionAfterCompletion: 'NONE' });

    now = Date.parse('2026-12-01T19:00:00Z');
    await emulator.scheduler.fireDue();
    now = Date.parse('2026-12-02T19:00:30Z');
    await emulator.scheduler.fireDue();

    expect(emulator.scheduler.firings.map((f) => new Date(f.dueAt).toISOString())).toEqual(['2026-12-01T19:00:00.000Z', '2026-12-02T19:00:00.000Z']);
    expect(emulator.scheduler.schedule('weekday-pause', GROUP)?.nextFireAt).toBe(Date.parse('2026-12-03T19:00:00Z'));
  });

  it('fires a clock-jumped recurring schedule once, then goes on from now: missed fires are not caught up', async () => {
    await create({ Name: 'every-hour', ScheduleExpression: 'rate(1 hour)', ActionAfterCompletion: 'NONE' });

    now += 5 * 3_600_000 + 60_000;
    await emulator.scheduler.fireDue();

    expect(emulator.scheduler.firings).toHaveLength(1);
    expect(emulator.scheduler.schedule('every-hour', GROUP)?.nextFireAt).toBe(Date.parse('2026-12-01T18:00:00Z') + 6 * 3_600_000);
  });

  it('does not fire by itself without a clock: only a test\'s fireDue() fires it', async () => {
    await emulator.close();
    emulator = await startEmulator({ scheduler: { groups: [GROUP] } });
    functionArn = emulator.lambda.addFunction({ name: 'apprunner-scheduler', handler: (event) => received.push({ event, context: undefined as never, at: 0 }) });
    scheduler = schedulerClient();
    await create({ ScheduleExpression: 'at(2020-01-01T00:00:00)' });

    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(emulator.scheduler.firings).toEqual([]);
    expect(emulator.scheduler.schedules()).toHaveLength(1);
    await emulator.scheduler.fireDue();
    expect(received).toHaveLength(1);
  });

  it('delivers a firing again when a test asks, as Lambda may deliver an event twice', async () => {
    await create();
    now = Date.parse('2026-12-01T22:00:00Z');
    const [firing] = await emulator.scheduler.fireDue();

    const again = emulator.scheduler.deliverAgain(firing);
    await emulator.lambda.idle();

    expect(again).toMatchObject({ name: firing.name, redelivery: true });
    expect(received.map((r) => r.event)).toEqual([firing.input, firing.input].map((input) => JSON.parse(input as string)));
  });
});

describe('the wire', () => {
  it('logs each call with its operation and the schedule it names', async () => {
    await create();
    await scheduler.send(new GetScheduleCommand({ Name: 'pause-web-app-2200', GroupName: GROUP }));

    expect(emulator.calls.map((c) => `${c.api} ${c.operation} ${c.httpStatus}`)).toEqual(['Scheduler CreateSchedule 200', 'Scheduler GetSchedule 200']);
    expect(emulator.callsTo('CreateSchedule')[0]).toMatchObject({
      targetArn: `arn:aws:scheduler:eu-west-1:123456789012:schedule/${GROUP}/pause-web-app-2200`,
      region: 'eu-west-1',
      input: { Name: 'pause-web-app-2200', GroupName: GROUP, ActionAfterCompletion: 'DELETE' },
    });
  });

  it('answers an injected throttle with ThrottlingException 429, which the SDK retries', async () => {
    emulator.injectFault({ kind: 'throttle', api: 'Scheduler', operation: 'CreateSchedule' });

    await create();

    expect(emulator.callsTo('CreateSchedule').map((c) => `${c.httpStatus} ${c.errorType ?? ''}`.trim())).toEqual(['429 ThrottlingException', '200']);
    expect(emulator.scheduler.schedules()).toHaveLength(1);
  });

  it('answers an injected denial with AccessDeniedException 403, which the SDK does not retry', async () => {
    emulator.injectFault({ kind: 'accessDenied', api: 'Scheduler', operation: 'DeleteSchedule' });
    await create();

    const attempt = scheduler.send(new DeleteScheduleCommand({ Name: 'pause-web-app-2200', GroupName: GROUP }));

    await expect(attempt).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect(emulator.callsTo('DeleteSchedule')).toHaveLength(1);
    expect(await exists('pause-web-app-2200')).toBe(true);
  });

  it('refuses an unsigned request with 403', async () => {
    const response = await fetch(`${emulator.endpoint}/schedules/x`);

    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  it('serves clients routed by AWS_ENDPOINT_URL_SCHEDULER', async () => {
    const saved = { ...process.env };
    process.env.AWS_ENDPOINT_URL_SCHEDULER = emulator.endpoint;
    try {
      const viaEnv = new SchedulerClient({ region: 'eu-west-1', credentials });
      clients.push(viaEnv);
      await viaEnv.send(new CreateScheduleCommand(oneTime()));

      expect(emulator.scheduler.schedules().map((s) => s.name)).toEqual(['pause-web-app-2200']);
    } finally {
      process.env = saved;
    }
  });
});
