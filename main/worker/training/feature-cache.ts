/**
 * With a frozen base, each image's features are computed once and the head trains on them
 * every epoch, so an epoch costs only the head. The head starts with global average pooling,
 * which has no weights, so the pooled vector (C floats, not H×W×C) is what is kept: small enough
 * to hold tens of thousands of images in memory.
 */
import * as tf from '@tensorflow/tfjs';
import { imageBatches, type ImageItem } from '../images/image-batches';
import type { Preprocessing } from '../images/decode-image';
import type { CancelSignal } from './cancel-signal';

export interface FeatureSet {
  /** Row-major [count, featureCount]. */
  features: Float32Array;
  featureCount: number;
  items: ImageItem[];
}

export interface ExtractOptions {
  size: readonly [number, number];
  preprocessing: Preprocessing;
  batchSize: number;
  pool: boolean;
  cancel: CancelSignal;
  onSkip: (item: ImageItem, reason: string) => void;
  onProgress: (done: number, total: number) => void;
}

/** Runs `cut` (+ pooling) over the images; throws CancelledError when cancelled. */
export async function extractFeatures(
  cut: tf.LayersModel,
  items: readonly ImageItem[],
  options: ExtractOptions,
): Promise<FeatureSet> {
  const shape = cut.outputs[0]!.shape;
  const featureCount = shape[shape.length - 1]!;
  const [height, width] = options.size;
  const chunks: Float32Array[] = [];
  const kept: ImageItem[] = [];
  let done = 0;
  for await (const batch of imageBatches(items, {
    size: options.size,
    preprocessing: options.preprocessing,
    batchSize: options.batchSize,
    onSkip: (item, reason) => {
      done += 1;
      options.onSkip(item, reason);
    },
  })) {
    options.cancel.throwIfCancelled();
    const pooled = tf.tidy(() => {
      const input = tf.tensor4d(batch.pixels, [batch.items.length, height, width, 3]);
      const output = cut.predict(input) as tf.Tensor;
      return options.pool
        ? output.mean([1, 2])
        : output.reshape([batch.items.length, featureCount]);
    });
    chunks.push((await pooled.data()) as Float32Array);
    pooled.dispose();
    kept.push(...batch.items);
    done += batch.items.length;
    options.onProgress(done, items.length);
  }
  const features = new Float32Array(kept.length * featureCount);
  let offset = 0;
  for (const chunk of chunks) {
    features.set(chunk, offset);
    offset += chunk.length;
  }
  return { features, featureCount, items: kept };
}

/** The rows `indices` of a feature set as a [n, featureCount] tensor. */
export function featureRows(set: FeatureSet, indices: readonly number[]): tf.Tensor2D {
  const rows = new Float32Array(indices.length * set.featureCount);
  indices.forEach((row, index) => {
    rows.set(
      set.features.subarray(row * set.featureCount, (row + 1) * set.featureCount),
      index * set.featureCount,
    );
  });
  return tf.tensor2d(rows, [indices.length, set.featureCount]);
}
