/** The training step's loss (class weights, label smoothing), per-group rates and snapshots. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backends/backend-chain';
import { createHead, headModel } from './model-parts';
import { seededRandom } from './seeded-random';
import { TrainableNet, type NetOptions } from './trainable-net';

beforeAll(async () => {
  await selectBackend('wasm');
});

const FEATURES = 6;

function net(options: Partial<NetOptions> = {}): {
  net: TrainableNet;
  head: ReturnType<typeof createHead>;
} {
  const head = createHead([null, FEATURES], 3, 0, 1);
  headModel(head); // builds the head's weights
  return {
    head,
    net: new TrainableNet({
      head,
      inputsPooled: true,
      classCount: 3,
      labelSmoothing: 0,
      optimizer: 'sgd',
      momentum: 0,
      batchNormTrains: false,
      random: seededRandom(1),
      ...options,
    }),
  };
}

const x = () =>
  tf.tensor2d(
    Array.from({ length: 4 * FEATURES }, (_, i) => Math.sin(i)),
    [4, FEATURES],
  );
const labels = [0, 1, 2, 1];

/** The expected loss from the head's own probabilities, computed by hand. */
async function expectedLoss(
  probabilities: number[][],
  smoothing: number,
  weights: number[] | undefined,
): Promise<number> {
  let total = 0;
  probabilities.forEach((row, i) => {
    const target = row.map((_, k) => (k === labels[i] ? 1 - smoothing : 0) + smoothing / 3);
    const ce = -target.reduce(
      (sum, t, k) => sum + t * Math.log(Math.min(Math.max(row[k]!, 1e-7), 1 - 1e-7)),
      0,
    );
    total += ce * (weights ? weights[labels[i]!]! : 1);
  });
  return total / probabilities.length;
}

describe('TrainableNet', () => {
  it('optimises the class-weighted, label-smoothed cross-entropy', async () => {
    const weights = [0.5, 1, 2];
    const { net: trained } = net({ labelSmoothing: 0.2, classWeights: weights });
    const input = x();
    const probabilities = trained.forward([input], false);
    const rows = (await probabilities.array()) as number[][];
    probabilities.dispose();
    const { loss, correct } = await trained.trainStep([input], labels, { head: 0.1, base: 0 });
    expect(loss).toBeCloseTo(await expectedLoss(rows, 0.2, weights), 5);
    const hits = rows.filter((row, i) => row.indexOf(Math.max(...row)) === labels[i]).length;
    expect(correct).toBe(hits);
    // Evaluation reports the smoothed loss without class weights, summed.
    const evaluated = await trained.evaluate([input], labels);
    const after = (await trained.forward([input], false).array()) as number[][];
    expect(evaluated.lossSum / 4).toBeCloseTo(await expectedLoss(after, 0.2, undefined), 5);
    input.dispose();
    trained.dispose();
  });

  it('moves the weights at the given rate and restores a snapshot exactly', async () => {
    const { net: trained, head } = net();
    const input = x();
    const before = await head.dense.getWeights()[0]!.data();
    const snapshot = trained.snapshot();
    await trained.trainStep([input], labels, { head: 0, base: 0 });
    expect(Array.from(await head.dense.getWeights()[0]!.data())).toEqual(Array.from(before));
    await trained.trainStep([input], labels, { head: 0.5, base: 0 });
    trained.syncWeights(); // the step ran on the host: the layer gets its weights here
    expect(Array.from(await head.dense.getWeights()[0]!.data())).not.toEqual(Array.from(before));
    trained.restore(snapshot);
    expect(Array.from(await head.dense.getWeights()[0]!.data())).toEqual(Array.from(before));
    tf.dispose([input, ...snapshot]);
    trained.dispose();
  });

  it('leaks no tensors over training steps', async () => {
    const { net: trained } = net({
      optimizer: 'adam',
      labelSmoothing: 0.1,
      classWeights: [1, 2, 3],
    });
    const input = x();
    await trained.trainStep([input], labels, { head: 0.01, base: 0 });
    const count = tf.memory().numTensors;
    for (let i = 0; i < 5; i += 1)
      await trained.trainStep([input], labels, { head: 0.01, base: 0 });
    await trained.evaluate([input], labels);
    expect(tf.memory().numTensors).toBe(count);
    input.dispose();
    trained.dispose();
  });
});
