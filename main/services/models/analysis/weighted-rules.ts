/**
 * The rules of layers with weights: convolutions (plain, depthwise, separable), dense,
 * BatchNormalization and PReLU, with parameter counts and multiply-accumulates as Keras and TF.js
 * count them.
 */
import { first, known, pair, product, spatial, weighted, type Rule } from './rule-helpers';

export const conv2d: Rule = (config, inputs, name) => {
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

export const depthwiseConv2d: Rule = (config, inputs, name) => {
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

export const separableConv2d: Rule = (config, inputs, name) => {
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

export const dense: Rule = (config, inputs, name) => {
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

export const batchNorm: Rule = (config, inputs, name) => {
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

export const prelu: Rule = (config, inputs, name) => {
  const input = first(inputs, name);
  const shared = new Set(((config.shared_axes ?? config.sharedAxes ?? []) as number[]) ?? []);
  const params = product(input.slice(1).map((dim, index) => (shared.has(index + 1) ? 1 : dim)));
  return weighted([...input], params, 0);
};
