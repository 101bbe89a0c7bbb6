import type { OfficeHours } from '../../contract/office-hours';
import {
  SchedulesError,
  followedSchedule,
  ownershipProblem,
  parseSchedules,
  scheduleOwnership,
  type NamedSchedule,
  type ScheduleSelection,
  type Schedules,
} from '../../contract/schedules';

const LONDON_HOURS: OfficeHours = {
  pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: 'Europe/London' },
  resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: 'Europe/London' },
  holidays: ['2026-12-25'],
};
const NEW_YORK_HOURS: OfficeHours = {
  pause: { expression: 'cron(0 19 ? * MON-FRI *)', timeZone: 'America/New_York' },
  resume: { expression: 'cron(0 7 ? * MON-FRI *)', timeZone: 'America/New_York' },
};

const HOME = { account: '111111111111', region: 'eu-west-1' };
const arn = (name: string, region = HOME.region, account = HOME.account) => `arn:aws:apprunner:${region}:${account}:service/${name}/${'0'.repeat(31)}1`;

/** Schedules as the function reads them from SCHEDULER_SCHEDULES. */
const schedules = (value: unknown): Schedules => parseSchedules(JSON.stringify(value));

/** A schedule built directly, as parseSchedules gives it. */
function schedule(name: string, selection: Partial<ScheduleSelection>): NamedSchedule {
  return { name, selection: { tags: {}, services: [], accounts: [], regions: [], ...selection } };
}
const scheduleMap = (...list: NamedSchedule[]): Schedules => new Map(list.map((s) => [s.name, s]));

const problemsOf = (json: string): string => {
  try {
    parseSchedules(json);
  } catch (error) {
    if (error instanceof SchedulesError) return error.message;
    throw error;
  }
  throw new Error('the schedules were accepted');
};

describe('SCHEDULER_SCHEDULES', () => {
  it('reads each schedule the construct writes: its hours and the selection its events carry', () => {
    const read = schedules({
      default: { hours: LONDON_HOURS, tags: { env: 'dev' } },
      newyork: { hours: NEW_YORK_HOURS, tags: { team: 'us' }, regions: ['us-east-1', 'us-east-2'], accounts: ['222222222222'] },
      listed: { services: [arn('web-api'), arn('web-api')] },
    });

    expect([...read.keys()]).toEqual(['default', 'newyork', 'listed']);
    expect(read.get('default')).toEqual({ name: 'default', hours: LONDON_HOURS, selection: { tags: { env: 'dev' }, services: [], accounts: [], regions: [] } });
    expect(read.get('newyork')).toEqual({
      name: 'newyork',
      hours: NEW_YORK_HOURS,
      selection: { tags: { team: 'us' }, services: [], accounts: ['222222222222'], regions: ['us-east-1', 'us-east-2'] },
    });
    expect(read.get('listed')).toEqual({ name: 'listed', selection: { tags: {}, services: [arn('web-api')], accounts: [], regions: [] } });
  });

  it('gives a schedule with neither tags nor services the services tagged with its name', () => {
    expect(schedules({ london: { hours: LONDON_HOURS } }).get('london')?.selection).toEqual({
      tags: { 'apprunner-scheduler:schedule': 'london' },
      services: [],
      accounts: [],
      regions: [],
    });
    expect(schedules({ london: { regions: ['eu-west-2'] } }).get('london')?.selection).toMatchObject({ tags: { 'apprunner-scheduler:schedule': 'london' }, regions: ['eu-west-2'] });
  });

  test.each([
    ['text that is not JSON', '{"london":', 'SCHEDULER_SCHEDULES: received "{\\"london\\":"; expected JSON of the named schedules'],
    ['a list', '[]', '(schedules): received []; expected an object of schedule names to schedules, with at least one, such as {"london":{"tags":{"team":"uk"}}}'],
    ['no schedule at all', '{}', '(schedules): received {}; expected an object of schedule names to schedules, with at least one, such as {"london":{"tags":{"team":"uk"}}}'],
    [
      'a name with a space',
      '{"new york":{}}',
      '"new york": received "new york"; expected a schedule name of 1-32 letters, digits, "-" and "_", starting with a letter or digit, such as "london"',
    ],
    ['a schedule that is not an object', '{"london":true}', 'london: received true; expected an object with hours, tags, services, accounts, regions (each optional)'],
    ['an unknown key (a typo)', '{"london":{"tag":{"team":"uk"}}}', 'london.tag: received {"team":"uk"}; expected no such field; a schedule has hours, tags, services, accounts, regions'],
    [
      'hours with a bad expression',
      JSON.stringify({ london: { hours: { ...LONDON_HOURS, pause: { ...LONDON_HOURS.pause, expression: 'at 7pm' } } } }),
      'london.hours.pause.expression: received "at 7pm"',
    ],
    ['hours that are not an object', '{"london":{"hours":"9-5"}}', 'london.hours: received "9-5"; expected an object with pause, resume and optional holidays'],
    ['a tag in the aws: namespace', '{"london":{"tags":{"aws:team":"uk"}}}', 'london.tags["aws:team"]: received "aws:team"; expected a tag key that does not start with "aws:"'],
    ['a malformed ARN', '{"london":{"services":["arn:aws:apprunner:eu-west-1:1:service/x"]}}', 'london.services[0]: received "arn:aws:apprunner:eu-west-1:1:service/x"; expected App Runner service ARNs'],
    ['an account alias', '{"london":{"tags":{"team":"uk"},"accounts":["staging"]}}', 'london.accounts[0]: received "staging"; expected 12-digit AWS account IDs'],
    [
      'regions with only listed ARNs',
      JSON.stringify({ london: { services: [arn('web-api')], regions: ['eu-west-2'] } }),
      'london.regions: received ["eu-west-2"]; expected regions only together with "tags" (a listed ARN is called in its own region)',
    ],
  ])('refuses %s, naming the field, the value and what is accepted', (_, json, message) => {
    const error = problemsOf(json);
    expect(error.startsWith('SCHEDULER_SCHEDULES is not valid: ')).toBe(true);
    expect(error).toContain(message);
  });

  it('names every bad field of every schedule at once', () => {
    const error = (() => {
      try {
        parseSchedules(JSON.stringify({ london: { hours: {}, extra: 1 }, newyork: { tags: {} } }));
      } catch (e) {
        return e as SchedulesError;
      }
      throw new Error('accepted');
    })();
    expect(error.problems.map((p) => p.field)).toEqual(['london.extra', 'london.hours.pause', 'london.hours.resume', 'newyork.tags']);
  });
});

describe('which schedule a service follows', () => {
  const london = schedule('london', { tags: { team: 'uk' } });
  const newyork = schedule('newyork', { tags: { env: 'prod' } });
  const both = scheduleMap(london, newyork);

  it('is the schedule its apprunner-scheduler:schedule tag names, whatever selections match it', () => {
    const service = { arn: arn('web-api'), tags: { team: 'uk', env: 'prod', 'apprunner-scheduler:schedule': 'newyork' } };
    expect(scheduleOwnership(service, both, HOME)).toEqual({ kind: 'tagged', schedule: 'newyork' });
  });

  it('is none when its tag names a schedule the function does not have, and says so', () => {
    const ownership = scheduleOwnership({ arn: arn('web-api'), tags: { team: 'uk', 'apprunner-scheduler:schedule': 'tokyo' } }, both, HOME);
    expect(ownership).toEqual({ kind: 'unknown-tag', tagged: 'tokyo' });
    expect(followedSchedule(ownership)).toBeUndefined();
    expect(ownershipProblem(ownership, both)).toBe('its tag apprunner-scheduler:schedule=tokyo names no schedule of this function (it has london and newyork)');
  });

  it('is none when its tag names a schedule whose selection does not select it, and says so: the tag chooses, it adds no service', () => {
    const ownership = scheduleOwnership({ arn: arn('web-api'), tags: { team: 'uk', 'apprunner-scheduler:schedule': 'newyork' } }, both, HOME);
    expect(ownership).toEqual({ kind: 'unselected-tag', tagged: 'newyork' });
    expect(followedSchedule(ownership)).toBeUndefined();
    expect(ownershipProblem(ownership, both)).toBe(
      "its tag apprunner-scheduler:schedule=newyork names schedule newyork, whose selection (tags, ARNs, accounts and regions) does not select it, so its runs never reach it: add it to newyork's selection, or change the tag",
    );
  });

  it('is the one schedule whose selection matches an untagged service', () => {
    const ownership = scheduleOwnership({ arn: arn('web-api'), tags: { team: 'uk', env: 'dev' } }, both, HOME);
    expect(ownership).toEqual({ kind: 'selected', schedule: 'london' });
    expect(followedSchedule(ownership)).toBe('london');
    expect(ownershipProblem(ownership, both)).toBeUndefined();
  });

  it('is a conflict when two selections match, naming them and the tag that settles it', () => {
    const ownership = scheduleOwnership({ arn: arn('web-api'), tags: { team: 'uk', env: 'prod' } }, both, HOME);
    expect(ownership).toEqual({ kind: 'conflict', schedules: ['london', 'newyork'] });
    expect(followedSchedule(ownership)).toBeUndefined();
    expect(ownershipProblem(ownership, both)).toBe('selected by schedules london and newyork: tag it apprunner-scheduler:schedule=<name> to choose');
  });

  it('names three schedules in conflict as a person lists them', () => {
    const three = scheduleMap(schedule('default', { tags: { env: 'prod' } }), london, newyork);
    const ownership = scheduleOwnership({ arn: arn('web-api'), tags: { team: 'uk', env: 'prod' } }, three, HOME);
    expect(ownershipProblem(ownership, three)).toBe('selected by schedules default, london and newyork: tag it apprunner-scheduler:schedule=<name> to choose');
  });

  it('is none for a service no selection matches', () => {
    expect(scheduleOwnership({ arn: arn('web-api'), tags: { team: 'de' } }, both, HOME)).toEqual({ kind: 'none' });
  });

  it('matches a listed ARN whatever its tags', () => {
    const listed = scheduleMap(schedule('listed', { services: [arn('web-api')] }), london);
    expect(scheduleOwnership({ arn: arn('web-api'), tags: {} }, listed, HOME)).toEqual({ kind: 'selected', schedule: 'listed' });
    expect(scheduleOwnership({ arn: arn('web-api'), tags: { team: 'uk' } }, listed, HOME)).toEqual({ kind: 'conflict', schedules: ['listed', 'london'] });
  });

  it('needs every selection tag, each with its value', () => {
    const two = scheduleMap(schedule('london', { tags: { team: 'uk', env: 'dev' } }));
    expect(scheduleOwnership({ arn: arn('web-api'), tags: { team: 'uk' } }, two, HOME).kind).toBe('none');
    expect(scheduleOwnership({ arn: arn('web-api'), tags: { team: 'uk', env: 'prod' } }, two, HOME).kind).toBe('none');
    expect(scheduleOwnership({ arn: arn('web-api'), tags: { team: 'uk', env: 'dev', other: 'x' } }, two, HOME).kind).toBe('selected');
  });

  describe('with accounts and regions', () => {
    const uk = schedule('london', { tags: { team: 'x' } });
    const us = schedule('newyork', { tags: { team: 'x' }, regions: ['us-east-1'], accounts: ['222222222222', '333333333333'] });
    const split = scheduleMap(uk, us);

    it('looks for a selection without regions or accounts in the function\'s own region and account only', () => {
      expect(scheduleOwnership({ arn: arn('web-api'), tags: { team: 'x' } }, split, HOME)).toEqual({ kind: 'selected', schedule: 'london' });
      expect(scheduleOwnership({ arn: arn('web-api', 'eu-west-2'), tags: { team: 'x' } }, split, HOME)).toEqual({ kind: 'none' });
      expect(scheduleOwnership({ arn: arn('web-api', 'eu-west-1', '222222222222'), tags: { team: 'x' } }, split, HOME)).toEqual({ kind: 'none' });
    });

    it('matches a tagged service only in the selection\'s listed regions and accounts', () => {
      expect(scheduleOwnership({ arn: arn('web-api', 'us-east-1', '333333333333'), tags: { team: 'x' } }, split, HOME)).toEqual({ kind: 'selected', schedule: 'newyork' });
      expect(scheduleOwnership({ arn: arn('web-api', 'us-west-2', '333333333333'), tags: { team: 'x' } }, split, HOME)).toEqual({ kind: 'none' });
      expect(scheduleOwnership({ arn: arn('web-api', 'us-east-1', HOME.account), tags: { team: 'x' } }, split, HOME)).toEqual({ kind: 'none' });
    });

    it('finds the conflict of two selections that reach the same account and region', () => {
      const overlapping = scheduleMap(uk, schedule('newyork', { tags: { team: 'x' }, regions: ['eu-west-1', 'us-east-1'], accounts: [HOME.account] }));
      expect(scheduleOwnership({ arn: arn('web-api'), tags: { team: 'x' } }, overlapping, HOME)).toEqual({ kind: 'conflict', schedules: ['london', 'newyork'] });
    });

    it('matches any region and account for a selection without them when the function\'s own are not known', () => {
      expect(scheduleOwnership({ arn: arn('web-api', 'eu-west-2', '222222222222'), tags: { team: 'x' } }, scheduleMap(uk))).toEqual({ kind: 'selected', schedule: 'london' });
    });
  });
});
