/**
 * fastai's learning-rate finder (lr_find): train the head on the job's data while the learning
 * rate grows exponentially from 1e-7 to 10, record the smoothed loss at each step, stop once
 * it diverges, and suggest a rate with fastai's "valley" rule (the middle of the longest
 * stretch where the loss keeps falling). Uses the same preparation (and feature cache) as a
 * training run, so a run started afterwards reuses the computed features.
 */
import { mkdirSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { LrFindResult, TrainJob, WorkerMessage } from '../../../shared/worker-protocol';
import { resolveBackendChoice, selectBackend } from '../backends/backend-chain';
import type { CancelSignal } from './cancel-signal';
import { prepareTraining, type Prepared } from './prepare-training';
import { RunControl } from './run-control';
import { RunRecorder } from './run-recorder';

export const LR_FIND = {
  start: 1e-7,
  end: 10,
  steps: 100,
  /** Smoothing of the loss (fastai's beta). */
  beta: 0.98,
  /** Stop when the smoothed loss exceeds this multiple of its minimum. */
  divergence: 4,
} as const;

/** fastai's "valley": the longest decreasing run of the loss, then 2/3 of the way down it. */
export function valleySuggestion(
  points: readonly { learningRate: number; loss: number }[],
): number {
  const n = points.length;
  if (n === 0) throw new Error('The learning-rate sweep produced no points.');
  const lengths = new Array<number>(n).fill(1);
  let maxStart = 0;
  let maxEnd = 0;
  for (let i = 1; i < n; i += 1) {
    for (let j = 0; j < i; j += 1) {
      if (points[i]!.loss < points[j]!.loss && lengths[i]! < lengths[j]! + 1) {
        lengths[i] = lengths[j]! + 1;
      }
    }
    if (lengths[maxEnd]! < lengths[i]!) {
      maxEnd = i;
      maxStart = maxEnd - lengths[maxEnd]!;
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const index = Math.min(
    n - 1,
    Math.max(0, maxStart + Math.floor(sections) + Math.floor(sections / 2)),
  );
  return points[index]!.learningRate;
}

/** Runs the sweep with a prepared net and data; returns the smoothed curve and a suggestion. */
export async function sweepLearningRates(
  prepared: Prepared,
  batchSize: number,
  control: CancelSignal,
): Promise<LrFindResult> {
  const points: { learningRate: number; loss: number }[] = [];
  let average = 0;
  let best = Infinity;
  let step = 0;
  const ratio = LR_FIND.end / LR_FIND.start;
  for (let epoch = 1; step < LR_FIND.steps; epoch += 1) {
    for await (const batch of prepared.source.trainBatches(epoch, batchSize, prepared.random)) {
      try {
        control.throwIfCancelled();
        if (step >= LR_FIND.steps) continue;
        const learningRate = LR_FIND.start * ratio ** (step / (LR_FIND.steps - 1));
        const { loss } = await prepared.net.trainStep(batch.inputs, batch.labels, {
          head: learningRate,
          base: 0,
        });
        step += 1;
        average = LR_FIND.beta * average + (1 - LR_FIND.beta) * loss;
        const smoothed = average / (1 - LR_FIND.beta ** step);
        if (!Number.isFinite(smoothed) || (step > 10 && smoothed > LR_FIND.divergence * best)) {
          step = LR_FIND.steps;
          continue;
        }
        best = Math.min(best, smoothed);
        points.push({ learningRate, loss: smoothed });
      } finally {
        tf.dispose(batch.inputs);
      }
    }
  }
  // fastai leaves out the first and last few points, which are mostly noise.
  const shown = points.length > 15 ? points.slice(5, -5) : points;
  return { points: shown, suggested: valleySuggestion(shown) };
}

export async function runLrFind(
  job: TrainJob,
  hooks: { emit(message: WorkerMessage): void; cancel: CancelSignal; env?: NodeJS.ProcessEnv },
): Promise<LrFindResult> {
  mkdirSync(job.runDir, { recursive: true });
  const control = hooks.cancel instanceof RunControl ? hooks.cancel : new RunControl();
  const recorder = new RunRecorder(job.runDir, hooks.emit);
  const { choice } = resolveBackendChoice(job.config.backend, hooks.env);
  const report = await selectBackend(choice);
  hooks.emit({ type: 'backend', report });
  const prepared = await prepareTraining(job, {
    recorder,
    control,
    ...(hooks.env ? { env: hooks.env } : {}),
  });
  try {
    recorder.phase('lr-find', 'Sweeping the learning rate from 1e-7 to 10');
    return await sweepLearningRates(prepared, job.config.batchSize, control);
  } finally {
    await prepared.dispose();
  }
}
