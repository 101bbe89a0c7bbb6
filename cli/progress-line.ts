/**
 * The live line on standard error while a run waits (a resume takes minutes): "resuming 12 services:
 * 4 done (4 RUNNING), 8 in progress, 1m20s". Drawn only on a terminal, redrawn in place every second
 * and on every service that ends, and erased before the result is printed.
 */
import type { RunProgress } from '../lambda/run';
import type { OutputStream } from './output';
import { formatElapsed } from './when';

const ERASE_LINE = '\r\x1b[2K';

/** The text of the line for a run's progress. */
export function progressText(verb: string, progress: RunProgress, elapsedMs: number): string {
  const total = progress.selected.length;
  const byStatus = new Map<string, number>();
  for (const outcome of progress.ended) {
    const status = outcome.statusAfter ?? outcome.outcome;
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }
  const statuses = [...byStatus].map(([status, n]) => `${n} ${status}`).join(', ');
  const done = progress.ended.length;
  return `${verb} ${total} service${total === 1 ? '' : 's'}: ${done} done${done > 0 ? ` (${statuses})` : ''}, ${total - done} in progress, ${formatElapsed(elapsedMs)}`;
}

/** A live line, or nothing when `stream` is not a terminal. */
export class ProgressLine {
  private text?: () => string;
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly stream: OutputStream,
    private readonly enabled: boolean,
  ) {}

  /** Shows `text()` now and again every second, until `stop`. */
  show(text: () => string): void {
    if (!this.enabled) return;
    this.text = text;
    this.draw();
    this.timer ??= setInterval(() => this.draw(), 1000);
    this.timer.unref?.();
  }

  /** Redraws the line with what `text()` says now. */
  draw(): void {
    if (this.text) this.stream.write(`${ERASE_LINE}${this.text()}`);
  }

  /** Erases the line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.text) this.stream.write(ERASE_LINE);
    this.text = undefined;
  }
}
