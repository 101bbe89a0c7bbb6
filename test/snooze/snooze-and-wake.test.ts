/**
 * Snoozes and wakes that end on their own, end to end: the real handler, the real AWS SDK, the
 * emulator's App Runner and EventBridge Scheduler, one-time schedules firing on a scaled clock. The
 * office hours are a weekday 19:00 pause and 07:00 resume in London; 1 December 2026 is a Tuesday.
 */
import { RunFailedError } from '../../lambda/errors';
import type { RunReport } from '../../lambda/report';
import { MARKER_TAG_KEY, SKIP_TAG_KEY, WAKE_TAG_KEY } from '../../contract/scheduler-tags';
import { OFFICE_HOURS, outcomeOf, startHarness, type ScheduledHarness } from '../support/scheduler-harness';
import { ScaledClock, instantOf } from '../support/scaled-clock';

const LONDON = 'Europe/London';
const HOURS = {
  pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: LONDON },
  resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: LONDON },
};
const PAUSE = { action: 'pause', tags: OFFICE_HOURS, timeZone: LONDON };
// No deployment after the resume, so that a woken service is RUNNING once the run ends.
const RESUME = { action: 'resume', tags: OFFICE_HOURS, timeZone: LONDON, deployAfterResume: 'never' };
const SNOOZE_END = '2026-12-01T22:00:00Z';

let harness: ScheduledHarness;

/** A harness whose clock shows `start` (London time) and runs a virtual minute per real second. */
async function start(startAt: string, environment: Record<string, string> = { SCHEDULER_HOURS: JSON.stringify(HOURS) }): Promise<void> {
  harness = await startHarness({ scheduling: { clock: new ScaledClock({ start: instantOf(startAt, LONDON), speed: 60 }), environment } });
}

afterEach(() => harness.close());

/** A run as the construct's schedules start it: through Lambda's context, which names the function. */
function run(event: unknown): Promise<RunReport> {
  return harness.invoke(event, { getRemainingTimeInMillis: () => 600_000, invokedFunctionArn: harness.functionArn });
}

/** Lives on to `at` (London time) at once; what came due meanwhile fires then, and its runs finish. */
function jumpTo(at: string): Promise<void> {
  return harness.jumpTo(at, LONDON);
}

/** The reports of the runs a schedule's firing started, in order. */
function reportsOf(name: string): RunReport[] {
  return harness.fired().filter((f) => f.name === name).flatMap((f) => f.runs.flatMap((r) => (r.report ? [r.report] : [])));
}

describe('a snooze that ends in a pause', () => {
  it('pauses a service whose snooze ends out of hours when it ends, with a schedule that is gone afterwards', async () => {
    await start('2026-12-01T19:00');
    const arn = harness.emulator.addService({ name: 'web-app', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-01T22:00' } });

    const evening = await run(PAUSE);

    expect(outcomeOf(evening, arn)).toMatchObject({ outcome: 'skipped', ending: { kind: 'snooze', at: SNOOZE_END, arrangement: 'arranged' } });
    const [schedule] = harness.schedules();
    expect(schedule).toMatchObject({
      name: outcomeOf(evening, arn).ending?.schedule,
      groupName: harness.groupName,
      expression: 'at(2026-12-01T22:00:00)',
      timeZone: 'UTC',
      actionAfterCompletion: 'DELETE',
      flexibleTimeWindow: { mode: 'OFF' },
    });
    expect(schedule.target).toMatchObject({ arn: harness.functionArn, roleArn: harness.targetRoleArn });
    expect(JSON.parse(schedule.target.input ?? '')).toEqual({ action: 'pause', services: [arn], timeZone: LONDON, ends: { kind: 'snooze', at: SNOOZE_END } });
    expect(harness.emulator.service(arn).status).toBe('RUNNING');

    await jumpTo('2026-12-01T22:00:30');

    const [night] = reportsOf(schedule.name);
    expect(outcomeOf(night, arn)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(harness.emulator.service(arn).status).toBe('PAUSED');
    expect(harness.emulator.service(arn).tags[MARKER_TAG_KEY]).toMatch(/^paused /);
    expect(harness.schedules()).toEqual([]);
    expect(harness.deleted().map((s) => s.name)).toEqual([schedule.name]);
  });

  it('honours a snooze extended before its end, and pauses at the new end', async () => {
    await start('2026-12-01T19:00');
    const arn = harness.emulator.addService({ name: 'web-app', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-01T22:00' } });
    await run(PAUSE);
    const [first] = harness.schedules();

    await jumpTo('2026-12-01T21:30');
    harness.emulator.setTags(arn, { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-01T23:30' });
    await jumpTo('2026-12-01T22:00:30');

    const [atFirstEnd] = reportsOf(first.name);
    expect(outcomeOf(atFirstEnd, arn)).toMatchObject({ outcome: 'skipped', actions: [], ending: { kind: 'snooze', at: '2026-12-01T23:30:00Z', arrangement: 'arranged' } });
    expect(harness.emulator.service(arn).status).toBe('RUNNING');
    expect(harness.schedules().map((s) => s.expression)).toEqual(['at(2026-12-01T23:30:00)']);

    await jumpTo('2026-12-01T23:30:30');

    expect(harness.emulator.service(arn).status).toBe('PAUSED');
    expect(harness.schedules()).toEqual([]);
  });

  it('arranges nothing for a snooze that ends in office hours', async () => {
    await start('2026-12-01T19:00');
    const arn = harness.emulator.addService({ name: 'web-app', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-02T09:00' } });

    const report = await run(PAUSE);

    expect(outcomeOf(report, arn).ending).toEqual({
      kind: 'snooze',
      at: '2026-12-02T09:00:00Z',
      arrangement: 'not-arranged',
      reason: 'the snooze ends at 2026-12-02T09:00:00Z: no pause arranged, since that is in office hours (the scheduled pause takes it from there)',
    });
    expect(harness.created()).toEqual([]);
  });

  it('arranges nothing for a skip for good', async () => {
    await start('2026-12-01T19:00');
    const arn = harness.emulator.addService({ name: 'web-app', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: 'true' } });

    const report = await run(PAUSE);

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'skipped' });
    expect(outcomeOf(report, arn).ending).toBeUndefined();
    expect(harness.created()).toEqual([]);
  });

  it('never fights a person who paused the snoozed service in between: left paused, unmarked, and the morning leaves it so', async () => {
    await start('2026-12-01T19:00');
    const arn = harness.emulator.addService({ name: 'web-app', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-01T22:00' } });
    await run(PAUSE);
    await jumpTo('2026-12-01T21:00');
    harness.emulator.pauseByHand(arn);
    await harness.emulator.settled();

    await jumpTo('2026-12-01T22:00:30');
    await jumpTo('2026-12-02T07:00');
    const morning = await run(RESUME);

    expect(harness.emulator.service(arn).status).toBe('PAUSED');
    expect(harness.emulator.service(arn).tags[MARKER_TAG_KEY]).toBeUndefined();
    expect(outcomeOf(morning, arn)).toMatchObject({ outcome: 'unchanged', actions: [] });
    expect(harness.schedules()).toEqual([]);
  });
});

describe('a wake that ends in a pause', () => {
  it('resumes a paused service for two hours, then pauses it and removes its wake tag', async () => {
    await start('2026-12-01T21:00');
    const arn = harness.emulator.addService({ name: 'web-app', status: 'PAUSED', tags: { ...OFFICE_HOURS, [MARKER_TAG_KEY]: 'paused 2026-12-01T19:00:00Z' } });

    const wake = await run({ ...RESUME, services: [arn], tags: undefined, until: 'PT2H' });

    const row = outcomeOf(wake, arn);
    expect(row).toMatchObject({ outcome: 'changed', actions: ['resume'], ending: { kind: 'wake', arrangement: 'arranged' } });
    const until = row.ending!.at;
    expect(Date.parse(until) - instantOf('2026-12-01T23:00', LONDON)).toBeLessThan(5 * 60_000);
    expect(harness.emulator.service(arn)).toMatchObject({ status: 'RUNNING', tags: { [WAKE_TAG_KEY]: until } });
    // The wake tag went with the marker, in the resume's one TagResource.
    expect(harness.emulator.callsTo('TagResource')).toHaveLength(1);

    await jumpTo('2026-12-01T23:10');

    expect(harness.emulator.service(arn).status).toBe('PAUSED');
    expect(harness.emulator.service(arn).tags[WAKE_TAG_KEY]).toBeUndefined();
    expect(harness.emulator.service(arn).tags[MARKER_TAG_KEY]).toMatch(/^paused /);
    expect(harness.schedules()).toEqual([]);
    expect(harness.deleted().map((s) => s.name)).toEqual([row.ending!.schedule]);
  });

  it('resumes but arranges no pause for a wake that ends in office hours', async () => {
    await start('2026-12-02T06:00');
    const arn = harness.emulator.addService({ name: 'web-app', status: 'PAUSED', tags: { ...OFFICE_HOURS, [MARKER_TAG_KEY]: 'paused 2026-12-01T19:00:00Z' } });

    const report = await run({ ...RESUME, until: '2026-12-02T08:00' });

    expect(outcomeOf(report, arn)).toMatchObject({
      outcome: 'changed',
      ending: { kind: 'wake', at: '2026-12-02T08:00:00Z', arrangement: 'not-arranged' },
    });
    expect(harness.emulator.service(arn).status).toBe('RUNNING');
    expect(harness.emulator.service(arn).tags[WAKE_TAG_KEY]).toBeUndefined();
    expect(harness.created()).toEqual([]);
  });

  it('arranges nothing for a service a person had resumed already', async () => {
    await start('2026-12-01T21:00');
    const arn = harness.emulator.addService({ name: 'web-app', tags: OFFICE_HOURS });

    const report = await run({ ...RESUME, until: 'PT2H' });

    expect(outcomeOf(report, arn)).toMatchObject({ outcome: 'unchanged', ending: { kind: 'wake', arrangement: 'not-arranged' } });
    expect(harness.created()).toEqual([]);
    expect(harness.emulator.service(arn).tags[WAKE_TAG_KEY]).toBeUndefined();
  });

  it('never fights a person who paused the woken service in between: left paused, and the wake tag removed', async () => {
    await start('2026-12-01T21:00');
    const arn = harness.emulator.addService({ name: 'web-app', status: 'PAUSED', tags: { ...OFFICE_HOURS, [MARKER_TAG_KEY]: 'paused 2026-12-01T19:00:00Z' } });
    await run({ ...RESUME, until: '2026-12-01T23:00' });
    await jumpTo('2026-12-01T22:00');
    harness.emulator.pauseByHand(arn);
    await harness.emulator.settled();
    harness.emulator.clearCalls();

    await jumpTo('2026-12-01T23:00:30');

    expect(harness.emulator.service(arn).status).toBe('PAUSED');
    expect(harness.emulator.service(arn).tags[MARKER_TAG_KEY]).toBeUndefined();
    expect(harness.emulator.service(arn).tags[WAKE_TAG_KEY]).toBeUndefined();
    expect(harness.emulator.mutatingCalls().map((c) => c.operation)).toEqual(['UntagResource']);
  });

  it('extends an earlier wake: the first end leaves the service running, the later one pauses it', async () => {
    await start('2026-12-01T21:00');
    const arn = harness.emulator.addService({ name: 'web-app', status: 'PAUSED', tags: { ...OFFICE_HOURS, [MARKER_TAG_KEY]: 'paused 2026-12-01T19:00:00Z' } });
    await run({ ...RESUME, until: '2026-12-01T22:00' });
    await jumpTo('2026-12-01T21:30');

    const later = await run({ ...RESUME, until: '2026-12-01T23:00' });

    expect(outcomeOf(later, arn)).toMatchObject({ outcome: 'unchanged', ending: { at: '2026-12-01T23:00:00Z', arrangement: 'arranged' } });
    await jumpTo('2026-12-01T22:00:30');
    expect(harness.emulator.service(arn).status).toBe('RUNNING');
    await jumpTo('2026-12-01T23:00:30');
    expect(harness.emulator.service(arn).status).toBe('PAUSED');
    expect(harness.schedules()).toEqual([]);
  });
});

describe('dry runs', () => {
  it('arrange nothing, and say what they would arrange', async () => {
    await start('2026-12-01T19:00');
    const snoozed = harness.emulator.addService({ name: 'snoozed-app', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-01T22:00' } });
    const paused = harness.emulator.addService({ name: 'paused-app', status: 'PAUSED', tags: { ...OFFICE_HOURS, [MARKER_TAG_KEY]: 'paused 2026-12-01T19:00:00Z' } });

    const pause = await run({ ...PAUSE, dryRun: true });
    const wake = await run({ ...RESUME, dryRun: true, until: 'PT2H' });

    expect(outcomeOf(pause, snoozed).ending).toMatchObject({ kind: 'snooze', arrangement: 'planned' });
    expect(outcomeOf(wake, paused)).toMatchObject({ outcome: 'planned', ending: { kind: 'wake', arrangement: 'planned' } });
    expect(harness.created()).toEqual([]);
    expect(harness.emulator.mutatingCalls()).toEqual([]);
  });
});

describe('a function that does not know its hours', () => {
  it('says so and arranges nothing', async () => {
    await start('2026-12-01T19:00', {});
    const arn = harness.emulator.addService({ name: 'web-app', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-01T22:00' } });

    const report = await run(PAUSE);

    expect(outcomeOf(report, arn).ending).toMatchObject({ arrangement: 'not-arranged' });
    expect(outcomeOf(report, arn).ending?.reason).toContain('has no SCHEDULER_HOURS');
    expect(harness.created()).toEqual([]);
  });
});

describe('a failed CreateSchedule', () => {
  it('fails the service and the run, and a retry arranges the very same schedule', async () => {
    await start('2026-12-01T19:00');
    const arn = harness.emulator.addService({ name: 'web-app', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-01T22:00' } });
    harness.emulator.injectFault({ kind: 'accessDenied', api: 'Scheduler', operation: 'CreateSchedule' });

    const error = await run(PAUSE).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(RunFailedError);
    const row = outcomeOf((error as RunFailedError).report, arn);
    expect(row).toMatchObject({ outcome: 'failed', ending: { kind: 'snooze', arrangement: 'failed' } });
    expect(row.reason).toMatch(/could not be arranged: CreateSchedule of .+ failed: AccessDeniedException/);
    expect(harness.created()).toEqual([]);

    const retry = await run(PAUSE);
    const again = await run(PAUSE);

    expect(outcomeOf(retry, arn).ending).toMatchObject({ arrangement: 'arranged', schedule: row.ending?.schedule });
    expect(outcomeOf(again, arn).ending?.reason).toContain('already there');
    expect(harness.schedules()).toHaveLength(1);
  });

  it('rides out throttling through the SDK\'s retries', async () => {
    await start('2026-12-01T19:00');
    const arn = harness.emulator.addService({ name: 'web-app', tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: '2026-12-01T22:00' } });
    harness.emulator.injectFault({ kind: 'throttle', api: 'Scheduler', operation: 'CreateSchedule', times: 2 });

    const report = await run(PAUSE);

    expect(outcomeOf(report, arn).ending).toMatchObject({ arrangement: 'arranged' });
    expect(harness.schedules()).toHaveLength(1);
  });
});
