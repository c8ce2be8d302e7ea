/**
 * Runs one training job inside the worker: picks the backend, loads and cuts the base, trains
 * the head (on cached features when the base is frozen, end to end otherwise), saves the model
 * and the evaluation into the run folder, and records how the run ended. Never throws: every
 * outcome (completed, cancelled, failed) ends in a summary.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunSummary } from '../../../shared/domain';
import type { TrainJob, WorkerMessage } from '../../../shared/worker-protocol';
import { loadBaseModel, type LoadedBase } from '../../services/models/load-layers-model';
import { writeJsonAtomic } from '../../services/runs/atomic-file';
import { RUN_FILES } from '../../services/runs/run-files';
import { resolveBackendChoice, selectBackend } from '../backends/backend-chain';
import { CancelledError, type CancelSignal } from './cancel-signal';
import { applyFreezePlan, createHead } from './model-parts';
import { RunRecorder } from './run-recorder';
import { saveModelFolder } from './save-model';
import { seededRandom } from './seeded-random';
import type { TrainOutcome } from './train-context';
import { trainEndToEnd } from './train-end-to-end';
import { trainOnFeatures } from './train-on-features';

export const CREATED_BY = 'Transfer Studio';

export interface JobHooks {
  emit(message: WorkerMessage): void;
  cancel: CancelSignal;
  env?: NodeJS.ProcessEnv;
}

export async function runTrainJob(job: TrainJob, hooks: JobHooks): Promise<RunSummary> {
  const startedAt = Date.now();
  const recorder = new RunRecorder(job.runDir, hooks.emit);
  let loaded: LoadedBase | undefined;
  let outcome: TrainOutcome | undefined;
  const finish = (patch: Partial<RunSummary>): Promise<RunSummary> =>
    recorder.update({
      ...patch,
      ...recorder.accuracies(),
      finishedAt: new Date().toISOString(),
      durationMs: Date.now() - startedAt,
    });
  try {
    const { choice, warning } = resolveBackendChoice(job.config.backend, hooks.env);
    if (warning) recorder.phase('backend', warning);
    const report = await selectBackend(choice);
    hooks.emit({ type: 'backend', report });
    // The host announces the backend from the 'backend' message; the file keeps a line too.
    recorder.note('backend', `Training on ${report.description}`);
    await recorder.update({ backend: report.description });

    recorder.phase('loading-model', `Loading ${job.baseModelName}`);
    loaded = await loadBaseModel(job.modelDir, {
      nestedBase: job.nestedBase,
      featureLayer: job.featureLayer,
    });
    const freeze = applyFreezePlan(loaded.cut, job.freeze);
    if (freeze.unknown.length || freeze.withoutWeights.length) {
      recorder.phase(
        'freeze',
        [
          freeze.unknown.length ? `Not in the base, ignored: ${freeze.unknown.join(', ')}.` : '',
          freeze.withoutWeights.length
            ? `No weights to train, ignored: ${freeze.withoutWeights.join(', ')}.`
            : '',
        ]
          .filter(Boolean)
          .join(' '),
      );
    }
    const head = createHead(
      loaded.cut.outputs[0]!.shape,
      job.labels.length,
      job.config.dropout,
      job.config.seed,
    );
    const skipped = new Set<string>();
    const context = {
      job,
      cut: loaded.cut,
      head,
      recorder,
      cancel: hooks.cancel,
      startedAt,
      random: seededRandom(job.config.seed),
      onSkip: (item: { path: string }, reason: string) => {
        if (skipped.has(item.path)) return;
        skipped.add(item.path);
        recorder.phase(
          'skipped-image',
          `Skipped ${item.path}: it could not be decoded (${reason}).`,
        );
      },
    };
    outcome = freeze.trainable.length
      ? await trainEndToEnd(context)
      : await trainOnFeatures(context);

    recorder.phase('saving', 'Saving the trained model');
    await saveModelFolder(outcome.model, path.join(job.runDir, RUN_FILES.modelDir), {
      labels: job.labels,
      imageSize: job.inputSize[0],
      inputSize: job.inputSize,
      preprocessing: job.preprocessing,
      baseModel: job.baseModelName,
      featureLayer: job.featureLayer,
      runId: job.runId,
      createdAt: new Date().toISOString(),
      createdBy: CREATED_BY,
    });
    await writeJsonAtomic(path.join(job.runDir, RUN_FILES.evaluation), outcome.evaluation);
    return await finish({ status: 'completed' });
  } catch (error) {
    if (error instanceof CancelledError) {
      recorder.phase('cancelled', 'Training was cancelled; no model was saved.');
      return finish({ status: 'cancelled' });
    }
    const message = error instanceof Error ? error.message : String(error);
    hooks.emit({
      type: 'error',
      message,
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    });
    try {
      recorder.phase('failed', message);
      return await finish({ status: 'failed', error: message });
    } catch (recordError) {
      // The run folder itself is unwritable: report without it.
      writeFileSync(2, `could not record the failure: ${String(recordError)}\n`);
      return failedSummaryWithoutFolder(job, message, startedAt);
    }
  } finally {
    for (const model of outcome?.disposables ?? []) model.dispose();
    loaded?.model.dispose();
  }
}

function failedSummaryWithoutFolder(job: TrainJob, message: string, startedAt: number): RunSummary {
  return {
    id: job.runId,
    dir: job.runDir,
    name: job.config.name ?? job.baseModelName,
    status: 'failed',
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date().toISOString(),
    baseModel: job.baseModelName,
    labels: job.labels,
    epochsPlanned: job.config.epochs,
    epochsDone: 0,
    durationMs: Date.now() - startedAt,
    error: message,
  };
}
