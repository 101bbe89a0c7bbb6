/**
 * The EventBridge Scheduler side of the emulator's world: schedule groups and schedules per Region, the
 * history of what was created, updated, deleted and fired, and the one-time (`at()`) firing on the
 * emulator's scheduler clock. The wire module (`scheduler-api.ts`) validates requests and builds the
 * records; this module keeps them and decides when they fire.
 *
 * Where EventBridge Scheduler documents nothing, this chooses, and says so:
 * - A schedule fires at its exact instant (AWS: "between 1:00:00 and 1:00:59"), or at the first tick after
 *   it; a FLEXIBLE window is not drawn from, the schedule fires at the window's start.
 * - An `at()` instant already past when the schedule is created (or updated) fires at the next tick. AWS
 *   does not say what it does then; a caller should not rely on either behaviour. An `at()` time the zone
 *   skips (clocks go forward) never fires, as `contract/schedule-expression.ts` reads it.
 * - cron() and rate() schedules fire too, by the same evaluator, within StartDate and EndDate. A rate()
 *   without StartDate counts from the schedule's creation (its first fire is one interval later). When the
 *   clock jumps past several fires, the schedule fires once and continues with its next fire after now:
 *   missed fires are not caught up. A recurring schedule with DELETE is deleted after its last fire.
 * - `ActionAfterCompletion: DELETE` deletes the schedule in the same tick as the target accepted the
 *   invocation (for a Lambda target, an asynchronous invoke: accepted before the handler runs). AWS gives
 *   no latency for this deletion.
 * - A target that refuses the invocation (no such function) is recorded as a failed delivery and not
 *   retried: the schedule's RetryPolicy and dead-letter queue are stored and shown, not applied. The
 *   schedule then completes as if delivered (deleted with DELETE).
 */
import { nextFire, parseScheduleExpression } from '../contract/schedule-expression';
import { wallClockOnDate } from '../contract/local-time';

/** `State` of a schedule. */
export type ScheduleState = 'ENABLED' | 'DISABLED';
/** `ActionAfterCompletion` of a schedule. */
export type ActionAfterCompletion = 'NONE' | 'DELETE';
/** `FlexibleTimeWindow.Mode`. */
export type FlexibleTimeWindowMode = 'OFF' | 'FLEXIBLE';

/** The name of the group every account and Region has. */
export const DEFAULT_GROUP = 'default';

/** A schedule's target as the emulator keeps it. */
export interface ScheduleTarget {
  readonly arn: string;
  readonly roleArn: string;
  /** The text delivered to the target; undefined when the schedule gave none. */
  readonly input?: string;
  /** As given, or AWS's documented defaults (185 attempts, 86,400 s). Stored and shown, not applied. */
  readonly retryPolicy: { readonly maximumEventAgeInSeconds: number; readonly maximumRetryAttempts: number };
  readonly deadLetterArn?: string;
}

/** What a CreateSchedule or UpdateSchedule sets, validated. */
export interface ScheduleDefinition {
  readonly expression: string;
  readonly timeZone: string;
  readonly state: ScheduleState;
  readonly actionAfterCompletion: ActionAfterCompletion;
  readonly flexibleTimeWindow: { readonly mode: FlexibleTimeWindowMode; readonly maximumWindowInMinutes?: number };
  readonly target: ScheduleTarget;
  readonly description?: string;
  readonly kmsKeyArn?: string;
  /** Epoch seconds, as on the wire. */
  readonly startDate?: number;
  /** Epoch seconds, as on the wire. */
  readonly endDate?: number;
}

/** A schedule as it is now, for assertions. Times are epoch ms on the scheduler clock. */
export interface ScheduleSnapshot extends ScheduleDefinition {
  readonly arn: string;
  readonly name: string;
  readonly groupName: string;
  readonly region: string;
  readonly createdAt: number;
  readonly modifiedAt: number;
  /** True once the schedule fired (a one-time schedule stays, fired, without `ActionAfterCompletion: DELETE`). */
  readonly fired: boolean;
  /** When it fires next (epoch ms, scheduler clock), if ever; it fires only while ENABLED. */
  readonly nextFireAt?: number;
}

/** One change to the schedules, in order. */
export interface ScheduleChange {
  readonly kind: 'created' | 'updated' | 'deleted';
  /** `api`: a Create/Update/DeleteSchedule call; `completion`: the ActionAfterCompletion DELETE after a firing. */
  readonly cause: 'api' | 'completion';
  /** Scheduler clock, epoch ms. */
  readonly at: number;
  /** The schedule as it was after the change (before it, for a deletion). */
  readonly schedule: ScheduleSnapshot;
}

/** What a target did with a firing's invocation. */
export type DeliveryResult =
  | { readonly accepted: true; readonly requestId: string }
  | { readonly accepted: false; readonly errorType: string; readonly message: string };

/** One firing of a schedule. Times are epoch ms on the scheduler clock. */
export interface Firing {
  readonly scheduleArn: string;
  readonly name: string;
  readonly groupName: string;
  readonly region: string;
  readonly targetArn: string;
  /** The schedule's Target.Input as delivered (undefined when it had none). */
  readonly input?: string;
  /** The instant the expression named for this fire. */
  readonly dueAt: number;
  /** The scheduler clock when it fired (at or after `dueAt`). */
  readonly firedAt: number;
  /** Whether the target accepted the invocation; for a Lambda target, the request id its attempts share. */
  readonly delivery: DeliveryResult;
  /** True for a second delivery of an earlier firing (`SchedulerControls.deliverAgain`). */
  readonly redelivery?: true;
}

/** Hands a firing's input to its target; answers whether the target accepted it. */
export type TargetInvoker = (targetArn: string, input: string | undefined, schedule: ScheduleSnapshot) => DeliveryResult;

interface ScheduleRecord extends ScheduleSnapshot {
  readonly seq: number;
  readonly clientToken?: string;
}

/** The schedule groups and schedules of one account, per Region. */
export class ScheduleBook {
  private readonly records = new Map<string, ScheduleRecord>();
  private readonly groups: Set<string>;
  private readonly changeLog: ScheduleChange[] = [];
  private readonly firingLog: Firing[] = [];
  private nextSeq = 1;

  /** `groups` exist in every Region besides `default`; `clock` is the scheduler clock (epoch ms). */
  constructor(
    private readonly account: string,
    groups: readonly string[],
    private readonly clock: () => number,
  ) {
    this.groups = new Set([DEFAULT_GROUP, ...groups]);
  }

  /** Makes a schedule group exist in every Region. */
  addGroup(name: string): void {
    this.groups.add(name);
  }

  /** Whether the group exists (every group exists in every Region). */
  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  /** The ARN a schedule of this Region, group and name has. */
  arnOf(region: string, groupName: string, name: string): string {
    return `arn:aws:scheduler:${region}:${this.account}:schedule/${groupName}/${name}`;
  }

  /** The schedule, or undefined. */
  find(region: string, groupName: string, name: string): ScheduleRecord | undefined {
    return this.records.get(key(region, groupName, name));
  }

  /** Stores a new schedule and returns it. The caller checked that the name is free. */
  create(region: string, groupName: string, name: string, definition: ScheduleDefinition, clientToken?: string): ScheduleSnapshot {
    const now = this.clock();
    const record: ScheduleRecord = {
      ...definition,
      seq: this.nextSeq++,
      arn: this.arnOf(region, groupName, name),
      name,
      groupName,
      region,
      createdAt: now,
      modifiedAt: now,
      fired: false,
      nextFireAt: firstFire(definition, now),
      clientToken,
    };
    this.records.set(key(region, groupName, name), record);
    this.changeLog.push({ kind: 'created', cause: 'api', at: now, schedule: snapshot(record) });
    return snapshot(record);
  }

  /**
   * Replaces every field of an existing schedule, as UpdateSchedule does ("uses all values, including empty
   * values"). A one-time schedule updated after it fired may fire again at its (new) instant.
   */
  update(existing: ScheduleSnapshot, definition: ScheduleDefinition): ScheduleSnapshot {
    const record = this.records.get(key(existing.region, existing.groupName, existing.name));
    if (!record) throw new Error(`no schedule ${existing.arn}`);
    const now = this.clock();
    // Fields UpdateSchedule left out are reset, not kept: the definition's undefined fields win.
    const updated = withoutUndefined({ ...record, ...definition, modifiedAt: now, fired: false, nextFireAt: firstFire(definition, now) });
    this.records.set(key(record.region, record.groupName, record.name), updated);
    this.changeLog.push({ kind: 'updated', cause: 'api', at: now, schedule: snapshot(updated) });
    return snapshot(updated);
  }

  /** Removes a schedule; false when there was none. */
  delete(region: string, groupName: string, name: string, cause: ScheduleChange['cause'] = 'api'): boolean {
    const record = this.records.get(key(region, groupName, name));
    if (!record) return false;
    this.records.delete(key(region, groupName, name));
    this.changeLog.push({ kind: 'deleted', cause, at: this.clock(), schedule: snapshot(record) });
    return true;
  }

  /** The schedules of a Region in creation order, optionally of one group. */
  inRegion(region: string, groupName?: string): ScheduleRecord[] {
    return [...this.records.values()]
      .filter((r) => r.region === region && (groupName === undefined || r.groupName === groupName))
      .sort((a, b) => a.seq - b.seq);
  }

  /** Every schedule, in creation order. */
  all(): ScheduleSnapshot[] {
    return [...this.records.values()].sort((a, b) => a.seq - b.seq).map(snapshot);
  }

  /** Every change so far, in order. */
  get changes(): readonly ScheduleChange[] {
    return this.changeLog;
  }

  /** Every firing so far, in order. */
  get firings(): readonly Firing[] {
    return this.firingLog;
  }

  /** Whether some enabled schedule has a fire ahead (the emulator ticks only while one has). */
  hasPending(): boolean {
    for (const record of this.records.values()) if (isPending(record)) return true;
    return false;
  }

  /**
   * Fires every enabled schedule whose instant has come, in the order of their instants: hands the input
   * to `invoke`, records the firing, then moves the schedule to its next fire or, with none left, completes
   * it (deleted with DELETE, kept as fired otherwise). Returns the firings of this tick.
   */
  fireDue(invoke: TargetInvoker): Firing[] {
    const now = this.clock();
    const due = [...this.records.values()]
      .filter((r) => isPending(r) && (r.nextFireAt as number) <= now)
      .sort((a, b) => (a.nextFireAt as number) - (b.nextFireAt as number) || a.seq - b.seq);
    const fired: Firing[] = [];
    for (const record of due) {
      const delivery = invoke(record.target.arn, record.target.input, snapshot(record));
      const firing: Firing = {
        scheduleArn: record.arn,
        name: record.name,
        groupName: record.groupName,
        region: record.region,
        targetArn: record.target.arn,
        input: record.target.input,
        dueAt: record.nextFireAt as number,
        firedAt: now,
        delivery,
      };
      this.firingLog.push(firing);
      fired.push(firing);
      const next = nextFireAfter(record, now);
      if (next === undefined && record.actionAfterCompletion === 'DELETE') {
        this.delete(record.region, record.groupName, record.name, 'completion');
      } else {
        this.records.set(key(record.region, record.groupName, record.name), withoutUndefined({ ...record, fired: true, nextFireAt: next }));
      }
    }
    return fired;
  }

  /**
   * Delivers an earlier firing's input to its target once more, as an at-least-once service may: the
   * schedule need not exist any more. Records and returns the new firing.
   */
  redeliver(firing: Firing, invoke: TargetInvoker, schedule: ScheduleSnapshot): Firing {
    const again: Firing = { ...firing, firedAt: this.clock(), delivery: invoke(firing.targetArn, firing.input, schedule), redelivery: true };
    this.firingLog.push(again);
    return again;
  }

  /** The client token the schedule was created with, for CreateSchedule's idempotency. */
  clientTokenOf(schedule: ScheduleSnapshot): string | undefined {
    return this.records.get(key(schedule.region, schedule.groupName, schedule.name))?.clientToken;
  }
}

/** The record without the optional fields that are undefined, so that snapshots compare cleanly. */
function withoutUndefined(record: ScheduleRecord): ScheduleRecord {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as unknown as ScheduleRecord;
}

function isPending(record: ScheduleRecord): boolean {
  return record.nextFireAt !== undefined && record.state === 'ENABLED';
}

/** The first fire of a schedule created (or updated) at `now`; an `at()` may lie in the past. */
function firstFire(definition: ScheduleDefinition, now: number): number | undefined {
  const parsed = parseScheduleExpression(definition.expression);
  if (parsed.kind === 'at') {
    // The model: "EventBridge Scheduler ignores StartDate [and EndDate] for one-time schedules".
    return wallClockOnDate(parsed.year, parsed.month, parsed.day, definition.timeZone)(parsed.hour, parsed.minute, parsed.second);
  }
  return recurringFireAfter(definition, now, now);
}

/** The fire after one that happened at `now`: none for an `at()`. */
function nextFireAfter(record: ScheduleRecord, now: number): number | undefined {
  if (parseScheduleExpression(record.expression).kind === 'at') return undefined;
  return recurringFireAfter(record, now, record.createdAt);
}

/** A cron() or rate() schedule's first fire strictly after `after`, within StartDate and EndDate. */
function recurringFireAfter(definition: ScheduleDefinition, after: number, createdAt: number): number | undefined {
  const start = definition.startDate === undefined ? undefined : definition.startDate * 1000;
  const from = start === undefined ? after : Math.max(after, start - 1);
  const fire = nextFire(definition.expression, definition.timeZone, new Date(from), {
    start: new Date(start ?? createdAt),
    notAfter: definition.endDate === undefined ? undefined : new Date(definition.endDate * 1000),
  });
  return fire?.getTime();
}

function key(region: string, groupName: string, name: string): string {
  return `${region}\n${groupName}\n${name}`;
}

function snapshot(record: ScheduleRecord): ScheduleSnapshot {
  const copy: { -readonly [K in keyof ScheduleRecord]?: ScheduleRecord[K] } = {
    ...record,
    target: { ...record.target, retryPolicy: { ...record.target.retryPolicy } },
  };
  delete copy.seq;
  delete copy.clientToken;
  return copy as ScheduleSnapshot;
}
