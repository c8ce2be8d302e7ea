import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyFreezePlan } from '../training/model-parts';
import { installNativeFastGrads } from './native-fast-grads';
import { findNativeDir } from './pip-native';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const nativeDir = findNativeDir(process.env, repoRoot);
const built = Boolean(
  nativeDir && fs.existsSync(path.join(nativeDir, 'tfjs-node/lib/napi-v8/tfjs_binding.node')),
);
// The suite's native run (TRANSFER_STUDIO_BACKEND=tensorflow) must not skip for want of a build.
const mustRun = process.env.TRANSFER_STUDIO_BACKEND === 'tensorflow';

/**
 * A small MobileNet-like stack: conv, batch norm, relu6, depthwise conv, batch norm, relu. Momentum
 * 0 makes the moving statistics the batch statistics, so a wrong variance shows plainly.
 */
function buildModel(): tf.LayersModel {
  const seed = (n: number) => tf.initializers.glorotUniform({ seed: n });
  const input = tf.input({ shape: [10, 10, 3] });
  let h = tf.layers
    .conv2d({
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      useBias: false,
      kernelInitializer: seed(1),
    })
    .apply(input) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ momentum: 0 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.activation({ activation: 'relu6' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers
    .depthwiseConv2d({ kernelSize: 3, strides: 2, useBias: false, depthwiseInitializer: seed(2) })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.batchNormalization({ momentum: 0 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.activation({ activation: 'relu' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({ units: 2, activation: 'softmax', kernelInitializer: seed(3) })
    .apply(h) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

interface StepResult {
  loss: number;
  /** Gradients of every trainable weight, by weight name. */
  grads: Record<string, number[]>;
  /** Every weight after the training-mode forward pass (moving means and variances included). */
  weights: number[][];
  kernels: string[];
}

/** One training-mode forward and backward pass from the same starting weights. */
async function trainingStep(backend: string, model: tf.LayersModel, start: tf.Tensor[]) {
  await tf.setBackend(backend);
  model.setWeights(start.map((w) => tf.tensor(w.dataSync(), w.shape)));
  const x = tf.tensor4d(
    Array.from({ length: 6 * 10 * 10 * 3 }, (_, i) => Math.sin(i * 0.37) * 2),
    [6, 10, 10, 3],
  );
  const y = tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1, 0], 'int32'), 2);
  const result = {} as StepResult;
  const profile = await tf.profile(() => {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
    );
    result.loss = value.dataSync()[0]!;
    result.grads = Object.fromEntries(
      Object.entries(grads).map(([name, g]) => [name, Array.from(g.dataSync())]),
    );
    tf.dispose([value, ...Object.values(grads)]);
  });
  result.kernels = profile.kernels.map((k) => k.name);
  result.weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  return result;
}

function expectClose(actual: number[], expected: number[], what: string) {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(1e-3, ...expected.map(Math.abs));
  const worst = Math.max(...actual.map((a, i) => Math.abs(a - expected[i]!)));
  expect(worst / scale, `${what}: worst difference ${worst}`).toBeLessThan(2e-4);
}

describe.skipIf(!built && !mustRun)('installNativeFastGrads', () => {
  let model: tf.LayersModel;
  let start: tf.Tensor[];
  let reference: StepResult;
  let nativeStock: StepResult;

  beforeAll(async () => {
    // Loaded directly, not through loadPipNative (which installs the fused kernels), so that
    // the stock native path can be measured first.
    createRequire(path.join(nativeDir!, 'loader.js'))(path.join(nativeDir!, 'tfjs-node'));
    await tf.setBackend('cpu');
    model = buildModel();
    start = model.getWeights().map((w) => w.clone());
    reference = await trainingStep('cpu', model, start);
    nativeStock = await trainingStep('tensorflow', model, start);
    expect(installNativeFastGrads()).toBe(true);
  });

  it('gives the plain-JS gradients and moving statistics with fused TensorFlow kernels', async () => {
    const fused = await trainingStep('tensorflow', model, start);
    expect(fused.loss).toBeCloseTo(reference.loss, 5);
    expect(Object.keys(fused.grads).sort()).toEqual(Object.keys(reference.grads).sort());
    for (const [name, grad] of Object.entries(reference.grads)) {
      expectClose(fused.grads[name]!, grad, `gradient of ${name}`);
    }
    reference.weights.forEach((w, i) => expectClose(fused.weights[i]!, w, `weight ${i}`));

    // The stock native path differentiates ReLU through Step; the fused one does not, and it
    // needs far fewer TensorFlow calls for the same step.
    expect(nativeStock.kernels).toContain('Step');
    expect(fused.kernels).not.toContain('Step');
    expect(fused.kernels).toContain('TransferStudioNativeReluGrad');
    expect(fused.kernels).toContain('TransferStudioNativeRelu6Grad');
    expect(fused.kernels.length).toBeLessThan(nativeStock.kernels.length / 2);
  });

  it('fine-tunes BatchNorm held in inference mode and ReLU6 with one TensorFlow kernel each way', async () => {
    // As the engine fine-tunes: every layer trains, BatchNorm normalises with its moving
    // statistics (model-parts.ts), ReLU6 is the studio's own (training-calls.ts).
    await tf.setBackend('cpu');
    const frozenStats = buildModel();
    applyFreezePlan(frozenStats, {
      mode: 'custom',
      trainableLayers: frozenStats.layers.map((layer) => layer.name),
    });
    const expected = await trainingStep('cpu', frozenStats, start);
    const native = await trainingStep('tensorflow', frozenStats, start);
    expect(native.loss).toBeCloseTo(expected.loss, 5);
    for (const [name, grad] of Object.entries(expected.grads)) {
      expectClose(native.grads[name]!, grad, `gradient of ${name}`);
    }
    // The moving statistics stay as they were (inference mode).
    expected.weights.forEach((w, i) => expectClose(native.weights[i]!, w, `weight ${i}`));
    // No affine map as ops (Rsqrt of the variance) and no composed ReLU6 gradient (LogicalAnd).
    expect(expected.kernels).toContain('Rsqrt');
    expect(expected.kernels).toContain('LogicalAnd');
    expect(native.kernels).not.toContain('Rsqrt');
    expect(native.kernels).not.toContain('LogicalAnd');
    expect(native.kernels).toContain('TransferStudioRelu6Backprop');
  });

  it('leaves the plain-JS backend exactly as it was', async () => {
    const again = await trainingStep('cpu', model, start);
    expect(again.loss).toBe(reference.loss);
    expect(again.grads).toEqual(reference.grads);
    expect(again.weights).toEqual(reference.weights);
    expect(again.kernels).toEqual(reference.kernels);
  });
});
