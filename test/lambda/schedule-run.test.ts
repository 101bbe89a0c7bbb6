import fc from 'fast-check';
import { parseEvent } from '../../contract/event';
import type { OfficeHours } from '../../contract/office-hours';
import { followedSchedule, parseSchedules, scheduleOwnership } from '../../contract/schedules';
import type { EndingSettings } from '../../lambda/endings';
import { UnknownScheduleError } from '../../lambda/errors';
import { ScheduleRule, type ScheduleSettings } from '../../lambda/schedule-run';
import type { SelectedService } from '../../lambda/select';
import { SCHEDULE_TAG_KEY } from '../../contract/scheduler-tags';

const hours = (timeZone: string): OfficeHours => ({
  pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone },
  resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone },
});
const FUNCTION_HOURS = hours('UTC');
const LONDON = hours('Europe/London');
const NEW_YORK = hours('America/New_York');

const HOME = { account: '111111111111', region: 'eu-west-1' };
const TARGET = { groupName: 'group', roleArn: 'arn:aws:iam::111111111111:role/schedules', functionArn: 'arn:aws:lambda:eu-west-1:111111111111:function:scheduler' };
const FUNCTION_ENDINGS: EndingSettings = { hours: FUNCTION_HOURS, target: TARGET };

const SCHEDULES = parseSchedules(
  JSON.stringify({
    default: { hours: FUNCTION_HOURS, tags: { env: 'dev' } },
    london: { hours: LONDON, tags: { office: 'london' } },
    newyork: { hours: NEW_YORK, tags: { office: 'newyork' } },
    pauseonly: { tags: { office: 'nowhere' } },
  }),
);
const NAMED: ScheduleSettings = { schedules: SCHEDULES, home: HOME };

function service(name: string, tags: Record<string, string>): SelectedService {
  return { arn: `arn:aws:apprunner:eu-west-1:111111111111:service/${name}/${'0'.repeat(31)}1`, name, region: 'eu-west-1', status: 'RUNNING', tags, tagsFromTaggingApi: true };
}
const LONDON_SERVICE = service('london-api', { office: 'london' });
const NEW_YORK_SERVICE = service('newyork-api', { office: 'newyork' });
const BOTH = service('shared-api', { office: 'london', env: 'dev' });
const SETTLED = service('settled-api', { office: 'london', env: 'dev', 'apprunner-scheduler:schedule': 'default' });
const UNKNOWN = service('tokyo-api', { office: 'london', 'apprunner-scheduler:schedule': 'tokyo' });
const NOBODYS = service('other-api', { office: 'paris' });

const request = (schedule?: string) => parseEvent({ action: 'pause', tags: { office: 'london' }, ...(schedule ? { schedule } : {}) }, { defaultRegion: HOME.region });
const decide = (schedule: string | undefined, settings: ScheduleSettings, target: SelectedService, endings = FUNCTION_ENDINGS) =>
  new ScheduleRule(request(schedule), settings, endings).decide(target);

describe('a run that a named schedule sent', () => {
  it('acts on the services that schedule owns, with that schedule\'s hours for their snoozes and wakes', () => {
    expect(decide('london', NAMED, LONDON_SERVICE)).toEqual({ kind: 'run', endings: { schedule: 'london', hours: LONDON, target: TARGET } });
    expect(decide('default', NAMED, SETTLED)).toEqual({ kind: 'run', endings: { schedule: 'default', hours: FUNCTION_HOURS, target: TARGET } });
  });

  test.each([
    ['another schedule\'s selection matches', 'london', NEW_YORK_SERVICE, 'follows schedule newyork, whose selection matches it, not london: left to newyork\'s runs'],
    ['its tag names another schedule', 'london', SETTLED, 'follows schedule default (its tag apprunner-scheduler:schedule=default), not london: left to default\'s runs'],
    [
      'two selections match it',
      'london',
      BOTH,
      'selected by schedules default and london: tag it apprunner-scheduler:schedule=<name> to choose; no schedule\'s run changes it until then',
    ],
    [
      'its tag names a schedule the function does not have',
      'london',
      UNKNOWN,
      'its tag apprunner-scheduler:schedule=tokyo names no schedule of this function (it has default, london, newyork and pauseonly); no schedule\'s run changes it until then',
    ],
    ['its own selection does not match it', 'london', NOBODYS, 'schedule london\'s selection in SCHEDULER_SCHEDULES does not match it, though this event selected it: left alone'],
  ])('skips a service when %s, saying who owns it', (_, schedule, target, reason) => {
    expect(decide(schedule, NAMED, target)).toEqual({ kind: 'skipped', reason });
  });

  it('knows no hours for a schedule that does not both pause and resume, and says so', () => {
    expect(decide('pauseonly', NAMED, service('nowhere-api', { office: 'nowhere' }))).toEqual({
      kind: 'run',
      endings: { schedule: 'pauseonly', target: TARGET, unavailable: 'schedule pauseonly does not both pause and resume, so its office hours are unknown' },
    });
  });

  it('keeps the function\'s reason when no pause can be arranged at all', () => {
    const noTarget: EndingSettings = { unavailable: 'the function\'s environment has no SCHEDULER_GROUP_NAME' };
    expect(decide('london', NAMED, LONDON_SERVICE, noTarget)).toEqual({
      kind: 'run',
      endings: { schedule: 'london', hours: LONDON, unavailable: 'the function\'s environment has no SCHEDULER_GROUP_NAME' },
    });
  });

  describe('when the function cannot tell what the schedule owns', () => {
    const NOTHING = 'nothing was called, and no service is changed until the function is told its schedules';
    test.each<[string, ScheduleSettings, string]>([
      [
        'no SCHEDULER_SCHEDULES',
        { home: HOME },
        `this run is schedule london's, but the function's environment has no SCHEDULER_SCHEDULES to tell which services it owns (a deployment from before named schedules, or a function the construct did not deploy): ${NOTHING}`,
      ],
      [
        'an invalid SCHEDULER_SCHEDULES',
        { problem: 'SCHEDULER_SCHEDULES is not valid (london.tag: received {})', home: HOME },
        `this run is schedule london's, but SCHEDULER_SCHEDULES is not valid (london.tag: received {}): ${NOTHING}`,
      ],
      [
        'no schedule of that name',
        { schedules: parseSchedules('{"default":{"tags":{"env":"dev"}}}'), home: HOME },
        `this run is schedule london's, but SCHEDULER_SCHEDULES has no schedule london (it has default): ${NOTHING}`,
      ],
    ])('refuses the run with %s, before it decides anything', (_, settings, reason) => {
      const refused = () => new ScheduleRule(request('london'), settings, FUNCTION_ENDINGS);
      expect(refused).toThrow(new UnknownScheduleError('london', reason));
      expect(refused).toThrow(UnknownScheduleError);
    });

    it('leaves the service of a pause arranged for a schedule removed since as it is', () => {
      const arranged = parseEvent({ action: 'pause', services: [LONDON_SERVICE.arn], ends: { kind: 'wake', at: '2026-12-01T23:00:00Z' }, schedule: 'tokyo' }, {});
      expect(new ScheduleRule(arranged, NAMED, FUNCTION_ENDINGS).decide(LONDON_SERVICE)).toEqual({
        kind: 'skipped',
        reason: 'left as it is: the pause at the end of its wake was arranged for schedule tokyo, but SCHEDULER_SCHEDULES has no schedule tokyo (it has default, london, newyork and pauseonly)',
      });
    });
  });
});

describe('a run without a schedule (a scheduler without named schedules, a person invoking by hand)', () => {
  it('acts on every service with the function\'s own settings when the function has no named schedules', () => {
    expect(decide(undefined, { home: HOME }, NEW_YORK_SERVICE)).toEqual({ kind: 'run', endings: FUNCTION_ENDINGS });
  });

  it('acts on every service, each with the hours of the schedule it follows', () => {
    expect(decide(undefined, NAMED, LONDON_SERVICE)).toEqual({ kind: 'run', endings: { schedule: 'london', hours: LONDON, target: TARGET } });
    expect(decide(undefined, NAMED, NEW_YORK_SERVICE)).toEqual({ kind: 'run', endings: { schedule: 'newyork', hours: NEW_YORK, target: TARGET } });
  });

  it('keeps the function\'s own hours for a service no schedule selects', () => {
    expect(decide(undefined, NAMED, NOBODYS)).toEqual({ kind: 'run', endings: FUNCTION_ENDINGS });
  });

  test.each([
    ['two schedules select', BOTH, 'it follows no schedule, so its office hours are unknown: selected by schedules default and london: tag it apprunner-scheduler:schedule=<name> to choose'],
    [
      'its tag names no schedule',
      UNKNOWN,
      'it follows no schedule, so its office hours are unknown: its tag apprunner-scheduler:schedule=tokyo names no schedule of this function (it has default, london, newyork and pauseonly)',
    ],
  ])('acts on a service %s, but arranges no pause at the end of its snooze or wake', (_, target, unavailable) => {
    expect(decide(undefined, NAMED, target)).toEqual({ kind: 'run', endings: { target: TARGET, unavailable } });
  });

  it('arranges no pause when SCHEDULER_SCHEDULES is not valid, since whose hours apply cannot be known', () => {
    expect(decide(undefined, { problem: 'SCHEDULER_SCHEDULES is not valid (x)', home: HOME }, LONDON_SERVICE)).toEqual({
      kind: 'run',
      endings: { target: TARGET, unavailable: 'SCHEDULER_SCHEDULES is not valid (x)' },
    });
  });
});

describe('the decisions of one run', () => {
  it('give every service of one schedule the very same ending settings, so the run plans its wake once', () => {
    const rule = new ScheduleRule(request(), NAMED, FUNCTION_ENDINGS);
    const first = rule.decide(LONDON_SERVICE);
    const second = rule.decide(service('london-web', { office: 'london' }));
    expect(first.kind === 'run' && second.kind === 'run' && first.endings === second.endings).toBe(true);
  });
});

describe('never two schedules fighting over one service', () => {
  const KEYS = ['site', 'business', 'env'];
  const VALUES = ['a', 'b'];
  const NAMES = ['default', 'london', 'newyork', 'tokyo'];
  const tagsOf = fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 3 });
  const scheduleTag = fc.option(fc.constantFrom(...NAMES, 'unknown'), { nil: undefined });
  const selections = fc.dictionary(fc.constantFrom(...NAMES.slice(0, 3)), fc.record({ tags: tagsOf }), { minKeys: 1, maxKeys: 3 });

  it('lets at most one schedule\'s runs act on any service: the one it follows', () => {
    fc.assert(
      fc.property(selections, tagsOf, scheduleTag, (written, tags, tagged) => {
        // A selection without tags selects by the schedule tag, as the construct writes it.
        const schedules = parseSchedules(JSON.stringify(Object.fromEntries(Object.entries(written).map(([name, s]) => [name, Object.keys(s.tags).length > 0 ? s : {}]))));
        const target = service('some-api', { ...tags, ...(tagged ? { [SCHEDULE_TAG_KEY]: tagged } : {}) });
        const acting = [...schedules.keys()].filter((name) => new ScheduleRule(request(name), { schedules, home: HOME }, FUNCTION_ENDINGS).decide(target).kind === 'run');
        const followed = followedSchedule(scheduleOwnership(target, schedules, HOME));
        expect(acting).toEqual(followed === undefined ? [] : [followed]);
      }),
    );
  });
});
