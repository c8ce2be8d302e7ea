/**
 * Timing helpers of the benchmark: a warm-up, then several timed runs, reported as the median
 * (and the spread, so a noisy shared machine shows). Slow backends get fewer runs instead of
 * an unbounded wait: the budget caps the time spent on one measurement.
 */

export interface RateOptions {
  /** Timed runs wanted after the warm-up. */
  runs: number;
  /** A run repeats the step until this many seconds passed (short steps are noisy alone). */
  minRunSeconds: number;
  /** Stop starting new runs after this many seconds (at least one run is always made). */
  budgetSeconds: number;
  /** Whether to run the step once untimed first (default true; false when already warm). */
  warmup?: boolean;
}

export interface Rate {
  /** Median of the runs, in items (images, files) per second. */
  median: number;
  min: number;
  max: number;
  runs: number;
  warmupSeconds: number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const round = (value: number): number => Number(value.toPrecision(4));

/** Items per second of `step` (which processes `itemsPerStep` items and resolves when done). */
export async function measureRate(
  itemsPerStep: number,
  step: () => Promise<unknown>,
  options: RateOptions,
): Promise<Rate> {
  const warmupStart = performance.now();
  if (options.warmup !== false) await step(); // kernel selection, graph building, allocations
  const warmupSeconds = (performance.now() - warmupStart) / 1000;
  const rates: number[] = [];
  const started = performance.now();
  while (
    rates.length === 0 ||
    (rates.length < options.runs && (performance.now() - started) / 1000 < options.budgetSeconds)
  ) {
    let items = 0;
    const runStart = performance.now();
    do {
      await step();
      items += itemsPerStep;
    } while ((performance.now() - runStart) / 1000 < options.minRunSeconds);
    rates.push((items * 1000) / (performance.now() - runStart));
  }
  return {
    median: round(median(rates)),
    min: round(Math.min(...rates)),
    max: round(Math.max(...rates)),
    runs: rates.length,
    warmupSeconds: round(warmupSeconds),
  };
}

/** Seconds of `run`, as the median of `runs` runs after a warm-up (for whole epochs). */
export async function measureSeconds(
  run: () => Promise<unknown>,
  options: { runs: number; budgetSeconds: number; warmup?: boolean },
): Promise<{ median: number; min: number; max: number; runs: number; warmupSeconds: number }> {
  const warmupStart = performance.now();
  if (options.warmup !== false) await run();
  const warmupSeconds = (performance.now() - warmupStart) / 1000;
  const times: number[] = [];
  const started = performance.now();
  while (
    times.length === 0 ||
    (times.length < options.runs && (performance.now() - started) / 1000 < options.budgetSeconds)
  ) {
    const runStart = performance.now();
    await run();
    times.push((performance.now() - runStart) / 1000);
  }
  return {
    median: round(median(times)),
    min: round(Math.min(...times)),
    max: round(Math.max(...times)),
    runs: times.length,
    warmupSeconds: round(warmupSeconds),
  };
}
