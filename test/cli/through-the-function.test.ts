/**
 * The command line with `--function`: the deployed function, here the real handler registered on the
 * emulator's Lambda, reached through the real Lambda client (GetFunctionConfiguration, Invoke). The
 * function's hours come from its `SCHEDULER_HOURS`, as the construct sets it.
 */
import { parseIsoInstant } from '../../contract/local-time';
import { SKIP_TAG_KEY } from '../../contract/scheduler-tags';
import { formatLocal } from '../../cli/when';
import type { OfficeHours } from '../../contract/office-hours';
import type { RunReport } from '../../lambda/report';
import { FAST_POLL, MARKED_PAUSED, OFFICE_HOURS, mutationsOf, startHarness, type ScheduledHarness } from '../support/scheduler-harness';
import { ScaledClock } from '../support/scaled-clock';
import { Captured, emulatorEnvironment, TUESDAY_EVENING, type CliResult } from './cli-support';
import { main } from '../../cli/main';

/** 19:00 to 07:00 London time on weekdays, as `pauseAt`/`resumeAt` deploy it. */
const LONDON_OFFICE_HOURS: OfficeHours = {
  pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: 'Europe/London' },
  resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: 'Europe/London' },
};

let harness: ScheduledHarness;

async function start(speed = 1, at = TUESDAY_EVENING): Promise<void> {
  harness = await startHarness({
    scheduling: { clock: new ScaledClock({ start: at, speed }), environment: { SCHEDULER_HOURS: JSON.stringify(LONDON_OFFICE_HOURS) } },
  });
}

afterEach(async () => {
  await harness.close();
});

/** Runs the command line on the harness's clock, with the Lambda endpoint set too. */
async function cli(argv: string[]): Promise<CliResult> {
  const stdout = new Captured();
  const stderr = new Captured();
  const env = emulatorEnvironment(harness.emulator.endpoint, { AWS_ENDPOINT_URL_LAMBDA: harness.emulator.endpoint });
  const code = await main(argv, { env, stdout, stderr, clock: harness.clock.now, poll: FAST_POLL });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** The events the function was invoked with, in order. */
function invokedWith(): unknown[] {
  return harness.emulator.lambda.invocations.map((i) => i.event);
}

describe('status --function', () => {
  beforeEach(() => start());

  test('reads the deployed hours: the zone, whether it is out of hours, and which run is next', async () => {
    harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });

    const { code, stdout } = await cli(['status', '--function', harness.functionName]);

    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('2026-12-01 18:00 Europe/London: in hours; next run: pause at 2026-12-01 19:00, then resume at 2026-12-02 07:00');
    expect(invokedWith()).toEqual([]);
  });

  test('--json carries the hours', async () => {
    const { stdout } = await cli(['status', '--function', harness.functionName, '--json']);
    expect(JSON.parse(stdout)).toMatchObject({
      timeZone: 'Europe/London',
      hours: { known: true, outOfHours: false, nextRun: { action: 'pause', at: '2026-12-01T19:00:00.000Z' }, nextResume: '2026-12-02T07:00:00.000Z' },
    });
  });
});

describe('pause and resume --function', () => {
  beforeEach(() => start());

  test('invokes the function with the event the selection makes, and prints its report', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });

    const { code, stdout } = await cli(['pause', '--tags', 'schedule=office-hours', '--function', harness.functionName]);

    expect(code).toBe(0);
    expect(invokedWith()).toEqual([{ action: 'pause', tags: OFFICE_HOURS, timeZone: 'Europe/London' }]);
    expect(stdout).toMatch(/^web-api +eu-west-1 +RUNNING +PAUSED +changed +pause +running: marked and paused$/m);
    expect(harness.emulator.service(arn).status).toBe('PAUSED');
  });

  test('a failed run exits 1 and shows the function\'s error, which names each failed service', async () => {
    const failing = harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    harness.emulator.addService({ name: 'web-admin', tags: OFFICE_HOURS });
    harness.emulator.failNextOperation(failing, 'PAUSE_SERVICE');

    const { code, stderr } = await cli(['pause', '--tags', 'schedule=office-hours', '--function', harness.functionName]);

    expect(code).toBe(1);
    expect(stderr).toContain(`the function ${harness.functionName} failed: RunFailedError: The pause run failed for 1 of its targets: ${failing}: `);
  });

  test('plan --function is the deployed function\'s dry run', async () => {
    harness.emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED });

    const { code, stdout } = await cli(['plan', 'resume', '--services', 'web-admin', '--function', harness.functionName, '--json']);

    expect(code).toBe(0);
    expect((JSON.parse(stdout) as RunReport).services[0]).toMatchObject({ outcome: 'planned', actions: ['resume', 'deploy'] });
    expect(mutationsOf(harness.emulator)).toEqual([]);
  });

  test('a function that does not exist exits 1 with Lambda\'s error', async () => {
    harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    const { code, stderr } = await cli(['pause', '--tags', 'schedule=office-hours', '--function', 'no-such-function']);
    expect(code).toBe(1);
    expect(stderr).toContain('GetFunctionConfiguration on the function no-such-function failed: ResourceNotFoundException');
    expect(mutationsOf(harness.emulator)).toEqual([]);
  });
});

describe('snooze --function', () => {
  // On the real clock: the function decides whether the snooze is in force with its own clock.
  beforeEach(() => start(1, Date.now()));

  test('sets the skip tag in the deployed zone, then has the function skip the service in a pause run of its own', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    const before = harness.clock.now();

    const { code, stdout } = await cli(['snooze', 'web-api', '--for', '3h', '--function', harness.functionName]);

    expect(code).toBe(0);
    const skip = harness.emulator.service(arn).tags[SKIP_TAG_KEY];
    expect(skip).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}\+0[01]:00$/);
    const ends = parseIsoInstant(skip, 'UTC')!.getTime();
    expect(ends).toBeGreaterThanOrEqual(before + 3 * 3_600_000);
    expect(ends).toBeLessThanOrEqual(harness.clock.now() + 3 * 3_600_000 + 60_000);
    expect(invokedWith()).toEqual([{ action: 'pause', services: [arn], timeZone: 'Europe/London' }]);
    expect(stdout).toContain(`web-api snoozed until ${formatLocal(new Date(ends), 'Europe/London')} (Europe/London)`);
    expect(stdout).toMatch(/^web-api +eu-west-1 +RUNNING +RUNNING +skipped +- +opted out until /m);
    expect(harness.emulator.service(arn).status).toBe('RUNNING');
  });
});

describe('wake', () => {
  beforeEach(() => start());

  test('--for 2h invokes the function with a resume of that service until PT2H', async () => {
    const arn = harness.emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED });

    const { code, stdout } = await cli(['wake', 'web-admin', '--for', '2h', '--function', harness.functionName]);

    expect(code).toBe(0);
    expect(invokedWith()).toEqual([{ action: 'resume', services: [arn], timeZone: 'Europe/London', until: 'PT2H' }]);
    expect(stdout).toMatch(/^web-admin +eu-west-1 +PAUSED +\S+ +changed +resume/m);
    await harness.emulator.settled();
    expect(harness.emulator.service(arn).status).toBe('RUNNING');
  });

  test('--until 23:00 is tonight\'s 23:00 in the deployed zone, sent with its offset', async () => {
    const arn = harness.emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED });
    await cli(['wake', arn, '--until', '23:00', '--function', harness.functionName, '--deploy', 'never']);
    expect(invokedWith()).toEqual([{ action: 'resume', services: [arn], timeZone: 'Europe/London', until: '2026-12-01T23:00+00:00', deployAfterResume: 'never' }]);
  });

  test('a wake past the contract\'s 24 hours, from --until, exits 2 before the function is invoked', async () => {
    const arn = harness.emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED });
    const { code, stderr } = await cli(['wake', arn, '--until', '2026-12-03T08:00', '--function', harness.functionName]);
    expect(code).toBe(2);
    expect(stderr).toContain('--until: received "2026-12-03T08:00+00:00"; expected an ISO-8601 date-time');
    expect(invokedWith()).toEqual([]);
    expect(mutationsOf(harness.emulator)).toEqual([]);
  });
});

