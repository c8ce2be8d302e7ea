/**
 * One batch of the feature cache: the views of each decoded image (view 0 the image itself, the
 * others augmented, made while decoding: viewsOf), as model input, through a feature engine.
 * The training worker and the feature threads (feature-thread.ts) both run this very code, so a
 * batch gives the same numbers wherever it runs (on the same engine and backend).
 */
import type { Augmentation } from '../../../shared/domain';
import { augmentedViews } from '../images/augment';
import { writeModelInput, type Preprocessing } from '../images/decode-image';
import type { FeatureEngine } from './feature-engine';

/** What decides a batch's numbers besides the images (plain data: it is sent to threads). */
export interface ViewSettings {
  size: readonly [number, number];
  preprocessing: Preprocessing;
  /** Views per image: view 0 is the image itself, the others are augmented. */
  views: number;
  augmentation: Augmentation;
  seed: number;
  /** Pool the (single) boundary tensor over height and width. */
  pool: boolean;
}

/**
 * The examples of one decoded image: view 0 is the image itself, views 1.. are augmented
 * (seeded by the seed, the image's path and the view number), rendered by sharp on its threads.
 */
export function viewsOf(
  settings: ViewSettings,
): (rgb: Uint8Array, item: { path: string }) => Promise<Uint8Array[]> {
  return async (rgb, item) =>
    settings.views === 1
      ? [rgb]
      : [
          rgb,
          ...(await augmentedViews(rgb, settings.size, {
            augmentation: settings.augmentation,
            seed: settings.seed,
            path: item.path,
            first: 1,
            count: settings.views - 1,
          })),
        ];
}

/** The model input for `examples` ([height, width, 3] bytes each): NHWC float32, in order. */
export function viewPixels(examples: readonly Uint8Array[], settings: ViewSettings): Float32Array {
  const [height, width] = settings.size;
  const pixelsPerImage = height * width * 3;
  const pixels = new Float32Array(examples.length * pixelsPerImage);
  examples.forEach((rgb, index) =>
    writeModelInput(rgb, settings.preprocessing, pixels, index * pixelsPerImage),
  );
  return pixels;
}

/**
 * The engine's outputs for `examples` (e.g. every view of each image, from viewsOf): one array
 * per boundary tensor, example-major. The engine must take `settings.size` and pool as it says.
 */
export async function extractBatch(
  engine: FeatureEngine,
  examples: readonly Uint8Array[],
  settings: ViewSettings,
): Promise<Float32Array[]> {
  return engine.run(viewPixels(examples, settings), examples.length);
}
