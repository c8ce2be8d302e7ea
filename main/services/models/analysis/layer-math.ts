/**
 * Output shape, parameter count and multiply-accumulates of one Keras layer, from its config and
 * input shapes, following the formulas Keras and TF.js use (channels-last only, as TF.js runs
 * images). A class not listed here is reported as unsupported rather than guessed.
 */
import { UnsupportedTopologyError } from './layer-graph';
import {
  channelsLast,
  first,
  noWeights,
  pair,
  product,
  sameShape,
  spatial,
  type Config,
  type LayerMath,
  type Rule,
  type Shape,
} from './rule-helpers';
import {
  batchNorm,
  conv2d,
  dense,
  depthwiseConv2d,
  prelu,
  separableConv2d,
} from './weighted-rules';

export type { LayerMath, Shape } from './rule-helpers';

const padding2d: Rule = (config, inputs, name) => {
  const input = first(inputs, name);
  channelsLast(config, name);
  const raw = config.padding ?? config.cropping ?? 1;
  const [[top, bottom], [left, right]] = paddingPairs(raw);
  const sign = config.cropping !== undefined ? -1 : 1;
  const grow = (size: number | null | undefined, a: number, b: number) =>
    size === null || size === undefined ? null : size + sign * (a + b);
  return noWeights([
    input[0] ?? null,
    grow(input[1], top, bottom),
    grow(input[2], left, right),
    input[3] ?? null,
  ]);
};

function paddingPairs(raw: unknown): [[number, number], [number, number]] {
  if (typeof raw === 'number')
    return [
      [raw, raw],
      [raw, raw],
    ];
  if (Array.isArray(raw) && raw.length === 2) {
    const side = (value: unknown): [number, number] => pair(value, 0);
    return [side(raw[0]), side(raw[1])];
  }
  return [
    [0, 0],
    [0, 0],
  ];
}

const pooling2d: Rule = (config, inputs, name) => {
  const size = pair(config.pool_size ?? config.poolSize, 2);
  const strides = config.strides ?? size;
  const { height, width, channels } = spatial(
    { ...config, strides, dilation_rate: 1 },
    first(inputs, name),
    name,
    size,
  );
  return noWeights([null, height, width, channels]);
};

const globalPooling2d: Rule = (config, inputs, name) => {
  const input = first(inputs, name);
  channelsLast(config, name);
  const channels = input[input.length - 1] ?? null;
  return noWeights(config.keepdims === true ? [null, 1, 1, channels] : [null, channels]);
};

const flatten: Rule = (_config, inputs, name) => {
  const input = first(inputs, name);
  return noWeights([input[0] ?? null, product(input.slice(1))]);
};

const reshape: Rule = (config, inputs, name) => {
  const input = first(inputs, name);
  const target = (config.target_shape ?? config.targetShape) as number[] | undefined;
  if (!Array.isArray(target))
    throw new UnsupportedTopologyError(`Layer "${name}" has no target shape.`);
  const total = product(input.slice(1));
  const fixed = product(target.filter((dim) => dim !== -1));
  return noWeights([input[0] ?? null, ...target.map((dim) => (dim === -1 ? total / fixed : dim))]);
};

const merge: Rule = (_config, inputs, name) => {
  if (inputs.length < 2)
    throw new UnsupportedTopologyError(`Merge layer "${name}" has fewer than two inputs.`);
  return noWeights([...first(inputs, name)]);
};

const concatenate: Rule = (config, inputs, name) => {
  const base = [...first(inputs, name)];
  const axis = (config.axis ?? -1) as number;
  const at = axis < 0 ? base.length + axis : axis;
  const sizes = inputs.map((shape) => shape[at]);
  base[at] = sizes.some((size) => size === null || size === undefined)
    ? null
    : sizes.reduce<number>((a, b) => a + (b ?? 0), 0);
  return noWeights(base);
};

const upSampling2d: Rule = (config, inputs, name) => {
  const input = first(inputs, name);
  const [sh, sw] = pair(config.size, 2);
  const scale = (dim: number | null | undefined, by: number) =>
    dim === null || dim === undefined ? null : dim * by;
  return noWeights([input[0] ?? null, scale(input[1], sh), scale(input[2], sw), input[3] ?? null]);
};

const permute: Rule = (config, inputs, name) => {
  const input = first(inputs, name);
  const dims = (config.dims ?? []) as number[];
  return noWeights([input[0] ?? null, ...dims.map((dim) => input[dim] ?? null)]);
};

const RULES: Record<string, Rule> = {
  Conv2D: conv2d,
  Convolution2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  SeparableConvolution2D: separableConv2d,
  Dense: dense,
  BatchNormalization: batchNorm,
  PReLU: prelu,
  ZeroPadding2D: padding2d,
  Cropping2D: padding2d,
  MaxPooling2D: pooling2d,
  MaxPool2D: pooling2d,
  AveragePooling2D: pooling2d,
  AvgPool2D: pooling2d,
  GlobalAveragePooling2D: globalPooling2d,
  GlobalAvgPool2D: globalPooling2d,
  GlobalMaxPooling2D: globalPooling2d,
  GlobalMaxPool2D: globalPooling2d,
  Flatten: flatten,
  Reshape: reshape,
  Add: merge,
  Subtract: merge,
  Multiply: merge,
  Average: merge,
  Maximum: merge,
  Minimum: merge,
  Concatenate: concatenate,
  UpSampling2D: upSampling2d,
  Permute: permute,
  Activation: sameShape,
  ReLU: sameShape,
  LeakyReLU: sameShape,
  ELU: sameShape,
  ThresholdedReLU: sameShape,
  Softmax: sameShape,
  Dropout: sameShape,
  SpatialDropout1D: sameShape,
  SpatialDropout2D: sameShape,
  GaussianNoise: sameShape,
  GaussianDropout: sameShape,
  AlphaDropout: sameShape,
  Rescaling: sameShape,
  Masking: sameShape,
};

/** Shape, parameters and MACs of one layer; throws UnsupportedTopologyError for unknown classes. */
export function layerMath(
  className: string,
  config: Config,
  inputs: Shape[],
  name: string,
): LayerMath {
  const rule = RULES[className];
  if (!rule)
    throw new UnsupportedTopologyError(
      `Layer "${name}" is a ${className}, which the analysis does not know.`,
    );
  return rule(config, inputs, name);
}

/** MACs of a layer whose shapes are already known (TF.js fallback for unsupported graphs). */
export function macsFromShapes(
  className: string,
  config: Config,
  inputs: Shape[],
  name: string,
): number {
  try {
    return layerMath(className, config, inputs, name).macs;
  } catch {
    return 0;
  }
}
