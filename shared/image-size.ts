/**
 * The resolution images are given to the base at. MobileNets are fully convolutional up to
 * their global pooling, so a base trained at 224 px also runs at other sizes; its pooled features
 * then see the image's own detail instead of a 224-px thumbnail of it. Frozen ImageNet features
 * are known to work better at a test resolution above the training one (Touvron et al.,
 * "Fixing the train-test resolution discrepancy", 2019), and BiT's transfer recipe feeds
 * ordinary photos at 384 px to 224-px-trained networks. Measured here (docs/training-engine.md):
 * on photos of ~375 px, MobileNetV2 0.35's frozen features gained 1-2 points of validation
 * accuracy from 224 to 352 px.
 */
import { z } from 'zod';

export const MIN_IMAGE_SIZE = 96;
export const MAX_IMAGE_SIZE = 1024;

/**
 * 'auto': from the dataset's images (see `chooseImageSize`); 'native': the base's own input size
 * (runs saved before the setting existed); a number: that many pixels square.
 */
export const ImageSizeChoice = z.union([
  z.enum(['auto', 'native']),
  z.number().int().min(MIN_IMAGE_SIZE).max(MAX_IMAGE_SIZE),
]);
export type ImageSizeChoice = z.infer<typeof ImageSizeChoice>;

/** Auto never goes above the native size times this (384 px for a 224-px base, as in BiT). */
export const AUTO_MAX_SCALE = 12 / 7;
/** Sizes are multiples of this: MobileNets downsample by 32, so the feature map stays whole. */
export const SIZE_STEP = 32;

export interface ImageSizeDecision {
  size: number;
  /** Why this size, in words for the run log and the UI. */
  reason: string;
}

/** The median of some numbers (undefined for none). */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * 'auto': as much resolution as the images have, never below the base's native size and never
 * above `AUTO_MAX_SCALE` times it: the median shorter side of the training images (the dataset
 * doctor measures it, DatasetSummary.medianShorterSide), rounded down to a multiple of 32
 * (blowing an image up adds no detail, only compute).
 */
export function chooseImageSize(
  choice: ImageSizeChoice,
  nativeSize: number,
  medianShorterSide: number | undefined,
): ImageSizeDecision {
  if (typeof choice === 'number') {
    return { size: choice, reason: `${choice} px, as set` };
  }
  if (choice === 'native' || !medianShorterSide) {
    return { size: nativeSize, reason: `${nativeSize} px, the base model's own input size` };
  }
  const typical = medianShorterSide;
  const cap = Math.round((nativeSize * AUTO_MAX_SCALE) / SIZE_STEP) * SIZE_STEP;
  const fitting = Math.floor(typical / SIZE_STEP) * SIZE_STEP;
  const size = Math.max(nativeSize, Math.min(cap, fitting));
  const because = `the images' median shorter side is ${Math.round(typical)} px`;
  if (size === nativeSize && fitting <= nativeSize) {
    return { size, reason: `${size} px (auto: ${because}, so the base's own size)` };
  }
  return {
    size,
    reason:
      size === cap && fitting > cap
        ? `${size} px (auto: ${because}; ${cap} px is the most auto uses)`
        : `${size} px (auto: ${because})`,
  };
}

/**
 * A speed calibration measured at the native size, scaled to another: the base's convolutions
 * cost in proportion to the pixels; the head on pooled features and decoding do not change.
 */
export function scaleCalibrationToSize<
  T extends {
    forwardMsPerImage: number;
    trainAllMsPerImage: number;
    trainTopMsPerImage?: number | undefined;
    trainMidMsPerImage?: number | undefined;
  },
>(calibration: T, size: number, nativeSize: number): T {
  const ratio = (size / nativeSize) ** 2;
  if (ratio === 1) return calibration;
  return {
    ...calibration,
    forwardMsPerImage: calibration.forwardMsPerImage * ratio,
    trainAllMsPerImage: calibration.trainAllMsPerImage * ratio,
    ...(calibration.trainTopMsPerImage === undefined
      ? {}
      : { trainTopMsPerImage: calibration.trainTopMsPerImage * ratio }),
    ...(calibration.trainMidMsPerImage === undefined
      ? {}
      : { trainMidMsPerImage: calibration.trainMidMsPerImage * ratio }),
  };
}
