/**
 * The 'export' job of the worker: load TensorFlow.js on the studio's backend and the run's
 * trained model (the reference), then export it in the asked format and prove the written files
 * on the run's validation images. Heavy (model loading, conversion, a pass over the validation
 * split in two runtimes), which is why it runs here and never in the host.
 */
import { performance } from 'node:perf_hooks';
import type { ExportResult } from '../../../shared/domain';
import type { ExportJob, WorkerMessage } from '../../../shared/worker-protocol';
import { loadLayersModelFromDir } from '../../services/models/load-layers-model';
import { resolveBackendChoice, selectBackend } from '../backends/backend-chain';
import { imageBatches } from '../images/image-batches';
import { ExportError } from './export-errors';
import type { ExportIo } from './export-io';
import { describeFiles, EXPORT_MANIFEST_FILE } from './export-manifest';
import { runExport, type ExportFormatWriter, type ExportOutcome } from './export-pipeline';
import { tfjsPredictor, type VerificationBatch } from './export-verification';
import { onnxWriter, tfjsRuntimeVersions } from './onnx/export-onnx';
import { tfjsWriter } from './tfjs/export-tfjs';
import { tfliteWriter } from './tflite/export-tflite';
import type * as tf from '@tensorflow/tfjs';

export interface ExportJobHooks {
  emit(message: WorkerMessage): void;
  env?: NodeJS.ProcessEnv;
  /** Where the bytes go (tests inject a failing disk). */
  io?: ExportIo;
  /** Validation images per batch (each batch runs through both models). */
  batchSize?: number;
}

async function* validationBatches(
  job: ExportJob,
  batchSize: number,
  onSkip: (path: string, reason: string) => void,
): AsyncGenerator<VerificationBatch> {
  const batches = imageBatches(job.val, {
    size: job.inputSize,
    preprocessing: job.preprocessing,
    batchSize,
    onSkip: (item, reason) => onSkip(item.path, reason),
  });
  for await (const batch of batches) {
    yield {
      images: batch.pixels,
      count: batch.items.length,
      labels: batch.items.map((item) => item.label),
    };
  }
}

async function toResult(
  job: ExportJob,
  outcome: ExportOutcome,
  startedAt: number,
): Promise<ExportResult> {
  const { manifest, report } = outcome;
  const [manifestFile] = await describeFiles(outcome.dir, [EXPORT_MANIFEST_FILE]);
  return {
    format: job.format,
    outDir: outcome.dir,
    files: [...manifest.files, manifestFile!],
    labels: manifest.labels,
    passed: outcome.passed,
    ...(manifest.failure ? { failure: manifest.failure } : {}),
    samples: report.samples,
    accuracy: report.accuracy,
    referenceAccuracy: report.referenceAccuracy,
    maxProbDiff: manifest.verification.maxProbDiff,
    tolerance: report.tolerance,
    changedPredictions: report.predictionsChanged,
    runtime: manifest.verification.runtime,
    runtimes: manifest.runtimes,
    manifestPath: outcome.manifestPath,
    readmePath: outcome.readmePath,
    ...(outcome.zip
      ? { zip: { name: outcome.zip.path.split(/[\\/]/).pop()!, ...outcome.zip } }
      : {}),
    timings: { totalMs: performance.now() - startedAt, verifyMs: outcome.timings.verifyMs },
  };
}

type WriterCommon = Pick<
  ExportJob,
  'modelName' | 'labels' | 'preprocessing' | 'source' | 'producerVersion'
>;

/** Preprocessed training images for int8 calibration (labels unused). */
async function* representativeBatches(job: ExportJob): AsyncGenerator<VerificationBatch> {
  const items = (job.representative ?? []).map((path) => ({ path, label: 0 }));
  for await (const batch of imageBatches(items, {
    size: job.inputSize,
    preprocessing: job.preprocessing,
    batchSize: 16,
    onSkip: () => {},
  })) {
    yield { images: batch.pixels, count: batch.items.length };
  }
}

function writerFor(
  job: ExportJob,
  model: tf.LayersModel,
  common: WriterCommon,
  hooks: ExportJobHooks,
): ExportFormatWriter {
  switch (job.format) {
    case 'onnx':
      return onnxWriter({ model, ...common });
    case 'tflite':
    case 'tflite-int8':
      return tfliteWriter({
        model,
        ...common,
        ...(hooks.env ? { env: hooks.env } : {}),
        ...(job.format === 'tflite-int8'
          ? { representative: () => representativeBatches(job) }
          : {}),
      });
    case 'tfjs':
      return tfjsWriter({ modelDir: job.modelDir, inputSize: job.inputSize, ...common });
  }
}

/** Runs one export job; throws (ExportError or a described disk error) when it cannot finish. */
export async function runExportJob(job: ExportJob, hooks: ExportJobHooks): Promise<ExportResult> {
  const startedAt = performance.now();
  const phase = (name: string, message?: string, progress?: number): void =>
    hooks.emit({
      type: 'phase',
      phase: name,
      ...(message ? { message } : {}),
      ...(progress !== undefined ? { progress } : {}),
    });

  const { choice, warning } = resolveBackendChoice(job.backend, hooks.env);
  if (warning) phase('backend', warning);
  phase('backend', 'Loading TensorFlow.js');
  const backend = await selectBackend(choice);
  phase(
    'loading-model',
    `Loading the trained model of "${job.modelName}" on ${backend.description}`,
  );
  const model = await loadLayersModelFromDir(job.modelDir);
  try {
    const outputShape = model.outputs[0]?.shape ?? [];
    if (model.outputs.length !== 1 || outputShape[outputShape.length - 1] !== job.labels.length) {
      throw new ExportError(
        'invalid-request',
        `The run's model outputs ${JSON.stringify(outputShape)} but the run has ` +
          `${job.labels.length} labels; its model folder does not belong to it. Train it again.`,
      );
    }
    const common = {
      modelName: job.modelName,
      labels: job.labels,
      preprocessing: job.preprocessing,
      source: job.source,
      producerVersion: job.producerVersion,
    };
    const writer = writerFor(job, model, common, hooks);
    let skipped = 0;
    const outcome = await runExport({
      writer,
      reference: tfjsPredictor(model),
      referenceVersions: { ...tfjsRuntimeVersions(), 'studio-backend': backend.description },
      modelName: job.modelName,
      labels: job.labels,
      inputSize: { height: job.inputSize[0], width: job.inputSize[1] },
      preprocessing: job.preprocessing,
      outDir: job.outDir,
      overwrite: job.overwrite,
      zip: job.zip,
      validation: () =>
        validationBatches(job, hooks.batchSize ?? 16, (path, reason) => {
          skipped += 1;
          phase('skipped-image', `Skipped ${path}: it could not be decoded (${reason}).`);
        }),
      validationCount: job.val.length,
      validationName: () =>
        skipped
          ? `${job.validationName}; ${skipped} unreadable images left out`
          : job.validationName,
      ...(job.tolerance !== undefined ? { tolerance: job.tolerance } : {}),
      source: job.source,
      ...(hooks.io ? { io: hooks.io } : {}),
      onPhase: phase,
    });
    phase(
      outcome.passed ? 'passed' : 'failed',
      outcome.passed
        ? `The export reproduces the studio's model on ${outcome.report.samples} validation images`
        : (outcome.report.failure ?? 'The proof failed'),
    );
    return await toResult(job, outcome, startedAt);
  } finally {
    model.dispose();
  }
}
