/**
 * Evaluates a trained model on labelled images inside the worker: streams them through the same
 * decoding as training (sharp, cover-crop, the model's preprocessing), collects probabilities,
 * and builds the evaluation. Images that do not decode are skipped and listed.
 */
import * as tf from '@tensorflow/tfjs';
import type { EvaluateJob } from '../../../shared/worker-protocol';
import { imageBatches } from '../images/image-batches';
import type { CancelSignal } from '../training/cancel-signal';
import { buildEvaluation, type Evaluation } from './build-evaluation';
import type { TrainedModel } from './trained-model';

export interface EvaluateHooks {
  cancel?: CancelSignal;
  onProgress?(done: number, total: number): void;
}

export async function evaluateModel(
  trained: TrainedModel,
  job: EvaluateJob,
  hooks: EvaluateHooks = {},
): Promise<Evaluation> {
  const { model, metadata } = trained;
  const classes = metadata.labels.length;
  const outOfRange = job.items.find((item) => item.label >= classes);
  if (outOfRange) {
    throw new Error(
      `${outOfRange.path} has label ${outOfRange.label}, but the model knows ${classes} classes.`,
    );
  }
  const skipped: { path: string; reason: string }[] = [];
  const kept: { path: string; label: number }[] = [];
  const rows: Float32Array[] = [];
  let done = 0;
  for await (const batch of imageBatches(job.items, {
    size: metadata.inputSize,
    preprocessing: metadata.preprocessing,
    batchSize: job.batchSize,
    onSkip: (item, reason) => {
      skipped.push({ path: item.path, reason });
      done += 1;
    },
  })) {
    hooks.cancel?.throwIfCancelled();
    const [height, width] = metadata.inputSize;
    const probabilities = tf.tidy(
      () =>
        model.predict(
          tf.tensor4d(batch.pixels, [batch.items.length, height, width, 3]),
        ) as tf.Tensor,
    );
    rows.push((await probabilities.data()) as Float32Array);
    probabilities.dispose();
    kept.push(...batch.items);
    done += batch.items.length;
    hooks.onProgress?.(Math.min(done, job.items.length), job.items.length);
  }
  const all = new Float32Array(kept.length * classes);
  let offset = 0;
  for (const row of rows) {
    all.set(row, offset);
    offset += row.length;
  }
  return buildEvaluation(metadata.labels, kept, all, { source: job.source, skipped });
}
