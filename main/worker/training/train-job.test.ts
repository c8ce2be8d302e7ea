/**
 * The job runner in this process (real TF.js on wasm, real fixture model and images), for what
 * the worker-process tests cannot see: which weights training changed.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerMessage } from '../../../shared/worker-protocol';
import { loadLayersModelFromDir } from '../../services/models/load-layers-model';
import { mobilenetV1Dir } from '../../services/models/test-fixtures';
import { RUN_FILES, readMetricsLines } from '../../services/runs/run-files';
import { RunStore } from '../../services/runs/run-store';
import { createHymenopteraJob } from '../../services/training/test-jobs';
import { CancelSignal } from './cancel-signal';
import { runTrainJob } from './train-job';

let dataDir: string;
let runs: RunStore;
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-train-job-'));
  runs = new RunStore(path.join(dataDir, 'runs'));
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function weightsByName(model: tf.LayersModel): Promise<Map<string, Float32Array>> {
  const named = new Map<string, Float32Array>();
  for (const layer of model.layers) {
    for (const weight of layer.weights) {
      named.set(weight.originalName, (await weight.read().data()) as Float32Array);
    }
  }
  return named;
}

const maxDifference = (a: Float32Array, b: Float32Array): number =>
  a.reduce((max, value, index) => Math.max(max, Math.abs(value - b[index]!)), 0);

describe('runTrainJob', () => {
  it('fine-tunes only the layers the plan names; frozen layers and BN statistics stay put', async () => {
    const job = await createHymenopteraJob(runs, {
      config: {
        epochs: 2,
        batchSize: 8,
        learningRate: 0.001,
        freeze: {
          mode: 'custom',
          trainableLayers: ['conv_pw_13', 'conv_pw_13_bn', 'conv_pw_13_relu', 'nope'],
        },
      },
      trainPerClass: 8,
      valPerClass: 4,
    });
    const messages: WorkerMessage[] = [];
    const summary = await runTrainJob(job, {
      emit: (m) => messages.push(m),
      cancel: new CancelSignal(),
    });
    expect(summary.error).toBeUndefined();
    expect(summary).toMatchObject({ status: 'completed', epochsDone: 2 });
    const phases = messages.filter((m) => m.type === 'phase').map((m) => m.message ?? '');
    expect(phases.some((m) => /Not in the base, ignored: nope/.test(m))).toBe(true);
    expect(phases.some((m) => /No weights to train, ignored: conv_pw_13_relu/.test(m))).toBe(true);
    expect(phases.some((m) => /Fine-tuning 2 base layers/.test(m))).toBe(true);

    const before = await weightsByName(await loadLayersModelFromDir(mobilenetV1Dir));
    const after = await weightsByName(
      await loadLayersModelFromDir(path.join(job.runDir, RUN_FILES.modelDir)),
    );
    expect(
      maxDifference(after.get('conv_pw_13/kernel')!, before.get('conv_pw_13/kernel')!),
    ).toBeGreaterThan(1e-5);
    expect(
      maxDifference(after.get('conv_pw_13_bn/gamma')!, before.get('conv_pw_13_bn/gamma')!),
    ).toBeGreaterThan(1e-5);
    for (const frozen of [
      'conv_pw_12/kernel',
      'conv1/kernel',
      'conv_pw_13_bn/moving_mean',
      'conv_pw_13_bn/moving_variance',
      'conv_pw_12_bn/moving_mean',
    ]) {
      expect(maxDifference(after.get(frozen)!, before.get(frozen)!), frozen).toBe(0);
    }
    expect(after.has('head_dense/kernel')).toBe(true);

    const epochLines = (await readMetricsLines(job.runDir)).filter((l) => l.type === 'epoch');
    expect(new Set(epochLines.map((l) => l.numTensors)).size).toBe(1);
  });

  it('trains the frozen Teachable Machine base (nested) on cached features', async () => {
    const job = await createHymenopteraJob(runs, {
      config: { epochs: 2, learningRate: 0.01, batchSize: 8 },
      trainPerClass: 10,
      valPerClass: 5,
    });
    const tmJob = {
      ...job,
      modelDir: path.join(path.dirname(mobilenetV1Dir), 'teachable_machine_mobilenet_v2_0.35'),
      nestedBase: [0, 0],
      featureLayer: 'out_relu',
      baseModelName: 'MobileNetV2 0.35 (Teachable Machine)',
    };
    const summary = await runTrainJob(tmJob, { emit: () => {}, cancel: new CancelSignal() });
    expect(summary.status).toBe('completed');
    const saved = await loadLayersModelFromDir(path.join(job.runDir, RUN_FILES.modelDir));
    expect(saved.inputs[0]!.shape).toEqual([null, 224, 224, 3]);
    expect(saved.outputs[0]!.shape).toEqual([null, 2]);
    // The saved model is flat: base layers up to out_relu, then the head.
    expect(saved.layers.map((l) => l.name).slice(-4)).toEqual([
      'out_relu',
      'head_pool',
      'head_dropout',
      'head_dense',
    ]);
    expect(saved.countParams()).toBe(410_208 + 1280 * 2 + 2);
    saved.dispose();
  });

  it('fails with a clear message, recorded in run.json, when the feature layer is missing', async () => {
    const job = await createHymenopteraJob(runs, { trainPerClass: 2, valPerClass: 1 });
    const messages: WorkerMessage[] = [];
    const summary = await runTrainJob(
      { ...job, featureLayer: 'no_such_layer' },
      { emit: (m) => messages.push(m), cancel: new CancelSignal() },
    );
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatch(/no layer named "no_such_layer"/);
    expect(messages.some((m) => m.type === 'error')).toBe(true);
    expect((await runs.get(job.runId)).summary).toMatchObject({
      status: 'failed',
      error: summary.error,
    });
  });

  it('skips an image that does not decode and trains on the rest', async () => {
    const broken = path.join(dataDir, 'broken.jpg');
    await fs.writeFile(broken, 'not an image');
    const job = await createHymenopteraJob(runs, {
      config: { epochs: 1 },
      trainPerClass: 4,
      valPerClass: 2,
    });
    const messages: WorkerMessage[] = [];
    const summary = await runTrainJob(
      { ...job, train: [...job.train, { path: broken, label: 0 }] },
      { emit: (m) => messages.push(m), cancel: new CancelSignal() },
    );
    expect(summary.status).toBe('completed');
    const skipped = messages.filter((m) => m.type === 'phase' && m.phase === 'skipped-image');
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatchObject({ message: expect.stringContaining('broken.jpg') });
  });
});
