/**
 * The services behind every request channel, in plain Node (no electron import), shared by
 * the Electron shell, the web shell and the CLI. Each handler receives an already-validated
 * request (see dispatch.ts) and returns a value of the contract's response type.
 */
import path from 'node:path';
import type { EventSink, RequestHandlers } from '../../shared/contract';
import type { TrainConfig } from '../../shared/domain';
import type { TrainJob } from '../../shared/worker-protocol';
import { datasetId } from './datasets/dataset-id';
import { ExclusionStore } from './datasets/exclusion-store';
import { scanDataset } from './datasets/scan-dataset';
import { ThumbnailRegistry } from './datasets/thumbnails';
import { createEvaluationHandlers } from './evaluation/evaluation-handlers';
import { EvaluationService } from './evaluation/evaluation-service';
import { exportRun } from './exports/export-run';
import { describeExportTarget } from './exports/export-target';
import { FileMoves } from './files/file-moves';
import { createModelServices } from './models/model-handlers';
import { resolveModel } from './models/model-store';
import type { StudioPaths } from './paths';
import { runDatasetOf } from './runs/run-dataset';
import { RunStore } from './runs/run-store';
import { ServiceError } from './service-error';
import { TrainingSupervisor } from './training/training-supervisor';
import type { WorkerLauncher } from './training/worker-launcher';

export interface StudioServicesOptions {
  paths: StudioPaths;
  shell: 'electron' | 'web';
  version: string;
  emit: EventSink;
  launchWorker: WorkerLauncher;
  /** Electron: shows a file in the system file manager (files:show-in-folder). */
  revealInFolder?: (filePath: string) => void;
}

export interface StudioServices {
  handlers: RequestHandlers;
  thumbnails: ThumbnailRegistry;
  runs: RunStore;
  supervisor: TrainingSupervisor;
  evaluation: EvaluationService;
  /** Resolves a training config into a job (scan, split, model) and starts it. */
  startTraining(
    config: TrainConfig,
    options?: { runDir?: string },
  ): Promise<{ runId: string; dir: string }>;
}

function notYet(what: string): never {
  throw new ServiceError('failed', `${what} is not available in this version yet.`);
}

export function createStudioServices(options: StudioServicesOptions): StudioServices {
  const { paths, emit } = options;
  const thumbnails = new ThumbnailRegistry();
  const runs = new RunStore(paths.runsDir);
  const exclusions = new ExclusionStore(path.join(paths.dataDir, 'datasets'));
  const exclusionsOf = (roots: string[]) => exclusions.get(datasetId(roots));
  const supervisor = new TrainingSupervisor({ launchWorker: options.launchWorker, runs, emit });
  const moves = new FileMoves();
  const evaluation = new EvaluationService({
    runs,
    launchWorker: options.launchWorker,
    issueThumbnail: (filePath) => thumbnails.issue(filePath),
    exclusionsOf,
    movedTo: (filePath) => moves.movedTo(filePath),
  });

  const models = createModelServices({ paths, emit, launchWorker: options.launchWorker });

  async function startTraining(
    config: TrainConfig,
    options: { runDir?: string } = {},
  ): Promise<{ runId: string; dir: string }> {
    const model = await resolveModel(config.model, paths.modelsDirs);
    // The freeze plan is checked against the base and saved, normalised, with the run.
    config = {
      ...config,
      freeze: await models.checkPlan(
        model,
        config.featureLayer ?? model.featureLayer,
        config.freeze,
      ),
    };
    const scanned = await scanDataset(config.datasetRoots, {
      valRatio: config.validationSplit,
      seed: config.seed,
      exclusions: await exclusionsOf(config.datasetRoots),
    });
    if (!scanned.summary.trainable) {
      throw new ServiceError(
        'invalid-request',
        'This dataset cannot be trained: it needs at least two classes with usable images. ' +
          'Add a folder with one sub-folder per class.',
      );
    }
    const labels = scanned.summary.classes.filter((c) => c.count > 0).map((c) => c.name);
    const labelIndex = new Map(labels.map((name, index) => [name, index]));
    const toItem = (file: { path: string; className: string }) => ({
      path: file.path,
      label: labelIndex.get(file.className) ?? -1,
    });
    const usable = scanned.files.filter((file) => labelIndex.has(file.className));
    const train = usable.filter((file) => file.split === 'train').map(toItem);
    const val = usable.filter((file) => file.split === 'val').map(toItem);
    if (train.length === 0 || val.length === 0) {
      throw new ServiceError(
        'invalid-request',
        `The dataset has ${train.length} training and ${val.length} validation images; both must be non-empty.`,
      );
    }
    const featureLayer = config.featureLayer ?? model.featureLayer;
    const run = await runs.create(config, {
      baseModel: model.name,
      labels,
      ...(options.runDir ? { dir: options.runDir } : {}),
      dataset: runDatasetOf(datasetId(config.datasetRoots), scanned.summary, labels),
    });
    const job: TrainJob = {
      runId: run.id,
      runDir: run.dir,
      config,
      modelDir: model.dir,
      nestedBase: model.nestedBase,
      featureLayer,
      inputSize: model.inputSize,
      preprocessing: model.preprocessing,
      labels,
      train,
      val,
      freeze: config.freeze,
      baseModelName: model.name,
    };
    supervisor.start(job);
    return { runId: run.id, dir: run.dir };
  }

  const handlers: RequestHandlers = {
    'app:info': async () => ({
      version: options.version,
      shell: options.shell,
      dataDir: paths.dataDir,
      runsDir: paths.runsDir,
      modelsDirs: paths.modelsDirs,
    }),
    'diagnostics:backends': async () => supervisor.diagnoseBackends('auto'),
    'datasets:scan': async ({ paths: roots }) => {
      const scanned = await scanDataset(roots, {
        thumbnails,
        exclusions: await exclusionsOf(roots),
        onProgress: (progress) => emit('datasets:scan-progress', progress),
      });
      return scanned.summary;
    },
    'datasets:set-excluded': async ({ roots, path: filePath, excluded }) => {
      const id = datasetId(roots);
      const target = path.resolve(filePath);
      const list = excluded
        ? await exclusions.exclude(id, target)
        : await exclusions.include(id, target);
      return { excluded: list };
    },
    ...models.handlers,
    'training:start': async (config) => startTraining(config),
    'training:cancel': async ({ runId }) => ({ cancelled: supervisor.cancel(runId) }),
    // Issue 7 (training controls) implements these in the supervisor and worker.
    'training:pause': async () => notYet('Pausing'),
    'training:resume': async () => notYet('Resuming'),
    'training:extend': async () => notYet('Extending a run'),
    'training:lr-find': async () => notYet('The learning-rate finder'),
    'training:augment-preview': async () => notYet('Augmentation preview'),
    'runs:list': async () => runs.list(),
    'runs:get': async ({ runId }) => runs.get(runId),
    ...createEvaluationHandlers({
      runs,
      evaluation,
      moves,
      emit,
      isTraining: (runId) => supervisor.activeRunIds.includes(runId),
      startTraining: (config) => startTraining(config),
      ...(options.revealInFolder ? { revealInFolder: options.revealInFolder } : {}),
    }),
    'exports:check-target': async ({ outDir, zip }) => describeExportTarget(outDir, zip),
    'exports:run': async ({ runId, ...request }) =>
      exportRun(runs.dirOf(runId), request, {
        launchWorker: options.launchWorker,
        producerVersion: options.version,
        onProgress: (progress) => emit('exports:progress', { runId, ...progress }),
      }),
  };

  return { handlers, thumbnails, runs, supervisor, evaluation, startTraining };
}
