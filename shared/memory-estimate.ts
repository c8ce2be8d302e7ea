/**
 * Tensor memory of training under a freeze plan, scaled by the activation bytes TF.js's profiler
 * measured in the calibration's full training step.
 */
import type { FreezePlan, SpeedCalibration } from './domain';
import {
  elements,
  planTotals,
  type DatasetCounts,
  type EstimateModel,
  type HeadConfig,
} from './plan-totals';

/** Tensor bytes per activation element TF.js holds in a training step, when not measured. */
export const DEFAULT_ACTIVATION_FACTOR = 4;

const FLOAT_BYTES = 4;

/**
 * How many bytes per activation element (per image) a training step held at its peak in the
 * calibration: TF.js keeps every intermediate of the step (each op's output, not only each
 * layer's) until the gradients are done, so this is several times the layers' own outputs.
 */
export function activationFactor(
  model: EstimateModel,
  calibration?: Pick<SpeedCalibration, 'peakTrainBytes' | 'batchSize' | 'trainBatchSize'>,
): number {
  const activations = model.layers.reduce((s, l) => s + elements(l.outputShape), 0);
  if (!calibration?.peakTrainBytes || activations === 0) return DEFAULT_ACTIVATION_FACTOR;
  // Weights, their gradients and Adam's two moments are the rest of the peak.
  const fixed = model.totalParams * FLOAT_BYTES * 4;
  const rows = calibration.trainBatchSize ?? calibration.batchSize;
  const perElement = (calibration.peakTrainBytes - fixed) / (rows * activations * FLOAT_BYTES);
  return Math.max(1, perElement);
}

/**
 * Bytes of tensor memory while training: weights, gradients and Adam's two moments for the
 * trainable ones, the activations of a batch through the trainable part (scaled by the measured
 * activation factor), and the cache of the frozen part's outputs.
 */
export function estimateMemory(
  model: EstimateModel,
  plan: FreezePlan,
  head: HeadConfig,
  counts: DatasetCounts,
  batchSize: number,
  calibration?: Pick<SpeedCalibration, 'peakTrainBytes' | 'batchSize' | 'trainBatchSize'>,
): number {
  const totals = planTotals(model, plan, head);
  const weights = totals.totalParams * FLOAT_BYTES;
  const optimizer = totals.trainableParams * FLOAT_BYTES * 3;
  const input = model.layers[0] ? elements(model.layers[0].outputShape) : 0;
  const images = (counts.train + counts.val) * Math.max(1, counts.viewsPerImage ?? 1);
  if (!totals.endToEnd) {
    // Inference frees each activation once the next layer has it: two at a time at most.
    const largest = Math.max(0, ...model.layers.map((l) => elements(l.outputShape)));
    const inferenceBatch = Math.min(batchSize, 32);
    const pooled = model.featureShape[model.featureShape.length - 1] ?? 0;
    const activations = inferenceBatch * (2 * largest + input) * FLOAT_BYTES;
    return weights + optimizer + activations + images * pooled * FLOAT_BYTES;
  }
  // The cache holds the output of the last frozen layer.
  const boundary =
    totals.lowestTrainable > 0 ? model.layers[totals.lowestTrainable - 1] : undefined;
  const cache = boundary ? images * elements(boundary.outputShape) * FLOAT_BYTES : 0;
  const trainable = model.layers.slice(Math.max(0, totals.lowestTrainable));
  const kept = trainable.reduce((s, l) => s + elements(l.outputShape), 0);
  const factor = activationFactor(model, calibration);
  const activations = batchSize * kept * factor * FLOAT_BYTES;
  return weights + optimizer + activations + cache;
}
