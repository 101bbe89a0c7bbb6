import {
  awaitedDeployment,
  decide,
  deployedMarkerValue,
  deployedSinceLatestResume,
  markerValue,
  othersResumeJustEnded,
  readMarker,
  shouldDeploy,
  skipReason,
  type DecisionSettings,
  type PlanKind,
} from '../../lambda/decide';
import type { OperationRecord } from '../../lambda/app-runner';
import { MARKER_TAG_KEY, SKIP_TAG_KEY } from '../../contract/scheduler-tags';

const NOW = new Date('2026-11-30T18:00:00Z');
const PAUSE: DecisionSettings = { action: 'pause', resumeManuallyPaused: false, timeZone: 'UTC', holidays: [] };
const RESUME: DecisionSettings = { ...PAUSE, action: 'resume' };
const PAUSED_MARK = { [MARKER_TAG_KEY]: 'paused 2026-11-29T19:00:00Z' };
const RESUMED_MARK = { [MARKER_TAG_KEY]: 'resumed 2026-11-30T07:00:00Z' };

describe('pause run', () => {
  test.each<[string, string, Record<string, string>, PlanKind]>([
    ['pauses a running service', 'RUNNING', {}, 'pause'],
    ['pauses a running service whose earlier pause never happened', 'RUNNING', PAUSED_MARK, 'pause'],
    ['pauses a running service whose resume was cut short', 'RUNNING', RESUMED_MARK, 'pause'],
    ['leaves a service it paused itself', 'PAUSED', PAUSED_MARK, 'leave'],
    ['leaves, and does not mark, a service someone else paused', 'PAUSED', {}, 'leave'],
    ['waits for an operation in progress', 'OPERATION_IN_PROGRESS', {}, 'wait'],
    ['skips a service whose creation failed', 'CREATE_FAILED', {}, 'skip'],
    ['skips a deleted service', 'DELETED', {}, 'skip'],
    ['skips a service whose deletion failed', 'DELETE_FAILED', {}, 'skip'],
    ['skips a status it does not know', 'HIBERNATING', {}, 'skip'],
  ])('%s (%s, tags %j)', (_name, status, tags, kind) => {
    expect(decide({ status, tags }, PAUSE, NOW).kind).toBe(kind);
  });

  it('is not affected by holidays', () => {
    expect(decide({ status: 'RUNNING', tags: {} }, { ...PAUSE, holidays: ['2026-11-30'] }, NOW).kind).toBe('pause');
  });
});

describe('resume run', () => {
  test.each<[string, string, Record<string, string>, boolean, PlanKind]>([
    ['resumes a service it paused', 'PAUSED', PAUSED_MARK, false, 'resume'],
    ['resumes a service whose earlier resume call never happened', 'PAUSED', RESUMED_MARK, false, 'resume'],
    ['leaves paused a service someone else paused', 'PAUSED', {}, false, 'leave'],
    ['resumes a service someone else paused when resumeManuallyPaused is set', 'PAUSED', {}, true, 'resume'],
    ['finishes a resume that was cut short', 'RUNNING', RESUMED_MARK, false, 'finish-resume'],
    ['clears the marker of a pause that never happened', 'RUNNING', PAUSED_MARK, false, 'clear-marker'],
    ['leaves a running service without a marker', 'RUNNING', {}, false, 'leave'],
    ['waits for an operation in progress', 'OPERATION_IN_PROGRESS', PAUSED_MARK, false, 'wait'],
    ['skips a service whose creation failed', 'CREATE_FAILED', PAUSED_MARK, false, 'skip'],
    ['skips a deleted service', 'DELETED', {}, false, 'skip'],
    ['skips a service whose deletion failed', 'DELETE_FAILED', {}, false, 'skip'],
  ])('%s (%s, tags %j, resumeManuallyPaused %s)', (_name, status, tags, resumeManuallyPaused, kind) => {
    expect(decide({ status, tags }, { ...RESUME, resumeManuallyPaused }, NOW).kind).toBe(kind);
  });

  describe('a service paused by someone else after this run saw it running', () => {
    test.each<[string, Record<string, string>, boolean, PlanKind]>([
      ['yields even though the marker still says resumed', RESUMED_MARK, false, 'yield'],
      ['yields when the marker says paused', PAUSED_MARK, false, 'yield'],
      ['resumes it again when resumeManuallyPaused is set', RESUMED_MARK, true, 'resume'],
    ])('%s', (_name, tags, resumeManuallyPaused, kind) => {
      const state = { status: 'PAUSED', tags, seenRunningThisRun: true };
      expect(decide(state, { ...RESUME, resumeManuallyPaused }, NOW).kind).toBe(kind);
    });

    it('is not a reason to hold back a pause run', () => {
      expect(decide({ status: 'PAUSED', tags: PAUSED_MARK, seenRunningThisRun: true }, PAUSE, NOW).kind).toBe('leave');
    });
  });

  it('explains why a service paused outside the scheduler stays paused', () => {
    expect(decide({ status: 'PAUSED', tags: {} }, RESUME, NOW).reason).toBe('paused outside the scheduler (no marker tag): left paused');
  });

  it('changes nothing on a holiday, read in the run’s time zone', () => {
    // 18:00 UTC on 30 November is already 1 December in Auckland.
    const settings = { ...RESUME, timeZone: 'Pacific/Auckland', holidays: ['2026-12-01'] };
    const plan = decide({ status: 'PAUSED', tags: PAUSED_MARK }, settings, NOW);
    expect(plan).toEqual({ kind: 'leave', reason: 'today (2026-12-01, Pacific/Auckland) is a holiday: services stay as they are' });
  });

  it('resumes on the day before a holiday', () => {
    const settings = { ...RESUME, holidays: ['2026-12-01'] };
    expect(decide({ status: 'PAUSED', tags: PAUSED_MARK }, settings, NOW).kind).toBe('resume');
  });
});

describe('opt-out tag', () => {
  test.each<[string, string, string, boolean]>([
    ['true skips for good', 'true', 'UTC', true],
    ['TRUE skips for good', 'TRUE', 'UTC', true],
    ['a later date skips', '2026-12-01', 'UTC', true],
    ['today’s date has passed at local midnight', '2026-11-30', 'UTC', false],
    ['a bare date is local midnight in the time zone (still 30 Nov in Los Angeles)', '2026-12-01', 'America/Los_Angeles', true],
    ['a bare date is local midnight in the time zone (already 1 Dec in Tokyo)', '2026-12-01', 'Asia/Tokyo', false],
    ['a later UTC date-time skips', '2026-11-30T18:30:00Z', 'UTC', true],
    ['an earlier UTC date-time does not', '2026-11-30T17:59:59Z', 'UTC', false],
    ['a date-time with an offset is exact', '2026-11-30T19:30:00+01:00', 'UTC', true],
    ['a date-time without an offset is local time', '2026-11-30T10:30', 'America/Los_Angeles', true],
    ['false is not a value it knows: skipped to be safe', 'false', 'UTC', true],
    ['an impossible date is not a value it knows: skipped to be safe', '2026-02-30', 'UTC', true],
    ['an empty value is skipped to be safe', '', 'UTC', true],
  ])('%s (%s)', (_name, value, timeZone, skipped) => {
    expect(skipReason({ [SKIP_TAG_KEY]: value }, NOW, timeZone) !== undefined).toBe(skipped);
  });

  it('names the bad value in the reason', () => {
    expect(skipReason({ [SKIP_TAG_KEY]: 'yes please' }, NOW, 'UTC')).toBe(
      'the tag apprunner-scheduler:skip has the value "yes please", which is neither "true" nor an ISO-8601 date or date-time; left alone to be safe',
    );
  });

  test.each(['pause', 'resume'] as const)('wins over every other rule in a %s run', (action) => {
    const plan = decide({ status: 'PAUSED', tags: { ...PAUSED_MARK, [SKIP_TAG_KEY]: 'true' } }, { ...PAUSE, action }, NOW);
    expect(plan.kind).toBe('skip');
  });

  it('no longer applies after its date', () => {
    expect(decide({ status: 'RUNNING', tags: { [SKIP_TAG_KEY]: '2026-11-01' } }, PAUSE, NOW).kind).toBe('pause');
  });
});

describe('marker tag', () => {
  test.each<[string, ReturnType<typeof readMarker>]>([
    ['paused', 'paused'],
    ['resumed', 'resumed'],
    ['paused 2026-11-29T19:00:00Z', 'paused'],
    ['resumed 2026-11-30T07:00:00.123Z', 'resumed'],
    ['paused yesterday', 'invalid'],
    ['paused 2026-11-29T19:00:00+01:00', 'invalid'],
    ['PAUSED', 'invalid'],
    ['', 'invalid'],
  ])('reads %j as %s', (value, expected) => {
    expect(readMarker({ [MARKER_TAG_KEY]: value })).toBe(expected);
  });

  it('is absent when the tag is', () => {
    expect(readMarker({ other: 'paused' })).toBeUndefined();
  });

  it('writes the state and the UTC time to the second', () => {
    expect(markerValue('paused', new Date('2026-11-30T19:00:00.456Z'))).toBe('paused 2026-11-30T19:00:00Z');
    expect(readMarker({ [MARKER_TAG_KEY]: markerValue('resumed', NOW) })).toBe('resumed');
  });

  test.each(['pause', 'resume'] as const)('with a value the scheduler never writes, skips the service in a %s run', (action) => {
    const plan = decide({ status: 'RUNNING', tags: { [MARKER_TAG_KEY]: 'sleeping' } }, { ...PAUSE, action }, NOW);
    expect(plan.kind).toBe('skip');
    expect(plan.reason).toContain('"sleeping"');
  });
});

describe('deployment after resume', () => {
  test.each<[string, boolean, boolean]>([
    ['never', true, false],
    ['never', false, false],
    ['auto', true, true],
    ['auto', false, false],
    ['always', true, true],
    ['always', false, true],
  ])('policy %s with automatic deployments %s: deploy %s', (policy, auto, expected) => {
    expect(shouldDeploy(policy as 'never' | 'auto' | 'always', auto)).toBe(expected);
  });

  test.each<[string, { type: string }[], boolean]>([
    ['a deployment after the latest resume', [{ type: 'START_DEPLOYMENT' }, { type: 'RESUME_SERVICE' }], true],
    ['only a deployment before the latest resume', [{ type: 'RESUME_SERVICE' }, { type: 'START_DEPLOYMENT' }], false],
    ['a pause and no deployment since the resume', [{ type: 'PAUSE_SERVICE' }, { type: 'RESUME_SERVICE' }], false],
    ['no operations at all', [], false],
  ])('sees %s', (_name, operations, expected) => {
    expect(deployedSinceLatestResume(operations)).toBe(expected);
  });

  const ENDED = 1_000_000;
  test.each<[string, boolean, OperationRecord[]]>([
    ["someone else's resume that ended 1 s ago", true, [{ id: 'theirs', type: 'RESUME_SERVICE', status: 'SUCCEEDED', endedAt: ENDED - 1_000 }]],
    ["someone else's resume with no end time", true, [{ id: 'theirs', type: 'RESUME_SERVICE', status: 'SUCCEEDED' }]],
    ["someone else's resume that ended a grace ago", false, [{ id: 'theirs', type: 'RESUME_SERVICE', status: 'SUCCEEDED', endedAt: ENDED - 20_000 }]],
    ["this run's own resume, ended 1 s ago", false, [{ id: 'ours', type: 'RESUME_SERVICE', status: 'SUCCEEDED', endedAt: ENDED - 1_000 }]],
    ['a resume that failed', false, [{ id: 'theirs', type: 'RESUME_SERVICE', status: 'FAILED', endedAt: ENDED - 1_000 }]],
    ['an update since a resume that ended 1 s ago', true, [{ type: 'UPDATE_SERVICE', status: 'SUCCEEDED' }, { id: 'theirs', type: 'RESUME_SERVICE', status: 'SUCCEEDED', endedAt: ENDED - 1_000 }]],
    ['no resume at all', false, [{ type: 'START_DEPLOYMENT', status: 'SUCCEEDED' }]],
  ])('after %s, waits for the run that made it to deploy first: %s', (_name, expected, operations) => {
    expect(othersResumeJustEnded(operations, ['ours'], ENDED, 20_000)).toBe(expected);
  });
});

describe('a marker that records the deployment a resume started', () => {
  const DEPLOYED_MARK = { [MARKER_TAG_KEY]: deployedMarkerValue('aaaaaaaa-0000-4000-8000-000000000001', new Date('2026-11-30T07:02:03.456Z')) };

  it('is written with the operation id and the UTC time, and names that deployment', () => {
    expect(DEPLOYED_MARK[MARKER_TAG_KEY]).toBe('deployed aaaaaaaa-0000-4000-8000-000000000001 2026-11-30T07:02:03Z');
    expect(awaitedDeployment(DEPLOYED_MARK)).toBe('aaaaaaaa-0000-4000-8000-000000000001');
    expect(readMarker(DEPLOYED_MARK)).toBeUndefined();
  });

  test.each<[string, DecisionSettings, string, PlanKind, string]>([
    ['a resume run leaves a service a person paused after the deployment', RESUME, 'PAUSED', 'leave', 'paused outside the scheduler'],
    ['a pause run leaves, unmarked, a service a person paused', PAUSE, 'PAUSED', 'leave', 'paused outside the scheduler'],
    ['a pause run pauses a running service', PAUSE, 'RUNNING', 'pause', 'running'],
    ['a resume run leaves a running service as it is: no second deployment', RESUME, 'RUNNING', 'leave', 'already running'],
  ])('reads as no marker: %s', (_name, settings, status, kind, reason) => {
    const plan = decide({ status, tags: DEPLOYED_MARK }, settings, NOW);
    expect(plan.kind).toBe(kind);
    expect(plan.reason).toContain(reason);
  });

  test.each(['deployed', 'deployed op-1', 'deployed op-1 yesterday', 'deployed op 1 2026-11-30T07:02:03Z'])('with a value the scheduler never writes (%j) is invalid and names no deployment', (value) => {
    expect(readMarker({ [MARKER_TAG_KEY]: value })).toBe('invalid');
    expect(awaitedDeployment({ [MARKER_TAG_KEY]: value })).toBeUndefined();
  });
});
