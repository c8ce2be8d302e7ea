/**
 * Running a base at another resolution: the topology rewrite on the real fixture models, and
 * what TF.js builds from it (real weights, wasm backend).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../worker/backends/backend-chain';
import { withInputSize } from './input-size';
import { loadBaseModel, loadLayersModelFromDir } from './load-layers-model';
import { readModelJson } from './model-files';
import { mobilenetV1Dir, teachableMachineDir } from './test-fixtures';

const shapes = (topology: unknown): number[][] =>
  [...JSON.stringify(topology).matchAll(/"batch_input_shape":(\[[^\]]*\])/g)].map((m) =>
    JSON.parse(m[1]!),
  );

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('withInputSize', () => {
  it('rewrites the image inputs of nested models and leaves other inputs alone', async () => {
    const { modelTopology } = await readModelJson(teachableMachineDir);
    expect(shapes(modelTopology)).toEqual([
      [null, 224, 224, 3],
      [null, 1280],
    ]);
    const resized = withInputSize(modelTopology, [352, 352]);
    expect(shapes(resized)).toEqual([
      [null, 352, 352, 3],
      [null, 1280],
    ]);
    // The original is not modified, and the same size returns it as it is.
    expect(shapes(modelTopology)[0]).toEqual([null, 224, 224, 3]);
    expect(withInputSize(modelTopology, [224, 224])).toBe(modelTopology);
  });

  it('a resized base computes a larger feature map; at its own size it matches the original', async () => {
    const resized = await loadBaseModel(teachableMachineDir, {
      nestedBase: [0, 0],
      featureLayer: 'out_relu',
      inputSize: [352, 352],
    });
    expect(resized.cut.outputs[0]!.shape).toEqual([null, 11, 11, 1280]);
    const original = await loadBaseModel(teachableMachineDir, {
      nestedBase: [0, 0],
      featureLayer: 'out_relu',
    });
    const same = await loadBaseModel(teachableMachineDir, {
      nestedBase: [0, 0],
      featureLayer: 'out_relu',
      inputSize: [224, 224],
    });
    const x = tf.randomUniform([2, 224, 224, 3], -1, 1, 'float32', 7);
    const a = (await (original.cut.predict(x) as tf.Tensor).data()) as Float32Array;
    const b = (await (same.cut.predict(x) as tf.Tensor).data()) as Float32Array;
    expect(Array.from(b)).toEqual(Array.from(a));
    // The whole v1 model (its classifier reshapes the pooled vector) also runs at 288 px.
    const v1 = await loadLayersModelFromDir(mobilenetV1Dir, { inputSize: [288, 288] });
    const scores = v1.predict(tf.randomUniform([1, 288, 288, 3], -1, 1)) as tf.Tensor;
    expect(scores.shape).toEqual([1, 1000]);
    for (const m of [resized, original, same]) m.model.dispose();
    v1.dispose();
  });

  it('a model whose layers depend on the input size says which size it cannot run at', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-input-size-'));
    try {
      const input = tf.input({ shape: [32, 32, 3] });
      const conv = tf.layers
        .conv2d({ filters: 4, kernelSize: 3 })
        .apply(input) as tf.SymbolicTensor;
      const flat = tf.layers.flatten().apply(conv) as tf.SymbolicTensor;
      const out = tf.layers.dense({ units: 2 }).apply(flat) as tf.SymbolicTensor;
      await tf.model({ inputs: input, outputs: out }).save(
        tf.io.withSaveHandler(async (artifacts) => {
          const weightsManifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }];
          const modelJson = { modelTopology: artifacts.modelTopology, weightsManifest };
          await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(modelJson));
          const weights = Buffer.from(artifacts.weightData as ArrayBuffer);
          await fs.writeFile(path.join(dir, 'weights.bin'), weights);
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      await expect(loadLayersModelFromDir(dir, { inputSize: [64, 64] })).rejects.toThrow(
        /cannot run at 64×64 px: .*Set Image size to the base model's own size/,
      );
      const native = await loadLayersModelFromDir(dir, { inputSize: [32, 32] });
      expect(native.outputs[0]!.shape).toEqual([null, 2]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
