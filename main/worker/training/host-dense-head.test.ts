/**
 * The head's host step (host-dense-head.ts) against the TF.js step it replaces, on real
 * MobileNet v1 features of real hymenoptera images: the same seed gives the same losses, hits,
 * weights and validation results within float rounding, for Adam and for momentum SGD, with
 * dropout, class weights and label smoothing.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBaseModel } from '../../services/models/load-layers-model';
import { mobilenetV1Dir } from '../../services/models/test-fixtures';
import { hymenopteraItems } from '../../services/training/test-jobs';
import { selectBackend } from '../backends/backend-chain';
import { CachedSource } from './batch-source';
import { buildFeatureTable, type FeatureTable } from './feature-cache';
import { TfjsFeatureEngine } from './feature-engine';
import { InferenceGraph } from './inference-graph';
import { createHead, headModel } from './model-parts';
import { seededRandom } from './seeded-random';
import { testTableOptions } from './test-table-options';
import { TrainableNet, type NetOptions } from './trainable-net';

let table: FeatureTable;

beforeAll(async () => {
  await selectBackend('wasm');
  const { cut, model } = await loadBaseModel(mobilenetV1Dir, {
    nestedBase: [],
    featureLayer: 'conv_pw_13_relu',
  });
  const graph = InferenceGraph.fromModel(cut);
  table = await buildFeatureTable(
    new TfjsFeatureEngine(graph, { size: [224, 224], pool: true }),
    [cut.outputs[0]!.shape.slice(1) as number[]],
    hymenopteraItems('train', 12),
    testTableOptions(),
  );
  graph.dispose();
  model.dispose();
}, 60_000);
afterAll(() => table.dispose());

interface Case {
  name: string;
  classes: number;
  options: Pick<NetOptions, 'optimizer' | 'momentum' | 'labelSmoothing' | 'classWeights'>;
  dropout: number;
  rate: number;
}

const cases: Case[] = [
  {
    name: 'Adam, dropout 0.2, class weights (the default recipe)',
    classes: 2,
    options: { optimizer: 'adam', momentum: 0, labelSmoothing: 0, classWeights: [1.2, 0.85] },
    dropout: 0.2,
    rate: 0.005,
  },
  {
    name: 'momentum SGD, 3 classes, label smoothing 0.1, dropout 0.5',
    classes: 3,
    options: { optimizer: 'sgd', momentum: 0.9, labelSmoothing: 0.1 },
    dropout: 0.5,
    rate: 0.05,
  },
];

/** Trains 4 epochs of batch 8 on the table; the per-step losses and hits, and the net. */
async function train(c: Case, engine: 'auto' | 'tfjs') {
  const head = createHead([null, 256], c.classes, c.dropout, 3);
  headModel(head);
  const random = seededRandom(11);
  const net = new TrainableNet({
    head,
    inputsPooled: true,
    classCount: c.classes,
    batchNormTrains: false,
    random,
    engine,
    ...c.options,
  });
  // Relabelled for 3 classes: the rows stay real features, the targets just differ.
  const items = table.items.map((item, index) => ({ ...item, label: index % c.classes }));
  const labelled = Object.assign(Object.create(table) as FeatureTable, { items });
  const source = new CachedSource(labelled, labelled);
  const steps: { loss: number; correct: number }[] = [];
  for (let epoch = 1; epoch <= 4; epoch += 1) {
    for await (const batch of source.trainBatches(epoch, 8, random)) {
      steps.push(await net.trainStep(batch.inputs, batch.labels, { head: c.rate, base: 0 }));
      tf.dispose(batch.inputs);
    }
  }
  const all = labelled.rows(items.map((_, item) => ({ item, view: 0 })));
  const evaluated = await net.evaluate(
    all,
    items.map((item) => item.label),
  );
  tf.dispose(all);
  net.syncWeights();
  const weights = await Promise.all(head.dense.getWeights().map((w) => w.data()));
  return { net, steps, evaluated, weights };
}

const expectClose = (actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number) => {
  expect(actual.length).toBe(expected.length);
  const worst = Array.from(actual).reduce(
    (max, value, i) => Math.max(max, Math.abs(value - expected[i]!)),
    0,
  );
  expect(worst).toBeLessThan(tolerance);
};

describe('HostDenseHead', () => {
  for (const c of cases) {
    it(`trains as the TF.js step does: ${c.name}`, async () => {
      const reference = await train(c, 'tfjs');
      const host = await train(c, 'auto');
      expect(reference.net.engine).toBe('tfjs');
      expect(host.net.engine).toBe('host');
      expect(host.steps.length).toBe(12);
      expectClose(
        host.steps.map((s) => s.loss),
        reference.steps.map((s) => s.loss),
        1e-4,
      );
      expect(host.steps.map((s) => s.correct)).toEqual(reference.steps.map((s) => s.correct));
      // The loss moved: the comparison is between two trainings, not two idle heads.
      expect(host.steps.at(-1)!.loss).not.toBeCloseTo(host.steps[0]!.loss, 2);
      host.weights.forEach((w, i) => expectClose(w, reference.weights[i]!, 1e-4));
      expect(host.evaluated.correct).toBe(reference.evaluated.correct);
      expect(host.evaluated.lossSum).toBeCloseTo(reference.evaluated.lossSum, 3);
      expectClose(host.evaluated.probabilities, reference.evaluated.probabilities, 1e-4);
      reference.net.dispose();
      host.net.dispose();
    });
  }

  it('trains on from restored weights (a snapshot taken before host steps)', async () => {
    const c = cases[0]!;
    const head = createHead([null, 256], 2, 0, 3);
    headModel(head);
    const net = new TrainableNet({
      head,
      inputsPooled: true,
      classCount: 2,
      batchNormTrains: false,
      random: seededRandom(1),
      ...c.options,
    });
    const rows = table.rows(table.items.slice(0, 8).map((_, item) => ({ item, view: 0 })));
    const labels = table.items.slice(0, 8).map((item) => item.label);
    const snapshot = net.snapshot();
    const first = await net.evaluate(rows, labels);
    await net.trainStep(rows, labels, { head: 0.05, base: 0 });
    expect((await net.evaluate(rows, labels)).lossSum).not.toBeCloseTo(first.lossSum, 3);
    net.restore(snapshot);
    expect((await net.evaluate(rows, labels)).lossSum).toBeCloseTo(first.lossSum, 5);
    tf.dispose([...rows, ...snapshot]);
    net.dispose();
  });
});

describe('seededRandom.below', () => {
  it('makes the draws that as many calls would, and leaves the stream at the same place', () => {
    const calls = seededRandom(9);
    const bulk = seededRandom(9);
    const expected = Array.from({ length: 1000 }, () => (calls() < 0.3 ? 1 : 0));
    const out = new Uint8Array(1000);
    bulk.below(0.3, out, 1000);
    expect(Array.from(out)).toEqual(expected);
    expect(bulk()).toBe(calls());
  });
});
