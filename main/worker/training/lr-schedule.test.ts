import { describe, expect, it } from 'vitest';
import { learningRateAt } from './lr-schedule';

const curve = (schedule: Parameters<typeof learningRateAt>[0], steps = 101) =>
  Array.from({ length: steps }, (_, step) => learningRateAt(schedule, 0.01, step, steps));

describe('learningRateAt', () => {
  it('keeps a constant rate', () => {
    expect(new Set(curve('constant'))).toEqual(new Set([0.01]));
  });

  it('steps down tenfold at half and three quarters', () => {
    const rates = curve('step');
    expect(rates[0]).toBeCloseTo(0.01);
    expect(rates[49]).toBeCloseTo(0.01);
    expect(rates[50]).toBeCloseTo(0.001);
    expect(rates[75]).toBeCloseTo(0.0001);
    expect(rates[100]).toBeCloseTo(0.0001);
  });

  it('decays along a cosine from the base to 1% of it, never increasing', () => {
    const rates = curve('cosine');
    expect(rates[0]).toBeCloseTo(0.01);
    expect(rates[50]).toBeCloseTo(0.00505);
    expect(rates[100]).toBeCloseTo(0.0001);
    rates.slice(1).forEach((rate, index) => expect(rate).toBeLessThanOrEqual(rates[index]!));
  });

  it('one-cycle warms up to the base at 25% and anneals far below it', () => {
    const rates = curve('one-cycle');
    expect(rates[0]).toBeCloseTo(0.01 / 25);
    expect(rates[25]).toBeCloseTo(0.01);
    expect(Math.max(...rates)).toBeCloseTo(0.01);
    expect(rates[100]).toBeCloseTo(0.01 / 1e4);
    rates.slice(1, 25).forEach((rate, index) => expect(rate).toBeGreaterThan(rates[index]!));
  });

  it('gives the base rate for a single step', () => {
    expect(learningRateAt('cosine', 0.02, 0, 1)).toBe(0.02);
  });
});
