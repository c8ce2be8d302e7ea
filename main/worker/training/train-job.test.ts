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
import { defaultAugmentation } from '../../../shared/recipe';
import { CancelSignal } from './cancel-signal';
import { RunControl } from './run-control';
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

  it('trains at the job’s image size: the saved model takes that size and continues at it', async () => {
    const job = await createHymenopteraJob(runs, {
      config: { epochs: 1, batchSize: 8 },
      trainPerClass: 6,
      valPerClass: 3,
    });
    const sized = { ...job, inputSize: [288, 288] as [number, number], inputSizeReason: 'as set' };
    const messages: WorkerMessage[] = [];
    const summary = await runTrainJob(sized, {
      emit: (m) => messages.push(m),
      cancel: new CancelSignal(),
    });
    expect(summary.status).toBe('completed');
    const phases = messages.filter((m) => m.type === 'phase').map((m) => m.message ?? '');
    expect(phases).toContain('Loading MobileNet v1 0.25 (224) for images at as set');
    const modelDir = path.join(job.runDir, RUN_FILES.modelDir);
    const saved = await loadLayersModelFromDir(modelDir);
    expect(saved.inputs[0]!.shape).toEqual([null, 288, 288, 3]);
    const scores = saved.predict(tf.zeros([1, 288, 288, 3])) as tf.Tensor;
    expect(scores.shape).toEqual([1, 2]);
    saved.dispose();
    const metadata = JSON.parse(await fs.readFile(path.join(modelDir, 'metadata.json'), 'utf8'));
    expect(metadata).toMatchObject({ imageSize: 288, inputSize: [288, 288] });
    // Extending the run loads the saved 288-px model and trains on.
    const more = await runTrainJob(
      {
        ...sized,
        config: { ...sized.config, epochs: 1 },
        continueFrom: { modelDir, epochsDone: 1 },
      },
      { emit: () => {}, cancel: new CancelSignal() },
    );
    expect(more).toMatchObject({ status: 'completed', epochsDone: 2 });
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

  it('stops early on the validation loss, keeps the best epoch on disk and in the saved model', async () => {
    const job = await createHymenopteraJob(runs, {
      // A rate far too high makes the validation loss worsen after the first epochs.
      config: { epochs: 30, learningRate: 0.5, earlyStopping: { enabled: true, patience: 2 } },
      trainPerClass: 10,
      valPerClass: 5,
    });
    const messages: WorkerMessage[] = [];
    const summary = await runTrainJob(job, {
      emit: (m) => messages.push(m),
      cancel: new RunControl(),
    });
    expect(summary.status).toBe('completed');
    const lines = await readMetricsLines(job.runDir);
    const epochs = lines.filter((l) => l.type === 'epoch');
    expect(epochs.length).toBeLessThan(30);
    const bestLoss = Math.min(...epochs.map((e) => e.valLoss));
    const best = epochs.find((e) => e.valLoss === bestLoss)!;
    // Stopped `patience` epochs after the best one.
    expect(epochs.at(-1)!.epoch - best.epoch).toBe(2);
    const phases = messages.filter((m) => m.type === 'phase').map((m) => m.message ?? '');
    expect(phases).toContain(`Kept the weights of epoch ${best.epoch} (lowest validation loss).`);
    // The saved model and the evaluation are the best epoch's.
    expect(summary.finalValAccuracy).toBeCloseTo(best.valAccuracy, 6);
    const evaluation = JSON.parse(
      await fs.readFile(path.join(job.runDir, RUN_FILES.evaluation), 'utf8'),
    ) as { accuracy: number };
    expect(evaluation.accuracy).toBeCloseTo(best.valAccuracy, 6);
    const checkpoint = JSON.parse(
      await fs.readFile(path.join(job.runDir, RUN_FILES.checkpointDir, 'metadata.json'), 'utf8'),
    ) as { createdBy: string };
    expect(checkpoint.createdBy).toMatch(new RegExp(`best epoch ${best.epoch}\\)$`));
  });

  it('repeats a run exactly with the same seed (split, initialisation, augmentation order)', async () => {
    const config = {
      epochs: 3,
      learningRate: 0.01,
      seed: 11,
      dropout: 0.3,
      augmentation: { ...defaultAugmentation, viewsPerImage: 2 },
    };
    const losses = async (seed: number): Promise<number[]> => {
      const job = await createHymenopteraJob(runs, {
        config: { ...config, seed },
        trainPerClass: 6,
        valPerClass: 3,
      });
      const summary = await runTrainJob(job, { emit: () => {}, cancel: new RunControl() });
      expect(summary.status).toBe('completed');
      const lines = await readMetricsLines(job.runDir);
      return lines.flatMap((l) => (l.type === 'epoch' ? [l.trainLoss, l.valLoss] : []));
    };
    const first = await losses(11);
    expect(await losses(11)).toEqual(first);
    expect(await losses(12)).not.toEqual(first);
  });

  it('trains head then fine-tunes at per-group rates, and a finished run continues from its model', async () => {
    const job = await createHymenopteraJob(runs, {
      config: {
        epochs: 2,
        learningRate: 0.01,
        batchSize: 8,
        freeze: { mode: 'custom', trainableLayers: ['conv_pw_13', 'conv_pw_13_bn'] },
        fineTune: { epochs: 2, learningRateFactor: 0.1 },
      },
      trainPerClass: 8,
      valPerClass: 4,
    });
    const summary = await runTrainJob(job, { emit: () => {}, cancel: new RunControl() });
    expect(summary).toMatchObject({ status: 'completed', epochsDone: 4, epochsPlanned: 4 });
    const epochLines = (await readMetricsLines(job.runDir)).filter((l) => l.type === 'epoch');
    // The extra details of an epoch line (phase, base rate) are in the file, beyond the schema.
    const raw = (await fs.readFile(path.join(job.runDir, RUN_FILES.metrics), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.type === 'epoch');
    expect(raw.map((l) => l.phase)).toEqual(['head', 'head', 'fine-tune', 'fine-tune']);
    expect(raw.map((l) => l.baseLearningRate)).toEqual([0, 0, 0.001, 0.001]);
    expect(raw.map((l) => l.learningRate)).toEqual([0.01, 0.01, 0.01, 0.01]);
    // Head-only epochs on the cached output of the frozen part, then the base trains too: the
    // live tensor count is flat within each phase.
    expect(new Set(epochLines.slice(0, 2).map((l) => l.numTensors)).size).toBe(1);
    expect(new Set(epochLines.slice(2).map((l) => l.numTensors)).size).toBe(1);

    const trained = await weightsByName(
      await loadLayersModelFromDir(path.join(job.runDir, RUN_FILES.modelDir)),
    );
    const more = await runTrainJob(
      {
        ...job,
        config: { ...job.config, epochs: 2, fineTune: { epochs: 0, learningRateFactor: 0.1 } },
        continueFrom: { modelDir: path.join(job.runDir, RUN_FILES.modelDir), epochsDone: 4 },
      },
      { emit: () => {}, cancel: new RunControl() },
    );
    expect(more).toMatchObject({ status: 'completed', epochsDone: 6, epochsPlanned: 6 });
    const all = (await readMetricsLines(job.runDir)).filter((l) => l.type === 'epoch');
    expect(all.map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    // It went on from the trained weights: the first continued epoch starts near the old loss.
    expect(all[4]!.valLoss).toBeLessThan(all[0]!.valLoss + 0.2);
    const continued = await weightsByName(
      await loadLayersModelFromDir(path.join(job.runDir, RUN_FILES.modelDir)),
    );
    expect(
      maxDifference(continued.get('conv_pw_13/kernel')!, trained.get('conv_pw_13/kernel')!),
    ).toBeGreaterThan(0);
    expect(
      maxDifference(continued.get('conv_pw_12/kernel')!, trained.get('conv_pw_12/kernel')!),
    ).toBe(0);
  });
});
