/**
 * Exports a finished run: reads the run folder (its model, labels, and the validation images the
 * worker evaluated at the end of training), checks the target, then hands the heavy part —
 * loading the model, converting, writing, and proving the written files on the whole validation
 * split in their real runtime — to a one-shot worker process. Nothing heavy runs here, so this
 * is safe in Electron's main process.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EXPORT_FORMAT_NAMES } from '../../../shared/export-types';
import { listPredictImages } from '../evaluation/predict-files';
import { readRunConfig } from '../runs/run-details';
import { BackendChoice, type ExportFormat, type ExportResult } from '../../../shared/domain';
import type { ExportJob } from '../../../shared/worker-protocol';
import { ExportError } from '../../worker/exporters/export-errors';
import { checkExportTarget } from '../../worker/exporters/export-staging';
import { ModelMetadata, RUN_FILES, readRunSummary } from '../runs/run-files';
import { ServiceError } from '../service-error';
import { runWorkerTask } from '../training/worker-task';
import type { WorkerLauncher } from '../training/worker-launcher';

export interface ExportRunRequest {
  format: ExportFormat;
  outDir: string;
  overwrite: boolean;
  zip: boolean;
}

export interface ExportProgress {
  phase: string;
  message?: string;
  progress?: number;
}

export interface ExportDeps {
  launchWorker: WorkerLauncher;
  env?: NodeJS.ProcessEnv;
  /** The studio's version, recorded in the export. */
  producerVersion: string;
  onProgress?: (progress: ExportProgress) => void;
  timeoutMs?: number;
}

/** The parts of evaluation.json an export needs (the file holds more). */
const EvaluatedItems = z.object({
  items: z.array(z.object({ path: z.string(), label: z.number().int().nonnegative() })),
});

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await fs.readFile(file, 'utf8'));
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** The validation images the run was evaluated on, with the ones that have since vanished. */
async function validationOf(
  runDir: string,
  runName: string,
  labelCount: number,
): Promise<{ val: ExportJob['val']; missing: string[] }> {
  const file = path.join(runDir, RUN_FILES.evaluation);
  const parsed = EvaluatedItems.safeParse(await readJson(file).catch(() => undefined));
  if (!parsed.success) {
    throw new ServiceError(
      'invalid-request',
      `Run "${runName}" has no readable ${RUN_FILES.evaluation}, so the validation images to ` +
        'prove the export on are unknown. Train the run again to export it.',
    );
  }
  const items = parsed.data.items.filter((item) => item.label < labelCount);
  const present = await Promise.all(items.map((item) => exists(item.path)));
  return {
    val: items.filter((_, index) => present[index]),
    missing: items.filter((_, index) => !present[index]).map((item) => item.path),
  };
}

/** Training images calibrated on for int8 (up to this many, spread over the whole list). */
const REPRESENTATIVE_IMAGES = 100;

/**
 * A sample of the run's training images: the images of its dataset folders that are not in its
 * validation split, evenly spaced so every class folder is represented.
 */
async function representativeImages(runDir: string, val: ExportJob['val']): Promise<string[]> {
  const roots = (await readRunConfig(runDir))?.datasetRoots ?? [];
  const validation = new Set(val.map((item) => item.path));
  const files = roots.length
    ? (await listPredictImages(roots).catch(() => [])).filter((file) => !validation.has(file))
    : [];
  if (files.length === 0) {
    throw new ServiceError(
      'invalid-request',
      "The int8 export calibrates on the run's training images, but none were found in its " +
        `dataset folders (${roots.join(', ') || 'none recorded'}). Put the dataset back, then export again.`,
    );
  }
  const step = Math.max(1, files.length / REPRESENTATIVE_IMAGES);
  return Array.from(
    { length: Math.min(files.length, REPRESENTATIVE_IMAGES) },
    (_, i) => files[Math.floor(i * step)]!,
  );
}

/** Reads a run folder into the worker's export job; throws ServiceErrors that say what to do. */
export async function resolveExportJob(
  runDir: string,
  request: ExportRunRequest,
  producerVersion: string,
): Promise<ExportJob> {
  const summary = await readRunSummary(runDir).catch(() => {
    throw new ServiceError('not-found', `${runDir} is not a run folder (no readable run.json).`);
  });
  const modelDir = path.join(runDir, RUN_FILES.modelDir);
  if (summary.status !== 'completed' || !(await exists(path.join(modelDir, 'model.json')))) {
    const why = summary.status === 'completed' ? 'lost its model folder' : `is ${summary.status}`;
    throw new ServiceError(
      'invalid-request',
      `Run "${summary.name}" has no trained model to export (it ${why}). Export a completed run.`,
    );
  }
  const metadata = ModelMetadata.safeParse(
    await readJson(path.join(modelDir, 'metadata.json')).catch(() => undefined),
  );
  if (!metadata.success) {
    throw new ServiceError(
      'invalid-request',
      `Run "${summary.name}" has no readable model/metadata.json (labels, input size); ` +
        'its model folder is damaged. Train the run again.',
    );
  }
  const { labels, inputSize, preprocessing } = metadata.data;
  const { val, missing } = await validationOf(runDir, summary.name, labels.length);
  if (val.length === 0) {
    throw new ServiceError(
      'invalid-request',
      missing.length
        ? `None of the ${missing.length} validation images of run "${summary.name}" exist any ` +
            `more (e.g. ${missing[0]}), so the export cannot be proven. Put the dataset back ` +
            'where it was when the run trained, then export again.'
        : `Run "${summary.name}" recorded no validation images, so the export cannot be proven.`,
    );
  }
  const config = (await readJson(path.join(runDir, RUN_FILES.config)).catch(() => ({}))) as {
    backend?: unknown;
  };
  const backend = BackendChoice.safeParse(config.backend);
  const representative =
    request.format === 'tflite-int8' ? await representativeImages(runDir, val) : undefined;
  return {
    ...(representative ? { representative } : {}),
    runId: summary.id,
    runDir,
    modelDir,
    format: request.format,
    outDir: request.outDir,
    overwrite: request.overwrite,
    zip: request.zip,
    backend: backend.success ? backend.data : 'auto',
    modelName: summary.name,
    labels,
    inputSize,
    preprocessing,
    val,
    validationName:
      `validation split of run "${summary.name}"` +
      (missing.length ? `; ${missing.length} images no longer on disk left out` : ''),
    source: {
      runId: summary.id,
      run: summary.name,
      baseModel: metadata.data.baseModel,
      featureLayer: metadata.data.featureLayer,
    },
    producerVersion,
  };
}

/**
 * Exports the run in `runDir` and proves the export (see the module comment). A failed proof is
 * a result with passed: false (files in `<outDir>.failed`); anything that stops the export
 * (a taken or unwritable target, a full disk, an unsupported layer) throws a ServiceError.
 */
export async function exportRun(
  runDir: string,
  request: ExportRunRequest,
  deps: ExportDeps,
): Promise<ExportResult> {
  const outDir = path.resolve(request.outDir);
  const job = await resolveExportJob(runDir, { ...request, outDir }, deps.producerVersion);
  try {
    await checkExportTarget(outDir, request.overwrite, request.zip ? `${outDir}.zip` : undefined);
  } catch (error) {
    if (error instanceof ExportError) throw new ServiceError(error.code, error.message);
    throw error;
  }
  const what = `The ${EXPORT_FORMAT_NAMES[request.format]} export`;
  const timeoutMs = deps.timeoutMs ?? 60 * 60_000;
  return runWorkerTask<ExportResult>(
    { type: 'export', job },
    (message) => (message.type === 'exported' ? message.result : undefined),
    {
      launchWorker: deps.launchWorker,
      ...(deps.env ? { env: deps.env } : {}),
      timeoutMs,
      timeoutMessage: `${what} did not finish within ${Math.round(timeoutMs / 60_000)} minutes and was stopped.`,
      workerName: `${EXPORT_FORMAT_NAMES[request.format]} export worker`,
      onPhase: (message) =>
        deps.onProgress?.({
          phase: message.phase,
          ...(message.message ? { message: message.message } : {}),
          ...(message.progress !== undefined ? { progress: message.progress } : {}),
        }),
    },
  );
}
