/**
 * The folded, fused inference graph against the layers model it comes from, on the real
 * fixture bases (MobileNet v1 0.25, Teachable Machine's nested MobileNetV2 0.35) and real images.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBaseModel, type LoadedBase } from '../../services/models/load-layers-model';
import { mobilenetV1Dir, teachableMachineDir } from '../../services/models/test-fixtures';
import { hymenopteraItems } from '../../services/training/test-jobs';
import { selectBackend } from '../backends/backend-chain';
import { imageBatches } from '../images/image-batches';
import { InferenceGraph } from './inference-graph';

let pixels: tf.Tensor4D;
beforeAll(async () => {
  await selectBackend((process.env.TRANSFER_STUDIO_BACKEND as 'wasm') || 'wasm');
  const items = [...hymenopteraItems('train', 3), ...hymenopteraItems('val', 2)];
  for await (const batch of imageBatches(items, {
    size: [224, 224],
    preprocessing: { scale: 1 / 127.5, offset: -1 },
    batchSize: items.length,
  })) {
    pixels = tf.tensor4d(batch.pixels, [batch.items.length, 224, 224, 3]);
  }
});
afterAll(() => pixels.dispose());

async function compare(
  loaded: LoadedBase,
): Promise<{ relativeDiff: number; pooledDiff: number; graph: InferenceGraph }> {
  const graph = InferenceGraph.fromModel(loaded.cut);
  const expected = loaded.cut.predict(pixels) as tf.Tensor;
  const actual = graph.predict(pixels);
  expect(actual.shape).toEqual(expected.shape);
  const maxDiff = (await tf.max(tf.abs(tf.sub(actual, expected))).data())[0]!;
  const pooledDiff = (
    await tf.max(tf.abs(tf.sub(actual.mean([1, 2]), expected.mean([1, 2])))).data()
  )[0]!;
  const largest = (await tf.max(tf.abs(expected)).data())[0]!;
  tf.dispose([expected, actual]);
  return { relativeDiff: maxDiff / largest, pooledDiff, graph };
}

describe('InferenceGraph', () => {
  it('folds every BatchNorm of MobileNet v1 and matches the layers model to 1e-4', async () => {
    const loaded = await loadBaseModel(mobilenetV1Dir, {
      nestedBase: [],
      featureLayer: 'conv_pw_13_relu',
    });
    const { relativeDiff, pooledDiff, graph } = await compare(loaded);
    expect(graph.foldedBatchNorms).toBe(27);
    expect(graph.fusedActivations).toBe(27);
    // The cached features (pooled) to 1e-4; the feature maps to 1e-4 of their largest value
    // (float32 sums in another order differ by a few ulps per layer).
    expect(pooledDiff).toBeLessThan(1e-4);
    expect(relativeDiff).toBeLessThan(1e-4);
    graph.dispose();
    loaded.model.dispose();
  });

  it('handles the nested MobileNetV2 base (padding, residual adds) to 1e-4', async () => {
    const loaded = await loadBaseModel(teachableMachineDir, {
      nestedBase: [0, 0],
      featureLayer: 'out_relu',
    });
    const { relativeDiff, pooledDiff, graph } = await compare(loaded);
    expect(graph.foldedBatchNorms).toBe(52);
    // The cached features (pooled) to 1e-4; the feature maps to 1e-4 of their largest value
    // (float32 sums in another order differ by a few ulps per layer).
    expect(pooledDiff).toBeLessThan(1e-4);
    expect(relativeDiff).toBeLessThan(1e-4);
    graph.dispose();
    loaded.model.dispose();
  });
});
