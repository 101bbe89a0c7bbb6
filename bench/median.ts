/**
 * The median the benchmarks report. No imports: `synth-app.ts` loads it in the process it times,
 * so it must not load anything else there.
 */

/** The middle value (the lower of the two middle ones for an even count). Callers pass at least one value: with none it returns undefined. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}
