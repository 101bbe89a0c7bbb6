/**
 * Bad input: events a schedule or a person might send, and tag values a person might write on a
 * service. A bad event is refused with an error that names every bad field before any App Runner
 * call; a service with a tag value the scheduler cannot read is left alone, and the report names
 * the value.
 */
import { InvalidEventError } from '../../contract/event';
import { MARKER_TAG_KEY, SKIP_TAG_KEY } from '../../contract/scheduler-tags';
import { MARKED_PAUSED, OFFICE_HOURS, outcomeOf } from '../support/scheduler-harness';
import { startReliabilityHarness, type ReliabilityHarness } from './reliability-harness';
import { currentTestName, recordSummary } from './summary';

const ARN = 'arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123456789abcdef0123456789abcdef';

function arnNumbered(i: number): string {
  return `arn:aws:apprunner:eu-west-1:123456789012:service/svc-${i}/${i.toString(16).padStart(32, '0')}`;
}

/** Each bad event and the fields its error names, in order; the event contract's own test pins the messages' wording. */
const BAD_EVENTS: [string, unknown, string[]][] = [
  ['a string, not an object', 'pause', ['event']],
  ['the event as JSON text', '{"action":"pause"}', ['event']],
  ['null', null, ['event']],
  ['a list', [], ['event']],
  ['an empty object', {}, ['action', 'services']],
  ['an unknown action', { action: 'stop', tags: OFFICE_HOURS }, ['action']],
  ['an action in a list', { action: ['pause'], tags: OFFICE_HOURS }, ['action']],
  ['a huge action', { action: 'x'.repeat(5_000), tags: OFFICE_HOURS }, ['action']],
  ['an unknown key (a typo)', { action: 'pause', tags: OFFICE_HOURS, dryrun: true }, ['dryrun']],
  ['a service ARN with a short id', { action: 'pause', services: ['arn:aws:apprunner:eu-west-1:123456789012:service/web-api/0123'] }, ['services[0]']],
  [
    'the ARN of a connection, not a service',
    { action: 'pause', services: ['arn:aws:apprunner:eu-west-1:123456789012:connection/github/0123456789abcdef0123456789abcdef'] },
    ['services[0]'],
  ],
  [
    'a service ARN with an 11-digit account, second in the list',
    { action: 'pause', services: [ARN, 'arn:aws:apprunner:eu-west-1:12345678901:service/web-api/0123456789abcdef0123456789abcdef'] },
    ['services[1]'],
  ],
  ['a number among the ARNs', { action: 'pause', services: [42] }, ['services[0]']],
  ['one ARN, not a list', { action: 'pause', services: ARN }, ['services']],
  ['an empty list of ARNs', { action: 'pause', services: [] }, ['services']],
  ['1,001 ARNs', { action: 'pause', services: Array.from({ length: 1_001 }, (_, i) => arnNumbered(i)) }, ['services']],
  ['tags as a string', { action: 'pause', tags: 'env=dev' }, ['tags']],
  ['tags in the Key/Value list form', { action: 'pause', tags: [{ Key: 'env', Value: 'dev' }] }, ['tags']],
  ['a tag value that is a number', { action: 'pause', tags: { env: 1 } }, ['tags.env']],
  ['a tag value that is null', { action: 'pause', tags: { env: null } }, ['tags.env']],
  ['no tags at all', { action: 'pause', tags: {} }, ['tags']],
  ['a reserved aws: tag key', { action: 'pause', tags: { 'aws:cloudformation:stack-name': 'dev' } }, ['tags["aws:cloudformation:stack-name"]']],
  ['51 selector tags', { action: 'pause', tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, ['tags']],
  ['regions without tags', { action: 'pause', services: [ARN], regions: ['eu-west-1'] }, ['regions']],
  ['a region in capitals', { action: 'pause', tags: OFFICE_HOURS, regions: ['EU-WEST-1'] }, ['regions[0]']],
  ['a time zone that does not exist', { action: 'resume', tags: OFFICE_HOURS, timeZone: 'Mars/Olympus_Mons' }, ['timeZone']],
  ['a time zone with a trailing space', { action: 'resume', tags: OFFICE_HOURS, timeZone: 'Europe/London ' }, ['timeZone']],
  ['a time zone as a UTC offset number', { action: 'resume', tags: OFFICE_HOURS, timeZone: 1 }, ['timeZone']],
  ['an impossible holiday (30 February)', { action: 'resume', tags: OFFICE_HOURS, holidays: ['2026-02-30'] }, ['holidays[0]']],
  ['a holiday in month 13', { action: 'resume', tags: OFFICE_HOURS, holidays: ['2026-12-25', '2026-13-01'] }, ['holidays[1]']],
  ['a holiday with a time', { action: 'resume', tags: OFFICE_HOURS, holidays: ['2026-12-25T00:00'] }, ['holidays[0]']],
  ['one holiday, not a list', { action: 'resume', tags: OFFICE_HOURS, holidays: '2026-12-25' }, ['holidays']],
  ['1,001 holidays', { action: 'resume', tags: OFFICE_HOURS, holidays: Array.from({ length: 1_001 }, () => '2026-12-25') }, ['holidays']],
  ['an unknown deployment policy', { action: 'resume', tags: OFFICE_HOURS, deployAfterResume: 'sometimes' }, ['deployAfterResume']],
  ['a deployment policy as a boolean', { action: 'resume', tags: OFFICE_HOURS, deployAfterResume: true }, ['deployAfterResume']],
  ['dryRun as a string', { action: 'pause', tags: OFFICE_HOURS, dryRun: 'yes' }, ['dryRun']],
  ['resumeManuallyPaused as a number', { action: 'resume', tags: OFFICE_HOURS, resumeManuallyPaused: 1 }, ['resumeManuallyPaused']],
  [
    'several problems at once, each named',
    { action: 'pause', services: [], tags: {}, timeZone: 'Nowhere/City', extra: 1 },
    ['extra', 'services', 'tags', 'timeZone'],
  ],
];

describe('a malformed event', () => {
  let harness: ReliabilityHarness;

  beforeAll(async () => {
    harness = await startReliabilityHarness();
    harness.emulator.addService({ name: 'web-api', tags: OFFICE_HOURS });
  });

  afterAll(async () => {
    recordSummary({ kind: 'bad-input', name: 'malformed events', cases: BAD_EVENTS.length, forbiddenCalls: harness.emulator.calls.length });
    await harness.close();
  });

  it.each(BAD_EVENTS)('is refused before any App Runner call: %s', async (_description, event, fields) => {
    const error: unknown = await harness.invoke(event).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).problems.map((p) => p.field)).toEqual(fields);
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

/** Why a service with this marker value is left alone: no other suite pins this wording. */
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
      tags: status === 'PAUSED' ? MARKED_PAUSED : OFFICE_HOURS,
    });
    const badSkips = BAD_SKIP_VALUES.map((value, i) =>
      harness.emulator.addService({ name: `bad-skip-${i}`, status, tags: { ...OFFICE_HOURS, [SKIP_TAG_KEY]: value } }),
    );
    const badMarkers = BAD_MARKER_VALUES.map((value, i) =>
      harness.emulator.addService({ name: `bad-marker-${i}`, status, tags: { ...OFFICE_HOURS, [MARKER_TAG_KEY]: value } }),
    );
    const all = [control, ...badSkips, ...badMarkers];

    const run = await harness.run(selection === 'tags' ? { action, tags: OFFICE_HOURS } : { action, services: all });

    expect(run.rejected).toBe(false);
    expect(outcomeOf(run.report, control).outcome).toBe('changed');
    // decide.test.ts pins the skip reason's wording: here, that it names the value.
    expect(badSkips.map((arn) => outcomeOf(run.report, arn))).toEqual(
      BAD_SKIP_VALUES.map((value) => expect.objectContaining({ outcome: 'skipped', actions: [], reason: expect.stringContaining(JSON.stringify(value)) })),
    );
    expect(badMarkers.map((arn) => outcomeOf(run.report, arn))).toEqual(BAD_MARKER_VALUES.map((value) => expect.objectContaining({ outcome: 'skipped', actions: [], reason: markerReason(value) })));
    const touched = harness.emulator.mutatingCalls().filter((c) => c.targetArn !== control);
    expect(touched).toEqual([]);
    expect([...badSkips, ...badMarkers].map((arn) => harness.emulator.service(arn).status)).toEqual(all.slice(1).map(() => status));
    recordSummary({ kind: 'bad-input', name: currentTestName(), cases: badSkips.length + badMarkers.length, forbiddenCalls: touched.length });
  });
});
