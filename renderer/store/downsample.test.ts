import { describe, expect, it } from 'vitest';
import { lttbIndices } from './downsample';

describe('lttbIndices', () => {
  it('keeps every point of a short series', () => {
    expect(lttbIndices([0, 1, 2], [5, 6, 7], 10)).toEqual([0, 1, 2]);
  });

  it('reduces a long series to the threshold, keeping both ends in order', () => {
    const xs = Array.from({ length: 10_000 }, (_, i) => i);
    const ys = xs.map((x) => Math.sin(x / 300));
    const picked = lttbIndices(xs, ys, 500);
    expect(picked).toHaveLength(500);
    expect(picked[0]).toBe(0);
    expect(picked[picked.length - 1]).toBe(9_999);
    expect(picked.every((index, i) => i === 0 || index > (picked[i - 1] as number))).toBe(true);
  });

  it('keeps a lone spike that averaging would flatten', () => {
    const xs = Array.from({ length: 2_000 }, (_, i) => i);
    const ys = xs.map((x) => (x === 1_234 ? 50 : 1));
    const picked = lttbIndices(xs, ys, 100);
    expect(picked).toContain(1_234);
  });
});
