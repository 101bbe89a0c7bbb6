/**
 * The decision rules: given one service's status and tags, what does this run do to it? Pure
 * functions, in the order the README states the rules. No AWS calls, no clock: `now` is passed in.
 */
import type { OperationRecord } from './app-runner';
import type { Action, DeployPolicy } from '../contract/event';
import { localDate, parseIsoInstant } from '../contract/local-time';
import { MARKER_TAG_KEY, SKIP_TAG_KEY } from '../contract/scheduler-tags';

/** What the scheduler's marker tag says. */
export type MarkerState = 'paused' | 'resumed';

/** What a run knows about one service when it decides. */
export interface ServiceState {
  /** The status App Runner reported; a string because a future API version may add statuses. */
  readonly status: string;
  /** The service's tags. */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * True when this run already saw the service RUNNING, or resumed it: finding it PAUSED again means
   * someone else paused it since. @default false
   */
  readonly seenRunningThisRun?: boolean;
}

/** The run-wide settings that decisions depend on. */
export interface DecisionSettings {
  readonly action: Action;
  readonly resumeManuallyPaused: boolean;
  readonly timeZone: string;
  readonly holidays: readonly string[];
}

/**
 * What to do with a service:
 * - `skip`: leave it alone because of its tags or status (outcome `skipped`);
 * - `leave`: it is already where this run wants it (outcome `unchanged`);
 * - `wait`: an operation is in progress; wait for it to settle, then decide again;
 * - `pause`: set the marker to `paused`, pause, wait for PAUSED;
 * - `resume`: set the marker to `resumed`, resume, wait for RUNNING, deploy per policy, then remove the
 *   marker, or (when it started a deployment) replace it with `deployed <operation id>`, which reads as no
 *   marker and tells the deployment's App Runner event that the deployment is the scheduler's;
 * - `finish-resume`: an earlier resume was cut short; deploy per policy (unless it already did), then as `resume`;
 * - `clear-marker`: the marker says `paused` but the service runs; remove the marker, no deployment;
 * - `yield`: someone paused the service after this run saw it running or resumed it; remove the marker,
 *   leave it paused (outcome `failed`: it is not running).
 */
export type PlanKind = 'skip' | 'leave' | 'wait' | 'pause' | 'resume' | 'finish-resume' | 'clear-marker' | 'yield';

/** A decision and the reason a person reads in the report. */
export interface Plan {
  readonly kind: PlanKind;
  readonly reason: string;
}

const TERMINAL_STATUSES: Readonly<Record<string, string>> = {
  CREATE_FAILED: 'its creation failed (CREATE_FAILED)',
  DELETED: 'it is deleted (DELETED)',
  DELETE_FAILED: 'its deletion failed (DELETE_FAILED)',
};

const MARKER_VALUE = /^(paused|resumed)(?: (\S+))?$/;

/** The marker a resume run leaves once it started a deployment: `deployed <operation id> <UTC time>`. */
const DEPLOYED_MARKER_VALUE = /^deployed ([0-9A-Za-z-]{1,64}) (\S+)$/;

function isUtcInstant(text: string): boolean {
  return text.endsWith('Z') && parseIsoInstant(text, 'UTC') !== undefined;
}

/**
 * Reads the marker tag: its state, `undefined` when absent, or `'invalid'` for a value we did not write.
 * A `deployed` marker reads as `undefined`: the resume is finished, and the marker only keeps the id of
 * the deployment whose outcome is awaited (see `awaitedDeployment`). Every rule treats the service as
 * unmarked, so a person's later pause is still never undone.
 */
export function readMarker(tags: Readonly<Record<string, string>>): MarkerState | undefined | 'invalid' {
  const value = tags[MARKER_TAG_KEY];
  if (value === undefined) return undefined;
  const deployed = DEPLOYED_MARKER_VALUE.exec(value);
  if (deployed) return isUtcInstant(deployed[2]) ? undefined : 'invalid';
  const m = MARKER_VALUE.exec(value);
  if (!m) return 'invalid';
  if (m[2] !== undefined && !isUtcInstant(m[2])) return 'invalid';
  return m[1] as MarkerState;
}

/**
 * The operation id of the deployment a resume run started and whose outcome the scheduler awaits (from
 * App Runner's event), or undefined when the marker records none.
 */
export function awaitedDeployment(tags: Readonly<Record<string, string>>): string | undefined {
  const value = tags[MARKER_TAG_KEY];
  const deployed = value === undefined ? null : DEPLOYED_MARKER_VALUE.exec(value);
  return deployed && isUtcInstant(deployed[2]) ? deployed[1] : undefined;
}

/** The marker a resume run writes last when it started a deployment: it records the deployment's operation id. */
export function deployedMarkerValue(operationId: string, now: Date): string {
  return `deployed ${operationId} ${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

/** The marker value written before a pause or resume: the state and the UTC time it was set. */
export function markerValue(state: MarkerState, now: Date): string {
  return `${state} ${now.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
}

/**
 * Reads the opt-out tag. Returns a reason to skip, or undefined when the service may be touched.
 * `true` skips for good; an ISO-8601 date or date-time skips until then (a bare date is local
 * midnight in `timeZone`); any other value skips too, so that a typo never exposes a service.
 */
export function skipReason(tags: Readonly<Record<string, string>>, now: Date, timeZone: string): string | undefined {
  const value = tags[SKIP_TAG_KEY];
  if (value === undefined) return undefined;
  if (value.trim().toLowerCase() === 'true') return `opted out with the tag ${SKIP_TAG_KEY}=true`;
  const until = parseIsoInstant(value.trim(), timeZone);
  if (until === undefined) {
    return `the tag ${SKIP_TAG_KEY} has the value ${JSON.stringify(value)}, which is neither "true" nor an ISO-8601 date or date-time; left alone to be safe`;
  }
  if (now.getTime() < until.getTime()) return `opted out until ${value} (${timeZone}) with the tag ${SKIP_TAG_KEY}`;
  return undefined;
}

/** Decides what a run does to one service. The rules are checked in this order; the first that applies wins. */
export function decide(service: ServiceState, settings: DecisionSettings, now: Date): Plan {
  if (settings.action === 'resume') {
    const today = localDate(now, settings.timeZone);
    if (settings.holidays.includes(today)) {
      return { kind: 'leave', reason: `today (${today}, ${settings.timeZone}) is a holiday: services stay as they are` };
    }
  }
  const skip = skipReason(service.tags, now, settings.timeZone);
  if (skip) return { kind: 'skip', reason: skip };
  const marker = readMarker(service.tags);
  if (marker === 'invalid') {
    return {
      kind: 'skip',
      reason: `the tag ${MARKER_TAG_KEY} has the value ${JSON.stringify(service.tags[MARKER_TAG_KEY])}, which the scheduler never writes; left alone to be safe (remove or fix the tag)`,
    };
  }
  const terminal = TERMINAL_STATUSES[service.status];
  if (terminal) return { kind: 'skip', reason: `skipped because ${terminal}` };
  if (service.status === 'OPERATION_IN_PROGRESS') {
    return { kind: 'wait', reason: 'an operation is in progress; waiting for it to settle before deciding' };
  }
  if (service.status !== 'RUNNING' && service.status !== 'PAUSED') {
    return { kind: 'skip', reason: `skipped because its status ${service.status} is not one the scheduler knows` };
  }
  return settings.action === 'pause'
    ? decidePause(service.status, marker)
    : decideResume(service.status, marker, settings, service.seenRunningThisRun ?? false);
}

function decidePause(status: 'RUNNING' | 'PAUSED', marker: MarkerState | undefined): Plan {
  if (status === 'PAUSED') {
    return marker
      ? { kind: 'leave', reason: 'already paused by the scheduler' }
      : { kind: 'leave', reason: 'already paused outside the scheduler; not marked, so a resume run will leave it paused' };
  }
  return { kind: 'pause', reason: 'running: marked and paused' };
}

function decideResume(status: 'RUNNING' | 'PAUSED', marker: MarkerState | undefined, settings: DecisionSettings, seenRunning: boolean): Plan {
  if (status === 'PAUSED') {
    // The marker may still say `resumed`, but this pause is someone else's, made during the run: do not
    // fight it, unless the event asks to resume services paused outside the scheduler.
    if (seenRunning && !settings.resumeManuallyPaused) {
      return {
        kind: 'yield',
        reason: 'paused by someone else during the run, after the scheduler saw it running: left paused, and its marker removed so that later runs leave it paused too',
      };
    }
    if (marker) return { kind: 'resume', reason: 'paused by the scheduler: resumed' };
    if (settings.resumeManuallyPaused) {
      return { kind: 'resume', reason: 'paused outside the scheduler, resumed because resumeManuallyPaused is set' };
    }
    return { kind: 'leave', reason: 'paused outside the scheduler (no marker tag): left paused' };
  }
  if (marker === 'resumed') return { kind: 'finish-resume', reason: 'an earlier resume was cut short: finished it' };
  if (marker === 'paused') {
    return { kind: 'clear-marker', reason: 'running although marked paused (the pause never happened, or someone resumed it): marker removed, no deployment' };
  }
  return { kind: 'leave', reason: 'already running' };
}

/** Whether a resumed service gets a deployment under a policy. */
export function shouldDeploy(policy: DeployPolicy, autoDeploymentsEnabled: boolean): boolean {
  return policy === 'always' || (policy === 'auto' && autoDeploymentsEnabled);
}

/**
 * True when a deployment was started after the service's latest resume: a run that finishes a
 * cut-short resume, or whose deployment App Runner refused, must not deploy twice. `operations` is
 * newest first.
 */
export function deployedSinceLatestResume(operations: readonly OperationRecord[]): boolean {
  for (const operation of operations) {
    if (operation.type === 'RESUME_SERVICE') return false;
    if (operation.type === 'START_DEPLOYMENT') return true;
  }
  return false;
}

/**
 * True when the service's latest resume is not one of `ownOperationIds` and ended less than `graceMs`
 * before `now` (or has no end time): the run that made it may be alive and about to deploy. That run
 * starts its deployment without reading the history (service-run.ts, `deploymentWanted`), so a run
 * that only found the resume waits `graceMs` and reads the history again before it deploys.
 * `operations` is newest first.
 */
export function othersResumeJustEnded(operations: readonly OperationRecord[], ownOperationIds: readonly string[], now: number, graceMs: number): boolean {
  const resume = operations.find((operation) => operation.type === 'RESUME_SERVICE');
  if (!resume || resume.status !== 'SUCCEEDED') return false;
  if (resume.id !== undefined && ownOperationIds.includes(resume.id)) return false;
  return resume.endedAt === undefined || now - resume.endedAt < graceMs;
}
