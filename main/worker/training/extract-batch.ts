/**
 * One batch of the feature cache: the views of each decoded image (view 0 the image itself, the
 * others augmented), as model input, through the frozen graph. The training worker and the
 * feature threads (feature-thread.ts) both run this very code, so a batch gives the same numbers
 * wherever it runs (on the same backend).
 */
import * as tf from '@tensorflow/tfjs';
import type { Augmentation } from '../../../shared/domain';
import { augmentImage, viewRandom } from '../images/augment';
import { writeModelInput, type Preprocessing } from '../images/decode-image';
import type { InferenceGraph } from './inference-graph';

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
 * The frozen graph's outputs for every view of `images` ([height, width, 3] bytes each; `paths`
 * seed their augmented views): one array per boundary tensor, example-major (image, then view).
 */
export async function extractBatch(
  graph: InferenceGraph,
  images: readonly Uint8Array[],
  paths: readonly string[],
  settings: ViewSettings,
): Promise<Float32Array[]> {
  const { views } = settings;
  const [height, width] = settings.size;
  const pixelsPerImage = height * width * 3;
  const count = images.length * views;
  const pixels = new Float32Array(count * pixelsPerImage);
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
  const outputs = tf.tidy(() => {
    const input = tf.tensor4d(pixels, [count, height, width, 3]);
    const result = graph.predictAll(input);
    return settings.pool ? [result[0]!.mean([1, 2])] : result;
  });
  try {
    return await Promise.all(outputs.map((output) => output.data() as Promise<Float32Array>));
  } finally {
    tf.dispose(outputs);
  }
}
