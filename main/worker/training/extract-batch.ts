/**
 * One batch of the feature cache: the views of each decoded image (view 0 the image itself, the
 * others augmented), as model input, through a feature engine. The training worker and the
 * feature threads (feature-thread.ts) both run this very code, so a batch gives the same numbers
 * wherever it runs (on the same engine and backend).
 */
import type { Augmentation } from '../../../shared/domain';
import { augmentImage, viewRandom } from '../images/augment';
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
 * The model input for every view of `images` ([height, width, 3] bytes each; `paths` seed their
 * augmented views): NHWC float32, example-major (image, then view).
 */
export function viewPixels(
  images: readonly Uint8Array[],
  paths: readonly string[],
  settings: ViewSettings,
): Float32Array {
  const { views } = settings;
  const [height, width] = settings.size;
  const pixelsPerImage = height * width * 3;
  const pixels = new Float32Array(images.length * views * pixelsPerImage);
  images.forEach((rgb, index) => {
    for (let view = 0; view < views; view += 1) {
      const image =
        view === 0
          ? rgb
          : augmentImage(
              rgb,
              height,
              width,
              settings.augmentation,
              viewRandom(settings.seed, paths[index]!, view),
            );
      writeModelInput(
        image,
        settings.preprocessing,
        pixels,
        (index * views + view) * pixelsPerImage,
      );
    }
  });
  return pixels;
}

/**
 * The engine's outputs for every view of `images`: one array per boundary tensor,
 * example-major (image, then view). The engine must take `settings.size` and pool as it says.
 */
export async function extractBatch(
  engine: FeatureEngine,
  images: readonly Uint8Array[],
  paths: readonly string[],
  settings: ViewSettings,
): Promise<Float32Array[]> {
  return engine.run(viewPixels(images, paths, settings), images.length * settings.views);
}
