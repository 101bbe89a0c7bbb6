/**
 * Virtual time for tests that live through an evening in a second: a clock that starts at a chosen
 * instant and runs `speed` times faster than real time (3,600: one virtual hour per real second). The
 * emulator's scheduler fires on it and the handler decides with it; deadlines stay on real time.
 */
import { parseIsoInstant } from '../../contract/local-time';

/** How to start a scaled clock. */
export interface ScaledClockOptions {
  /** The virtual instant the clock shows when created: a Date, epoch ms, or ISO-8601 text (UTC unless it has an offset). */
  readonly start: Date | number | string;
  /** Virtual ms per real ms. @default 3600, one virtual hour per real second */
  readonly speed?: number;
}

/** Real time the clock measures from: monotonic, so a system clock change cannot move virtual time. */
const realNow = (): number => performance.now();

/** A virtual clock running `speed` times faster than real time. */
export class ScaledClock {
  /** Virtual ms per real ms. */
  readonly speed: number;
  private virtualOrigin: number;
  private realOrigin: number;

  /** Starts the clock at `options.start`. */
  constructor(options: ScaledClockOptions) {
    this.speed = options.speed ?? 3600;
    if (!(this.speed > 0) || !Number.isFinite(this.speed)) throw new Error(`speed must be a positive number; got ${this.speed}`);
    this.virtualOrigin = instantOf(options.start);
    this.realOrigin = realNow();
  }

  /** The virtual time now, epoch ms: what `SchedulerOptions.clock` and `HandlerDependencies.now` take. */
  readonly now = (): number => this.virtualOrigin + (realNow() - this.realOrigin) * this.speed;

  /** The virtual time now, as a Date. */
  date(): Date {
    return new Date(this.now());
  }

  /** Moves virtual time forward at once to `instant` (never back): nothing in between is lived through slowly. */
  jumpTo(instant: Date | number | string, timeZone = 'UTC'): void {
    const target = instantOf(instant, timeZone);
    const now = this.now();
    if (target <= now) return;
    this.virtualOrigin = target;
    this.realOrigin = realNow();
  }

  /** Resolves once the virtual clock shows `instant` or later (at once if it already does). */
  async sleepUntil(instant: Date | number | string, timeZone = 'UTC'): Promise<void> {
    const target = instantOf(instant, timeZone);
    for (;;) {
      const left = target - this.now();
      if (left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(left / this.speed))));
    }
  }
}

/**
 * An instant from a Date, epoch ms, or ISO-8601 text: a date-time without an offset is local wall-clock
 * time in `timeZone` (e.g. `instantOf('2026-12-01T22:00', 'Europe/London')`), as `contract/local-time.ts` reads it.
 */
export function instantOf(value: Date | number | string, timeZone = 'UTC'): number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  const parsed = parseIsoInstant(value, timeZone);
  if (!parsed) throw new Error(`not an ISO-8601 date-time: '${value}'`);
  return parsed.getTime();
}
