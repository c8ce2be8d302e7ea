import type { ScanOptions, ScanProgress } from './dataset-types';

/** Progress events are for people: at most about ten a second. */
const PROGRESS_INTERVAL_MS = 100;
/** Below this much elapsed time a rate is mostly noise (the first files are often cached). */
const MIN_RATE_WINDOW_MS = 250;

/**
 * Counts work done and reports it at most every 100 ms, plus on `flush`. Each report carries
 * the phase's rate so far (files/s) and, when the total is known, the seconds left at that rate.
 * `now` is injectable so tests can drive the clock.
 */
export function throttledProgress(
  phase: ScanProgress['phase'],
  onProgress: ScanOptions['onProgress'],
  total?: number,
  now: () => number = Date.now,
): { tick(): void; flush(): void } {
  let done = 0;
  let last = 0;
  const started = now();
  const report = () => {
    const elapsed = now() - started;
    const rate = elapsed >= MIN_RATE_WINDOW_MS && done > 0 ? done / (elapsed / 1000) : undefined;
    onProgress?.({
      phase,
      done,
      ...(total !== undefined ? { total } : {}),
      ...(rate !== undefined ? { filesPerSecond: Math.round(rate * 10) / 10 } : {}),
      ...(rate !== undefined && total !== undefined
        ? { etaSeconds: Math.max(0, Math.round((total - done) / rate)) }
        : {}),
    });
  };
  return {
    tick() {
      done += 1;
      const time = now();
      if (onProgress && time - last >= PROGRESS_INTERVAL_MS) {
        last = time;
        report();
      }
    },
    flush: report,
  };
}
