/**
 * FlatAdam against tf.train.adam: the same weights after several steps with changing rates, on
 * weights of several shapes, in a fraction of the backend calls.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/backend-chain';
import { FlatAdam } from './flat-adam';

beforeAll(async () => {
  await selectBackend('wasm');
});

const shapes = [[3, 3, 3, 8], [8], [1, 1, 8, 16], [16], [5]];

function weights(): tf.Variable[] {
  return shapes.map((shape, i) =>
    tf.variable(tf.randomNormal(shape, 0, 1, 'float32', i + 1), true),
  );
}

/** Gradients of step `step` for the given variables (deterministic, different every step). */
function gradients(variables: tf.Variable[], step: number): tf.NamedTensorMap {
  return Object.fromEntries(
    variables.map((v, i) => [
      v.name,
      tf.randomNormal(v.shape, 0, 0.1 * (i + 1), 'float32', 100 * step + i + 1),
    ]),
  );
}

describe('FlatAdam', () => {
  it('updates the weights exactly as tf.train.adam does, in far fewer backend calls', async () => {
    const reference = weights();
    const flat = weights();
    const adam = tf.train.adam(1e-3);
    const flatAdam = new FlatAdam(flat);
    const kernels = { adam: 0, flat: 0 };
    for (let step = 0; step < 5; step += 1) {
      const rate = 0.01 / (step + 1);
      (adam as unknown as { learningRate: number }).learningRate = rate;
      flatAdam.learningRate = rate;
      const g1 = gradients(reference, step);
      const g2 = gradients(flat, step);
      kernels.adam += (
        await tf.profile(() => adam.applyGradients(g1 as Parameters<typeof adam.applyGradients>[0]))
      ).kernels.length;
      kernels.flat += (await tf.profile(() => flatAdam.applyGradients(g2))).kernels.length;
      tf.dispose([...Object.values(g1), ...Object.values(g2)]);
    }
    for (const [i, variable] of reference.entries()) {
      const expected = Array.from(await variable.data());
      const actual = Array.from(await flat[i]!.data());
      actual.forEach((value, k) => expect(value).toBeCloseTo(expected[k]!, 6));
      // The weights moved (the comparison is not between untouched starting values).
      const start = Array.from(await tf.randomNormal(shapes[i]!, 0, 1, 'float32', i + 1).data());
      expect(actual).not.toEqual(start);
    }
    expect(kernels.flat).toBeLessThan(kernels.adam / 2);
    adam.dispose();
    flatAdam.dispose();
    tf.dispose([...reference, ...flat]);
  });
});
