import { describe, expect, it } from 'vitest';
import { valleySuggestion } from './lr-finder';

describe('valleySuggestion (fastai valley)', () => {
  it('picks a rate two thirds down the longest falling stretch of the loss', () => {
    // Flat, then falling from 1e-4 to 1e-1, then diverging.
    const points = Array.from({ length: 70 }, (_, i) => {
      const learningRate = 1e-7 * 10 ** (i / 10);
      const loss = i < 30 ? 1 : i < 60 ? 1 - (i - 30) / 40 : 0.25 + (i - 60) ** 2 / 10;
      return { learningRate, loss };
    });
    const suggested = valleySuggestion(points);
    expect(suggested).toBeGreaterThan(1e-4);
    expect(suggested).toBeLessThan(1e-1);
    // 30 → 59 is the valley; fastai's rule lands about half-way: index 29 + 10 + 5 = 44.
    expect(Math.log10(suggested)).toBeCloseTo(-7 + 44 / 10, 5);
  });

  it('refuses an empty sweep', () => {
    expect(() => valleySuggestion([])).toThrow(/no points/);
  });
});
