/**
 * Shared pieces of the layer rules: the types, argument readers and the spatial arithmetic of
 * convolution and pooling windows (channels-last, as TF.js runs images).
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

export type Config = Record<string, unknown>;
export type Rule = (config: Config, inputs: Shape[], name: string) => LayerMath;

export const pair = (value: unknown, fallback: number): [number, number] => {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && typeof value[0] === 'number') {
    return [value[0], typeof value[1] === 'number' ? value[1] : value[0]];
  }
  return [fallback, fallback];
};

export const product = (dims: readonly (number | null)[]): number =>
  dims.reduce<number>((acc, dim) => acc * (dim ?? 1), 1);

export function known(value: number | null | undefined, what: string, name: string): number {
  if (typeof value !== 'number') {
    throw new UnsupportedTopologyError(`Layer "${name}" has an unknown ${what}.`);
  }
  return value;
}

export function channelsLast(config: Config, name: string): void {
  const format = config.data_format ?? config.dataFormat;
  if (format !== undefined && format !== null && format !== 'channels_last') {
    throw new UnsupportedTopologyError(
      `Layer "${name}" uses ${String(format)}; only channels_last is analysed.`,
    );
  }
}

/** Spatial output size of a convolution or pooling window along one axis. */
export function windowOut(
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

export function first(inputs: Shape[], name: string): Shape {
  const input = inputs[0];
  if (!input) throw new UnsupportedTopologyError(`Layer "${name}" has no input.`);
  return input;
}

export function spatial(config: Config, input: Shape, name: string, kernel: [number, number]) {
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

export const noWeights = (outputShape: Shape): LayerMath => ({
  outputShape,
  params: 0,
  trainableParams: 0,
  macs: 0,
});
export const sameShape: Rule = (_config, inputs, name) => noWeights([...first(inputs, name)]);
export const weighted = (outputShape: Shape, params: number, macs: number): LayerMath => ({
  outputShape,
  params,
  trainableParams: params,
  macs,
});
