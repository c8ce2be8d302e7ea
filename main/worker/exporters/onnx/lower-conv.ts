/**
 * Conv2D and DepthwiseConv2D to the intermediate form. TF 'same' padding puts the odd pixel at
 * the end (bottom/right), so pads are computed explicitly from the known input size rather than
 * left to an ONNX runtime's auto_pad.
 */
import type * as tf from '@tensorflow/tfjs';
import type { IrOp, Pads2d, TfShape } from './layer-ir';
import {
  convKernelToOnnx,
  depthwiseKernelToOnnx,
  requireWeight,
  weightsByRole,
} from './layer-weights';
import { UnsupportedLayerError } from './unsupported-layer-error';

type Config = Record<string, unknown>;

/** A Keras int-or-pair setting (kernel size, strides, dilation) as a pair. */
export function pairOf(value: unknown, fallback: number): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number')) {
    return [value[0] as number, value[1] as number];
  }
  return [fallback, fallback];
}

function samePadding(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
): [number, number] {
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Checks settings every 2D layer shares; refuses channels-first data. */
export function requireChannelsLast(layer: tf.layers.Layer, config: Config): void {
  const format = config['dataFormat'];
  if (format !== undefined && format !== 'channelsLast') {
    throw new UnsupportedLayerError(
      layer.name,
      layer.getClassName(),
      `data format ${String(format)} is not supported (only channels-last)`,
    );
  }
}

function convPads(
  layer: tf.layers.Layer,
  config: Config,
  inputShape: TfShape,
  kernel: [number, number],
  strides: [number, number],
  dilations: [number, number],
): Pads2d {
  const padding = config['padding'];
  if (padding === 'valid') return { top: 0, bottom: 0, left: 0, right: 0 };
  if (padding !== 'same') {
    throw new UnsupportedLayerError(
      layer.name,
      layer.getClassName(),
      `padding "${String(padding)}" is not supported (only "same" and "valid")`,
    );
  }
  const [height, width] = [inputShape[1], inputShape[2]];
  if (typeof height !== 'number' || typeof width !== 'number') {
    throw new UnsupportedLayerError(
      layer.name,
      layer.getClassName(),
      '"same" padding needs a fixed input height and width, and this layer\'s input size is unknown',
    );
  }
  const [top, bottom] = samePadding(height, kernel[0], strides[0], dilations[0]);
  const [left, right] = samePadding(width, kernel[1], strides[1], dilations[1]);
  return { top, bottom, left, right };
}

/** Lowers a Conv2D or DepthwiseConv2D layer (without its activation). */
export function lowerConvolution(layer: tf.layers.Layer, inputShape: TfShape): IrOp {
  const config = layer.getConfig() as Config;
  const className = layer.getClassName();
  requireChannelsLast(layer, config);
  if (inputShape.length !== 4) {
    throw new UnsupportedLayerError(
      layer.name,
      className,
      `its input has rank ${inputShape.length}, not 4`,
    );
  }
  const roles = weightsByRole(layer);
  const depthwise = className === 'DepthwiseConv2D';
  const kernelWeight = requireWeight(layer, roles, depthwise ? 'depthwise_kernel' : 'kernel');
  const onnxKernel = depthwise
    ? depthwiseKernelToOnnx(kernelWeight)
    : convKernelToOnnx(kernelWeight);
  const kernel: [number, number] = [onnxKernel.shape[2], onnxKernel.shape[3]];
  const strides = pairOf(config['strides'], 1);
  const dilations = pairOf(config['dilationRate'], 1);
  const useBias = config['useBias'] !== false;
  const bias = useBias ? requireWeight(layer, roles, 'bias').data : undefined;
  return {
    kind: 'conv',
    weights: onnxKernel.data,
    weightShape: onnxKernel.shape,
    bias,
    strides,
    dilations,
    pads: convPads(layer, config, inputShape, kernel, strides, dilations),
    group: depthwise ? (kernelWeight.shape[2] ?? 1) : 1,
  };
}
