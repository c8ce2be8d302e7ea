/**
 * Runs one training job inside the worker: picks the backend, prepares the model and the data
 * (feature cache), runs the fit loop's phases, saves the model and the evaluation into the run
 * folder, and records how the run ended. Never throws: every outcome (completed, cancelled,
 * failed) ends in a summary.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EpochMetrics, RunSummary } from '../../../shared/domain';
import type { TrainJob, WorkerMessage } from '../../../shared/worker-protocol';
import { writeJsonAtomic } from '../../services/runs/atomic-file';
import { RUN_FILES, readMetricsLines } from '../../services/runs/run-files';
import { resolveBackendChoice, selectBackend } from '../backends/backend-chain';
import { CancelledError, type CancelSignal } from './cancel-signal';
import { buildEvaluation } from './evaluation';
import { fit, type Phase } from './fit-loop';
import { prepareTraining, type Prepared } from './prepare-training';
import { RunControl } from './run-control';
import { RunRecorder } from './run-recorder';
import { saveModelFolder } from './save-model';

export const CREATED_BY = 'Transfer Studio';

export interface JobHooks {
  emit(message: WorkerMessage): void;
  /** The run's controls; a plain CancelSignal only cancels. */
  cancel: CancelSignal;
  env?: NodeJS.ProcessEnv;
}

/** The phases a job's settings ask for (see TrainConfig.fineTune). */
export function planPhases(job: TrainJob, hasBaseWeights: boolean): Phase[] {
  const { config } = job;
  const head = config.learningRate;
  const base = config.learningRate * config.fineTune.learningRateFactor;
  if (!hasBaseWeights) return [{ kind: 'head', epochs: config.epochs, rates: { head, base: 0 } }];
  if (config.fineTune.epochs === 0) {
    // One phase: the planned base layers train from the start, at their lower rate.
    return [{ kind: 'fine-tune', epochs: config.epochs, rates: { head, base } }];
  }
  return [
    { kind: 'head', epochs: config.epochs, rates: { head, base: 0 } },
    { kind: 'fine-tune', epochs: config.fineTune.epochs, rates: { head, base } },
  ];
}

const rate = (value: number): string => value.toPrecision(2);

function describePhase(job: TrainJob, prepared: Prepared, phase: Phase): string {
  const { schedule } = job.config;
  const epochs = `${phase.epochs} epoch${phase.epochs === 1 ? '' : 's'}`;
  if (phase.kind === 'head') {
    return `Training the head with the base frozen: ${epochs}, learning rate ${rate(phase.rates.head)} (${schedule})`;
  }
  const layers = prepared.trainableLayers.length;
  const what =
    phase.rates.base > 0
      ? `${layers} base layer${layers === 1 ? '' : 's'} at ${rate(phase.rates.base)} and the head at ${rate(phase.rates.head)}`
      : `the head at ${rate(phase.rates.head)}`;
  return phase.kind === 'fine-tune'
    ? `Fine-tuning ${what}: ${epochs} (${schedule})`
    : `Training ${epochs} more: ${what} (${schedule})`;
}

async function earlierEpochs(job: TrainJob): Promise<EpochMetrics[]> {
  if (!job.continueFrom) return [];
  const lines = await readMetricsLines(job.runDir);
  return lines.flatMap((line) => (line.type === 'epoch' ? [line as EpochMetrics] : []));
}

export async function runTrainJob(job: TrainJob, hooks: JobHooks): Promise<RunSummary> {
  const startedAt = Date.now();
  const control = hooks.cancel instanceof RunControl ? hooks.cancel : wrapCancel(hooks.cancel);
  const recorder = new RunRecorder(job.runDir, hooks.emit);
  let prepared: Prepared | undefined;
  const finish = (patch: Partial<RunSummary>): Promise<RunSummary> =>
    recorder.update({
      ...recorder.accuracies(),
      ...patch,
      finishedAt: new Date().toISOString(),
      durationMs: Date.now() - startedAt,
    });
  try {
    recorder.seed(await earlierEpochs(job));
    const { choice, warning } = resolveBackendChoice(job.config.backend, hooks.env);
    if (warning) recorder.phase('backend', warning);
    const report = await selectBackend(choice);
    hooks.emit({ type: 'backend', report });
    // The host announces the backend from the 'backend' message; the file keeps a line too.
    recorder.note('backend', `Training on ${report.description}`);
    await recorder.update({ backend: report.description, status: 'running' });

    prepared = await prepareTraining(job, {
      recorder,
      control,
      tfjsUsesGpu: report.chosen === 'tensorflow-gpu',
      ...(hooks.env ? { env: hooks.env } : {}),
    });
    const phases = planPhases(job, prepared.net.hasBaseWeights);
    const firstEpoch = (job.continueFrom?.epochsDone ?? 0) + 1;
    const planned = () => firstEpoch - 1 + phases.reduce((sum, phase) => sum + phase.epochs, 0);
    await recorder.update({ epochsPlanned: planned() });
    const checkpointDir = path.join(job.runDir, RUN_FILES.checkpointDir);
    const metadata = (runModel: string) => ({
      labels: job.labels,
      imageSize: job.inputSize[0],
      inputSize: job.inputSize,
      preprocessing: job.preprocessing,
      baseModel: job.baseModelName,
      featureLayer: job.featureLayer,
      runId: job.runId,
      createdAt: new Date().toISOString(),
      createdBy: `${CREATED_BY} (${runModel})`,
    });
    control.setPlanned(planned);
    const result = await fit({
      phases,
      schedule: job.config.schedule,
      batchSize: job.config.batchSize,
      source: prepared.source,
      net: prepared.net,
      control,
      recorder,
      random: prepared.random,
      startedAt,
      firstEpoch,
      earlyStopping: job.config.earlyStopping,
      saveCheckpoint: (epoch) =>
        saveModelFolder(prepared!.model, checkpointDir, metadata(`best epoch ${epoch}`)),
      describePhase: (phase) => describePhase(job, prepared!, phase),
    });
    await recorder.update({ epochsPlanned: planned() });

    recorder.phase('saving', 'Saving the trained model');
    await saveModelFolder(
      prepared.model,
      path.join(job.runDir, RUN_FILES.modelDir),
      metadata(result.bestEpoch ? `epoch ${result.bestEpoch}` : 'trained'),
    );
    const evaluation = buildEvaluation(
      job.labels,
      result.validation.items,
      result.validation.probabilities,
    );
    await writeJsonAtomic(path.join(job.runDir, RUN_FILES.evaluation), evaluation);
    // The saved model is the restored best epoch when early stopping kept one; its accuracy is
    // what the run delivers.
    return await finish({
      status: 'completed',
      epochsPlanned: planned(),
      finalValAccuracy: evaluation.accuracy,
    });
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
    await prepared?.dispose();
  }
}

/** A RunControl that follows a plain CancelSignal (callers that only cancel). */
function wrapCancel(signal: CancelSignal): RunControl {
  const control = new RunControl();
  const original = control.throwIfCancelled.bind(control);
  control.throwIfCancelled = () => {
    if (signal.cancelled) control.cancel();
    original();
  };
  return control;
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
