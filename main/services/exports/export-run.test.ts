/**
 * Export round trip: a model trained by the studio (the worker's job runner, in this process,
 * on wasm) is exported, reloaded with nothing but plain @tensorflow/tfjs and sharp, and must
 * predict what the studio's model predicted on the real validation images.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../shared/domain';
import type { TrainJob } from '../../../shared/worker-protocol';
import { CancelSignal } from '../../worker/training/cancel-signal';
import { Evaluation } from '../../worker/training/evaluation';
import { runTrainJob } from '../../worker/training/train-job';
import { RUN_FILES } from '../runs/run-files';
import { RunStore } from '../runs/run-store';
import { ServiceError } from '../service-error';
import { createHymenopteraJob } from '../training/test-jobs';
import { exportRun } from './export-run';

let dataDir: string;
let runs: RunStore;
let job: TrainJob;
let summary: RunSummary;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-export-'));
  runs = new RunStore(path.join(dataDir, 'runs'));
  job = await createHymenopteraJob(runs, {
    config: { epochs: 3, learningRate: 0.01, batchSize: 16 },
    trainPerClass: 30,
    valPerClass: 15,
  });
  summary = await runTrainJob(job, { emit: () => {}, cancel: new CancelSignal() });
}, 300_000);
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

/** Loads a layers model from a folder with plain tfjs: model.json + its shards, nothing else. */
async function loadWithPlainTfjs(dir: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
  const weightSpecs = modelJson.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const shards = await Promise.all(
    modelJson.weightsManifest
      .flatMap((g: { paths: string[] }) => g.paths)
      .map((p: string) => fs.readFile(path.join(dir, p))),
  );
  const weights = Buffer.concat(shards);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    }),
  );
}

describe('exportRun (tfjs)', () => {
  it('trained a usable model to export', () => {
    expect(summary.status).toBe('completed');
    expect(summary.finalValAccuracy).toBeGreaterThan(0.7);
  });

  it('round-trips: plain TF.js on the export predicts what the studio predicted', async () => {
    const outDir = path.join(dataDir, 'exports', 'ants-vs-bees');
    const result = await exportRun(job.runDir, 'tfjs', outDir, { overwrite: false });
    expect(result.labels).toEqual(['ants', 'bees']);
    expect(result.files.map((f) => f.name).sort()).toEqual([
      'metadata.json',
      'model.json',
      'weights.bin',
    ]);
    for (const file of result.files) {
      const data = await fs.readFile(path.join(outDir, file.name));
      expect(file.bytes).toBe(data.byteLength);
      expect(file.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    }
    expect((await fs.readdir(path.dirname(outDir))).filter((n) => n.includes('.tmp-'))).toEqual([]);

    const metadata = JSON.parse(await fs.readFile(path.join(outDir, 'metadata.json'), 'utf8'));
    const model = await loadWithPlainTfjs(outDir);
    expect(model.outputs[0]!.shape).toEqual([null, 2]);
    const evaluation = Evaluation.parse(
      JSON.parse(await fs.readFile(path.join(job.runDir, RUN_FILES.evaluation), 'utf8')),
    );
    expect(evaluation.items).toHaveLength(job.val.length);
    const { scale, offset } = metadata.preprocessing;
    for (const item of evaluation.items.slice(0, 12)) {
      const pixels = await sharp(item.path)
        .rotate()
        .removeAlpha()
        .toColourspace('srgb')
        .resize(metadata.imageSize, metadata.imageSize, { fit: 'cover' })
        .raw()
        .toBuffer();
      const probabilities = tf.tidy(() => {
        const input = tf.tensor4d(
          Float32Array.from(pixels, (v) => v * scale + offset),
          [1, 224, 224, 3],
        );
        return Array.from((model.predict(input) as tf.Tensor).dataSync());
      });
      expect(probabilities[0]).toBeCloseTo(item.probabilities[0]!, 4);
      expect(probabilities[1]).toBeCloseTo(item.probabilities[1]!, 4);
    }
    model.dispose();
  });

  it('refuses a non-empty folder unless overwriting a previous export, and never other files', async () => {
    const outDir = path.join(dataDir, 'exports', 'twice');
    const first = await exportRun(job.runDir, 'tfjs', outDir, { overwrite: false });
    await expect(exportRun(job.runDir, 'tfjs', outDir, { overwrite: false })).rejects.toMatchObject(
      {
        code: 'conflict',
      },
    );
    const again = await exportRun(job.runDir, 'tfjs', outDir, { overwrite: true });
    expect(again.files).toEqual(first.files);

    const documents = path.join(dataDir, 'documents');
    await fs.mkdir(documents);
    await fs.writeFile(path.join(documents, 'notes.txt'), 'mine');
    const error = await exportRun(job.runDir, 'tfjs', documents, { overwrite: true }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).message).toMatch(/holds other files/);
    expect(await fs.readFile(path.join(documents, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('exports into an existing empty folder', async () => {
    const empty = path.join(dataDir, 'empty-target');
    await fs.mkdir(empty);
    const result = await exportRun(job.runDir, 'tfjs', empty, { overwrite: false });
    expect((await fs.readdir(empty)).sort()).toEqual(result.files.map((f) => f.name).sort());
  });

  it('refuses a run without a trained model', async () => {
    const cancelled = await createHymenopteraJob(runs, { trainPerClass: 2, valPerClass: 1 });
    await runs.finishWithoutWorker(cancelled.runDir, 'cancelled', 'Cancelled.');
    await expect(
      exportRun(cancelled.runDir, 'tfjs', path.join(dataDir, 'never'), { overwrite: false }),
    ).rejects.toThrow(/no trained model to export \(it is cancelled\)/);
    await expect(fs.stat(path.join(dataDir, 'never'))).rejects.toThrow();
  });
});
