/**
 * One TF.js layer to zero or more intermediate-form nodes. Every class the studio's catalog
 * models and heads contain is handled; anything else is refused with the layer's name.
 */
import type * as tf from '@tensorflow/tfjs';
import type { IrOp, TfShape, ValueId } from './layer-ir';
import { lowerConvolution, requireChannelsLast } from './lower-conv';
import { requireWeight, weightsByRole } from './layer-weights';
import { UnsupportedLayerError } from './unsupported-layer-error';

type Config = Record<string, unknown>;

/** What lowering needs from the graph being built. */
export interface IrBuilder {
  shapeOf(value: ValueId): TfShape;
  add(op: IrOp, inputs: ValueId[], shape: TfShape, layerName: string): ValueId;
}

/** Layers that do nothing at inference time. */
const passThrough = new Set([
  'InputLayer',
  'Dropout',
  'SpatialDropout1D',
  'SpatialDropout2D',
  'GaussianNoise',
  'GaussianDropout',
]);

function normalizeAxis(axis: unknown, rank: number): number {
  const value = typeof axis === 'number' ? axis : -1;
  return value < 0 ? value + rank : value;
}

/** Appends the node(s) for a Keras activation name; 'linear' adds nothing. */
export function lowerActivation(
  layer: tf.layers.Layer,
  activation: unknown,
  input: ValueId,
  build: IrBuilder,
): ValueId {
  const shape = build.shapeOf(input);
  const add = (op: IrOp): ValueId => build.add(op, [input], shape, layer.name);
  switch (activation ?? 'linear') {
    case 'linear':
      return input;
    case 'relu':
      return add({ kind: 'relu' });
    case 'relu6':
      return add({ kind: 'clip', min: 0, max: 6 });
    case 'sigmoid':
      return add({ kind: 'sigmoid' });
    case 'tanh':
      return add({ kind: 'tanh' });
    case 'softmax':
      return add({ kind: 'softmax', axis: shape.length - 1 });
    default:
      throw new UnsupportedLayerError(
        layer.name,
        layer.getClassName(),
        `activation "${String(activation)}" is not supported (relu, relu6, sigmoid, tanh, softmax, linear are)`,
      );
  }
}

function lowerBatchNorm(layer: tf.layers.Layer, config: Config, shape: TfShape): IrOp {
  const rank = shape.length;
  if (normalizeAxis(config['axis'], rank) !== rank - 1 || (rank !== 2 && rank !== 4)) {
    throw new UnsupportedLayerError(
      layer.name,
      'BatchNormalization',
      'only normalisation over the last (channel) axis of a 2D or 4D tensor is supported',
    );
  }
  const roles = weightsByRole(layer);
  const mean = requireWeight(layer, roles, 'moving_mean').data;
  const variance = requireWeight(layer, roles, 'moving_variance').data;
  const gamma =
    config['scale'] === false
      ? new Float32Array(mean.length).fill(1)
      : requireWeight(layer, roles, 'gamma').data;
  const beta =
    config['center'] === false
      ? new Float32Array(mean.length)
      : requireWeight(layer, roles, 'beta').data;
  const epsilon = typeof config['epsilon'] === 'number' ? config['epsilon'] : 1e-3;
  return { kind: 'batchnorm', gamma, beta, mean, variance, epsilon };
}

function lowerDense(layer: tf.layers.Layer, config: Config): IrOp {
  const roles = weightsByRole(layer);
  const kernel = requireWeight(layer, roles, 'kernel');
  const [inputUnits, units] = kernel.shape as [number, number];
  const bias = config['useBias'] === false ? undefined : requireWeight(layer, roles, 'bias').data;
  return { kind: 'dense', kernel: kernel.data, inputUnits, units, bias };
}

function lowerZeroPadding(layer: tf.layers.Layer, config: Config): IrOp {
  requireChannelsLast(layer, config);
  const padding = config['padding'];
  let pairs: number[][];
  if (typeof padding === 'number')
    pairs = [
      [padding, padding],
      [padding, padding],
    ];
  else if (Array.isArray(padding) && padding.every((p) => typeof p === 'number')) {
    pairs = (padding as number[]).map((p) => [p, p]);
  } else pairs = padding as number[][];
  const [[top = 0, bottom = 0] = [], [left = 0, right = 0] = []] = pairs;
  return { kind: 'pad', pads: { top, bottom, left, right } };
}

/** Lowers `layer` applied to `inputs`; returns the value holding its output. */
export function lowerLayer(
  layer: tf.layers.Layer,
  inputs: ValueId[],
  outputShape: TfShape,
  build: IrBuilder,
): ValueId {
  const className = layer.getClassName();
  const config = layer.getConfig() as Config;
  const [first] = inputs;
  if (first === undefined)
    throw new UnsupportedLayerError(layer.name, className, 'it has no input');
  if (inputs.length > 1 && className !== 'Add') {
    throw new UnsupportedLayerError(
      layer.name,
      className,
      `it has ${inputs.length} inputs; only Add may have several`,
    );
  }
  const inputShape = build.shapeOf(first);
  const single = (op: IrOp): ValueId => build.add(op, [first], outputShape, layer.name);
  if (passThrough.has(className)) return first;
  switch (className) {
    case 'Conv2D':
    case 'DepthwiseConv2D':
      return lowerActivation(
        layer,
        config['activation'],
        single(lowerConvolution(layer, inputShape)),
        build,
      );
    case 'BatchNormalization':
      return single(lowerBatchNorm(layer, config, inputShape));
    case 'ReLU': {
      const maxValue = config['maxValue'];
      return single(
        typeof maxValue === 'number' ? { kind: 'clip', min: 0, max: maxValue } : { kind: 'relu' },
      );
    }
    case 'Activation':
      return lowerActivation(layer, config['activation'], first, build);
    case 'Softmax':
      return single({ kind: 'softmax', axis: normalizeAxis(config['axis'], inputShape.length) });
    case 'Add':
      return inputs.length === 1
        ? first
        : build.add({ kind: 'add' }, inputs, outputShape, layer.name);
    case 'ZeroPadding2D':
      return single(lowerZeroPadding(layer, config));
    case 'GlobalAveragePooling2D':
    case 'GlobalMaxPooling2D':
      requireChannelsLast(layer, config);
      return single({
        kind: 'globalPool',
        mode: className === 'GlobalMaxPooling2D' ? 'max' : 'average',
      });
    case 'Reshape':
      return single({ kind: 'reshape', targetShape: (config['targetShape'] as number[]).slice() });
    case 'Flatten':
      requireChannelsLast(layer, config);
      return single({ kind: 'flatten' });
    case 'Dense':
      return lowerActivation(layer, config['activation'], single(lowerDense(layer, config)), build);
    default:
      throw new UnsupportedLayerError(layer.name, className);
  }
}
