/**
 * Two schedules on one function, end to end: the real handler with the environment the construct
 * gives it (synthesized here: a scheduler with its own schedule and `addSchedule('london')` and
 * `addSchedule('newyork')`), sent the very events its schedules send, through the real AWS SDK to
 * the emulator's App Runner and EventBridge Scheduler, one-time schedules firing on a scaled clock.
 * london pauses at 19:00 London, newyork at 19:00 New York. 1 December 2026 is a Tuesday; in winter
 * London is UTC and New York UTC-5.
 */
import { App, Stack, TimeZone } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AppRunnerScheduler, DeployAfterResume } from '../../lib';
import { SCHEDULER_SCHEDULES_ENV } from '../../contract/function-environment';
import { SCHEDULER_HOURS_ENV } from '../../contract/office-hours';
import { parseSchedules } from '../../contract/schedules';
import { UnknownScheduleError } from '../../lambda/errors';
import type { RunReport } from '../../lambda/report';
import { MARKER_TAG_KEY, SCHEDULE_TAG_KEY, SKIP_TAG_KEY } from '../../contract/scheduler-tags';
import { mutationsOf, OFFICE_HOURS, outcomeOf, REGION, startHarness, type ScheduledHarness } from '../support/scheduler-harness';
import { ScaledClock, instantOf } from '../support/scaled-clock';

const LONDON = 'Europe/London';
const NEW_YORK = 'America/New_York';
const LONDON_TAGS = { site: 'london' };
const NEW_YORK_TAGS = { business: 'us' };

type ScheduleName = 'default' | 'london' | 'newyork';
type ScheduleEvents = Record<ScheduleName, Record<'pause' | 'resume', Record<string, unknown>>>;

/**
 * What the construct gives the function and its schedules send: the scheduler's own schedule (in
 * UTC, by the harness's selector tag) and two named ones, synthesized. The function's variables that
 * CloudFormation resolves (the group, the role) the harness fills in.
 */
function synthesized(): { environment: Record<string, string>; events: ScheduleEvents } {
  const stack = new Stack(new App(), 'Platform', { env: { account: '123456789012', region: REGION } });
  const scheduler = new AppRunnerScheduler(stack, 'Scheduler', { tags: OFFICE_HOURS, pauseAt: '19:00', resumeAt: '07:00', deployAfterResume: DeployAfterResume.NEVER });
  scheduler.addSchedule('london', { tags: LONDON_TAGS, pauseAt: '19:00', resumeAt: '07:00', timeZone: TimeZone.EUROPE_LONDON, deployAfterResume: DeployAfterResume.NEVER });
  scheduler.addSchedule('newyork', { tags: NEW_YORK_TAGS, pauseAt: '19:00', resumeAt: '07:00', timeZone: TimeZone.AMERICA_NEW_YORK, deployAfterResume: DeployAfterResume.NEVER });
  const template = Template.fromStack(stack);
  const functions = Object.values(template.findResources('AWS::Lambda::Function')).map((fn) => (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>);
  const variables = functions.find((v) => SCHEDULER_SCHEDULES_ENV in v);
  if (!variables) throw new Error(`no function of the stack has ${SCHEDULER_SCHEDULES_ENV}`);
  const environment: Record<string, string> = {};
  for (const name of [SCHEDULER_HOURS_ENV, SCHEDULER_SCHEDULES_ENV]) {
    if (typeof variables[name] !== 'string') throw new Error(`the construct wrote ${name} as ${JSON.stringify(variables[name])}, not as text`);
    environment[name] = variables[name];
  }
  const events = { default: {}, london: {}, newyork: {} } as ScheduleEvents;
  for (const schedule of Object.values(template.findResources('AWS::Scheduler::Schedule'))) {
    const input = JSON.parse(schedule.Properties.Target.Input as string) as { action: 'pause' | 'resume'; schedule?: ScheduleName };
    events[input.schedule ?? 'default'][input.action] = input;
  }
  return { environment, events };
}

const { environment: ENVIRONMENT, events: EVENTS } = synthesized();
const CONFLICT = 'selected by schedules london and newyork: tag it apprunner-scheduler:schedule=<name> to choose; no schedule\'s run changes it until then';

let harness: ScheduledHarness;
/** The harness a test started, closed after it (the configuration's test starts none). */
let started: ScheduledHarness | undefined;
afterEach(async () => {
  await started?.close();
  started = undefined;
});

async function start(startAt: string, environment: Record<string, string> = ENVIRONMENT): Promise<void> {
  harness = started = await startHarness({ scheduling: { clock: new ScaledClock({ start: instantOf(startAt, LONDON), speed: 60 }), environment } });
}

/** A run as the construct's schedules start it: through Lambda's context, which names the function. */
function run(event: unknown): Promise<RunReport> {
  return harness.invoke(event, { getRemainingTimeInMillis: () => 600_000, invokedFunctionArn: harness.functionArn });
}

/** The services of the fleet: each schedule's own, one both selections match, one a tag settles, one tagged with a name the function lacks. */
function fleet() {
  const add = (name: string, tags: Record<string, string>) => harness.emulator.addService({ name, tags });
  return {
    londonWeb: add('london-web', LONDON_TAGS),
    newYorkWeb: add('newyork-web', NEW_YORK_TAGS),
    shared: add('shared-api', { ...LONDON_TAGS, ...NEW_YORK_TAGS }),
    settled: add('settled-api', { ...LONDON_TAGS, ...NEW_YORK_TAGS, [SCHEDULE_TAG_KEY]: 'newyork' }),
    unknown: add('tokyo-api', { ...LONDON_TAGS, [SCHEDULE_TAG_KEY]: 'tokyo' }),
  };
}

describe('two schedules on one function', () => {
  it('is configured by the construct with each schedule\'s hours and selection, and events that name their schedule', () => {
    const schedules = parseSchedules(ENVIRONMENT.SCHEDULER_SCHEDULES);
    expect([...schedules.keys()]).toEqual(['default', 'london', 'newyork']);
    expect(schedules.get('london')).toMatchObject({ hours: { pause: { timeZone: LONDON } }, selection: { tags: LONDON_TAGS } });
    expect(schedules.get('newyork')).toMatchObject({ hours: { pause: { timeZone: NEW_YORK } }, selection: { tags: NEW_YORK_TAGS } });
    expect(EVENTS.london.pause).toMatchObject({ action: 'pause', tags: LONDON_TAGS, timeZone: LONDON, schedule: 'london' });
    expect(EVENTS.default.pause).toMatchObject({ action: 'pause', tags: OFFICE_HOURS, schedule: 'default' });
  });

  it('pauses and resumes with each schedule only the services it owns, and neither touches one both select', async () => {
    await start('2026-12-01T19:00');
    const services = fleet();
    const status = () => Object.fromEntries(Object.entries(services).map(([key, arn]) => [key, harness.emulator.service(arn).status]));

    const londonEvening = await run(EVENTS.london.pause);

    expect(mutationsOf(harness.emulator)).toEqual(['TagResource london-web', 'PauseService london-web']);
    expect(outcomeOf(londonEvening, services.londonWeb)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(outcomeOf(londonEvening, services.shared)).toEqual(expect.objectContaining({ outcome: 'skipped', actions: [], reason: CONFLICT }));
    expect(outcomeOf(londonEvening, services.settled)).toMatchObject({
      outcome: 'skipped',
      reason: 'follows schedule newyork (its tag apprunner-scheduler:schedule=newyork), not london: left to newyork\'s runs',
    });
    expect(outcomeOf(londonEvening, services.unknown)).toMatchObject({
      outcome: 'skipped',
      reason: 'its tag apprunner-scheduler:schedule=tokyo names no schedule of this function (it has default, london and newyork); no schedule\'s run changes it until then',
    });
    expect(londonEvening.services.map((s) => s.serviceName).sort()).toEqual(['london-web', 'settled-api', 'shared-api', 'tokyo-api']);
    // Selection read their tags already: a service the run leaves to another schedule costs no call of its own.
    const skipped = [services.shared, services.settled, services.unknown];
    expect(harness.emulator.calls.filter((call) => call.targetArn !== undefined && skipped.includes(call.targetArn))).toEqual([]);

    await harness.jumpTo('2026-12-01T19:00', NEW_YORK);
    const newYorkEvening = await run(EVENTS.newyork.pause);

    expect(outcomeOf(newYorkEvening, services.newYorkWeb)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(outcomeOf(newYorkEvening, services.settled)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(outcomeOf(newYorkEvening, services.shared)).toMatchObject({ outcome: 'skipped', reason: CONFLICT });
    expect(status()).toEqual({ londonWeb: 'PAUSED', newYorkWeb: 'PAUSED', shared: 'RUNNING', settled: 'PAUSED', unknown: 'RUNNING' });

    await harness.jumpTo('2026-12-02T07:00', LONDON);
    const londonMorning = await run(EVENTS.london.resume);

    expect(outcomeOf(londonMorning, services.londonWeb)).toMatchObject({ outcome: 'changed', actions: ['resume'] });
    expect(outcomeOf(londonMorning, services.settled)).toMatchObject({ outcome: 'skipped', actions: [] });
    expect(status()).toEqual({ londonWeb: 'RUNNING', newYorkWeb: 'PAUSED', shared: 'RUNNING', settled: 'PAUSED', unknown: 'RUNNING' });

    await harness.jumpTo('2026-12-02T07:00', NEW_YORK);
    const newYorkMorning = await run(EVENTS.newyork.resume);

    expect(outcomeOf(newYorkMorning, services.shared)).toMatchObject({ outcome: 'skipped', reason: CONFLICT });
    expect(status()).toEqual({ londonWeb: 'RUNNING', newYorkWeb: 'RUNNING', shared: 'RUNNING', settled: 'RUNNING', unknown: 'RUNNING' });
    const touched = new Set(mutationsOf(harness.emulator).map((call) => call.split(' ')[1]));
    expect([...touched].sort()).toEqual(['london-web', 'newyork-web', 'settled-api']);
  });

  it('acts on a service both select once a person tags it with the schedule it follows', async () => {
    await start('2026-12-01T19:00');
    const { shared } = fleet();
    harness.emulator.setTags(shared, { ...LONDON_TAGS, ...NEW_YORK_TAGS, [SCHEDULE_TAG_KEY]: 'london' });

    const londonEvening = await run(EVENTS.london.pause);

    expect(outcomeOf(londonEvening, shared)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(harness.emulator.service(shared).tags[MARKER_TAG_KEY]).toMatch(/^paused /);
  });

  it('lets a person\'s run without a schedule act on every service it selects, as before', async () => {
    await start('2026-12-01T12:00');
    const { shared, unknown } = fleet();

    const report = await run({ action: 'pause', services: [shared, unknown] });

    expect(outcomeOf(report, shared)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(outcomeOf(report, unknown)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
  });
});

describe('snoozes and wakes under two schedules', () => {
  it('ends a person\'s wake in the evening of the schedule the service follows, with a pause that names it', async () => {
    // 21:00 London is 16:00 in New York: a wake until 23:00 London ends out of London's hours, but within New York's.
    await start('2026-12-01T21:00');
    const londonWeb = harness.emulator.addService({ name: 'london-web', status: 'PAUSED', tags: { ...LONDON_TAGS, [MARKER_TAG_KEY]: 'paused 2026-12-01T19:00:00Z' } });
    const newYorkWeb = harness.emulator.addService({ name: 'newyork-web', status: 'PAUSED', tags: { ...NEW_YORK_TAGS, [MARKER_TAG_KEY]: 'paused 2026-11-30T19:00:00Z' } });

    const wake = await run({ action: 'resume', services: [londonWeb, newYorkWeb], until: '2026-12-01T23:00', timeZone: LONDON, deployAfterResume: 'never' });

    expect(outcomeOf(wake, londonWeb).ending).toMatchObject({ kind: 'wake', at: '2026-12-01T23:00:00Z', arrangement: 'arranged' });
    expect(outcomeOf(wake, newYorkWeb).ending).toMatchObject({
      kind: 'wake',
      arrangement: 'not-arranged',
      reason: 'the wake ends at 2026-12-01T23:00:00Z: no pause arranged, since that is in office hours (the scheduled pause takes it from there)',
    });
    const [schedule] = harness.schedules();
    expect(JSON.parse(schedule.target.input ?? '')).toEqual({ action: 'pause', services: [londonWeb], timeZone: LONDON, ends: { kind: 'wake', at: '2026-12-01T23:00:00Z' }, schedule: 'london' });

    await harness.jumpTo('2026-12-01T23:00:30', LONDON);

    const [firing] = harness.fired();
    expect(outcomeOf(firing.runs[0].report!, londonWeb)).toMatchObject({ outcome: 'changed', actions: ['pause'] });
    expect(harness.emulator.service(londonWeb).status).toBe('PAUSED');
    expect(harness.emulator.service(newYorkWeb).status).toBe('RUNNING');
  });

  it('ends a newyork service\'s snooze in a pause that newyork\'s hours allow, after London\'s morning has begun', async () => {
    // The snooze ends at 03:00 New York, 08:00 London: out of New York's hours, in London's.
    await start('2026-12-02T00:00');
    const newYorkWeb = harness.emulator.addService({ name: 'newyork-web', tags: { ...NEW_YORK_TAGS, [SKIP_TAG_KEY]: '2026-12-02T03:00' } });

    const evening = await run(EVENTS.newyork.pause);

    expect(outcomeOf(evening, newYorkWeb)).toMatchObject({ outcome: 'skipped', ending: { kind: 'snooze', at: '2026-12-02T08:00:00Z', arrangement: 'arranged' } });
    const [schedule] = harness.schedules();
    expect(JSON.parse(schedule.target.input ?? '')).toMatchObject({ ends: { kind: 'snooze' }, schedule: 'newyork' });

    await harness.jumpTo('2026-12-02T08:00:30', LONDON);

    expect(harness.emulator.service(newYorkWeb).status).toBe('PAUSED');
  });
});

describe('a run whose schedule the function cannot place', () => {
  test.each([
    ['no SCHEDULER_SCHEDULES', { SCHEDULER_HOURS: ENVIRONMENT.SCHEDULER_HOURS }, /^this run is schedule london's, but the function's environment has no SCHEDULER_SCHEDULES/],
    ['an invalid SCHEDULER_SCHEDULES', { ...ENVIRONMENT, SCHEDULER_SCHEDULES: '{"london":{"tag":{}}}' }, /^this run is schedule london's, but SCHEDULER_SCHEDULES is not valid \(london\.tag: received \{\}/],
    [
      'no schedule of that name',
      { ...ENVIRONMENT, SCHEDULER_SCHEDULES: JSON.stringify({ newyork: JSON.parse(ENVIRONMENT.SCHEDULER_SCHEDULES).newyork }) },
      /^this run is schedule london's, but SCHEDULER_SCHEDULES has no schedule london \(it has newyork\)/,
    ],
  ])('calls nothing and fails the invocation with %s', async (_, environment, reason) => {
    await start('2026-12-01T19:00', environment);
    const londonWeb = harness.emulator.addService({ name: 'london-web', tags: LONDON_TAGS });

    const error = await run(EVENTS.london.pause).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(UnknownScheduleError);
    expect((error as UnknownScheduleError).message).toMatch(reason);
    expect(harness.emulator.calls).toEqual([]);
    expect(harness.emulator.service(londonWeb).status).toBe('RUNNING');
  });

  it('is, for a pause arranged by a schedule removed since, a run that leaves its service as it is', async () => {
    await start('2026-12-01T23:00');
    const londonWeb = harness.emulator.addService({ name: 'london-web', tags: { ...LONDON_TAGS, 'apprunner-scheduler:wake': '2026-12-01T23:00:00Z' } });

    const report = await run({ action: 'pause', services: [londonWeb], timeZone: LONDON, ends: { kind: 'wake', at: '2026-12-01T23:00:00Z' }, schedule: 'tokyo' });

    expect(outcomeOf(report, londonWeb)).toMatchObject({
      outcome: 'skipped',
      reason: 'left as it is: the pause at the end of its wake was arranged for schedule tokyo, but SCHEDULER_SCHEDULES has no schedule tokyo (it has default, london and newyork)',
    });
    expect(mutationsOf(harness.emulator)).toEqual([]);
  });

  it('fails even when its event selects no service', async () => {
    await start('2026-12-01T19:00', { SCHEDULER_HOURS: ENVIRONMENT.SCHEDULER_HOURS });

    await expect(run(EVENTS.newyork.pause)).rejects.toThrow(UnknownScheduleError);
  });
});
