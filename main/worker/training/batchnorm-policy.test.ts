/**
 * BatchNorm while the rest of the network trains, on the real MobileNet v1 base and real images,
 * on the backend the worker would pick (native TF when built, else wasm; TRANSFER_STUDIO_BACKEND
 * chooses). TF.js differs from Keras here: `trainable = false` does NOT put a BatchNorm layer in
 * inference mode, so the worker's freeze plan has to (bnPolicy 'frozen', the default).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreezePlan } from '../../../shared/domain';
import { loadBaseModel, type LoadedBase } from '../../services/models/load-layers-model';
import { mobilenetV1Dir } from '../../services/models/test-fixtures';
import { hymenopteraItems } from '../../services/training/test-jobs';
import { resolveBackendChoice, selectBackend } from '../backends/backend-chain';
import { decodeImageInto } from '../images/decode-image';
import { applyFreezePlan, createHead, fullModel } from './model-parts';

/** The top block of MobileNet v1 0.25 (conv_dw_13 + conv_pw_13, each with its BatchNorm). */
const TOP_BLOCK = ['conv_dw_13', 'conv_dw_13_bn', 'conv_pw_13', 'conv_pw_13_bn'];

let x: tf.Tensor4D;
let y: tf.Tensor2D;
let backend: string;

beforeAll(async () => {
  backend = (await selectBackend(resolveBackendChoice('auto').choice)).chosen;
  const items = [...hymenopteraItems('train', 4)];
  const pixels = new Float32Array(items.length * 224 * 224 * 3);
  for (const [index, item] of items.entries()) {
    await decodeImageInto(
      item.path,
      [224, 224],
      { scale: 1 / 127.5, offset: -1 },
      pixels,
      index * 224 * 224 * 3,
    );
  }
  x = tf.tensor4d(pixels, [items.length, 224, 224, 3]);
  y = tf
    .oneHot(
      tf.tensor1d(
        items.map((item) => item.label),
        'int32',
      ),
      2,
    )
    .toFloat() as tf.Tensor2D;
});
afterAll(() => {
  tf.dispose([x, y]);
});

async function load(): Promise<LoadedBase> {
  return loadBaseModel(mobilenetV1Dir, { nestedBase: [], featureLayer: 'conv_pw_13_relu' });
}

/** Every BatchNorm weight of the cut, by name ("conv1_bn/moving_mean", ...). */
function batchNormWeights(cut: tf.LayersModel): Map<string, Float32Array> {
  const weights = new Map<string, Float32Array>();
  for (const layer of cut.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    for (const weight of layer.weights)
      weights.set(weight.originalName, weight.read().dataSync() as Float32Array);
  }
  return weights;
}

const maxDiff = (a: Float32Array, b: Float32Array) =>
  a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);

/** Trains base + head for a few steps the way Keras' fit would (training=true in every layer). */
async function train(loaded: LoadedBase, plan: FreezePlan, steps = 3): Promise<tf.LayersModel> {
  applyFreezePlan(loaded.cut, plan);
  const model = fullModel(loaded.cut, createHead(loaded.cut.outputs[0]!.shape, 2, 0.2, 7));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  for (let step = 0; step < steps; step += 1) await model.trainOnBatch(x, y);
  return model;
}

/** Largest difference between the cut's training-mode and inference-mode outputs. */
function trainingVsInference(cut: tf.LayersModel): number {
  return tf.tidy(() => {
    const training = cut.apply(x, { training: true }) as tf.Tensor;
    const inference = cut.predict(x) as tf.Tensor;
    return training.sub(inference).abs().max().dataSync()[0]!;
  });
}

describe(`BatchNorm policy (${process.env.TRANSFER_STUDIO_BACKEND ?? 'auto'} backend)`, () => {
  it('TF.js on its own: a BatchNorm with trainable=false still uses batch statistics and moves its averages', async () => {
    const loaded = await load();
    for (const layer of loaded.cut.layers) layer.trainable = TOP_BLOCK.includes(layer.name);
    const before = batchNormWeights(loaded.cut);
    const model = fullModel(loaded.cut, createHead(loaded.cut.outputs[0]!.shape, 2, 0.2, 7));
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
    await model.trainOnBatch(x, y);
    const after = batchNormWeights(loaded.cut);
    expect(
      maxDiff(before.get('conv1_bn/moving_mean')!, after.get('conv1_bn/moving_mean')!),
    ).toBeGreaterThan(0);
    expect(trainingVsInference(loaded.cut)).toBeGreaterThan(0.1);
    loaded.model.dispose();
  });

  it("'frozen' (default): moving mean and variance stay unchanged and training mode equals inference", async () => {
    const loaded = await load();
    const before = batchNormWeights(loaded.cut);
    await train(loaded, { mode: 'custom', trainableLayers: TOP_BLOCK });
    const after = batchNormWeights(loaded.cut);
    for (const [name, value] of before) {
      const changed = maxDiff(value, after.get(name)!);
      if (/moving_(mean|variance)$/.test(name)) expect(changed, name).toBe(0);
      // A frozen layer's scale and offset stay too; the top block's BatchNorms learn theirs.
      else if (name.startsWith('conv_dw_13_bn') || name.startsWith('conv_pw_13_bn'))
        expect(changed, name).toBeGreaterThan(0);
      else expect(changed, name).toBe(0);
    }
    expect(trainingVsInference(loaded.cut)).toBe(0);
    loaded.model.dispose();
  });

  it("'adapt' (fastai's train_bn): every BatchNorm trains and follows batch statistics", async () => {
    const loaded = await load();
    const before = batchNormWeights(loaded.cut);
    // One step: BatchNorm gradients are slow on wasm, and one step already moves every statistic.
    await train(loaded, { mode: 'custom', trainableLayers: TOP_BLOCK, bnPolicy: 'adapt' }, 1);
    const after = batchNormWeights(loaded.cut);
    for (const name of [
      'conv1_bn/moving_mean',
      'conv1_bn/moving_variance',
      'conv1_bn/gamma',
      'conv_dw_5_bn/beta',
    ]) {
      expect(maxDiff(before.get(name)!, after.get(name)!), name).toBeGreaterThan(0);
    }
    expect(trainingVsInference(loaded.cut)).toBeGreaterThan(0.01);
    expect(backend).toMatch(/tensorflow|wasm|cpu/);
    loaded.model.dispose();
  });
});
