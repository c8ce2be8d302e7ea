/**
 * Multiply-accumulates per image of a TF.js layers model, counted from its convolutions and
 * dense layers (the usual convention: element-wise layers are left out). Used to turn images/s
 * into GFLOP/s: a forward pass is 2 × MACs FLOPs, a training step about 3× a forward pass
 * (forward, gradient of the input, gradient of the weights).
 */
import type * as tf from '@tensorflow/tfjs';

type Shape = (number | null)[];

function single(shape: Shape | Shape[]): Shape {
  return Array.isArray(shape[0]) ? (shape[0] as Shape) : (shape as Shape);
}

function product(values: readonly (number | null | undefined)[]): number {
  return values.reduce<number>((total, value) => total * (value ?? 1), 1);
}

/** MACs of one image through `model` (nested models are counted through). */
export function macsPerImage(model: tf.LayersModel): number {
  let total = 0;
  for (const layer of model.layers) {
    const className = layer.getClassName();
    if (className === 'Sequential' || className === 'Model' || className === 'Functional') {
      total += macsPerImage(layer as unknown as tf.LayersModel);
      continue;
    }
    if (className !== 'Conv2D' && className !== 'DepthwiseConv2D' && className !== 'Dense') {
      continue;
    }
    const config = layer.getConfig() as {
      kernelSize?: number | number[];
      filters?: number;
      depthMultiplier?: number;
      units?: number;
    };
    const input = single(
      (layer.input as tf.SymbolicTensor | tf.SymbolicTensor[]) instanceof Array
        ? (layer.input as tf.SymbolicTensor[]).map((t) => t.shape)
        : (layer.input as tf.SymbolicTensor).shape,
    );
    const output = single(layer.outputShape as Shape | Shape[]);
    const inChannels = input[input.length - 1] ?? 0;
    const kernel = Array.isArray(config.kernelSize)
      ? product(config.kernelSize)
      : (config.kernelSize ?? 1) ** 2;
    if (className === 'Dense') {
      // Applied to every position of the leading axes (usually just the features).
      total += product(output.slice(1, -1)) * inChannels * (config.units ?? 0);
    } else if (className === 'Conv2D') {
      total += product(output.slice(1)) * kernel * inChannels;
    } else {
      total += product(output.slice(1)) * kernel;
    }
  }
  return total;
}
