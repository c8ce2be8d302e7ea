/**
 * Runs to export, for tests: a real run of the studio's trainer on a fixture base (briefly, on
 * a slice of ants vs bees), and a hand-made run folder around any TF.js model (for models the
 * trainer would never produce, such as one with a layer ONNX cannot express).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { RunSummary } from '../../../../shared/domain';
import type { ExportJob, TrainJob } from '../../../../shared/worker-protocol';
import { teachableMachineDir } from '../../../services/models/test-fixtures';
import { RUN_FILES, writeRunSummary } from '../../../services/runs/run-files';
import type { RunStore } from '../../../services/runs/run-store';
import { createHymenopteraJob, hymenopteraItems } from '../../../services/training/test-jobs';
import { CancelSignal } from '../../training/cancel-signal';
import { saveModelFolder } from '../../training/save-model';
import { runTrainJob } from '../../training/train-job';

export type FixtureBase = 'mobilenet_v1_0.25' | 'teachable_machine_v2_0.35';

export interface TrainedRun {
  job: TrainJob;
  summary: RunSummary;
}

/**
 * Trains a run with the studio's own job runner (in this process, on wasm) on one of the two
 * fixture bases: MobileNet v1 0.25, or the MobileNet v2 0.35 nested in the Teachable Machine
 * export.
 */
export async function trainFixtureRun(
  runs: RunStore,
  base: FixtureBase,
  options: { trainPerClass: number; valPerClass: number; epochs: number },
): Promise<TrainedRun> {
  const v1 = await createHymenopteraJob(runs, {
    config: { epochs: options.epochs, learningRate: 0.01, batchSize: 16, name: base },
    trainPerClass: options.trainPerClass,
    valPerClass: options.valPerClass,
  });
  const job: TrainJob =
    base === 'mobilenet_v1_0.25'
      ? v1
      : {
          ...v1,
          config: { ...v1.config, model: { catalogId: 'mobilenet_v2_0.35_224' } },
          modelDir: teachableMachineDir,
          nestedBase: [0, 0],
          featureLayer: 'out_relu',
          baseModelName: 'MobileNet v2 0.35 (Teachable Machine export)',
        };
  const summary = await runTrainJob(job, { emit: () => {}, cancel: new CancelSignal() });
  if (summary.status !== 'completed') {
    throw new Error(`The fixture run did not complete: ${summary.status} ${summary.error ?? ''}`);
  }
  return { job, summary };
}

/** The worker's export job for a trained fixture run (what the host would resolve). */
export function exportJobFor(
  run: TrainedRun,
  overrides: Partial<ExportJob> & Pick<ExportJob, 'format' | 'outDir'>,
): ExportJob {
  const { job } = run;
  return {
    runId: job.runId,
    runDir: job.runDir,
    modelDir: path.join(job.runDir, RUN_FILES.modelDir),
    overwrite: false,
    zip: false,
    // The studio's own model on the best backend that loads (native TensorFlow where built),
    // so the proof compares two runtimes; TRANSFER_STUDIO_BACKEND=wasm pins it.
    backend: 'auto',
    modelName: run.summary.name,
    labels: job.labels,
    inputSize: job.inputSize,
    preprocessing: job.preprocessing,
    val: job.val,
    validationName: 'validation split',
    source: { runId: job.runId, baseModel: job.baseModelName },
    producerVersion: '0.0.0-test',
    ...overrides,
  };
}

/**
 * A completed run folder around `model` (as if the studio had trained it): run.json, config.json,
 * model/ with metadata.json, and an evaluation.json listing `valPerClass` real validation images.
 */
export async function handMadeRun(
  runs: RunStore,
  model: tf.LayersModel,
  options: { inputSize: [number, number]; valPerClass: number },
): Promise<{ runDir: string; summary: RunSummary }> {
  const job = await createHymenopteraJob(runs, {
    trainPerClass: 1,
    valPerClass: options.valPerClass,
  });
  await saveModelFolder(model, path.join(job.runDir, RUN_FILES.modelDir), {
    labels: job.labels,
    imageSize: options.inputSize[0],
    inputSize: options.inputSize,
    preprocessing: job.preprocessing,
    baseModel: 'hand-made',
    featureLayer: 'none',
    runId: job.runId,
    createdAt: new Date().toISOString(),
    createdBy: 'test',
  });
  const items = hymenopteraItems('val', options.valPerClass).map((item) => ({
    ...item,
    predicted: 0,
    probabilities: [0.5, 0.5],
  }));
  await fs.writeFile(
    path.join(job.runDir, RUN_FILES.evaluation),
    JSON.stringify({ labels: job.labels, accuracy: 0.5, confusion: [], items }),
  );
  const summary: RunSummary = {
    id: job.runId,
    dir: job.runDir,
    name: 'hand-made',
    status: 'completed',
    startedAt: new Date().toISOString(),
    finishedAt: new Date().toISOString(),
    baseModel: 'hand-made',
    labels: job.labels,
    epochsPlanned: 1,
    epochsDone: 1,
  };
  await writeRunSummary(job.runDir, summary);
  return { runDir: job.runDir, summary };
}
