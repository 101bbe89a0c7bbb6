/**
 * Bad input: events a schedule or a person might send, and tag values a person might write on a
 * service. A bad event is refused with an error that names every bad field before any App Runner
 * call; a service with a tag value the scheduler cannot read is left alone, and the report names
 * the value.
 */
import { InvalidEventError, SERVICE_ARN_FORMAT } from '../../contract/event';
import type { ServiceOutcome } from '../../lambda/report';
import { MARKER_TAG_KEY, SKIP_TAG_KEY } from '../../contract/scheduler-tags';
import { startReliabilityHarness, type ReliabilityHarness } from './reliability-harness';
import { currentTestName, recordSummary } from './summary';

const ARN = 'arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123456789abcdef0123456789abcdef';
const ARNS_ACCEPTED = `App Runner service ARNs (${SERVICE_ARN_FORMAT})`;
const TAGS_ACCEPTED = 'an object of tag keys to string values, e.g. {"env":"dev"}';
const FIELDS = 'action, services, tags, regions, deployAfterResume, timeZone, holidays, dryRun, resumeManuallyPaused';
const TAGS = { env: 'dev' };

function arnNumbered(i: number): string {
  return `arn:aws:apprunner:eu-west-1:123456789012:service/svc-${i}/${i.toString(16).padStart(32, '0')}`;
}

const BAD_EVENTS: [string, unknown, string][] = [
  ['a string, not an object', 'pause', 'event: received "pause"; expected a JSON object such as {"action":"pause","tags":{"env":"dev"}}'],
  ['the event as JSON text', '{"action":"pause"}', 'event: received "{\\"action\\":\\"pause\\"}"; expected a JSON object such as {"action":"pause","tags":{"env":"dev"}}'],
  ['null', null, 'event: received null; expected a JSON object such as {"action":"pause","tags":{"env":"dev"}}'],
  ['a list', [], 'event: received []; expected a JSON object such as {"action":"pause","tags":{"env":"dev"}}'],
  [
    'an empty object',
    {},
    'action: received nothing; expected one of "pause", "resume". services: received nothing; expected service ARNs in "services", tags in "tags", or both: an event must select something',
  ],
  ['an unknown action', { action: 'stop', tags: TAGS }, 'action: received "stop"; expected one of "pause", "resume"'],
  ['an action in a list', { action: ['pause'], tags: TAGS }, 'action: received ["pause"]; expected one of "pause", "resume"'],
  [
    'a huge action, cut short in the message',
    { action: 'x'.repeat(5_000), tags: TAGS },
    `action: received "${'x'.repeat(116)}...; expected one of "pause", "resume"`,
  ],
  ['an unknown key (a typo)', { action: 'pause', tags: TAGS, dryrun: true }, `dryrun: received true; expected no such field; the fields are ${FIELDS}`],
  [
    'a service ARN with a short id',
    { action: 'pause', services: ['arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123'] },
    `services[0]: received "arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123"; expected ${ARNS_ACCEPTED}`,
  ],
  [
    'the ARN of a connection, not a service',
    { action: 'pause', services: ['arn:aws:apprunner:eu-west-1:123456789012:connection/github/0123456789abcdef0123456789abcdef'] },
    `services[0]: received "arn:aws:apprunner:eu-west-1:123456789012:connection/github/0123456789abcdef0123456789abcdef"; expected ${ARNS_ACCEPTED}`,
  ],
  [
    'a service ARN with an 11-digit account, second in the list',
    { action: 'pause', services: [ARN, 'arn:aws:apprunner:eu-west-1:12345678901:service/web-api/0123456789abcdef0123456789abcdef'] },
    `services[1]: received "arn:aws:apprunner:eu-west-1:12345678901:service/web-api/0123456789abcdef0123456789abcdef"; expected ${ARNS_ACCEPTED}`,
  ],
  ['a number among the ARNs', { action: 'pause', services: [42] }, `services[0]: received 42; expected ${ARNS_ACCEPTED}`],
  ['one ARN, not a list', { action: 'pause', services: ARN }, `services: received "${ARN}"; expected a list of ${ARNS_ACCEPTED}`],
  ['an empty list of ARNs', { action: 'pause', services: [] }, `services: received []; expected a non-empty list of ${ARNS_ACCEPTED} (leave the field out instead)`],
  [
    '1,001 ARNs',
    { action: 'pause', services: Array.from({ length: 1_001 }, (_, i) => arnNumbered(i)) },
    'services: received "1001 items"; expected at most 1000 items',
  ],
  ['tags as a string', { action: 'pause', tags: 'env=dev' }, `tags: received "env=dev"; expected ${TAGS_ACCEPTED}`],
  [
    'tags in the Key/Value list form',
    { action: 'pause', tags: [{ Key: 'env', Value: 'dev' }] },
    `tags: received [{"Key":"env","Value":"dev"}]; expected ${TAGS_ACCEPTED}`,
  ],
  ['a tag value that is a number', { action: 'pause', tags: { env: 1 } }, 'tags.env: received 1; expected a string of 0-256 characters'],
  ['a tag value that is null', { action: 'pause', tags: { env: null } }, 'tags.env: received null; expected a string of 0-256 characters'],
  ['no tags at all', { action: 'pause', tags: {} }, `tags: received {}; expected ${TAGS_ACCEPTED}, with at least one tag (leave the field out instead)`],
  [
    'a reserved aws: tag key',
    { action: 'pause', tags: { 'aws:cloudformation:stack-name': 'dev' } },
    'tags["aws:cloudformation:stack-name"]: received "aws:cloudformation:stack-name"; expected a tag key that does not start with "aws:"',
  ],
  [
    '51 selector tags',
    { action: 'pause', tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
    'tags: received "51 tags"; expected at most 50 tags',
  ],
  [
    'regions without tags',
    { action: 'pause', services: [ARN], regions: ['eu-west-1'] },
    'regions: received ["eu-west-1"]; expected regions only together with "tags" (a listed ARN is called in its own region)',
  ],
  ['a region in capitals', { action: 'pause', tags: TAGS, regions: ['EU-WEST-1'] }, 'regions[0]: received "EU-WEST-1"; expected AWS region names such as "eu-west-1"'],
  [
    'a time zone that does not exist',
    { action: 'resume', tags: TAGS, timeZone: 'Mars/Olympus_Mons' },
    'timeZone: received "Mars/Olympus_Mons"; expected an IANA time zone such as "Europe/London" or "UTC"',
  ],
  [
    'a time zone with a trailing space',
    { action: 'resume', tags: TAGS, timeZone: 'Europe/London ' },
    'timeZone: received "Europe/London "; expected an IANA time zone such as "Europe/London" or "UTC"',
  ],
  ['a time zone as a UTC offset number', { action: 'resume', tags: TAGS, timeZone: 1 }, 'timeZone: received 1; expected an IANA time zone such as "Europe/London" or "UTC"'],
  ['an impossible holiday (30 February)', { action: 'resume', tags: TAGS, holidays: ['2026-02-30'] }, 'holidays[0]: received "2026-02-30"; expected real dates written YYYY-MM-DD'],
  ['a holiday in month 13', { action: 'resume', tags: TAGS, holidays: ['2026-12-25', '2026-13-01'] }, 'holidays[1]: received "2026-13-01"; expected real dates written YYYY-MM-DD'],
  ['a holiday with a time', { action: 'resume', tags: TAGS, holidays: ['2026-12-25T00:00'] }, 'holidays[0]: received "2026-12-25T00:00"; expected real dates written YYYY-MM-DD'],
  ['one holiday, not a list', { action: 'resume', tags: TAGS, holidays: '2026-12-25' }, 'holidays: received "2026-12-25"; expected a list of real dates written YYYY-MM-DD'],
  [
    '1,001 holidays',
    { action: 'resume', tags: TAGS, holidays: Array.from({ length: 1_001 }, () => '2026-12-25') },
    'holidays: received "1001 items"; expected at most 1000 items',
  ],
  ['an unknown deployment policy', { action: 'resume', tags: TAGS, deployAfterResume: 'sometimes' }, 'deployAfterResume: received "sometimes"; expected one of "never", "auto", "always"'],
  ['a deployment policy as a boolean', { action: 'resume', tags: TAGS, deployAfterResume: true }, 'deployAfterResume: received true; expected one of "never", "auto", "always"'],
  ['dryRun as a string', { action: 'pause', tags: TAGS, dryRun: 'yes' }, 'dryRun: received "yes"; expected true or false'],
  ['resumeManuallyPaused as a number', { action: 'resume', tags: TAGS, resumeManuallyPaused: 1 }, 'resumeManuallyPaused: received 1; expected true or false'],
  [
    'several problems at once, each named',
    { action: 'pause', services: [], tags: {}, timeZone: 'Nowhere/City', extra: 1 },
    `extra: received 1; expected no such field; the fields are ${FIELDS}. services: received []; expected a non-empty list of ${ARNS_ACCEPTED} (leave the field out instead). tags: received {}; expected ${TAGS_ACCEPTED}, with at least one tag (leave the field out instead). timeZone: received "Nowhere/City"; expected an IANA time zone such as "Europe/London" or "UTC"`,
  ],
];

describe('a malformed event', () => {
  let harness: ReliabilityHarness;

  beforeAll(async () => {
    harness = await startReliabilityHarness();
    harness.emulator.addService({ name: 'web-api', tags: TAGS });
  });

  afterAll(async () => {
    recordSummary({ kind: 'bad-input', name: 'malformed events', cases: BAD_EVENTS.length, forbiddenCalls: harness.emulator.calls.length });
    await harness.close();
  });

  it.each(BAD_EVENTS)('is refused before any App Runner call: %s', async (_description, event, message) => {
    const error: unknown = await harness.invoke(event).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(InvalidEventError);
    expect(() => {
      throw error;
    }).toThrow(`Invalid scheduler event: ${message}`);
    expect((error as Error).message).toBe(`Invalid scheduler event: ${message}`);
    expect(harness.emulator.calls).toEqual([]);
  });
});

const BAD_SKIP_VALUES = ['yes', 'false', '', 'tomorrow', '2026-02-30', '2026-12-24T25:00', '24/12/2026', 'TRUE!'];
const BAD_MARKER_VALUES = [
  'PAUSED',
  'paused yesterday',
  'paused 2026-11-29T19:00:00+01:00',
  'resumed 2026-13-01T00:00:00Z',
  'stopped',
  '',
  'paused  2026-11-29T19:00:00Z',
  'paused 2026-11-29T19:00:00Z by ops',
];

function skipReason(value: string): string {
  return `the tag ${SKIP_TAG_KEY} has the value ${JSON.stringify(value)}, which is neither "true" nor an ISO-8601 date or date-time; left alone to be safe`;
}

function markerReason(value: string): string {
  return `the tag ${MARKER_TAG_KEY} has the value ${JSON.stringify(value)}, which the scheduler never writes; left alone to be safe (remove or fix the tag)`;
}

describe.each([
  ['pause', 'RUNNING', 'tags'],
  ['pause', 'RUNNING', 'ARNs'],
  ['resume', 'PAUSED', 'tags'],
  ['resume', 'PAUSED', 'ARNs'],
] as const)('a tag value the scheduler cannot read, in a %s run of %s services (selection by %s)', (action, status, selection) => {
  let harness: ReliabilityHarness;

  afterEach(() => harness.close());

  it('leaves every such service alone, names the value in the report, and still acts on the others', async () => {
    harness = await startReliabilityHarness();
    const control = harness.emulator.addService({
      name: 'control',
      status,
      tags: status === 'PAUSED' ? { ...TAGS, [MARKER_TAG_KEY]: 'paused 2026-11-29T19:00:00Z' } : TAGS,
    });
    const badSkips = BAD_SKIP_VALUES.map((value, i) =>
      harness.emulator.addService({ name: `bad-skip-${i}`, status, tags: { ...TAGS, [SKIP_TAG_KEY]: value } }),
    );
    const badMarkers = BAD_MARKER_VALUES.map((value, i) =>
      harness.emulator.addService({ name: `bad-marker-${i}`, status, tags: { ...TAGS, [MARKER_TAG_KEY]: value } }),
    );
    const all = [control, ...badSkips, ...badMarkers];

    const run = await harness.run(selection === 'tags' ? { action, tags: TAGS } : { action, services: all });

    const outcome = (arn: string): ServiceOutcome => run.report.services.find((s) => s.serviceArn === arn)!;
    expect(run.rejected).toBe(false);
    expect(outcome(control).outcome).toBe('changed');
    expect(badSkips.map((arn) => outcome(arn))).toEqual(BAD_SKIP_VALUES.map((value) => expect.objectContaining({ outcome: 'skipped', actions: [], reason: skipReason(value) })));
    expect(badMarkers.map((arn) => outcome(arn))).toEqual(BAD_MARKER_VALUES.map((value) => expect.objectContaining({ outcome: 'skipped', actions: [], reason: markerReason(value) })));
    const touched = harness.emulator.mutatingCalls().filter((c) => c.targetArn !== control);
    expect(touched).toEqual([]);
    expect([...badSkips, ...badMarkers].map((arn) => harness.emulator.service(arn).status)).toEqual(all.slice(1).map(() => status));
    recordSummary({ kind: 'bad-input', name: currentTestName(), cases: badSkips.length + badMarkers.length, forbiddenCalls: touched.length });
  });
});
