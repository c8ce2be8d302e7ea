import { describe, expect, it } from 'vitest';
import type { ScanProgress } from './dataset-types';
import { throttledProgress } from './scan-progress';

/** A clock the test moves by hand, so rates and throttling are exact. */
function manualClock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('throttledProgress', () => {
  it('reports files/s and the ETA from the files done and the time spent', () => {
    const clock = manualClock();
    const seen: ScanProgress[] = [];
    const progress = throttledProgress('checking', (p) => seen.push(p), 1000, clock.now);
    for (let i = 0; i < 200; i += 1) {
      clock.advance(5); // 200 files/s
      progress.tick();
    }
    progress.flush();
    const last = seen.at(-1);
    expect(last).toEqual({
      phase: 'checking',
      done: 200,
      total: 1000,
      filesPerSecond: 200,
      etaSeconds: 4,
    });
  });

  it('sends at most one event per 100 ms however fast files arrive', () => {
    const clock = manualClock();
    const seen: ScanProgress[] = [];
    const progress = throttledProgress('listing', (p) => seen.push(p), undefined, clock.now);
    for (let i = 0; i < 10_000; i += 1) {
      clock.advance(0.1); // 10k files in one second
      progress.tick();
    }
    expect(seen.length).toBeGreaterThanOrEqual(9);
    expect(seen.length).toBeLessThanOrEqual(11);
    // Listing has no total, so it can say how fast but not how long.
    expect(seen.at(-1)?.etaSeconds).toBeUndefined();
    expect(seen.at(-1)?.filesPerSecond).toBeGreaterThan(9000);
  });

  it('gives no rate before there is enough time to measure one', () => {
    const clock = manualClock();
    const seen: ScanProgress[] = [];
    const progress = throttledProgress('checking', (p) => seen.push(p), 50, clock.now);
    progress.flush();
    clock.advance(10);
    progress.tick();
    progress.flush();
    expect(seen[0]).toEqual({ phase: 'checking', done: 0, total: 50 });
    expect(seen.at(-1)).toEqual({ phase: 'checking', done: 1, total: 50 });
  });
});
