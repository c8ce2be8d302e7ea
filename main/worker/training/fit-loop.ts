/**
 * The epoch loop shared by both training paths: train an epoch, validate, record the epoch's
 * metrics (with throughput and ETA) and check for cancellation between epochs.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics } from '../../../shared/domain';
import type { CancelSignal } from './cancel-signal';
import type { RunRecorder } from './run-recorder';

/** Sums over the images of a pass; loss and accuracy are sums, divided by `count` at the end. */
export interface PassTotals {
  lossSum: number;
  correct: number;
  count: number;
}

export interface EpochLoopOptions {
  epochs: number;
  learningRate: number;
  /** When the run started (elapsed time counts model loading and feature extraction too). */
  startedAt: number;
  recorder: RunRecorder;
  cancel: CancelSignal;
  trainEpoch(epoch: number): Promise<PassTotals>;
  validate(): Promise<PassTotals>;
}

const mean = (sum: number, count: number): number => (count ? sum / count : 0);

export async function runEpochs(options: EpochLoopOptions): Promise<EpochMetrics[]> {
  const results: EpochMetrics[] = [];
  let trainingMs = 0;
  for (let epoch = 1; epoch <= options.epochs; epoch += 1) {
    options.cancel.throwIfCancelled();
    const epochStart = Date.now();
    const train = await options.trainEpoch(epoch);
    const trainEnd = Date.now();
    options.cancel.throwIfCancelled();
    const val = await options.validate();
    const now = Date.now();
    trainingMs += now - epochStart;
    const metrics: EpochMetrics = {
      epoch,
      trainLoss: mean(train.lossSum, train.count),
      trainAccuracy: mean(train.correct, train.count),
      valLoss: mean(val.lossSum, val.count),
      valAccuracy: mean(val.correct, val.count),
      learningRate: options.learningRate,
      imagesPerSecond: train.count / Math.max(1e-3, (trainEnd - epochStart) / 1000),
      elapsedMs: now - options.startedAt,
      etaMs: (trainingMs / epoch) * (options.epochs - epoch),
    };
    results.push(metrics);
    await options.recorder.epoch(metrics, tf.memory().numTensors, {});
  }
  return results;
}
