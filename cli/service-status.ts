/**
 * One service's line in `status`: its state as the scheduler's tags tell it, and what the next pause
 * and resume runs would do to it, from the engine's own pure rules (lambda/decide.ts). Pure.
 */
import { decide, readMarker, skipReason, type PlanKind } from '../lambda/decide';
import { parseIsoInstant } from '../contract/local-time';
import type { OfficeHoursReading } from '../contract/office-hours';
import { MARKER_TAG_KEY, SKIP_TAG_KEY, WAKE_TAG_KEY } from '../contract/scheduler-tags';
import { followedSchedule, ownershipProblem, scheduleOwnership, type FunctionHome, type Schedules } from '../contract/schedules';
import { formatLocal } from './when';

/** A service as selection read it. */
export interface ObservedService {
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  readonly status: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** What a run would do, as `decide` says it. */
export interface PlannedStep {
  readonly kind: PlanKind;
  readonly reason: string;
}

/** A service's status line, as `status --json` prints it. */
export interface ServiceStatus {
  readonly serviceArn: string;
  readonly serviceName: string;
  readonly region: string;
  readonly status: string;
  /** The marker tag: the state, and the UTC time it was written when it says. */
  readonly marker?: { readonly state: 'paused' | 'resumed' | 'invalid'; readonly value: string; readonly since?: string };
  /**
   * The skip tag: its value, whether it is in force now (the engine's rule), and until when (UTC)
   * when it is dated.
   */
  readonly skip?: { readonly value: string; readonly inForce: boolean; readonly until?: string };
  /** The wake tag: the UTC instant a wake ends, and whether that is still ahead. */
  readonly wake?: { readonly value: string; readonly until?: string; readonly ahead: boolean };
  /**
   * The named schedule it follows (`follows`), or why it follows none (`problem`: a conflict, or a
   * tag naming no schedule); `{}` when no schedule selects it. Only for a function with named schedules.
   */
  readonly schedule?: { readonly follows?: string; readonly problem?: string };
  /** What the next pause run would do. */
  readonly onPause: PlannedStep;
  /** What the next resume run would do. */
  readonly onResume: PlannedStep;
}

/** How `status` reads a service. */
export interface StatusSettings {
  readonly now: Date;
  /** The zone dated skip tags and holidays are read in. */
  readonly timeZone: string;
  /** The deployed holidays, when known: a resume run on one changes nothing. */
  readonly holidays: readonly string[];
  /** The function's named schedules, when it has any. @default none */
  readonly schedules?: Schedules;
  /** Where the function runs, for selections without accounts or regions. @default unknown */
  readonly home?: FunctionHome;
}

/** A service's status line. */
export function serviceStatus(service: ObservedService, settings: StatusSettings): ServiceStatus {
  const { now, timeZone, holidays } = settings;
  const markerValue = service.tags[MARKER_TAG_KEY];
  const marker = readMarker(service.tags);
  const skipValue = service.tags[SKIP_TAG_KEY];
  const skipUntil = skipValue === undefined ? undefined : parseIsoInstant(skipValue.trim(), timeZone);
  const wakeValue = service.tags[WAKE_TAG_KEY];
  const wakeUntil = wakeValue === undefined ? undefined : parseIsoInstant(wakeValue.trim(), 'UTC');
  const state = { status: service.status, tags: service.tags };
  const step = (action: 'pause' | 'resume'): PlannedStep => {
    const plan = decide(state, { action, timeZone, holidays, resumeManuallyPaused: false }, now);
    return { kind: plan.kind, reason: plan.reason };
  };
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    region: service.region,
    status: service.status,
    ...(markerValue !== undefined && marker !== undefined
      ? { marker: { state: marker, value: markerValue, ...(marker !== 'invalid' && markerValue.includes(' ') ? { since: markerValue.split(' ')[1] } : {}) } }
      : {}),
    ...(skipValue !== undefined
      ? { skip: { value: skipValue, inForce: skipReason(service.tags, now, timeZone) !== undefined, ...(skipUntil ? { until: skipUntil.toISOString() } : {}) } }
      : {}),
    ...(wakeValue !== undefined
      ? { wake: { value: wakeValue, ...(wakeUntil ? { until: wakeUntil.toISOString() } : {}), ahead: wakeUntil !== undefined && wakeUntil.getTime() > now.getTime() } }
      : {}),
    ...(settings.schedules ? { schedule: followed(service, settings.schedules, settings.home) } : {}),
    onPause: step('pause'),
    onResume: step('resume'),
  };
}

function followed(service: ObservedService, schedules: Schedules, home: FunctionHome | undefined): NonNullable<ServiceStatus['schedule']> {
  const ownership = scheduleOwnership(service, schedules, home);
  const follows = followedSchedule(ownership);
  const problem = ownershipProblem(ownership, schedules);
  return { ...(follows ? { follows } : {}), ...(problem ? { problem } : {}) };
}

/** The SCHEDULE cell: the schedule followed, `none (...)` with why, or `-` when no schedule selects it. */
export function scheduleCell(line: ServiceStatus): string {
  if (line.schedule?.follows) return line.schedule.follows;
  return line.schedule?.problem ? `none (${line.schedule.problem})` : '-';
}

const STEP_WORDS: Record<PlanKind, string> = {
  skip: 'skip',
  leave: 'leave',
  wait: 'wait, decide',
  pause: 'pause',
  resume: 'resume',
  'finish-resume': 'finish resume',
  'clear-marker': 'clear marker',
  yield: 'leave paused',
};

/** The cells of a status line in the table, times in local time. */
export function statusCells(line: ServiceStatus, timeZone: string): string[] {
  const local = (iso: string) => formatLocal(new Date(iso), timeZone);
  const marker = line.marker ? (line.marker.state === 'invalid' ? `invalid ${JSON.stringify(line.marker.value)}` : line.marker.since ? `${line.marker.state} ${local(line.marker.since)}` : line.marker.state) : '-';
  let skip = '-';
  if (line.skip) {
    if (line.skip.value.trim().toLowerCase() === 'true') skip = 'always';
    else if (!line.skip.until) skip = `invalid ${JSON.stringify(line.skip.value)}`;
    else skip = `${line.skip.inForce ? 'until' : 'ended'} ${local(line.skip.until)}`;
  }
  let wake = '-';
  if (line.wake) wake = line.wake.until ? `${line.wake.ahead ? 'until' : 'ended'} ${local(line.wake.until)}` : `invalid ${JSON.stringify(line.wake.value)}`;
  return [line.serviceName, line.region, line.status, marker, skip, wake, STEP_WORDS[line.onPause.kind], STEP_WORDS[line.onResume.kind]];
}

/** The headers of the status table. */
export const STATUS_HEADERS = ['SERVICE', 'REGION', 'STATUS', 'MARKER', 'SKIP', 'WAKE', 'ON PAUSE', 'ON RESUME'];

/** The deployed hours at a moment, as `status --json` prints them. */
export interface HoursStatus {
  /** Whether the schedules tell. */
  readonly known: boolean;
  /** Out of hours (the last pause is later than the last effective resume); absent when unknown. */
  readonly outOfHours?: boolean;
  /** Why it cannot be told. */
  readonly reason?: string;
  /** The next run, the earlier of the next pause and the next effective resume. */
  readonly nextRun?: { readonly action: 'pause' | 'resume'; readonly at: string };
  readonly nextPause?: string;
  readonly nextResume?: string;
}

/** Reads `officeHoursAt`'s answer for `status`. */
export function hoursStatus(reading: OfficeHoursReading): HoursStatus {
  const { nextPause, nextResume } = reading;
  const next =
    nextPause && (!nextResume || nextPause.getTime() < nextResume.getTime())
      ? { action: 'pause' as const, at: nextPause.toISOString() }
      : nextResume
        ? { action: 'resume' as const, at: nextResume.toISOString() }
        : undefined;
  return {
    known: reading.known,
    ...(reading.known ? { outOfHours: reading.outOfHours } : { reason: reading.reason }),
    ...(next ? { nextRun: next } : {}),
    ...(nextPause ? { nextPause: nextPause.toISOString() } : {}),
    ...(nextResume ? { nextResume: nextResume.toISOString() } : {}),
  };
}

/** The hours as the status header says them: `in hours; next run: pause at 2026-12-01 19:00, resume at 2026-12-02 07:00`. */
export function hoursText(hours: HoursStatus, timeZone: string): string {
  const state = hours.known ? (hours.outOfHours ? 'out of hours' : 'in hours') : `in or out of hours cannot be told (${hours.reason})`;
  const local = (iso: string) => formatLocal(new Date(iso), timeZone);
  const runs = [
    ...(hours.nextPause ? [{ action: 'pause', at: hours.nextPause }] : []),
    ...(hours.nextResume ? [{ action: 'resume', at: hours.nextResume }] : []),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return runs.length > 0 ? `${state}; next run: ${runs.map((r) => `${r.action} at ${local(r.at)}`).join(', then ')}` : state;
}
