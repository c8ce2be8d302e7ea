import { describe, expect, it } from 'vitest';
import { epochDurationMs, formatProbabilityDifference, formatShortDuration } from './format';

describe('format', () => {
  it('says an export proof’s difference in percent, never as 0.00e+0', () => {
    expect(formatProbabilityDifference(0)).toBe('none');
    expect(formatProbabilityDifference(2e-6)).toBe('less than 0.001%');
    expect(formatProbabilityDifference(1e-4)).toBe('0.01%');
    expect(formatProbabilityDifference(0.4)).toBe('40%');
    expect(formatProbabilityDifference(null)).toBe('not measured');
  });

  it('times each epoch from the one before, an extension’s first from its own start', () => {
    const epochs = [{ elapsedMs: 30_000 }, { elapsedMs: 30_400 }, { elapsedMs: 2_000 }];
    expect(epochDurationMs(epochs, 0)).toBe(30_000);
    expect(epochDurationMs(epochs, 1)).toBe(400);
    expect(epochDurationMs(epochs, 2)).toBe(2_000);
    expect(epochDurationMs(epochs, 3)).toBeNull();
    expect(formatShortDuration(400)).toBe('0.4 s');
    expect(formatShortDuration(90_000)).toBe('1m 30s');
  });
});
