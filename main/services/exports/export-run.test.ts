/**
 * exportRun as the app and the CLI call it: a run trained by the studio's own trainer, exported
 * by the real worker process (dist/main/worker.cjs, rebuilt by the global setup) with progress
 * events, and every way the host refuses an export before starting one.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportResult } from '../../../shared/domain';
import { readExportManifest } from '../../worker/exporters/export-manifest';
import {
  handMadeRun,
  trainFixtureRun,
  type TrainedRun,
} from '../../worker/exporters/test-support/trained-runs';
import { RUN_FILES } from '../runs/run-files';
import { RunStore } from '../runs/run-store';
import { ServiceError } from '../service-error';
import { createHymenopteraJob } from '../training/test-jobs';
import { nodeWorkerLauncher } from '../training/node-worker-launcher';
import { exportRun, type ExportProgress } from './export-run';

let dataDir: string;
let runs: RunStore;
let trained: TrainedRun;

const deps = (progress: ExportProgress[] = []) => ({
  launchWorker: nodeWorkerLauncher,
  producerVersion: '0.0.0-test',
  onProgress: (p: ExportProgress) => progress.push(p),
});

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-export-run-'));
  runs = new RunStore(path.join(dataDir, 'runs'));
  trained = await trainFixtureRun(runs, 'mobilenet_v1_0.25', {
    trainPerClass: 15,
    valPerClass: 10,
    epochs: 2,
  });
}, 300_000);
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('exportRun through the worker process', () => {
  it('exports TF.js with a ZIP, reports progress while the proof runs, and returns the proof', async () => {
    const outDir = path.join(dataDir, 'exports', 'ants-vs-bees');
    const progress: ExportProgress[] = [];
    const result = ExportResult.parse(
      await exportRun(
        trained.job.runDir,
        { format: 'tfjs', outDir, overwrite: false, zip: true },
        deps(progress),
      ),
    );
    expect(result).toMatchObject({
      format: 'tfjs',
      outDir,
      passed: true,
      samples: 20,
      changedPredictions: 0,
      labels: ['ants', 'bees'],
      manifestPath: path.join(outDir, 'export-manifest.json'),
      readmePath: path.join(outDir, 'README.md'),
      zip: { path: `${outDir}.zip` },
    });
    expect(result.maxProbDiff).toBeLessThanOrEqual(1e-4);
    expect(result.files.map((file) => file.name)).toContain('export-manifest.json');
    const manifest = await readExportManifest(outDir);
    expect(manifest.source).toMatchObject({ runId: trained.job.runId, run: trained.summary.name });
    expect(manifest.verification.dataset).toBe(
      `validation split of run "${trained.summary.name}" (20 images)`,
    );
    const verifying = progress.filter((p) => p.phase === 'verifying');
    expect(verifying.length).toBeGreaterThan(1);
    expect(verifying.at(-1)).toMatchObject({ progress: 1 });
    expect(progress.map((p) => p.phase)).toEqual(
      expect.arrayContaining(['loading-model', 'writing', 'zipping', 'passed']),
    );
  });

  it('asks before replacing an earlier export (conflict), replaces it when allowed', async () => {
    const outDir = path.join(dataDir, 'exports', 'twice');
    const request = { format: 'onnx' as const, outDir, overwrite: false, zip: false };
    const first = await exportRun(trained.job.runDir, request, deps());
    const refused = await rejection(exportRun(trained.job.runDir, request, deps()));
    expect(refused.code).toBe('conflict');
    expect(refused.message).toBe(
      `${outDir} already holds an export; choose another folder or allow overwriting it.`,
    );
    const again = await exportRun(trained.job.runDir, { ...request, overwrite: true }, deps());
    expect(again.passed).toBe(true);
    const model = (r: ExportResult) => r.files.find((file) => file.name === 'model.onnx');
    expect(model(again)).toEqual(model(first));
    expect(await fs.readdir(path.dirname(outDir))).not.toContain(
      expect.stringMatching(/partial|replaced/),
    );
  });

  it('never replaces a folder of other files, even when overwriting is allowed', async () => {
    const documents = path.join(dataDir, 'documents');
    await fs.mkdir(documents);
    await fs.writeFile(path.join(documents, 'notes.txt'), 'mine');
    const error = await rejection(
      exportRun(
        trained.job.runDir,
        { format: 'tfjs', outDir: documents, overwrite: true, zip: false },
        deps(),
      ),
    );
    expect(error.code).toBe('invalid-request');
    expect(error.message).toMatch(/already holds files that are not an export/);
    expect(await fs.readdir(documents)).toEqual(['notes.txt']);
  });

  it("trust: overwriting an earlier export keeps the user's files beside it (refuses, naming them)", async () => {
    const outDir = path.join(dataDir, 'exports', 'with-notes');
    const request = { format: 'tfjs' as const, outDir, overwrite: false, zip: false };
    await exportRun(trained.job.runDir, request, deps());
    await fs.writeFile(path.join(outDir, 'notes.txt'), 'n');
    await fs.mkdir(path.join(outDir, 'mydir'));
    await fs.writeFile(path.join(outDir, 'mydir', 'f'), 'x');
    const error = await rejection(
      exportRun(trained.job.runDir, { ...request, overwrite: true }, deps()),
    );
    expect(error.code).toBe('invalid-request');
    expect(error.message).toMatch(/not part of the earlier export \(mydir, notes\.txt\)/);
    expect(await fs.readFile(path.join(outDir, 'notes.txt'), 'utf8')).toBe('n');
    expect(await fs.readFile(path.join(outDir, 'mydir', 'f'), 'utf8')).toBe('x');
    expect(await fs.readdir(outDir)).toContain('model.json');
  });

  it('exports into an existing empty folder without asking', async () => {
    const empty = path.join(dataDir, 'empty-target');
    await fs.mkdir(empty);
    const result = await exportRun(
      trained.job.runDir,
      { format: 'tfjs', outDir: empty, overwrite: false, zip: false },
      deps(),
    );
    expect(result.passed).toBe(true);
    expect(await fs.readdir(empty)).toContain('model.json');
  });

  it('refuses an unwritable target (a path through a file) before starting a worker', async () => {
    const file = path.join(dataDir, 'a-file.txt');
    await fs.writeFile(file, 'x');
    let launched = false;
    const error = await rejection(
      exportRun(
        trained.job.runDir,
        { format: 'tfjs', outDir: path.join(file, 'out'), overwrite: false, zip: false },
        {
          ...deps(),
          launchWorker: (options) => {
            launched = true;
            return nodeWorkerLauncher(options);
          },
        },
      ),
    );
    expect(error.code).toBe('invalid-request');
    expect(error.message).toMatch(/a-file\.txt is a file, not a folder/);
    expect(launched).toBe(false);
  });

  it('refuses a run without a trained model, and one whose validation images are gone', async () => {
    const cancelled = await createHymenopteraJob(runs, { trainPerClass: 2, valPerClass: 1 });
    await runs.finishWithoutWorker(cancelled.runDir, 'cancelled', 'Cancelled.');
    const request = {
      format: 'tfjs' as const,
      outDir: path.join(dataDir, 'never'),
      overwrite: false,
      zip: false,
    };
    const noModel = await rejection(exportRun(cancelled.runDir, request, deps()));
    expect(noModel.message).toMatch(/no trained model to export \(it is cancelled\)/);

    const moved = path.join(dataDir, 'moved-run');
    await fs.cp(trained.job.runDir, moved, { recursive: true });
    const evaluationFile = path.join(moved, RUN_FILES.evaluation);
    const evaluation = JSON.parse(await fs.readFile(evaluationFile, 'utf8'));
    for (const item of evaluation.items)
      item.path = path.join(dataDir, 'gone', path.basename(item.path));
    await fs.writeFile(evaluationFile, JSON.stringify(evaluation));
    const gone = await rejection(exportRun(moved, request, deps()));
    expect(gone.code).toBe('invalid-request');
    expect(gone.message).toMatch(/None of the 20 validation images .* exist any more/);
    await expect(fs.stat(request.outDir)).rejects.toThrow();
  });

  it('refuses ONNX for a model with a layer ONNX cannot express, naming the layer', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 4, kernelSize: 3, strides: 2 }),
        tf.layers.maxPooling2d({ poolSize: 2, name: 'odd_pooling' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const { runDir } = await handMadeRun(runs, model, { inputSize: [32, 32], valPerClass: 2 });
    model.dispose();
    const outDir = path.join(dataDir, 'unsupported');
    const error = await rejection(
      exportRun(runDir, { format: 'onnx', outDir, overwrite: false, zip: false }, deps()),
    );
    expect(error.code).toBe('invalid-request');
    expect(error.message).toMatch(/layer "odd_pooling" \(MaxPooling2D\)/);
    await expect(fs.stat(outDir)).rejects.toThrow();
    // The same model exports to TF.js, which holds any layer, and passes its proof.
    const tfjs = await exportRun(
      runDir,
      { format: 'tfjs', outDir, overwrite: false, zip: false },
      deps(),
    );
    expect(tfjs).toMatchObject({ passed: true, samples: 4 });
  });
});
