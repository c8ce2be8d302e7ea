/**
 * What a freeze plan trains and costs in parameters and compute: the new head's layers, trainable
 * parameters, the MACs a backward pass goes through. Pure arithmetic over ModelInfo.
 */
import type { FreezePlan, ModelInfo } from './domain';
import { effectiveTrainableLayers } from './freeze-plan';

export type EstimateModel = Pick<ModelInfo, 'layers' | 'blocks' | 'featureShape' | 'totalParams'>;

/** Elements of one example of a layer output ([batch, ...] shapes). */
export const elements = (shape: readonly (number | null)[]): number =>
  shape.slice(1).reduce<number>((p, d) => p * (d ?? 1), 1);

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
