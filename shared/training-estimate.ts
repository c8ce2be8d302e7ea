/**
 * Live totals of a freeze plan: trainable parameters, the share of compute that needs a backward
 * pass, seconds per epoch from a measured calibration of this machine's backend, and memory.
 * Pure arithmetic over ModelInfo, so the Model screen recomputes it on every toggle.
 */
import type { FreezePlan, ModelInfo, SpeedCalibration } from './domain';
import { effectiveTrainableLayers, fineTuneTopPlan, freezableBlocks } from './freeze-plan';

export interface HeadConfig {
  /** Units of the optional hidden dense layer (0 = none). */
  hiddenUnits: number;
  dropout: number;
  classes: number;
}

export interface HeadLayer {
  name: string;
  kind: 'pool' | 'dropout' | 'dense' | 'softmax';
  outputShape: (number | null)[];
  params: number;
  macs: number;
}

type EstimateModel = Pick<ModelInfo, 'layers' | 'blocks' | 'featureShape' | 'totalParams'>;

/** The head the worker puts on the feature layer: pool, dropout, [dense + relu, dropout], softmax. */
export function headLayers(
  featureShape: readonly (number | null)[],
  head: HeadConfig,
): HeadLayer[] {
  const features = featureShape[featureShape.length - 1] ?? 0;
  const layers: HeadLayer[] = [];
  if (featureShape.length === 4) {
    layers.push({
      name: 'head_pool',
      kind: 'pool',
      outputShape: [null, features],
      params: 0,
      macs: 0,
    });
  }
  layers.push({
    name: 'head_dropout',
    kind: 'dropout',
    outputShape: [null, features],
    params: 0,
    macs: 0,
  });
  let width = features;
  if (head.hiddenUnits > 0) {
    layers.push({
      name: 'head_hidden',
      kind: 'dense',
      outputShape: [null, head.hiddenUnits],
      params: width * head.hiddenUnits + head.hiddenUnits,
      macs: width * head.hiddenUnits,
    });
    width = head.hiddenUnits;
    layers.push({
      name: 'head_hidden_dropout',
      kind: 'dropout',
      outputShape: [null, width],
      params: 0,
      macs: 0,
    });
  }
  layers.push({
    name: 'head_dense',
    kind: 'softmax',
    outputShape: [null, head.classes],
    params: width * head.classes + head.classes,
    macs: width * head.classes,
  });
  return layers;
}

export interface PlanTotals {
  /** Parameters the optimizer updates: trainable base layers plus the head. */
  trainableParams: number;
  baseTrainableParams: number;
  headParams: number;
  /** Base and head. */
  totalParams: number;
  totalMacs: number;
  /** MACs of the layers a backward pass has to go through (lowest trainable layer up to the head). */
  backwardMacs: number;
  /** backwardMacs / totalMacs. */
  backwardShare: number;
  /** True when base layers train: every epoch runs the images through the whole network. */
  endToEnd: boolean;
  /** Index (in model.layers) of the lowest trainable base layer, or -1. */
  lowestTrainable: number;
  /** Backward work relative to training every layer (0 = head only, 1 = everything trains). */
  backwardWork: number;
}

const elements = (shape: readonly (number | null)[]): number =>
  shape.slice(1).reduce<number>((p, d) => p * (d ?? 1), 1);

export function planTotals(model: EstimateModel, plan: FreezePlan, head: HeadConfig): PlanTotals {
  const trainable = effectiveTrainableLayers(model, plan);
  const headParts = headLayers(model.featureShape, head);
  const headParams = headParts.reduce((s, l) => s + l.params, 0);
  const headMacs = headParts.reduce((s, l) => s + l.macs, 0);
  const baseMacs = model.layers.reduce((s, l) => s + l.macs, 0);
  const lowestTrainable = model.layers.findIndex((layer) => trainable.has(layer.name));
  const above = lowestTrainable < 0 ? [] : model.layers.slice(lowestTrainable);
  const backwardMacs = above.reduce((s, l) => s + l.macs, 0) + headMacs;
  const totalMacs = baseMacs + headMacs;
  // A layer above the lowest trainable one passes gradients down (about its forward MACs); a
  // trainable one also computes its weight gradient (about as many again).
  const work = (layers: typeof model.layers, isTrainable: (name: string) => boolean) =>
    layers.reduce((s, l) => s + l.macs * (isTrainable(l.name) ? 2 : 1), 0);
  const firstWeighted = model.layers.findIndex((layer) => layer.hasWeights);
  const allWork = work(model.layers.slice(Math.max(0, firstWeighted)), () => true);
  const baseTrainableParams = model.layers
    .filter((layer) => trainable.has(layer.name))
    .reduce((s, l) => s + l.trainableParams, 0);
  return {
    trainableParams: baseTrainableParams + headParams,
    baseTrainableParams,
    headParams,
    totalParams: model.totalParams + headParams,
    totalMacs,
    backwardMacs,
    backwardShare: totalMacs > 0 ? backwardMacs / totalMacs : 0,
    endToEnd: trainable.size > 0,
    lowestTrainable,
    backwardWork: allWork > 0 ? work(above, (name) => trainable.has(name)) / allWork : 0,
  };
}

export interface DatasetCounts {
  train: number;
  val: number;
  /** Augmented views cached per image with a frozen part (1 without augmentation). */
  viewsPerImage?: number;
}

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
 * (MAX_CACHED_FLOATS in main/worker/training/prepare-training.ts); above it, or when the very
 * first layer trains, every epoch runs the frozen part again on the decoded images.
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
