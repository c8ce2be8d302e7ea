/**
 * Output shape, parameter count and multiply-accumulates of one Keras layer, from its config and
 * input shapes, following the formulas Keras and TF.js use (channels-last only, as TF.js runs
 * images). A class not listed here is reported as unsupported rather than guessed.
 */
import { UnsupportedTopologyError } from './layer-graph';

export type Shape = (number | null)[];

export interface LayerMath {
  outputShape: Shape;
  params: number;
  /** Parameters the optimizer updates when the layer trains (BN moving statistics never are). */
  trainableParams: number;
  /** Multiply-accumulates per image (one item of the batch). */
  macs: number;
}

type Config = Record<string, unknown>;
type Rule = (config: Config, inputs: Shape[], name: string) => LayerMath;

const pair = (value: unknown, fallback: number): [number, number] => {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && typeof value[0] === 'number') {
    return [value[0], typeof value[1] === 'number' ? value[1] : value[0]];
  }
  return [fallback, fallback];
};

const product = (dims: readonly (number | null)[]): number =>
  dims.reduce<number>((acc, dim) => acc * (dim ?? 1), 1);

function known(value: number | null | undefined, what: string, name: string): number {
  if (typeof value !== 'number') {
    throw new UnsupportedTopologyError(`Layer "${name}" has an unknown ${what}.`);
  }
  return value;
}

function channelsLast(config: Config, name: string): void {
  const format = config.data_format ?? config.dataFormat;
  if (format !== undefined && format !== null && format !== 'channels_last') {
    throw new UnsupportedTopologyError(
      `Layer "${name}" uses ${String(format)}; only channels_last is analysed.`,
    );
  }
}

/** Spatial output size of a convolution or pooling window along one axis. */
function windowOut(
  size: number | null,
  kernel: number,
  stride: number,
  dilation: number,
  padding: unknown,
): number | null {
  if (size === null) return null;
  if (padding === 'same') return Math.ceil(size / stride);
  const effective = (kernel - 1) * dilation + 1;
  return Math.floor((size - effective) / stride) + 1;
}

function first(inputs: Shape[], name: string): Shape {
  const input = inputs[0];
  if (!input) throw new UnsupportedTopologyError(`Layer "${name}" has no input.`);
  return input;
}

function spatial(config: Config, input: Shape, name: string, kernel: [number, number]) {
  channelsLast(config, name);
  if (input.length !== 4) {
    throw new UnsupportedTopologyError(
      `Layer "${name}" expects a 4-D input, got [${input.join(', ')}].`,
    );
  }
  const [strideH, strideW] = pair(config.strides, 1);
  const [dilH, dilW] = pair(config.dilation_rate ?? config.dilationRate, 1);
  const height = windowOut(input[1]!, kernel[0], strideH, dilH, config.padding);
  const width = windowOut(input[2]!, kernel[1], strideW, dilW, config.padding);
  return { height, width, channels: known(input[3], 'channel count', name) };
}

const noWeights = (outputShape: Shape): LayerMath => ({
  outputShape,
  params: 0,
  trainableParams: 0,
  macs: 0,
});
const sameShape: Rule = (_config, inputs, name) => noWeights([...first(inputs, name)]);
const weighted = (outputShape: Shape, params: number, macs: number): LayerMath => ({
  outputShape,
  params,
  trainableParams: params,
  macs,
});

const conv2d: Rule = (config, inputs, name) => {
  const kernel = pair(config.kernel_size ?? config.kernelSize, 1);
  const { height, width, channels } = spatial(config, first(inputs, name), name, kernel);
  const filters = known(config.filters as number, 'filter count', name);
  const bias = config.use_bias === false || config.useBias === false ? 0 : filters;
  const perPosition = kernel[0] * kernel[1] * channels * filters;
  return weighted(
    [null, height, width, filters],
    perPosition + bias,
    (height ?? 1) * (width ?? 1) * perPosition,
  );
};

const depthwiseConv2d: Rule = (config, inputs, name) => {
  const kernel = pair(config.kernel_size ?? config.kernelSize, 1);
  const { height, width, channels } = spatial(config, first(inputs, name), name, kernel);
  const multiplier = (config.depth_multiplier ?? config.depthMultiplier ?? 1) as number;
  const out = channels * multiplier;
  const bias = config.use_bias === false || config.useBias === false ? 0 : out;
  const perPosition = kernel[0] * kernel[1] * out;
  return weighted(
    [null, height, width, out],
    perPosition + bias,
    (height ?? 1) * (width ?? 1) * perPosition,
  );
};

const separableConv2d: Rule = (config, inputs, name) => {
  const kernel = pair(config.kernel_size ?? config.kernelSize, 1);
  const { height, width, channels } = spatial(config, first(inputs, name), name, kernel);
  const multiplier = (config.depth_multiplier ?? config.depthMultiplier ?? 1) as number;
  const filters = known(config.filters as number, 'filter count', name);
  const depthwise = kernel[0] * kernel[1] * channels * multiplier;
  const pointwise = channels * multiplier * filters;
  const bias = config.use_bias === false || config.useBias === false ? 0 : filters;
  const positions = (height ?? 1) * (width ?? 1);
  return weighted(
    [null, height, width, filters],
    depthwise + pointwise + bias,
    positions * (depthwise + pointwise),
  );
};

const dense: Rule = (config, inputs, name) => {
  const input = first(inputs, name);
  const units = known(config.units as number, 'unit count', name);
  const inFeatures = known(input[input.length - 1], 'input width', name);
  const bias = config.use_bias === false || config.useBias === false ? 0 : units;
  const rows = product(input.slice(1, -1));
  return weighted(
    [...input.slice(0, -1), units],
    inFeatures * units + bias,
    rows * inFeatures * units,
  );
};

const batchNorm: Rule = (config, inputs, name) => {
  const input = first(inputs, name);
  const axis = (config.axis ?? -1) as number | number[];
  const axes = Array.isArray(axis) ? axis : [axis];
  const channels = product(
    axes.map((a) => known(input[a < 0 ? input.length + a : a], 'channel count', name)),
  );
  const trainable =
    (config.center === false ? 0 : channels) + (config.scale === false ? 0 : channels);
  // gamma/beta train; moving mean and variance are updated by the layer, never by the optimizer.
  return {
    outputShape: [...input],
    params: trainable + 2 * channels,
    trainableParams: trainable,
    macs: 0,
  };
};

const prelu: Rule = (config, inputs, name) => {
  const input = first(inputs, name);
  const shared = new Set(((config.shared_axes ?? config.sharedAxes ?? []) as number[]) ?? []);
  const params = product(input.slice(1).map((dim, index) => (shared.has(index + 1) ? 1 : dim)));
  return weighted([...input], params, 0);
};

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
