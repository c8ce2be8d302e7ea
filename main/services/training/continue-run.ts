/**
 * "Train N more epochs" on a run that has finished: a new worker starts from the run's saved
 * model (base and head), trains the extra epochs on the same data at a reduced learning rate,
 * and appends to the same run folder, so the run's charts simply go on.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TrainConfig } from '../../../shared/domain';
import { writeJsonAtomic } from '../runs/atomic-file';
import { ModelMetadata, RUN_FILES, writeRunSummary } from '../runs/run-files';
import type { RunStore } from '../runs/run-store';
import { ServiceError } from '../service-error';
import { jobFor, resolveTraining, type JobResolverDeps } from './resolve-job';
import type { TrainingSupervisor } from './training-supervisor';

/** Extra epochs of a finished run train at this fraction of its learning rate (a warm restart). */
export const CONTINUE_RATE_FACTOR = 0.3;

export async function continueRun(
  runId: string,
  epochs: number,
  deps: JobResolverDeps & { runs: RunStore; supervisor: TrainingSupervisor },
): Promise<{ runId: string; epochsPlanned: number }> {
  const summary = await deps.runs.readSummary(runId);
  if (summary.status === 'running') {
    throw new ServiceError(
      'conflict',
      'This run is still being set up or stopping; try again in a moment.',
    );
  }
  const modelDir = path.join(summary.dir, RUN_FILES.modelDir);
  if (!existsSync(path.join(modelDir, 'model.json'))) {
    throw new ServiceError(
      'invalid-request',
      `Run "${summary.name}" has no saved model to continue from (it ended ${summary.status}). ` +
        'Start a new run instead.',
    );
  }
  const saved = TrainConfig.safeParse(
    JSON.parse(await fs.readFile(path.join(summary.dir, RUN_FILES.config), 'utf8')),
  );
  if (!saved.success) {
    throw new ServiceError('failed', `The settings of run "${summary.name}" cannot be read.`);
  }
  const resolved = await resolveTraining(saved.data, deps);
  // The saved model runs at the size it was trained at, whatever 'auto' would pick today.
  const metadata = ModelMetadata.safeParse(
    JSON.parse(await fs.readFile(path.join(modelDir, 'metadata.json'), 'utf8').catch(() => '{}')),
  );
  if (metadata.success) {
    const [height, width] = metadata.data.inputSize;
    resolved.inputSize = [height, width];
    resolved.inputSizeReason = `${height}×${width} px, as the run was trained`;
  }
  if (resolved.labels.join('\n') !== summary.labels.join('\n')) {
    throw new ServiceError(
      'invalid-request',
      `The dataset's classes changed since this run (${summary.labels.join(', ')} → ` +
        `${resolved.labels.join(', ')}); start a new run to train on them.`,
    );
  }
  const config: TrainConfig = {
    ...resolved.config,
    epochs,
    learningRate: resolved.config.learningRate * CONTINUE_RATE_FACTOR,
    // Base layers the plan unfroze keep training, at their own lower rate, from the start.
    fineTune: { ...resolved.config.fineTune, epochs: 0 },
  };
  const job = jobFor(
    { id: summary.id, dir: summary.dir },
    { ...resolved, config },
    {
      cacheDir: deps.cacheDir,
      continueFrom: { modelDir, epochsDone: summary.epochsDone },
    },
  );
  const epochsPlanned = summary.epochsDone + epochs;
  // This process owns the run again (a crash now is told apart from a live run by this file).
  await writeJsonAtomic(path.join(summary.dir, RUN_FILES.owner), {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: summary.startedAt,
  });
  const { finishedAt: _finished, error: _error, ...rest } = summary;
  await writeRunSummary(summary.dir, { ...rest, status: 'running', epochsPlanned });
  deps.supervisor.start(job);
  return { runId, epochsPlanned };
}
