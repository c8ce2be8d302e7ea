/**
 * What an augmentation strength (0..1, the slider) does, in the units a person thinks in:
 * degrees, a zoom factor, a share of the images mirrored. Shared by the worker (which applies
 * the limits) and the Train screen (which shows the amounts), so both say the same.
 */

/** Largest effect of each augmentation, reached at strength 1. */
export const AUGMENT_LIMITS = {
  /** Flip probability. */
  flip: 0.5,
  rotationDegrees: 30,
  /** Zoom up to this factor (a crop of 1/1.5 of the image). */
  zoom: 0.5,
  /** Brightness change, as a fraction of the 0..255 range. */
  brightness: 0.25,
  /** Contrast factor range 1 ± this. */
  contrast: 0.4,
  /** Noise sigma, as a fraction of the range. */
  noise: 0.08,
  /** Blur sigma in pixels of a 224-pixel image. */
  blurSigma: 2,
} as const;

export type AugmentOption = 'flip' | 'rotation' | 'zoom' | 'exposure' | 'noise' | 'blur';

const percent = (fraction: number): string => `${Math.round(fraction * 100)}%`;

/** The amount a strength gives, e.g. "50% mirrored", "±9°", "up to 1.20×". */
export function augmentAmount(option: AugmentOption, strength: number): string {
  switch (option) {
    case 'flip':
      return `${percent(strength * AUGMENT_LIMITS.flip)} mirrored`;
    case 'rotation':
      return `±${Math.round(strength * AUGMENT_LIMITS.rotationDegrees)}°`;
    case 'zoom':
      return `up to ${(1 + strength * AUGMENT_LIMITS.zoom).toFixed(2)}×`;
    case 'exposure':
      return `brightness ±${percent(strength * AUGMENT_LIMITS.brightness)}`;
    case 'noise':
      return `grain up to ${percent(strength * AUGMENT_LIMITS.noise)}`;
    case 'blur':
      return `up to ${(strength * AUGMENT_LIMITS.blurSigma).toFixed(1)} px`;
  }
}
