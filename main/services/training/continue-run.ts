/**
 * "Train N more epochs" on a run that has finished: a new run starts from the finished run's
 * saved model (base and head) and trains the extra epochs on the same images at a reduced
 * learning rate. The finished run is never touched, so its evaluations and the exports made
 * from it keep matching it; the new run records which run it continued and starts with a copy
 * of its metrics, so its charts simply go on.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { TrainConfig, type RunSummary } from '../../../shared/domain';
import { datasetId } from '../datasets/dataset-id';
import { runDatasetOf } from '../runs/run-dataset';
import { readRunDataset } from '../runs/run-details';
import { ModelMetadata, RUN_FILES, writeRunSummary } from '../runs/run-files';
import type { RunStore } from '../runs/run-store';
import { ServiceError } from '../service-error';
import {
  jobFor,
  resolveTraining,
  type JobResolverDeps,
  type ResolvedTraining,
} from './resolve-job';
import type { TrainingSupervisor } from './training-supervisor';

/** Extra epochs of a finished run train at this fraction of its learning rate (a warm restart). */
export const CONTINUE_RATE_FACTOR = 0.3;

type ContinueDeps = JobResolverDeps & { runs: RunStore; supervisor: TrainingSupervisor };

export async function continueRun(
  runId: string,
  epochs: number,
  deps: ContinueDeps,
): Promise<{ runId: string; epochsPlanned: number }> {
  const parent = await deps.runs.readSummary(runId);
  if (parent.status === 'running') {
    throw new ServiceError(
      'conflict',
      'This run is still being set up or stopping; try again in a moment.',
    );
  }
  const modelDir = path.join(parent.dir, RUN_FILES.modelDir);
  if (!existsSync(path.join(modelDir, 'model.json'))) {
    throw new ServiceError(
      'invalid-request',
      `Run "${parent.name}" has no saved model to continue from (it ended ${parent.status}). ` +
        'Start a new run instead.',
    );
  }
  const resolved = await resolveParent(parent, modelDir, deps);
  const { name: _name, ...settings } = resolved.config;
  const config: TrainConfig = {
    ...settings,
    epochs,
    // A continued run's settings already hold the reduced rate: it is not reduced again.
    learningRate: parent.continuedFrom
      ? resolved.config.learningRate
      : resolved.config.learningRate * CONTINUE_RATE_FACTOR,
    // Base layers the plan unfroze keep training, at their own lower rate, from the start.
    fineTune: { ...resolved.config.fineTune, epochs: 0 },
  };
  const run = await deps.runs.create(config, {
    baseModel: resolved.model.name,
    labels: resolved.labels,
    dataset: runDatasetOf(
      datasetId(config.datasetRoots),
      resolved.scanned.summary,
      resolved.labels,
    ),
    plan: resolved.planLabel,
    continuedFrom: { runId: parent.id, name: parent.name, epochsDone: parent.epochsDone },
  });
  // The new run starts where its parent ended: its epochs, numbered on from them.
  await fs.copyFile(
    path.join(parent.dir, RUN_FILES.metrics),
    path.join(run.dir, RUN_FILES.metrics),
  );
  const epochsPlanned = parent.epochsDone + epochs;
  await writeRunSummary(run.dir, {
    ...run,
    name: `${parent.name} · +${epochs} epoch${epochs === 1 ? '' : 's'}`,
    epochsPlanned,
    epochsDone: parent.epochsDone,
  });
  const job = jobFor(
    run,
    { ...resolved, config },
    {
      cacheDir: deps.cacheDir,
      continueFrom: { modelDir, epochsDone: parent.epochsDone },
    },
  );
  deps.supervisor.start(job);
  return { runId: run.id, epochsPlanned };
}

/**
 * The parent's settings resolved on its own images, at the size its model was trained at.
 * Refused when its classes or its images changed since: the extension would not go on from
 * what the run learnt on, and its curves would mix two validation sets.
 */
async function resolveParent(
  parent: RunSummary,
  modelDir: string,
  deps: ContinueDeps,
): Promise<ResolvedTraining> {
  const saved = TrainConfig.safeParse(
    JSON.parse(await fs.readFile(path.join(parent.dir, RUN_FILES.config), 'utf8')),
  );
  if (!saved.success) {
    throw new ServiceError('failed', `The settings of run "${parent.name}" cannot be read.`);
  }
  const resolved = await resolveTraining(saved.data, deps);
  const metadata = ModelMetadata.safeParse(
    JSON.parse(await fs.readFile(path.join(modelDir, 'metadata.json'), 'utf8').catch(() => '{}')),
  );
  if (metadata.success) {
    const [height, width] = metadata.data.inputSize;
    resolved.inputSize = [height, width];
    resolved.inputSizeReason = `${height}×${width} px, as the run was trained`;
  }
  if (resolved.labels.join('\n') !== parent.labels.join('\n')) {
    throw new ServiceError(
      'invalid-request',
      `The dataset's classes changed since this run (${parent.labels.join(', ')} → ` +
        `${resolved.labels.join(', ')}); start a new run to train on them.`,
    );
  }
  const trainedOn = await readRunDataset(parent.dir);
  if (trainedOn && trainedOn.fingerprint !== resolved.scanned.summary.fingerprint) {
    throw new ServiceError(
      'invalid-request',
      `The images in ${trainedOn.roots.join(', ')} changed since run "${parent.name}" was ` +
        'trained (files added, removed, edited or left out), so it cannot be extended on them. ' +
        'Start a new run to train on the folder as it is now.',
    );
  }
  return resolved;
}
