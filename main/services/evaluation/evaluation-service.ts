/**
 * Evaluations and predictions of trained runs: reads what the training worker stored, pages
 * through the evaluated images, evaluates a run on another labelled folder and predicts
 * ("try it") — the last two in a worker process, never in the studio's own process.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type {
  EvaluationFile,
  EvaluationImage,
  EvaluationReport,
  Prediction,
  PreviewInput,
} from '../../../shared/evaluation';
import type { DatasetProblem } from '../../../shared/domain';
import type { PredictJob, WorkerMessage } from '../../../shared/worker-protocol';
import { datasetId } from '../datasets/dataset-id';
import { scanDataset } from '../datasets/scan-dataset';
import { readRunConfig } from '../runs/run-details';
import { ModelMetadata, RUN_FILES } from '../runs/run-files';
import type { RunStore } from '../runs/run-store';
import { ServiceError } from '../service-error';
import type { WorkerLauncher } from '../training/worker-launcher';
import { queryImages, type ImageQuery } from './evaluation-images';
import {
  readEvaluation,
  VALIDATION,
  writeEvaluation,
  type CompleteEvaluation,
} from './evaluation-files';
import { runWorkerTask } from '../training/worker-task';
import { listPredictImages, resolvePredictModel } from './predict-files';

/** Images per streamed answer of `predictFiles`. */
const PREDICT_STREAM_BATCH = 32;

export interface EvaluationServiceOptions {
  runs: RunStore;
  launchWorker: WorkerLauncher;
  issueThumbnail(filePath: string): string;
  exclusionsOf(roots: string[]): Promise<string[]>;
  movedTo(filePath: string): string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Longest a folder evaluation may take (default 30 minutes). */
  evaluateTimeoutMs?: number;
  /** Longest a prediction may take (default 2 minutes). */
  predictTimeoutMs?: number;
}

export interface FolderEvaluation {
  evaluationId: string;
  evaluation: CompleteEvaluation;
  /** Classes of the folder the model does not know: their images were not evaluated. */
  unknownClasses: { name: string; count: number }[];
}

function modelDirOf(runDir: string): string {
  return path.join(runDir, RUN_FILES.modelDir);
}

async function readMetadata(runDir: string): Promise<ModelMetadata> {
  try {
    return ModelMetadata.parse(
      JSON.parse(await fs.readFile(path.join(modelDirOf(runDir), 'metadata.json'), 'utf8')),
    );
  } catch {
    throw new ServiceError(
      'invalid-request',
      `${runDir} has no trained model (model/metadata.json): only a completed run can be evaluated or tried.`,
    );
  }
}

/**
 * Why a folder gave nothing to evaluate, naming the files that could not be read (at most a
 * few) or saying that it holds no images of the run's classes.
 */
function noImagesError(
  roots: string[],
  problems: DatasetProblem[],
  labels: string[],
): ServiceError {
  const unread = problems.filter((problem) => problem.path && problem.kind !== 'empty-folder');
  if (unread.length > 0) {
    const named = unread.slice(0, 3).map((problem) => `${problem.path}: ${problem.message}`);
    const more = unread.length > 3 ? ` (and ${unread.length - 3} more)` : '';
    return new ServiceError(
      'not-found',
      `No image in ${roots.join(', ')} could be read. ${named.join(' ')}${more} ` +
        'Fix or remove these files, or choose another folder.',
    );
  }
  return new ServiceError(
    'invalid-request',
    `${roots.join(', ')} holds no images of this run's classes (${labels.join(', ')}). Point at ` +
      'a folder with one sub-folder of images per class, named like the classes the model knows.',
  );
}

export class EvaluationService {
  constructor(private readonly options: EvaluationServiceOptions) {}

  /** Roots whose exclusion list applies to an evaluation's images. */
  private async rootsOf(runDir: string, evaluation: EvaluationFile): Promise<string[]> {
    if (evaluation.source?.roots.length) return evaluation.source.roots;
    return (await readRunConfig(runDir))?.datasetRoots ?? [];
  }

  async report(runId: string, evaluationId = VALIDATION): Promise<EvaluationReport> {
    const summary = await this.options.runs.readSummary(runId);
    const evaluation = await readEvaluation(summary.dir, evaluationId);
    const config = await readRunConfig(summary.dir);
    const metrics = evaluation.metrics;
    return {
      runId,
      runName: summary.name,
      evaluationId,
      labels: evaluation.labels,
      source: evaluation.source ?? { kind: 'validation', roots: config?.datasetRoots ?? [] },
      datasetRoots: await this.rootsOf(summary.dir, evaluation),
      ...(evaluation.createdAt ? { createdAt: evaluation.createdAt } : {}),
      metrics,
      misclassified: metrics.count - metrics.correct,
      skipped: evaluation.skipped ?? [],
    };
  }

  async images(
    runId: string,
    evaluationId: string,
    query: ImageQuery,
  ): Promise<{ total: number; images: EvaluationImage[] }> {
    const summary = await this.options.runs.readSummary(runId);
    const evaluation = await readEvaluation(summary.dir, evaluationId);
    const classes = evaluation.labels.length;
    for (const [name, value] of [
      ['actual', query.actual],
      ['predicted', query.predicted],
    ] as const) {
      if (value !== undefined && value >= classes) {
        throw new ServiceError(
          'invalid-request',
          `${name} must be a class index below ${classes} (this run has ${classes} classes).`,
        );
      }
    }
    const excluded = new Set(
      await this.options.exclusionsOf(await this.rootsOf(summary.dir, evaluation)),
    );
    return queryImages(evaluation, query, {
      issueThumbnail: this.options.issueThumbnail,
      excluded,
      movedTo: this.options.movedTo,
    });
  }

  /**
   * Evaluates the trained model of the run in `runDir` on every labelled image of `roots`
   * (folder per class, or train/val/test folders: all of them count). Classes the model does
   * not know are left out and listed. With `save`, the result is kept in the run folder.
   */
  async evaluateFolder(
    runDir: string,
    roots: string[],
    options: {
      save?: boolean;
      onPhase?(message: Extract<WorkerMessage, { type: 'phase' }>): void;
      signal?: AbortSignal;
    } = {},
  ): Promise<FolderEvaluation> {
    const metadata = await readMetadata(runDir);
    const resolved = roots.map((root) => path.resolve(root));
    const scanned = await scanDataset(resolved, {
      exclusions: await this.options.exclusionsOf(resolved),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (scanned.files.length + scanned.testFiles.length === 0) {
      throw noImagesError(resolved, scanned.summary.problems, metadata.labels);
    }
    const labelIndex = new Map(metadata.labels.map((name, index) => [name, index]));
    const files = [...scanned.files, ...scanned.testFiles];
    const unknown = new Map<string, number>();
    const items: { path: string; label: number }[] = [];
    for (const file of files) {
      const label = labelIndex.get(file.className);
      if (label === undefined) unknown.set(file.className, (unknown.get(file.className) ?? 0) + 1);
      else items.push({ path: file.path, label });
    }
    if (items.length === 0) {
      throw new ServiceError(
        'invalid-request',
        `No image in ${resolved.join(', ')} belongs to a class of this model ` +
          `(${metadata.labels.join(', ')}). Point at a folder with one sub-folder per class, ` +
          'named like the classes the model was trained on.',
      );
    }
    const evaluation = await runWorkerTask(
      {
        type: 'evaluate',
        job: {
          modelDir: modelDirOf(runDir),
          items,
          source: { kind: 'folder', roots: resolved },
          backend: 'auto',
          batchSize: 32,
        },
      },
      (message) => (message.type === 'evaluation' ? message.evaluation : undefined),
      {
        launchWorker: this.options.launchWorker,
        ...(this.options.env ? { env: this.options.env } : {}),
        timeoutMs: this.options.evaluateTimeoutMs ?? 30 * 60_000,
        ...(options.onPhase ? { onPhase: options.onPhase } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    const evaluationId = datasetId(resolved);
    const complete = evaluation as CompleteEvaluation;
    if (!complete.metrics) throw new ServiceError('failed', 'The worker returned no metrics.');
    if (options.save) await writeEvaluation(runDir, evaluationId, complete);
    return {
      evaluationId,
      evaluation: complete,
      unknownClasses: [...unknown].map(([name, count]) => ({ name, count })),
    };
  }

  /** Top-k predictions of a run's model for files or image bytes. */
  async predict(runId: string, inputs: PreviewInput[], topK: number): Promise<Prediction[]> {
    const summary = await this.options.runs.readSummary(runId);
    await readMetadata(summary.dir);
    const jobInputs: PredictJob['inputs'] = inputs.map((input) =>
      'path' in input
        ? { name: path.basename(input.path), path: path.resolve(input.path) }
        : { name: input.name, base64: input.base64 },
    );
    const predictions = await runWorkerTask(
      {
        type: 'predict',
        job: { modelDir: modelDirOf(summary.dir), inputs: jobInputs, topK, backend: 'auto' },
      },
      (message) => (message.type === 'predictions' ? message.predictions : undefined),
      {
        launchWorker: this.options.launchWorker,
        ...(this.options.env ? { env: this.options.env } : {}),
        timeoutMs: this.options.predictTimeoutMs ?? 120_000,
      },
    );
    return predictions.map((prediction, index) => {
      const input = jobInputs[index];
      return input && 'path' in input && !prediction.error
        ? { ...prediction, thumbnailId: this.options.issueThumbnail(input.path) }
        : prediction;
    });
  }

  /**
   * Classifies image files and folders with a run's model or an export the studio wrote, in
   * one worker; predictions arrive in input order through `onBatch` as they are done.
   */
  async predictFiles(
    model: string,
    targets: string[],
    options: {
      topK: number;
      onBatch(predictions: Prediction[]): void;
      signal?: AbortSignal;
    },
  ): Promise<{ images: number }> {
    const modelDir = await resolvePredictModel(model);
    const files = await listPredictImages(targets);
    await runWorkerTask(
      {
        type: 'predict',
        job: {
          modelDir,
          inputs: files.map((file) => ({ name: file, path: file })),
          topK: options.topK,
          backend: 'auto',
          streamBatch: PREDICT_STREAM_BATCH,
        },
      },
      (message) => {
        if (message.type === 'prediction-batch') options.onBatch(message.predictions);
        return message.type === 'predictions' ? true : undefined;
      },
      {
        launchWorker: this.options.launchWorker,
        ...(this.options.env ? { env: this.options.env } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
    return { images: files.length };
  }
}
