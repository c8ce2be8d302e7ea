import { describe, expect, it } from 'vitest';
import { assignSplit, splitHash } from './stable-split';

const items = (className: string, count: number, prefix = 'img') =>
  Array.from({ length: count }, (_, i) => ({ rel: `${className}/${prefix}-${i}.jpg`, className }));

describe('assignSplit', () => {
  it('decides each file by its own hash, so other files never move it', () => {
    const base = items('a', 200);
    const grown = [...base, ...items('a', 300, 'new')];
    const before = assignSplit(base, 0.2, 42);
    const after = assignSplit(grown, 0.2, 42);
    for (const item of base) expect(after.get(item)).toBe(before.get(item));
    const val = [...after.values()].filter((side) => side === 'val').length;
    expect(val / grown.length).toBeGreaterThan(0.15);
    expect(val / grown.length).toBeLessThan(0.25);
  });

  it('gives a small class one image on each side', () => {
    for (let seed = 0; seed < 50; seed += 1) {
      const sides = [...assignSplit(items('tiny', 3), 0.2, seed).values()];
      expect(sides).toContain('train');
      expect(sides).toContain('val');
    }
    expect([...assignSplit(items('one', 1), 0.2, 1).values()]).toHaveLength(1);
  });

  it('puts nothing in val at ratio 0', () => {
    expect([...assignSplit(items('a', 20), 0, 1).values()].every((side) => side === 'train')).toBe(
      true,
    );
  });

  it('hashes into [0, 1) and depends on the seed', () => {
    const values = Array.from({ length: 1000 }, (_, i) => splitHash(`x/${i}`, 1));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(splitHash('x/1', 1)).not.toBe(splitHash('x/1', 2));
    expect(splitHash('x/1', 1)).toBe(splitHash('x/1', 1));
  });
});
