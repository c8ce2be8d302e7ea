/**
 * The services behind every request channel, in plain Node (no electron import), shared by
 * the Electron shell, the web shell and the CLI. Each handler receives an already-validated
 * request (see dispatch.ts) and returns a value of the contract's response type.
 */
import path from 'node:path';
import type { EventSink, RequestHandlers } from '../../shared/contract';
import type { TrainConfig } from '../../shared/domain';
import { createDatasetHandlers } from './datasets/dataset-handlers';
import { datasetId } from './datasets/dataset-id';
import { ExclusionStore } from './datasets/exclusion-store';
import { ThumbnailRegistry } from './datasets/thumbnails';
import { createEvaluationHandlers } from './evaluation/evaluation-handlers';
import { EvaluationService } from './evaluation/evaluation-service';
import { exportRun } from './exports/export-run';
import { describeExportTarget } from './exports/export-target';
import { FileMoves } from './files/file-moves';
import { createModelServices } from './models/model-handlers';
import type { StudioPaths } from './paths';
import { ProjectStore } from './project/project-store';
import { runDatasetOf } from './runs/run-dataset';
import { RunStore } from './runs/run-store';
import { createTrainingControlHandlers } from './training/control-handlers';
import { jobFor, resolveTraining } from './training/resolve-job';
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

export function createStudioServices(options: StudioServicesOptions): StudioServices {
  const { paths, emit } = options;
  const thumbnails = new ThumbnailRegistry({ cacheDir: path.join(paths.cacheDir, 'thumbnails') });
  const runs = new RunStore(paths.runsDir);
  const exclusions = new ExclusionStore(path.join(paths.dataDir, 'datasets'));
  const exclusionsOf = (roots: string[]) => exclusions.forRoots(roots);
  const supervisor = new TrainingSupervisor({ launchWorker: options.launchWorker, runs, emit });
  const moves = new FileMoves();
  const project = new ProjectStore(paths.dataDir);
  const evaluation = new EvaluationService({
    runs,
    launchWorker: options.launchWorker,
    issueThumbnail: (filePath) => thumbnails.issue(filePath),
    exclusionsOf,
    movedTo: (filePath) => moves.movedTo(filePath),
  });

  const models = createModelServices({ paths, emit, launchWorker: options.launchWorker });

  const jobDeps = {
    modelsDirs: paths.modelsDirs,
    cacheDir: paths.cacheDir,
    exclusionsOf,
    checkPlan: models.checkPlan,
  };

  async function startTraining(
    config: TrainConfig,
    options: { runDir?: string } = {},
  ): Promise<{ runId: string; dir: string }> {
    const resolved = await resolveTraining(config, jobDeps);
    const run = await runs.create(resolved.config, {
      baseModel: resolved.model.name,
      labels: resolved.labels,
      ...(options.runDir ? { dir: options.runDir } : {}),
      dataset: runDatasetOf(
        datasetId(config.datasetRoots),
        resolved.scanned.summary,
        resolved.labels,
      ),
      plan: resolved.planLabel,
    });
    supervisor.start(jobFor(run, resolved, { cacheDir: paths.cacheDir }));
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
    'project:get': async () => project.load(),
    'project:save': async (saved) => {
      await project.save(saved);
      return {};
    },
    'diagnostics:backends': async () => supervisor.diagnoseBackends('auto'),
    ...createDatasetHandlers({ thumbnails, exclusions, emit }),
    ...models.handlers,
    'training:start': async (config) => startTraining(config),
    'training:cancel': async ({ runId }) => ({ cancelled: supervisor.cancel(runId) }),
    ...createTrainingControlHandlers({ ...jobDeps, runs, supervisor, thumbnails }),
    'runs:list': async () => runs.list(),
    'runs:get': async ({ runId }) => runs.get(runId),
    ...createEvaluationHandlers({
      runs,
      evaluation,
      moves,
      emit,
      isTraining: (runId) => supervisor.isTraining(runId),
      workerGone: (runId) => supervisor.waitFor(runId),
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
