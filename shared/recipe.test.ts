import { describe, expect, it } from 'vitest';
import { defaultAugmentation, VIEWS_FILL_PER_CLASS, viewsForDataset } from './recipe';

describe('viewsForDataset', () => {
  const asked = defaultAugmentation.viewsPerImage;

  it('keeps the setting on small classes (hymenoptera: ~120 training images a class)', () => {
    expect(viewsForDataset(asked, 245, 2)).toEqual({ views: asked });
    expect(viewsForDataset(asked, 12 * 250, 12)).toEqual({ views: asked });
  });

  it('computes fewer views as classes grow, down to the image alone, and says why', () => {
    expect(viewsForDataset(asked, 12 * 400, 12).views).toBe(2);
    const large = viewsForDataset(asked, 16_000, 12);
    expect(large.views).toBe(1);
    expect(large.reason).toMatch(/^1 view per training image instead of 4: .* 1333 training/);
    expect(viewsForDataset(asked, 50 * VIEWS_FILL_PER_CLASS * 10, 50).views).toBe(1);
  });

  it('never asks for more views than the setting', () => {
    expect(viewsForDataset(1, 10, 2)).toEqual({ views: 1 });
    expect(viewsForDataset(8, 40, 2)).toEqual({ views: 8 });
  });
});
