import { describe, expect, it } from 'vitest';
import { chooseImageSize, ImageSizeChoice, median, scaleCalibrationToSize } from './image-size';

describe('chooseImageSize', () => {
  it('auto follows the median shorter side, in steps of 32, between the native size and 1.7x it', () => {
    // Photos of ~375 px (the ants/bees tutorial set): 352, not blown up to 384.
    expect(chooseImageSize('auto', 224, median([333, 375, 374, 500, 375])).size).toBe(352);
    // Large photos: capped at 384 for a 224-px base.
    const large = chooseImageSize('auto', 224, 3000);
    expect(large.size).toBe(384);
    expect(large.reason).toMatch(/384 px is the most auto uses/);
    // Small images: never below the base's own size.
    const small = chooseImageSize('auto', 224, 32);
    expect(small.size).toBe(224);
    expect(small.reason).toMatch(/median shorter side is 32 px, so the base's own size/);
    // The cap scales with the base: a 160-px base goes up to 288 (160 x 12/7 = 274 -> 288).
    expect(chooseImageSize('auto', 160, 1000).size).toBe(288);
  });

  it('a number is taken as set; native and an empty sample give the base size', () => {
    expect(chooseImageSize(300, 224, 1000).size).toBe(300);
    expect(chooseImageSize('native', 224, 1000).size).toBe(224);
    expect(chooseImageSize('auto', 224, undefined).size).toBe(224);
  });

  it('scales the convolution timings of a calibration by the pixels, not the head', () => {
    const measured = { forwardMsPerImage: 10, trainAllMsPerImage: 40, headMsPerImage: 0.1 };
    expect(scaleCalibrationToSize(measured, 448, 224)).toEqual({
      forwardMsPerImage: 40,
      trainAllMsPerImage: 160,
      headMsPerImage: 0.1,
    });
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(median([])).toBeUndefined();
  });

  it('the schema takes auto, native and whole pixel counts in range only', () => {
    expect(ImageSizeChoice.safeParse('auto').success).toBe(true);
    expect(ImageSizeChoice.safeParse(352).success).toBe(true);
    expect(ImageSizeChoice.safeParse(95).success).toBe(false);
    expect(ImageSizeChoice.safeParse(352.5).success).toBe(false);
    expect(ImageSizeChoice.safeParse('big').success).toBe(false);
  });
});
