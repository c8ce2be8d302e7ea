/**
 * The worker's 'evaluate' and 'predict' commands: pick the backend, load the run's trained
 * model, run it, and answer with one message ('evaluation', 'predictions' or 'error'); a
 * streamed prediction sends 'prediction-batch' messages before its (empty) 'predictions'.
 */
import type { PredictJob, WorkerCommand, WorkerMessage } from '../../../shared/worker-protocol';
import { resolveBackendChoice, selectBackend } from '../backends/backend-chain';
import { CancelledError, type CancelSignal } from '../training/cancel-signal';
import { openClassifier } from './classifier';
import { evaluateModel } from './evaluate-job';
import { predictImages } from './predict-job';
import { loadTrainedModel, type TrainedModel } from './trained-model';

export interface ModelCommandHooks {
  emit(message: WorkerMessage): void;
  cancel?: CancelSignal;
  env?: NodeJS.ProcessEnv;
}

type ModelCommand = Extract<WorkerCommand, { type: 'evaluate' | 'predict' }>;

async function predict(job: PredictJob, hooks: ModelCommandHooks): Promise<WorkerMessage> {
  const classifier = await openClassifier(job.modelDir);
  try {
    const predictions = await predictImages(classifier, job, {
      onBatch: (offset, batch) =>
        hooks.emit({ type: 'prediction-batch', offset, predictions: batch }),
      ...(hooks.cancel ? { cancel: hooks.cancel } : {}),
    });
    return { type: 'predictions', predictions };
  } finally {
    await classifier.release();
  }
}

/** Runs the command; never throws (a failure becomes an 'error' message). */
export async function runModelCommand(
  command: ModelCommand,
  hooks: ModelCommandHooks,
): Promise<WorkerMessage> {
  let trained: TrainedModel | undefined;
  try {
    const { choice, warning } = resolveBackendChoice(command.job.backend, hooks.env);
    if (warning) hooks.emit({ type: 'phase', phase: 'backend', message: warning });
    const report = await selectBackend(choice);
    hooks.emit({ type: 'backend', report });
    if (command.type === 'predict') return await predict(command.job, hooks);
    trained = await loadTrainedModel(command.job.modelDir);
    const total = command.job.items.length;
    hooks.emit({
      type: 'phase',
      phase: 'evaluating',
      message: `Evaluating ${total} images`,
      progress: 0,
    });
    const evaluation = await evaluateModel(trained, command.job, {
      ...(hooks.cancel ? { cancel: hooks.cancel } : {}),
      onProgress: (done) =>
        hooks.emit({
          type: 'phase',
          phase: 'evaluating',
          message: `Evaluated ${done} of ${total} images`,
          progress: total ? done / total : 1,
        }),
    });
    return { type: 'evaluation', evaluation };
  } catch (error) {
    if (error instanceof CancelledError) return { type: 'error', message: 'Cancelled.' };
    return {
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    };
  } finally {
    trained?.model.dispose();
  }
}
