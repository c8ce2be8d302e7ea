import type { ScanOptions, ScanProgress } from './dataset-types';

/** Progress events are for people: at most about ten a second. */
const PROGRESS_INTERVAL_MS = 100;

/** Counts work done and reports it at most every 100 ms, plus on `flush`. */
export function throttledProgress(
  phase: ScanProgress['phase'],
  onProgress: ScanOptions['onProgress'],
  total?: number,
): { tick(): void; flush(): void } {
  let done = 0;
  let last = 0;
  const report = () => onProgress?.({ phase, done, ...(total !== undefined ? { total } : {}) });
  return {
    tick() {
      done += 1;
      const now = Date.now();
      if (onProgress && now - last >= PROGRESS_INTERVAL_MS) {
        last = now;
        report();
      }
    },
    flush: report,
  };
}
