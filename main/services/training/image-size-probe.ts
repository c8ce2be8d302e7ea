/**
 * Reads the shorter side of a sample of the training images from their headers (no decoding),
 * for the 'auto' image size. A file whose header cannot be read is left out: the dataset doctor
 * and the training worker report unreadable images; this only needs typical sizes.
 */
import sharp from 'sharp';
import {
  chooseImageSize,
  type ImageSizeChoice,
  type ImageSizeDecision,
} from '../../../shared/image-size';

/** Enough images for a stable median, few enough to read in well under a second. */
export const PROBE_SAMPLE = 64;

/** Evenly spaced picks across the list, so every class folder is represented. */
function sample<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}

export async function shorterSides(paths: readonly string[]): Promise<number[]> {
  const sides = await Promise.all(
    sample(paths, PROBE_SAMPLE).map(async (file) => {
      try {
        const { width, height } = await sharp(file).metadata();
        return width && height ? Math.min(width, height) : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return sides.filter((side): side is number => side !== undefined);
}

/** The size the base sees the images at, and why, for a config's choice. */
export async function decideImageSize(
  choice: ImageSizeChoice,
  nativeSize: readonly [number, number],
  trainPaths: readonly string[],
): Promise<{ inputSize: [number, number]; reason: string }> {
  if (choice === 'native') {
    return {
      inputSize: [nativeSize[0], nativeSize[1]],
      reason: `${nativeSize[0]}×${nativeSize[1]} px, the base model's own input size`,
    };
  }
  const decision: ImageSizeDecision = chooseImageSize(
    choice,
    nativeSize[0],
    choice === 'auto' ? await shorterSides(trainPaths) : [],
  );
  return { inputSize: [decision.size, decision.size], reason: decision.reason };
}
