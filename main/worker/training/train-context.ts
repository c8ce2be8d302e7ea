import type * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../../../shared/domain';
import type { TrainJob } from '../../../shared/worker-protocol';
import type { ImageItem } from '../images/image-batches';
import type { CancelSignal } from './cancel-signal';
import type { Evaluation } from './evaluation';
import type { Head } from './model-parts';
import type { RunRecorder } from './run-recorder';

/** What both training paths get from the job runner. */
export interface TrainContext {
  job: TrainJob;
  cut: tf.LayersModel;
  head: Head;
  recorder: RunRecorder;
  cancel: CancelSignal;
  startedAt: number;
  random: () => number;
  /** Reports an image that failed to decode (once per file). */
  onSkip(item: ImageItem, reason: string): void;
}

export interface TrainOutcome {
  epochs: EpochMetrics[];
  evaluation: Evaluation;
  /** Base cut + head, from images to probabilities: what gets saved. */
  model: tf.LayersModel;
  /** Tensors-owning models to dispose when done (besides the loaded base). */
  disposables: tf.LayersModel[];
}

/** Batch size used when only running the model forward (bounded to keep activations small). */
export function inferenceBatchSize(job: TrainJob): number {
  return Math.min(job.config.batchSize, 32);
}
