/**
 * Steps that do not fit in WebAssembly memory are retried smaller — with a real out-of-memory
 * on the real wasm heap (4 GiB): fully fine-tuning MobileNetV2 0.35 at batch 64 on real images
 * needs more, and a model whose activations alone exceed 4 GiB at batch 4 cannot train at all.
 * This is the wasm backend's behaviour, so the test runs on wasm whatever the default backend.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerMessage } from '../../../shared/worker-protocol';
import { loadBaseModel } from '../../services/models/load-layers-model';
import { teachableMachineDir } from '../../services/models/test-fixtures';
import { hymenopteraItems } from '../../services/training/test-jobs';
import { loadWasm } from '../backends/js-loaders';
import { decodeImageInto } from '../images/decode-image';
import { MemoryFittedSteps, OutOfMemoryFailure } from './memory-fallback';
import { applyFreezePlan, createHead, fullModel, type Head } from './model-parts';
import { RunRecorder } from './run-recorder';
import { seededRandom } from './seeded-random';
import { splitAtFrozenPart } from './split-model';
import { TrainableNet } from './trainable-net';

const BATCH = 64;
const SIZE = 224 * 224 * 3;

let runDir: string;
let messages: WorkerMessage[];
let recorder: RunRecorder;

beforeAll(async () => {
  expect((await loadWasm()).ok).toBe(true);
  runDir = mkdtempSync(path.join(os.tmpdir(), 'memory-fallback-'));
  messages = [];
  recorder = new RunRecorder(runDir, (message) => messages.push(message));
});

afterAll(() => rmSync(runDir, { recursive: true, force: true }));

function netFor(trainable: tf.LayersModel, head: Head): TrainableNet {
  return new TrainableNet({
    head,
    trainable,
    inputsPooled: false,
    classCount: 2,
    labelSmoothing: 0,
    optimizer: 'adam',
    momentum: 0.9,
    batchNormTrains: false,
    random: seededRandom(1),
  });
}

describe('memory-fitted steps on wasm', () => {
  it('train a batch that does not fit in halves, and say so', async () => {
    const items = [...hymenopteraItems('train', BATCH / 2)];
    expect(items.length).toBe(BATCH);
    const pixels = new Float32Array(BATCH * SIZE);
    for (const [index, item] of items.entries()) {
      await decodeImageInto(
        item.path,
        [224, 224],
        { scale: 1 / 127.5, offset: -1 },
        pixels,
        index * SIZE,
      );
    }
    const { cut } = await loadBaseModel(teachableMachineDir, {
      nestedBase: [0, 0],
      featureLayer: 'out_relu',
    });
    const plan = applyFreezePlan(cut, {
      mode: 'custom',
      trainableLayers: cut.layers.filter((layer) => layer.weights.length).map((l) => l.name),
    });
    const split = splitAtFrozenPart(cut, new Set(plan.trainable));
    const head = createHead(cut.outputs[0]!.shape, 2, 0.2, 1);
    fullModel(cut, head);
    const net = netFor(split.trainable!, head);
    const steps = new MemoryFittedSteps(net, recorder, 'WebAssembly');
    const x = tf.tensor4d(pixels, [BATCH, 224, 224, 3]);
    const labels = items.map((item) => item.label);
    const rates = { head: 1e-3, base: 1e-4 };
    const before = net.variables.map((v) => v.dataSync().slice());

    const first = await steps.trainStep([x], labels, rates);
    expect(steps.lowered).toBe(BATCH / 2);
    expect(Number.isFinite(first.loss)).toBe(true);
    expect(first.correct).toBeGreaterThanOrEqual(0);
    expect(first.correct).toBeLessThanOrEqual(BATCH);
    // The weights really trained (the first layer's kernel too, through the whole base).
    const after = net.variables.map((v) => v.dataSync());
    expect(after.some((values, i) => values.some((v, j) => v !== before[i]![j]))).toBe(true);
    const lowered = messages.filter((m) => m.type === 'phase' && m.phase === 'batch-lowered');
    expect(lowered).toHaveLength(1);
    expect(lowered[0]).toMatchObject({
      message: expect.stringContaining('Batch lowered to 32 to fit WebAssembly memory'),
    });
    const log = readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8');
    expect(log).toContain('"phase":"batch-lowered"');

    // The next batch goes straight to parts of 32: no new failure, no new message, no leak.
    const tensors = tf.memory().numTensors;
    await steps.trainStep([x], labels, rates);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(messages.filter((m) => m.type === 'phase' && m.phase === 'batch-lowered')).toHaveLength(
      1,
    );
    x.dispose();
    net.dispose();
  }, 240_000);

  it('fail with what happened and what to do when even batch 4 does not fit', async () => {
    // A 1x1 convolution to 1100 channels at 512×512: 4.6 GB of activations at batch 4 alone.
    const input = tf.input({ shape: [512, 512, 3] });
    const wide = tf.layers
      .conv2d({ filters: 1100, kernelSize: 1, useBias: false })
      .apply(input) as tf.SymbolicTensor;
    const trainable = tf.model({ inputs: input, outputs: wide });
    const head = createHead([null, 512, 512, 1100], 2, 0, 1);
    fullModel(trainable, head);
    const steps = new MemoryFittedSteps(netFor(trainable, head), recorder, 'WebAssembly');
    const x = tf.zeros([16, 512, 512, 3]);
    const tensors = tf.memory().numTensors;
    const error = await steps
      .trainStep(
        [x],
        Array.from({ length: 16 }, (_, i) => i % 2),
        { head: 1e-3, base: 1e-4 },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfMemoryFailure);
    expect((error as Error).message).toMatch(/ran out of WebAssembly memory even at batch 4/);
    expect((error as Error).message).toMatch(/freeze more blocks/);
    expect((error as Error).message).toMatch(/native TensorFlow backend/);
    expect(steps.lowered).toBe(4);
    // Every try's tensors were freed (the heap is usable afterwards).
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.tidy(() => tf.ones([1024, 1024]).sum().dataSync()[0])).toBe(1024 * 1024);
    x.dispose();
    trainable.dispose();
  });
});
