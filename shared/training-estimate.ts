/**
 * Live totals of a freeze plan: trainable parameters, the share of compute that needs a backward
 * pass, seconds per epoch from a measured calibration of this machine's backend, and memory.
 * Pure arithmetic over ModelInfo, so the Model screen recomputes it on every toggle.
 */
import type { FreezePlan, ModelInfo, SpeedCalibration } from './domain';
import { effectiveTrainableLayers } from './freeze-plan';

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
  /** Seconds of a training epoch under this plan (trainable part forward and backward, head). */
  epochSeconds: number;
  /**
   * One-off seconds before the first epoch: decoding every image and running the frozen part of
   * the base once to cache its output. 0 when the very first layer trains (nothing to cache).
   */
  setupSeconds: number;
  /** Seconds of an epoch that trains only the head (the first phase of a two-phase run). */
  headEpochSeconds: number;
  /** Milliseconds per training image in an epoch under this plan. */
  trainMsPerImage: number;
  memoryBytes: number;
}

/**
 * Seconds per epoch from the calibration measured on this machine. The worker computes the
 * frozen part of the base once per image and caches its output, so an epoch costs only the
 * trainable part: its forward pass (a share of the measured base forward, by MACs) and the
 * backward pass, scaled from the measured all-trainable step by the plan's backward work.
 * Validation images run the trainable part forward once per epoch.
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
  const { forwardMsPerImage: forward, trainAllMsPerImage: trainAll } = calibration;
  const decode = calibration.decodeMsPerImage;
  const baseMacs = model.layers.reduce((s, l) => s + l.macs, 0);
  const frozenMacs = model.layers
    .slice(0, totals.lowestTrainable < 0 ? model.layers.length : totals.lowestTrainable)
    .reduce((s, l) => s + l.macs, 0);
  const frozenShare = baseMacs > 0 ? frozenMacs / baseMacs : 1;
  const trainableForward = forward * (1 - frozenShare);
  const headStep = calibration.headMsPerImage;
  const backward = Math.max(0, trainAll - forward) * totals.backwardWork;
  const trainMsPerImage = trainableForward + backward + headStep;
  // Nothing is frozen below the first trainable layer: images are decoded every epoch.
  const cached = frozenMacs > 0 || totals.lowestTrainable < 0;
  const images = counts.train + counts.val;
  const views = Math.max(1, counts.viewsPerImage ?? 1);
  const perEpochDecode = cached ? 0 : images * decode;
  const epochMs = counts.train * trainMsPerImage + counts.val * trainableForward + perEpochDecode;
  const headEpochMs =
    counts.train * (trainableForward + headStep) + counts.val * trainableForward + perEpochDecode;
  return {
    epochSeconds: epochMs / 1000,
    setupSeconds: cached ? (images * views * (decode + forward * frozenShare)) / 1000 : 0,
    headEpochSeconds: headEpochMs / 1000,
    trainMsPerImage,
    memoryBytes: estimateMemory(model, plan, head, counts, batchSize),
  };
}

/**
 * Bytes of tensor memory while training: weights, gradients and Adam's two moments for the
 * trainable ones, the activations of a batch (TF.js keeps every forward activation of a
 * training step until its gradients are done), and the cached features of a frozen base.
 */
export function estimateMemory(
  model: EstimateModel,
  plan: FreezePlan,
  head: HeadConfig,
  counts: DatasetCounts,
  batchSize: number,
): number {
  const totals = planTotals(model, plan, head);
  const floatBytes = 4;
  const weights = totals.totalParams * floatBytes;
  const optimizer = totals.trainableParams * floatBytes * 3;
  const input = model.layers[0] ? elements(model.layers[0].outputShape) : 0;
  const images = (counts.train + counts.val) * Math.max(1, counts.viewsPerImage ?? 1);
  if (!totals.endToEnd) {
    const largest = Math.max(0, ...model.layers.map((l) => elements(l.outputShape)));
    const inferenceBatch = Math.min(batchSize, 32);
    const pooled = model.featureShape[model.featureShape.length - 1] ?? 0;
    const activations = inferenceBatch * (2 * largest + input) * floatBytes;
    return weights + optimizer + activations + images * pooled * floatBytes;
  }
  // The cache holds the output of the last frozen layer; TF.js keeps every forward activation
  // of the trainable part until the step's gradients are done.
  const boundary =
    totals.lowestTrainable > 0 ? model.layers[totals.lowestTrainable - 1]! : undefined;
  const cache = boundary ? images * elements(boundary.outputShape) * floatBytes : 0;
  const trainable = model.layers.slice(Math.max(0, totals.lowestTrainable));
  const kept = trainable.reduce((s, l) => s + elements(l.outputShape), 0);
  const gradient = trainable.reduce((max, l) => Math.max(max, elements(l.outputShape)), 0);
  const activations = batchSize * (kept + 2 * gradient + 2 * (boundary ? 0 : input)) * floatBytes;
  return weights + optimizer + activations + cache;
}
