/**
 * Live totals of a freeze plan: trainable parameters, the share of compute that needs a backward
 * pass, seconds per epoch from a measured calibration of this machine's backend, and memory.
 * Pure arithmetic over ModelInfo, so the Model screen recomputes it on every toggle.
 */
import type { FreezePlan, SpeedCalibration } from './domain';
import { fineTuneTopPlan, freezableBlocks } from './freeze-plan';
import { estimateMemory } from './memory-estimate';
import {
  elements,
  planTotals,
  type DatasetCounts,
  type EstimateModel,
  type HeadConfig,
} from './plan-totals';

export * from './memory-estimate';
export * from './plan-totals';

export interface EpochEstimate {
  /** Seconds of a training epoch under this plan. */
  epochSeconds: number;
  /**
   * One-off seconds before the first epoch: decoding every image and, when its output is
   * cached, running the frozen part of the base over it once.
   */
  setupSeconds: number;
  /** Seconds of an epoch that trains only the head (the first phase of a two-phase run). */
  headEpochSeconds: number;
  /** Milliseconds of one training step per image under this plan. */
  trainMsPerImage: number;
  /** True when the frozen part's output is cached (else it runs again every epoch). */
  cached: boolean;
  memoryBytes: number;
}

/**
 * The worker caches the frozen part's output when one example of it has at most this many floats
 * (main/worker/training/prepare-training.ts imports this constant, so the estimate and the worker
 * cannot disagree); above it, or when the very first layer trains, every epoch runs the frozen
 * part again on the decoded images.
 */
export const FEATURE_CACHE_MAX_FLOATS = 64 * 1024;

/**
 * Seconds per epoch from the calibration measured on this machine, following what the worker
 * does: the frozen part of the base runs once per image and its output is cached (when small
 * enough), so an epoch costs the trainable part's training steps, measured for the top block
 * and for every layer and interpolated by the plan's backward work; validation runs the
 * trainable part forward (a share of the measured forward pass, by MACs).
 */
export function estimateEpoch(
  model: EstimateModel,
  plan: FreezePlan,
  head: HeadConfig,
  calibration: SpeedCalibration,
  counts: DatasetCounts,
  batchSize: number,
): EpochEstimate {
  const totals = planTotals(model, plan, head);
  const forward = calibration.forwardMsPerImage;
  const decode = calibration.decodeMsPerImage;
  const baseMacs = model.layers.reduce((s, l) => s + l.macs, 0);
  const below =
    totals.lowestTrainable < 0 ? model.layers : model.layers.slice(0, totals.lowestTrainable);
  const frozenShare = baseMacs > 0 ? below.reduce((s, l) => s + l.macs, 0) / baseMacs : 1;
  const frozenForward = forward * frozenShare;
  const trainableForward = forward - frozenForward;
  const step = trainStepMs(model, head, calibration, totals.backwardWork);
  const boundary = below.length ? below[below.length - 1]! : undefined;
  const boundaryIsInput = !boundary || boundary.className === 'InputLayer';
  const cached =
    !totals.endToEnd ||
    (!boundaryIsInput && elements(boundary.outputShape) <= FEATURE_CACHE_MAX_FLOATS);
  const views = Math.max(1, counts.viewsPerImage ?? 1);
  const { train, val } = counts;
  // Without a cache the frozen part runs every epoch (decoded images are kept in memory).
  const everyEpoch = cached ? 0 : (train + val) * frozenForward;
  // Validation runs forward only: the trainable part's share of the forward pass, and the
  // head at about a third of its training step (a backward pass costs about two forwards).
  const valMs = val * (trainableForward + calibration.headMsPerImage / 3);
  const epochMs = everyEpoch + train * step + valMs;
  const headEpochMs = everyEpoch + train * (trainableForward + calibration.headMsPerImage) + valMs;
  const setupMs = cached
    ? (train * views + val) * (decode + frozenForward)
    : (train + val) * decode;
  return {
    epochSeconds: epochMs / 1000,
    setupSeconds: setupMs / 1000,
    headEpochSeconds: headEpochMs / 1000,
    trainMsPerImage: step,
    cached,
    memoryBytes: estimateMemory(model, plan, head, counts, batchSize, calibration),
  };
}

/**
 * Milliseconds per image of a training step whose backward work is `work` (see
 * PlanTotals.backwardWork), interpolated between the measured steps: the head alone (0), the top
 * block and the head, every layer and the head (1).
 */
export function trainStepMs(
  model: EstimateModel,
  head: HeadConfig,
  calibration: SpeedCalibration,
  work: number,
): number {
  const points: [number, number][] = [[0, calibration.headMsPerImage]];
  const add = (plan: FreezePlan, ms: number | undefined) => {
    const at = planTotals(model, plan, head).backwardWork;
    const last = points[points.length - 1]!;
    if (ms !== undefined && at > last[0] && at < 1) points.push([at, Math.max(last[1], ms)]);
  };
  add(fineTuneTopPlan(model, 1), calibration.trainTopMsPerImage);
  add(midCalibrationPlan(model, head), calibration.trainMidMsPerImage);
  points.push([1, Math.max(points[points.length - 1]![1], calibration.trainAllMsPerImage)]);
  const clamped = Math.min(1, Math.max(0, work));
  for (let i = 1; i < points.length; i += 1) {
    const [w0, c0] = points[i - 1]!;
    const [w1, c1] = points[i]!;
    if (clamped <= w1) return w1 === w0 ? c1 : c0 + ((clamped - w0) / (w1 - w0)) * (c1 - c0);
  }
  return points[points.length - 1]![1];
}

/** Backward work of the calibration's middle point (see midCalibrationPlan). */
const MID_CALIBRATION_WORK = 0.25;

/**
 * The plan of the calibration's middle training step: the fewest top blocks whose backward work
 * reaches a quarter of training everything. Costs per MAC grow towards the input (larger maps),
 * so a straight line from the top block to everything would overestimate the plans in between.
 */
export function midCalibrationPlan(model: EstimateModel, head: HeadConfig): FreezePlan {
  const blocks = freezableBlocks(model).length;
  for (let k = 2; k < blocks; k += 1) {
    const plan = fineTuneTopPlan(model, k);
    if (planTotals(model, plan, head).backwardWork >= MID_CALIBRATION_WORK) return plan;
  }
  return fineTuneTopPlan(model, Math.max(1, blocks - 1));
}
