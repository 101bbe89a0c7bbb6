/**
 * The command line, driven in-process against the App Runner emulator through the real SDK, as a
 * person runs it: what each command prints, what it changes, and its exit code.
 */
import { startEmulator, type AppRunnerEmulator } from '../../emulator/app-runner-emulator';
import { MARKER_TAG_KEY, SKIP_TAG_KEY } from '../../contract/scheduler-tags';
import type { RunReport } from '../../lambda/report';
import { MARKED_PAUSED, OFFICE_HOURS, PAUSED_MARKER, REGION, mutationsOf } from '../support/scheduler-harness';
import { cli, emulatorEnvironment, TUESDAY_EVENING } from './cli-support';

let emulator: AppRunnerEmulator;

beforeEach(async () => {
  emulator = await startEmulator();
});

afterEach(async () => {
  await emulator.close();
});

/** The row of a table that starts with the service's name, split into its cells. */
function rowOf(stdout: string, name: string): string[] {
  const line = stdout.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no row for ${name} in:\n${stdout}`);
  return line.split(/ {2,}/);
}

describe('status', () => {
  test('shows every service of the region with its marker, its snooze in local time and what each run would do', async () => {
    // GIVEN a running service, one the scheduler paused, and one snoozed until 22:00 London time
    emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED });
    emulator.addService({ name: 'reports', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-01T22:00' } });

    // WHEN a person asks at 18:00 London time
    const { code, stdout } = await cli(emulator, ['status', '--time-zone', 'Europe/London']);

    // THEN the table says it, times in local time
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('2026-12-01 18:00 Europe/London');
    expect(stdout.split('\n')[1].split(/ {2,}/)).toEqual(['SERVICE', 'REGION', 'STATUS', 'MARKER', 'SKIP', 'WAKE', 'ON PAUSE', 'ON RESUME']);
    expect(rowOf(stdout, 'web-api')).toEqual(['web-api', REGION, 'RUNNING', '-', '-', '-', 'pause', 'leave']);
    expect(rowOf(stdout, 'web-admin')).toEqual(['web-admin', REGION, 'PAUSED', 'paused 2026-11-29 19:00', '-', '-', 'leave', 'resume']);
    expect(rowOf(stdout, 'reports')).toEqual(['reports', REGION, 'RUNNING', '-', 'until 2026-12-01 22:00', '-', 'skip', 'skip']);
    // AND it only read
    expect(mutationsOf(emulator)).toEqual([]);
  });

  test('reads a dated skip tag in the time zone given, as the engine does, and says when it has ended', async () => {
    emulator.addService({ name: 'reports', tags: { [SKIP_TAG_KEY]: '2026-12-01T17:30' } });
    emulator.addService({ name: 'billing', tags: { [SKIP_TAG_KEY]: 'true' } });
    emulator.addService({ name: 'legacy', tags: { [SKIP_TAG_KEY]: 'tomorrow' } });

    // 18:00 UTC is 13:00 in New York: the skip, read there, ends at 22:30 UTC
    const { stdout } = await cli(emulator, ['status', '--time-zone', 'America/New_York']);
    expect(rowOf(stdout, 'reports').slice(4)).toEqual(['until 2026-12-01 17:30', '-', 'skip', 'skip']);
    expect(rowOf(stdout, 'billing').slice(4)).toEqual(['always', '-', 'skip', 'skip']);
    expect(rowOf(stdout, 'legacy').slice(4)).toEqual(['invalid "tomorrow"', '-', 'skip', 'skip']);

    // in London it ended at 17:30, and the next pause pauses the service
    const london = await cli(emulator, ['status', '--time-zone', 'Europe/London']);
    expect(rowOf(london.stdout, 'reports').slice(4)).toEqual(['ended 2026-12-01 17:30', '-', 'pause', 'leave']);
  });

  test('--json prints every service with its tags read and both runs\' decisions with their reasons', async () => {
    const arn = emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED });
    emulator.addService({ name: 'other-team', tags: { team: 'other' } });

    const { code, stdout } = await cli(emulator, ['status', '--tags', 'schedule=office-hours', '--json', '--time-zone', 'UTC']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      at: expect.stringMatching(/^2026-12-01T18:00/),
      timeZone: 'UTC',
      services: [
        {
          serviceArn: arn,
          serviceName: 'web-admin',
          region: REGION,
          status: 'PAUSED',
          marker: { state: 'paused', value: PAUSED_MARKER, since: '2026-11-29T19:00:00Z' },
          onPause: { kind: 'leave', reason: 'already paused by the scheduler' },
          onResume: { kind: 'resume', reason: 'paused by the scheduler: resumed' },
        },
      ],
      unreadable: [],
    });
  });

  test('selects by name in the regions given, and refuses an unknown name with exit 2', async () => {
    emulator.addService({ name: 'web-api', region: 'us-east-1' });
    emulator.addService({ name: 'web-api' });

    const found = await cli(emulator, ['status', '--services', 'web-api', '--regions', 'us-east-1']);
    expect(found.code).toBe(0);
    expect(rowOf(found.stdout, 'web-api')[1]).toBe('us-east-1');

    const unknown = await cli(emulator, ['status', '--services', 'web-apl']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--services: received "web-apl"; expected the ARN or the name of a service, and no service in eu-west-1 is named "web-apl"');
    expect(unknown.stdout).toBe('');
  });

  test('a name found in two regions is ambiguous: exit 2, naming both ARNs', async () => {
    const dublin = emulator.addService({ name: 'web-api' });
    const virginia = emulator.addService({ name: 'web-api', region: 'us-east-1' });

    const ambiguous = await cli(emulator, ['status', '--services', 'web-api', '--regions', 'eu-west-1,us-east-1']);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain(`expected one service, and 2 are named so: ${dublin} (RUNNING), ${virginia} (RUNNING); give the ARN`);
    expect(mutationsOf(emulator)).toEqual([]);
  });
});

describe('plan', () => {
  test('plan pause is the engine\'s dry run: what tonight\'s pause would do, with nothing changed', async () => {
    emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED });
    emulator.addService({ name: 'reports', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-01T22:00' } });

    const { code, stdout } = await cli(emulator, ['plan', 'pause', '--tags', 'schedule=office-hours', '--time-zone', 'Europe/London']);

    expect(code).toBe(0);
    expect(rowOf(stdout, 'web-api')).toEqual(['web-api', REGION, 'RUNNING', 'RUNNING', 'planned', 'pause', 'running: marked and paused']);
    expect(rowOf(stdout, 'web-admin')).toEqual(['web-admin', REGION, 'PAUSED', 'PAUSED', 'unchanged', '-', 'already paused by the scheduler']);
    expect(rowOf(stdout, 'reports')).toEqual(['reports', REGION, 'RUNNING', 'RUNNING', 'skipped', '-', 'opted out until 2026-12-01T22:00 (Europe/London) with the tag apprunner-scheduler:skip']);
    expect(stdout.trimEnd().split('\n').pop()).toBe('plan pause: 1 planned, 1 unchanged, 1 skipped, 0 failed');
    expect(mutationsOf(emulator)).toEqual([]);
  });

  test('plan resume --json prints the run report, deployments planned per --deploy', async () => {
    const arn = emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED, autoDeploymentsEnabled: false });

    const auto = JSON.parse((await cli(emulator, ['plan', 'resume', '--services', 'web-admin', '--json'])).stdout) as RunReport;
    const always = JSON.parse((await cli(emulator, ['plan', 'resume', '--services', arn, '--deploy', 'always', '--json'])).stdout) as RunReport;

    expect(auto).toMatchObject({ action: 'resume', dryRun: true, counts: { planned: 1 }, services: [{ serviceArn: arn, outcome: 'planned', actions: ['resume'] }] });
    expect(always.services[0].actions).toEqual(['resume', 'deploy']);
    expect(mutationsOf(emulator)).toEqual([]);
  });
});

describe('pause and resume here, with the caller\'s credentials', () => {
  test('resume by hand wakes what the scheduler paused, deploys per --deploy, and leaves what a person paused', async () => {
    const marked = emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED });
    const byHand = emulator.addService({ name: 'web-api', status: 'PAUSED', tags: OFFICE_HOURS });

    const { code, stdout, stderr } = await cli(emulator, ['resume', '--tags', 'schedule=office-hours', '--deploy', 'always']);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(rowOf(stdout, 'web-admin').slice(4, 6)).toEqual(['changed', 'resume,deploy']);
    expect(rowOf(stdout, 'web-admin').slice(6).join(' ')).toMatch(/^paused by the scheduler: resumed; deployment [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12} started \(its outcome is reported when App Runner announces it\)$/);
    expect(rowOf(stdout, 'web-api').slice(4)).toEqual(['unchanged', '-', 'paused outside the scheduler (no marker tag): left paused']);
    await emulator.settled();
    expect(emulator.service(marked)).toMatchObject({ status: 'RUNNING' });
    // The marker now records the deployment, until App Runner's event of its end is handled.
    expect(emulator.service(marked).tags[MARKER_TAG_KEY]).toMatch(/^deployed [0-9a-f-]{36} /);
    expect(emulator.service(byHand)).toMatchObject({ status: 'PAUSED' });
  });

  test('a failed run exits 1 after printing every service\'s outcome', async () => {
    const failing = emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
    emulator.addService({ name: 'web-admin', tags: OFFICE_HOURS });
    emulator.failNextOperation(failing, 'PAUSE_SERVICE');

    const { code, stdout } = await cli(emulator, ['pause', '--tags', 'schedule=office-hours']);

    expect(code).toBe(1);
    expect(rowOf(stdout, 'web-api').slice(2, 5)).toEqual(['RUNNING', 'RUNNING', 'failed']);
    expect(rowOf(stdout, 'web-api')[6]).toMatch(/ended FAILED; the service is RUNNING, not PAUSED/);
    expect(rowOf(stdout, 'web-admin').slice(2, 6)).toEqual(['RUNNING', 'PAUSED', 'changed', 'pause']);
    expect(stdout.trimEnd().split('\n').pop()).toBe('pause: 1 changed, 0 unchanged, 0 skipped, 1 failed');
  });

  test('a listed ARN App Runner does not know fails the run, and the others are still handled', async () => {
    const known = emulator.addService({ name: 'web-api' });
    const gone = emulator.addService({ name: 'web-old' });
    emulator.deleteService(gone);

    const { code, stdout } = await cli(emulator, ['pause', '--services', `${known},${gone}`, '--json']);

    expect(code).toBe(1);
    const report = JSON.parse(stdout) as RunReport;
    expect(report.services.map((s) => [s.serviceName, s.outcome])).toEqual(
      expect.arrayContaining([
        ['web-api', 'changed'],
        ['web-old', 'failed'],
      ]),
    );
  });

  test('on a terminal, a live line on standard error tells how far the run is, and is erased at the end', async () => {
    emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED });
    emulator.addService({ name: 'web-api', status: 'PAUSED', tags: MARKED_PAUSED });

    const { code, stderr } = await cli(emulator, ['resume', '--tags', 'schedule=office-hours', '--deploy', 'never'], { tty: true });

    expect(code).toBe(0);
    const frames = stderr.split('\r\x1b[2K');
    expect(frames).toContainEqual(expect.stringMatching(/^resuming 2 services: 0 done, 2 in progress, \d+s$/));
    expect(frames).toContainEqual(expect.stringMatching(/^resuming 2 services: 2 done \(2 RUNNING\), 0 in progress, \d+s$/));
    expect(frames[frames.length - 1]).toBe('');
  });

  test('no live line with --json, even on a terminal', async () => {
    emulator.addService({ name: 'web-admin', status: 'PAUSED', tags: MARKED_PAUSED });
    const { code, stderr, stdout } = await cli(emulator, ['resume', '--services', 'web-admin', '--json'], { tty: true });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({ action: 'resume', counts: { changed: 1 } });
  });
});

describe('snooze', () => {
  test('a bare 22:00 is today\'s in the time zone: the skip tag gets that local time with its offset', async () => {
    const arn = emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });

    // 18:00 UTC is 19:00 in Paris (UTC+1 in December)
    const { code, stdout } = await cli(emulator, ['snooze', 'web-api', '--until', '22:00', '--time-zone', 'Europe/Paris']);

    expect(code).toBe(0);
    expect(emulator.service(arn).tags[SKIP_TAG_KEY]).toBe('2026-12-01T22:00+01:00');
    expect(stdout).toContain('web-api snoozed until 2026-12-01 22:00 (Europe/Paris): apprunner-scheduler:skip=2026-12-01T22:00+01:00');
    expect(mutationsOf(emulator)).toEqual(['TagResource web-api']);
    // AND the engine's plan for tonight's pause skips it
    const plan = await cli(emulator, ['plan', 'pause', '--services', 'web-api']);
    expect(rowOf(plan.stdout, 'web-api')[4]).toBe('skipped');
  });

  test('a time already past today is tomorrow\'s', async () => {
    const arn = emulator.addService({ name: 'web-api' });
    await cli(emulator, ['snooze', arn, '--until', '08:00', '--time-zone', 'Europe/London']);
    expect(emulator.service(arn).tags[SKIP_TAG_KEY]).toBe('2026-12-02T08:00+00:00');
  });

  test('--for counts from now, rounded up to the minute; without --time-zone, TZ is the zone', async () => {
    const arn = emulator.addService({ name: 'web-api' });
    const at = TUESDAY_EVENING + 20_000;
    const env = emulatorEnvironment(emulator.endpoint, { TZ: 'America/New_York' });
    const { code } = await cli(emulator, ['snooze', 'web-api', '--for', '3h'], { at, env });
    expect(code).toBe(0);
    // 18:00:20 UTC + 3 h = 21:00:20 UTC, 16:00:20 in New York, rounded up to 16:01
    expect(emulator.service(arn).tags[SKIP_TAG_KEY]).toBe('2026-12-01T16:01-05:00');
  });

  test('a date-time already past is refused with exit 2, and nothing is called', async () => {
    emulator.addService({ name: 'web-api' });
    const { code, stderr } = await cli(emulator, ['snooze', 'web-api', '--until', '2026-12-01T17:00', '--time-zone', 'Europe/London']);
    expect(code).toBe(2);
    expect(stderr).toContain('--until: received "2026-12-01T17:00"; expected a time after now (2026-12-01 18:00 Europe/London)');
    expect(emulator.calls).toHaveLength(0);
  });
});

