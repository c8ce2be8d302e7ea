/**
 * Reading a TF.js layer's weights by role and reordering convolution kernels from the Keras
 * layout (kernelH, kernelW, in, out) to ONNX's (out, in / group, kernelH, kernelW).
 */
import type * as tf from '@tensorflow/tfjs';
import { UnsupportedLayerError } from './unsupported-layer-error';

export interface NamedWeight {
  shape: number[];
  data: Float32Array;
}

/**
 * The layer's weights keyed by role ('kernel', 'bias', 'gamma', ...): the last segment of the
 * variable's original name, without the `_1` suffix TF.js adds to keep names unique.
 */
export function weightsByRole(layer: tf.layers.Layer): Map<string, NamedWeight> {
  const roles = new Map<string, NamedWeight>();
  for (const variable of layer.weights) {
    const last = variable.originalName.split('/').pop() ?? variable.originalName;
    const role = last.replace(/_\d+$/, '');
    const tensor = variable.read();
    if (tensor.dtype !== 'float32') {
      throw new UnsupportedLayerError(
        layer.name,
        layer.getClassName(),
        `its weight ${variable.originalName} is ${tensor.dtype}; only float32 weights are exported`,
      );
    }
    roles.set(role, { shape: tensor.shape.slice(), data: Float32Array.from(tensor.dataSync()) });
  }
  return roles;
}

/** A weight that must exist, with a clear error naming the layer when it does not. */
export function requireWeight(
  layer: tf.layers.Layer,
  roles: Map<string, NamedWeight>,
  role: string,
): NamedWeight {
  const weight = roles.get(role);
  if (!weight) {
    throw new UnsupportedLayerError(
      layer.name,
      layer.getClassName(),
      `its weight "${role}" was not found (weights: ${[...roles.keys()].join(', ') || 'none'})`,
    );
  }
  return weight;
}

/** Keras Conv2D kernel [kh, kw, in, out] -> ONNX Conv weight [out, in, kh, kw]. */
export function convKernelToOnnx(kernel: NamedWeight): {
  data: Float32Array;
  shape: [number, number, number, number];
} {
  const [kh, kw, inC, outC] = kernel.shape as [number, number, number, number];
  const out = new Float32Array(kernel.data.length);
  for (let y = 0; y < kh; y += 1) {
    for (let x = 0; x < kw; x += 1) {
      for (let c = 0; c < inC; c += 1) {
        const from = ((y * kw + x) * inC + c) * outC;
        for (let o = 0; o < outC; o += 1) {
          out[((o * inC + c) * kh + y) * kw + x] = kernel.data[from + o]!;
        }
      }
    }
  }
  return { data: out, shape: [outC, inC, kh, kw] };
}

/**
 * Keras DepthwiseConv2D kernel [kh, kw, in, multiplier] -> ONNX grouped Conv weight
 * [in * multiplier, 1, kh, kw] with group = in; output channel c * multiplier + m, as in TF.
 */
export function depthwiseKernelToOnnx(kernel: NamedWeight): {
  data: Float32Array;
  shape: [number, number, number, number];
} {
  const [kh, kw, inC, multiplier] = kernel.shape as [number, number, number, number];
  const out = new Float32Array(kernel.data.length);
  for (let y = 0; y < kh; y += 1) {
    for (let x = 0; x < kw; x += 1) {
      for (let c = 0; c < inC; c += 1) {
        for (let m = 0; m < multiplier; m += 1) {
          const from = ((y * kw + x) * inC + c) * multiplier + m;
          out[((c * multiplier + m) * kh + y) * kw + x] = kernel.data[from]!;
        }
      }
    }
  }
  return { data: out, shape: [inC * multiplier, 1, kh, kw] };
}
