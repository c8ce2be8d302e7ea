import { describe, expect, it } from 'vitest';
import { augmentAmount } from './augment-units';

describe('augmentAmount', () => {
  it('says a slider strength in the units of its option', () => {
    // The recipe's flip at full strength mirrors half the views, not "100 %" of anything.
    expect(augmentAmount('flip', 1)).toBe('50% mirrored');
    expect(augmentAmount('rotation', 0.3)).toBe('±9°');
    expect(augmentAmount('zoom', 0.4)).toBe('up to 1.20×');
    expect(augmentAmount('exposure', 0.3)).toBe('brightness ±8%');
    expect(augmentAmount('noise', 0.5)).toBe('grain up to 4%');
    expect(augmentAmount('blur', 0.2)).toBe('up to 0.4 px');
  });
});
