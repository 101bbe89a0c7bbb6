/**
 * The command line with `--function`: the deployed function, here the real handler registered on the
 * emulator's Lambda, reached through the real Lambda client (GetFunctionConfiguration, Invoke). The
 * function's hours come from its `SCHEDULER_HOURS`, as the construct sets it.
 */
import { SKIP_TAG_KEY, WAKE_TAG_KEY } from '../../contract/scheduler-tags';
import type { OfficeHours } from '../../contract/office-hours';
import type { RunOutcomes, RunReport } from '../../lambda/report';
import {
  FAST_POLL,
  MARKED_PAUSED,
  mutationsOf,
  OFFICE_HOURS,
  SCHEDULE_GROUP,
  startHarness,
  type ScheduledHarness,
} from '../support/scheduler-harness';
import { ScaledClock } from '../support/scaled-clock';
import { Captured, emulatorEnvironment, TUESDAY_EVENING, type CliResult } from './cli-support';
import { main } from '../../cli/main';

/** 19:00 to 07:00 London time on weekdays, as `pauseAt`/`resumeAt` deploy it. */
const LONDON_OFFICE_HOURS: OfficeHours = {
  pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: 'Europe/London' },
  resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: 'Europe/London' },
};

let harness: ScheduledHarness;

/** Starts the harness: the real handler as the function, with the hours the construct gives it (and any more of its environment). */
async function start(speed = 1, at = TUESDAY_EVENING, environment: Record<string, string> = {}): Promise<void> {
  harness = await startHarness({
    scheduling: { clock: new ScaledClock({ start: at, speed }), environment: { SCHEDULER_HOURS: JSON.stringify(LONDON_OFFICE_HOURS), ...environment } },
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

describe('status --function of a scheduler with named schedules', () => {
  const SCHEDULES = {
    default: { hours: LONDON_OFFICE_HOURS, tags: OFFICE_HOURS },
    london: { tags: { site: 'london' } },
    newyork: { tags: { business: 'us' } },
  };
  beforeEach(() => start(1, TUESDAY_EVENING, { SCHEDULER_SCHEDULES: JSON.stringify(SCHEDULES) }));

  test('shows the schedule each service follows, or why it follows none', async () => {
    harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    harness.emulator.addService({ name: 'london-web', tags: { site: 'london' } });
    harness.emulator.addService({ name: 'shared-api', tags: { site: 'london', business: 'us' } });
    harness.emulator.addService({ name: 'settled-api', tags: { site: 'london', business: 'us', 'apprunner-scheduler:schedule': 'newyork' } });
    harness.emulator.addService({ name: 'other-api', tags: {} });

    const { code, stdout } = await cli(['status', '--function', harness.functionName, '--json']);

    expect(code).toBe(0);
    const schedules = Object.fromEntries((JSON.parse(stdout) as { services: { serviceName: string; schedule: unknown }[] }).services.map((s) => [s.serviceName, s.schedule]));
    expect(schedules).toEqual({
      'web-api': { follows: 'default' },
      'london-web': { follows: 'london' },
      'shared-api': { problem: 'selected by schedules london and newyork: tag it apprunner-scheduler:schedule=<name> to choose' },
      'settled-api': { follows: 'newyork' },
      'other-api': {},
    });
  });

  test('adds a SCHEDULE column to the table', async () => {
    harness.emulator.addService({ name: 'london-web', tags: { site: 'london' } });
    harness.emulator.addService({ name: 'tokyo-api', tags: { 'apprunner-scheduler:schedule': 'tokyo' } });

    const { stdout } = await cli(['status', '--function', harness.functionName]);

    const [header, ...rows] = stdout.split('\n').slice(1).filter((line) => line.length > 0);
    expect(header).toMatch(/ SCHEDULE$/);
    expect(rows.find((row) => row.startsWith('london-web'))).toMatch(/ london$/);
    expect(rows.find((row) => row.startsWith('tokyo-api'))).toMatch(/ none \(its tag apprunner-scheduler:schedule=tokyo names no schedule of this function \(it has default, london and newyork\)\)$/);
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

  test('a failed run exits 1 and prints every service\'s outcome, from the function\'s error, beside the error', async () => {
    const failing = harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    const paused = harness.emulator.addService({ name: 'web-admin', tags: OFFICE_HOURS });
    harness.emulator.addService({ name: 'web-skipped', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: 'true' } });
    harness.emulator.failNextOperation(failing, 'PAUSE_SERVICE');

    const { code, stdout, stderr } = await cli(['pause', '--tags', 'schedule=office-hours', '--function', harness.functionName]);

    expect(code).toBe(1);
    expect(stdout).toMatch(/^SERVICE +REGION +BEFORE +AFTER +OUTCOME +ACTIONS +REASON\nweb-api +eu-west-1 +RUNNING +\S+ +failed +pause +\S.*$/m);
    expect(stdout).toMatch(/^web-admin +eu-west-1 +RUNNING +PAUSED +changed +pause +running: marked and paused$/m);
    expect(stdout).toMatch(/^web-skipped +eu-west-1 +RUNNING +RUNNING +skipped +- +\S/m);
    expect(stdout).toMatch(/^pause: 1 changed, 0 unchanged, 1 skipped, 1 failed$/m);
    expect(stdout).not.toContain('not listed');
    expect(stderr).toContain(`the function ${harness.functionName} failed: RunFailedError: The pause run failed for 1 of its targets: ${failing}: `);
    expect(stderr).not.toContain('run outcomes');
    expect(harness.emulator.service(paused).status).toBe('PAUSED');
  });

  test('--json prints the failed run\'s error with every service\'s outcome', async () => {
    const failing = harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    harness.emulator.addService({ name: 'web-admin', tags: OFFICE_HOURS });
    harness.emulator.failNextOperation(failing, 'PAUSE_SERVICE');

    const { code, stdout } = await cli(['pause', '--tags', 'schedule=office-hours', '--function', harness.functionName, '--json']);

    expect(code).toBe(1);
    const printed = JSON.parse(stdout) as { errorType: string; errorMessage: string; outcomes: RunOutcomes };
    expect(printed.errorType).toBe('RunFailedError');
    expect(printed.errorMessage).toMatch(/^The pause run failed for 1 of its targets: /);
    expect(printed.outcomes).toMatchObject({ action: 'pause', dryRun: false, counts: { changed: 1, failed: 1 }, selectionFailures: [], omitted: 0 });
    expect(printed.outcomes.services.map((r) => [r[0], r[4]])).toEqual([['web-api', 'failed'], ['web-admin', 'changed']]);
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
  beforeEach(() => start());

  test('sets the skip tag in the deployed zone, then the function skips the service and arranges its pause at the snooze\'s end', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });

    const { code, stdout } = await cli(['snooze', 'web-api', '--until', '22:00', '--function', harness.functionName]);

    expect(code).toBe(0);
    expect(harness.emulator.service(arn).tags[SKIP_TAG_KEY]).toBe('2026-12-01T22:00+00:00');
    expect(invokedWith()).toEqual([{ action: 'pause', services: [arn], timeZone: 'Europe/London' }]);
    expect(stdout).toContain('web-api snoozed until 2026-12-01 22:00 (Europe/London): apprunner-scheduler:skip=2026-12-01T22:00+00:00\n');
    expect(stdout).toMatch(/^web-api +eu-west-1 +RUNNING +RUNNING +skipped +- +opted out until /m);
    expect(stdout).toMatch(/^web-api: its snooze ends 2026-12-01 22:00: a pause is arranged then \(schedule snooze-\S+\)$/m);
    expect(harness.schedules().map((s) => [s.expression, s.groupName])).toEqual([['at(2026-12-01T22:00:00)', SCHEDULE_GROUP]]);
    expect(harness.emulator.service(arn).status).toBe('RUNNING');
  });
});

describe('a snooze and a wake set from the command line end on their own', () => {
  // One virtual hour per real second: the evening passes in seconds.
  beforeEach(() => start(3600));

  test('snoozed until 22:00, the service runs through the 19:00 pause and is paused at 22:00', async () => {
    const arn = harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    expect((await cli(['snooze', 'web-api', '--until', '22:00', '--function', harness.functionName])).code).toBe(0);

    await harness.advanceTo('2026-12-01T21:59', 'Europe/London');
    expect(harness.emulator.service(arn).status).toBe('RUNNING');
    const [firing] = await Promise.all([harness.waitForFiring(harness.schedules()[0].name), harness.advanceTo('2026-12-01T22:01', 'Europe/London')]);

    expect(firing.runs.map((r) => r.outcome)).toEqual(['succeeded']);
    await harness.emulator.settled();
    expect(harness.emulator.service(arn).status).toBe('PAUSED');
    expect(harness.schedules()).toEqual([]);
  });

  test('woken for 2 hours at 21:00, the service is resumed, then paused at 23:00', async () => {
    const arn = harness.emulator.addService({ name: 'reports', status: 'PAUSED', tags: MARKED_PAUSED });
    harness.clock.jumpTo('2026-12-01T21:00', 'Europe/London');

    const { code, stdout } = await cli(['wake', 'reports', '--for', '2h', '--function', harness.functionName, '--deploy', 'never']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^reports: its wake ends 2026-12-01 23:0\d: a pause is arranged then /m);
    await harness.emulator.settled();
    expect(harness.emulator.service(arn).status).toBe('RUNNING');
    expect(harness.emulator.service(arn).tags[WAKE_TAG_KEY]).toMatch(/^2026-12-01T23:0\d:00Z$/);

    await harness.advanceTo('2026-12-01T23:10', 'Europe/London');
    await harness.emulator.lambda.idle();
    await harness.emulator.settled();
    expect(harness.emulator.service(arn).status).toBe('PAUSED');
    expect(harness.emulator.service(arn).tags[WAKE_TAG_KEY]).toBeUndefined();
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
    // two hours from the function's now, 18:00 and a few ms, to the minute
    expect(harness.emulator.service(arn).tags[WAKE_TAG_KEY]).toBe('2026-12-01T20:01:00Z');
    expect(stdout).toMatch(/^web-admin: its wake ends 2026-12-01 20:01: a pause is arranged then \(schedule wake-\S+\)$/m);
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

