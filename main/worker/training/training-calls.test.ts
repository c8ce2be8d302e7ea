/**
 * The training-friendly calls compute what TF.js Layers computes, with the same gradients, on
 * the backend the worker would pick (TRANSFER_STUDIO_BACKEND chooses) — and skip the input
 * gradient of a convolution on the image.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveBackendChoice, selectBackend } from '../backends/backend-chain';
import { useTrainingCalls } from './training-calls';

/** conv(3x3/2, bias, relu6) → ReLU(6) → conv(1x1) → Activation(relu6), seeded weights. */
function build(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 3] });
  const a = tf.layers
    .conv2d({
      filters: 6,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu6',
      kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 1 }),
      biasInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 2 }),
    })
    .apply(input) as tf.SymbolicTensor;
  const b = tf.layers.reLU({ maxValue: 6 }).apply(a) as tf.SymbolicTensor;
  const c = tf.layers
    .conv2d({
      filters: 5,
      kernelSize: 1,
      useBias: false,
      kernelInitializer: tf.initializers.randomNormal({ stddev: 1, seed: 3 }),
    })
    .apply(b) as tf.SymbolicTensor;
  const d = tf.layers.activation({ activation: 'relu6' }).apply(c) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: d });
}

/** Output and weight gradients of Σ(model(x)·r), and the kernels the gradient ran. */
function run(model: tf.LayersModel) {
  const x = tf.randomNormal([4, 12, 12, 3], 0, 4, 'float32', 4);
  const r = tf.randomNormal([4, 6, 6, 5], 0, 1, 'float32', 5);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const output = (model.apply(x) as tf.Tensor).dataSync();
  let grads: Float32Array[] = [];
  const kernels: string[] = [];
  return tf
    .profile(() => {
      const { grads: named } = tf.variableGrads(
        () => (model.apply(x) as tf.Tensor).mul(r).sum() as tf.Scalar,
        variables,
      );
      grads = variables.map((v) => named[v.name]!.dataSync() as Float32Array);
      tf.dispose(Object.values(named));
    })
    .then((info) => {
      for (const kernel of info.kernels) kernels.push(`${kernel.name} ${kernel.inputShapes[0]}`);
      tf.dispose([x, r]);
      return { output, grads, kernels };
    });
}

describe('training calls', () => {
  beforeAll(async () => {
    await selectBackend(resolveBackendChoice('auto').choice);
  });

  it('give the same outputs and gradients, without the gradient of the image', async () => {
    const plain = build();
    const patched = build();
    for (const layer of patched.layers) useTrainingCalls(layer);
    const expected = await run(plain);
    const actual = await run(patched);

    const scale = Math.max(...expected.output.map(Math.abs));
    const worst = Math.max(...expected.output.map((v, i) => Math.abs(v - actual.output[i]!)));
    expect(worst / scale).toBeLessThan(1e-5);
    // Values beyond both clips, so the ReLU6 gradients really mask something.
    expect(expected.output.filter((v) => v === 0).length).toBeGreaterThan(0);
    expect(expected.output.filter((v) => v === 6).length).toBeGreaterThan(0);
    expected.grads.forEach((grad, index) => {
      const other = actual.grads[index]!;
      const size = Math.max(1, ...grad.map(Math.abs));
      expect(Math.max(...grad.map((v, i) => Math.abs(v - other[i]!))) / size).toBeLessThan(1e-4);
    });
    // The fused layer computes dx of the image (4x12x12x3) and throws it away; the plain call
    // computes dx only for the second convolution.
    const imageGradient = (kernels: string[]) =>
      kernels.filter((k) => k.startsWith('Conv2DBackpropInput')).length;
    expect(imageGradient(expected.kernels)).toBe(2);
    expect(imageGradient(actual.kernels)).toBe(1);
    plain.dispose();
    patched.dispose();
  });
});
