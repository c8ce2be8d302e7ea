import { describe, expect, it } from 'vitest';
import { minMaxIndices } from './downsample';

/** A deterministic noisy decaying curve, like batch loss (no Math.random: tests must repeat). */
function noisyLoss(length: number): { xs: number[]; ys: number[] } {
  const xs = Array.from({ length }, (_, i) => i / 100);
  let state = 12345;
  const ys = xs.map((x) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return 2 * Math.exp(-x / 30) + (state / 2 ** 31 - 0.5) * 0.4;
  });
  return { xs, ys };
}

/** Lowest and highest y among the indices whose x falls in each of `buckets` columns. */
function envelope(xs: number[], ys: number[], indices: number[], buckets: number) {
  const x0 = xs[0] as number;
  const span = (xs[xs.length - 1] as number) - x0;
  const result = new Map<number, { low: number; high: number }>();
  for (const index of indices) {
    const bucket = Math.min(
      buckets - 1,
      Math.floor((((xs[index] as number) - x0) / span) * buckets),
    );
    const y = ys[index] as number;
    const known = result.get(bucket);
    result.set(bucket, {
      low: Math.min(known?.low ?? y, y),
      high: Math.max(known?.high ?? y, y),
    });
  }
  return result;
}

describe('minMaxIndices', () => {
  it('keeps every point of a series that is already small', () => {
    expect(minMaxIndices([0, 1, 2], [5, 6, 7], 10)).toEqual([0, 1, 2]);
    expect(minMaxIndices([], [], 10)).toEqual([]);
  });

  it('reduces 20,000 points to at most four per pixel, ends kept, in order', () => {
    const { xs, ys } = noisyLoss(20_000);
    const picked = minMaxIndices(xs, ys, 400);
    expect(picked.length).toBeLessThanOrEqual(1_600);
    expect(picked.length).toBeGreaterThan(400);
    expect(picked[0]).toBe(0);
    expect(picked[picked.length - 1]).toBe(19_999);
    expect(picked.every((index, i) => i === 0 || index > (picked[i - 1] as number))).toBe(true);
  });

  it('draws the same envelope as the full series in every pixel column', () => {
    const { xs, ys } = noisyLoss(12_345);
    const buckets = 300;
    const all = Array.from({ length: xs.length }, (_, i) => i);
    const full = envelope(xs, ys, all, buckets);
    const reduced = envelope(xs, ys, minMaxIndices(xs, ys, buckets), buckets);
    expect(reduced.size).toBe(full.size);
    for (const [bucket, range] of full) expect(reduced.get(bucket)).toEqual(range);
  });

  it('keeps a lone spike and a lone dip that averaging would flatten', () => {
    const xs = Array.from({ length: 5_000 }, (_, i) => i);
    const ys = xs.map((x) => (x === 1_234 ? 50 : x === 3_210 ? -50 : 1));
    const picked = minMaxIndices(xs, ys, 100);
    expect(picked).toContain(1_234);
    expect(picked).toContain(3_210);
  });

  it('reads only the first `length` entries of a larger buffer', () => {
    const xs = new Float64Array([0, 1, 2, 3, 99, 99]);
    const ys = new Float64Array([1, 2, 3, 4, 99, 99]);
    expect(minMaxIndices(xs, ys, 1, 4)).toEqual([0, 1, 2, 3]);
    expect(minMaxIndices(xs, ys, 1, 5)).toEqual([0, 4]);
  });
});
