/**
 * What a resumed service saved while it was paused: the paused time, the instance size, the
 * provisioned instances and the region's price, and the one place where they are put together.
 *
 * What the figure claims. A paused service pays neither provisioned memory nor active CPU. What it
 * certainly would have paid, had it not been paused, is the memory of its provisioned instances (its
 * auto scaling configuration's `MinSize`): `provisionedInstances x memoryGb x price per GB-hour x
 * hours`. That is the figure: the idle cost avoided, a floor. It leaves out the active CPU and memory
 * that requests would have cost, which no one can know for hours without requests, so the true saving
 * is at least this much. Its hours count from the scheduler's own `paused <time>` marker, confirmed by
 * App Runner's operation history when the run read it (see `pausedTime`).
 *
 * The functions here are pure except `measureSavings`, which reads the auto scaling configuration
 * (once per configuration, through `AutoScalingCache`) and never throws: a figure that cannot be made
 * is reported `unknown` with the reason, never as a zero, and never fails the service's run.
 */
import type { AppRunnerGateway, AutoScalingSize, OperationRecord, ServiceDetail } from './app-runner';
import { errorMessage } from './errors';
import { provisionedMemoryPrice } from './prices';
import type { PausedTime, ServiceSavings } from './report';

const MS_PER_HOUR = 3_600_000;

/**
 * How long after the marker's time App Runner may start the pause before the history is taken to
 * contradict the marker. The run writes the marker just before it calls PauseService; the SDK's
 * retries under throttling take seconds, so a pause that started later than this was not that call's
 * (someone resumed the service and paused it again since, for example).
 */
export const MARKER_TOLERANCE_MS = 10 * 60_000;

/**
 * vCPUs of an `InstanceConfiguration.Cpu` value: CPU units ("1024" is 1 vCPU, "256" a quarter) or
 * vCPUs ("1 vCPU", "0.25 vCPU"), the two forms the API returns. Undefined for anything else.
 */
export function parseVcpu(value: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vCPU)?\s*$/i.exec(value ?? '');
  if (!m) return undefined;
  const amount = Number(m[1]);
  if (!(amount > 0)) return undefined;
  return m[2] ? amount : amount / 1024;
}

/**
 * GB of an `InstanceConfiguration.Memory` value: MB ("2048" is 2 GB, "512" half a GB) or GB ("2 GB",
 * "0.5 GB"), the two forms the API returns. Undefined for anything else.
 */
export function parseMemoryGb(value: string | undefined): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(GB)?\s*$/i.exec(value ?? '');
  if (!m) return undefined;
  const amount = Number(m[1]);
  if (!(amount > 0)) return undefined;
  return m[2] ? amount : amount / 1024;
}

/** The epoch ms of a `paused <ISO-8601 UTC>` marker, or undefined (no marker, `resumed ...`, `paused` without a time). */
export function markerPauseTime(marker: string | undefined): number | undefined {
  const m = /^paused (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z)$/.exec(marker ?? '');
  if (!m) return undefined;
  const ms = Date.parse(m[1]);
  return Number.isNaN(ms) ? undefined : ms;
}

/** What `pausedTime` reads. */
export interface PausedTimeInput {
  /** The marker tag's value before this run's resume overwrote it. */
  readonly marker?: string;
  /** Epoch ms of this run's ResumeService call (just before it): where the paused time ends. */
  readonly resumeRequestedAt: number;
  /** The operation id of this run's resume, to find it in the history. */
  readonly resumeOperationId?: string;
  /** The service's operation history (newest first), when the run read it after the resume; undefined when it did not. */
  readonly history?: readonly OperationRecord[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The latest PAUSE_SERVICE that succeeded before this run's resume, from a newest-first history:
 * entries from this run's resume on (or, without its id, those that started at or after the resume
 * call) are passed over, and so are operations that did not succeed (a failed resume left the
 * service paused). Undefined when a successful resume comes first, or no pause is listed.
 */
function pauseBefore(input: PausedTimeInput, history: readonly OperationRecord[]): OperationRecord | undefined {
  let older = history;
  const ours = input.resumeOperationId === undefined ? -1 : history.findIndex((o) => o.id === input.resumeOperationId);
  if (ours >= 0) older = history.slice(ours + 1);
  else older = history.filter((o) => o.startedAt === undefined || o.startedAt < input.resumeRequestedAt);
  for (const operation of older) {
    if (operation.status !== 'SUCCEEDED') continue;
    if (operation.type === 'PAUSE_SERVICE') return operation;
    if (operation.type === 'RESUME_SERVICE') return undefined;
  }
  return undefined;
}

/**
 * How long the service was paused, or why that cannot be said.
 *
 * - With history: `from` is the later of the marker's time and the end of the latest successful
 *   PAUSE_SERVICE before this run's resume (`marker+history`); without a usable marker time, that end
 *   alone (`history`). A marker that the history contradicts is reported, not trusted: a pause that
 *   started well after the marker (another pause since: counted from it, with a note), or no completed
 *   pause in the history at all (unknown).
 * - Without history (the run read none for this service: issue #14 keeps ListOperations to where it
 *   changes a decision): the marker's time alone (`marker`), which precedes App Runner's pause by the
 *   minutes the pause operation takes.
 * - `to` is this run's ResumeService call; a `from` not before it is a contradiction (unknown).
 */
export function pausedTime(input: PausedTimeInput): PausedTime | { readonly reason: string } {
  const markerAt = markerPauseTime(input.marker);
  const markerText = input.marker === undefined ? 'the service carries no marker' : `the marker ${JSON.stringify(input.marker)} carries no pause time`;
  let from: number;
  let basis: PausedTime['basis'];
  let note: string | undefined;
  if (input.history) {
    const pause = pauseBefore(input, input.history);
    const pauseEnd = pause?.endedAt;
    if (pauseEnd === undefined) {
      return {
        reason:
          markerAt === undefined
            ? `the paused time is unknown: ${markerText}, and App Runner's operation history lists no completed pause before this resume`
            : `the marker's pause time (${iso(markerAt)}) is not confirmed: App Runner's operation history lists no completed pause before this resume`,
      };
    }
    if (markerAt === undefined) {
      from = pauseEnd;
      basis = 'history';
      note = `${markerText}: counted from App Runner's pause operation`;
    } else {
      from = Math.max(markerAt, pauseEnd);
      basis = 'marker+history';
      if (pause?.startedAt !== undefined && pause.startedAt > markerAt + MARKER_TOLERANCE_MS) {
        note = `the marker says paused at ${iso(markerAt)}, but App Runner's latest pause started at ${iso(pause.startedAt)} (paused again since): counted from its end`;
      } else if (pauseEnd < markerAt) {
        note = `App Runner had paused it already (${iso(pauseEnd)}) when the scheduler marked it: counted from the marker`;
      }
    }
  } else {
    if (markerAt === undefined) return { reason: `the paused time is unknown: ${markerText}, and the run read no operation history for it` };
    from = markerAt;
    basis = 'marker';
  }
  const to = input.resumeRequestedAt;
  if (!(from < to)) {
    return { reason: `the paused time is contradictory: it would start at ${iso(from)}, not before the resume at ${iso(to)}` };
  }
  return { pausedFrom: iso(from), pausedTo: iso(to), hours: (to - from) / MS_PER_HOUR, basis, ...(note ? { note } : {}) };
}

/** The inputs of a figure besides the paused time: the service's region and size, and its provisioned instances (or why they are unknown). */
export interface SizingInput {
  readonly region: string;
  readonly cpu?: string;
  readonly memory?: string;
  /** The auto scaling configuration, or the error that kept it from being read. */
  readonly autoScaling: AutoScalingSize | { readonly error: string };
}

/** A region's price and an instance's size, parsed. */
interface Rate {
  readonly price: number;
  readonly vcpu: number;
  readonly memoryGb: number;
}

/** The price and the size, or the figure that says why there is none: `unpriced`, or `unknown` for a size it cannot read. */
function rateOf(paused: PausedTime, sizing: Omit<SizingInput, 'autoScaling'>): Rate | ServiceSavings {
  const price = provisionedMemoryPrice(sizing.region);
  if (price === undefined) {
    return { status: 'unpriced', ...paused, reason: `no App Runner price for ${sizing.region} in the price table (lambda/prices.ts)` };
  }
  const vcpu = parseVcpu(sizing.cpu);
  const memoryGb = parseMemoryGb(sizing.memory);
  if (vcpu === undefined || memoryGb === undefined) {
    return {
      status: 'unknown',
      ...paused,
      reason: `could not read the instance size: InstanceConfiguration Cpu ${JSON.stringify(sizing.cpu ?? null)}, Memory ${JSON.stringify(sizing.memory ?? null)} (accepted: CPU units such as "1024" or "1 vCPU"; MB such as "2048" or "2 GB")`,
    };
  }
  return { price, vcpu, memoryGb };
}

/** Puts the figure together: `priced` with the amount, `unpriced` for a region without a price, or `unknown` naming what is missing. */
export function savingsFigure(paused: PausedTime, sizing: SizingInput): ServiceSavings {
  const rate = rateOf(paused, sizing);
  if ('status' in rate) return rate;
  const { price, vcpu, memoryGb } = rate;
  if ('error' in sizing.autoScaling) return { status: 'unknown', ...paused, reason: sizing.autoScaling.error };
  const provisionedInstances = sizing.autoScaling.minSize;
  if (provisionedInstances === undefined || !Number.isInteger(provisionedInstances) || provisionedInstances < 1) {
    return {
      status: 'unknown',
      ...paused,
      reason: `the auto scaling configuration ${sizing.autoScaling.arn} shows no usable MinSize (${JSON.stringify(provisionedInstances ?? null)}; App Runner's range is 1-25)`,
    };
  }
  return {
    status: 'priced',
    ...paused,
    amount: provisionedInstances * memoryGb * price * paused.hours,
    currency: 'USD',
    inputs: { vcpu, memoryGb, provisionedInstances, pricePerGbHour: price },
  };
}

/** The most auto scaling configurations `AutoScalingCache` keeps by default. */
export const AUTO_SCALING_CACHE_SIZE = 256;

/** A full auto scaling configuration ARN: name, revision and id. Only these are cached (see `AutoScalingCache`). */
const FULL_CONFIGURATION_ARN = /:autoscalingconfiguration\/[^/]+\/\d+\/[0-9a-f]{32}$/;

/**
 * Auto scaling configurations read once and kept, for the life of the function's container (warm
 * invocations share it), at most `maxEntries`, the least recently used going first. A full ARN names
 * one revision, and App Runner has no call that changes a revision (a change is a new revision, with
 * a new ARN), so a kept answer never goes stale. Concurrent reads of one configuration share one call;
 * a failed read is not kept, so the next run tries again. A partial ARN (latest revision) is never kept.
 */
export class AutoScalingCache {
  private readonly entries = new Map<string, Promise<AutoScalingSize>>();

  constructor(private readonly maxEntries: number = AUTO_SCALING_CACHE_SIZE) {
    if (!(Number.isInteger(maxEntries) && maxEntries > 0)) throw new Error(`maxEntries must be a positive integer, got ${maxEntries}`);
  }

  /** How many configurations are kept (or being read). */
  get size(): number {
    return this.entries.size;
  }

  /** The configuration's sizes: kept, or read with `read` and kept. */
  get(arn: string, read: (arn: string) => Promise<AutoScalingSize>): Promise<AutoScalingSize> {
    if (!FULL_CONFIGURATION_ARN.test(arn)) return read(arn);
    const kept = this.entries.get(arn);
    if (kept) {
      this.entries.delete(arn);
      this.entries.set(arn, kept);
      return kept;
    }
    const reading = read(arn);
    this.entries.set(arn, reading);
    reading.catch(() => {
      if (this.entries.get(arn) === reading) this.entries.delete(arn);
    });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return reading;
  }
}

/** What `measureSavings` reads of one resumed service. */
export interface SavingsInput extends PausedTimeInput {
  readonly region: string;
  /** The service as the ResumeService answer (or an earlier read) showed it. */
  readonly detail?: ServiceDetail;
}

/**
 * One resumed service's savings. Reads the auto scaling configuration through `cache` only when the
 * figure needs it (a known paused time, a priced region, a readable size). Never throws.
 */
export async function measureSavings(input: SavingsInput, gateway: Pick<AppRunnerGateway, 'describeAutoScalingConfiguration'>, cache: AutoScalingCache): Promise<ServiceSavings> {
  try {
    const paused = pausedTime(input);
    if (!('hours' in paused)) return { status: 'unknown', reason: paused.reason };
    const sizing = { region: input.region, cpu: input.detail?.cpu, memory: input.detail?.memory };
    const rate = rateOf(paused, sizing);
    if ('status' in rate) return rate;
    const arn = input.detail?.autoScalingConfigurationArn;
    if (arn === undefined) {
      return savingsFigure(paused, { ...sizing, autoScaling: { error: "could not read the auto scaling configuration: the service's answer names none" } });
    }
    let autoScaling: SizingInput['autoScaling'];
    try {
      autoScaling = await cache.get(arn, (a) => gateway.describeAutoScalingConfiguration(a));
    } catch (error) {
      autoScaling = { error: `could not read the auto scaling configuration ${arn}: ${errorMessage(error)}` };
    }
    return savingsFigure(paused, { ...sizing, autoScaling });
  } catch (error) {
    return { status: 'unknown', reason: `the savings could not be computed: ${errorMessage(error)}` };
  }
}
