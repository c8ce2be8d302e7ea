/**
 * tfjs-backend-wasm 4.22 has no kernels for the filter gradients of convolutions
 * (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter) nor for the input gradient of
 * depthwise convolutions, so fine-tuning base layers fails on it with "Kernel ... not
 * registered". This registers them for wasm: as forward convolutions XNNPACK runs fast where the
 * gradient is one (wasm-gradient-ops.ts), as loops on the wasm heap where it is not
 * (wasm-gradient-loops.ts). Unusual attributes (dilations, NCHW) fall back to the CPU backend's
 * own kernel, run on copies of the data. A one-pass ReLU6 gradient serves training-calls.ts.
 * It also replaces two of wasm's own kernels where they
 * are slow for training: Conv2DBackpropInput of 1x1 convolutions, and Sum over leading axes.
 */
import * as tf from '@tensorflow/tfjs';
import { conv2dFilterGradientLoops, depthwiseFilterGradientLoops } from './wasm-gradient-loops';
import {
  depthwiseInputGradient,
  fitsDepthwiseInputGradient,
  patchFilterGradient,
  patchFloats,
  pointwiseFilterGradient,
  pointwiseInputGradient,
} from './wasm-gradient-ops';
import {
  geometry,
  isPlain,
  isPointwise,
  onCpu,
  onHeap,
  viaOps,
  type ConvAttrs,
  type KernelFunc,
  type Shape4,
} from './wasm-kernel-support';

/** Above this many floats (256 MiB) the unfolded patches cost more memory than they save time. */
const MAX_PATCH_FLOATS = 64 * 1024 * 1024;

/** Name of the one-pass ReLU6 gradient kernel: dy where 0 < y < 6, else 0 (y = relu6(x)). */
export const RELU6_BACKPROP = 'TransferStudioRelu6Backprop';

type FilterAttrs = ConvAttrs & { filterShape: Shape4 };
type InputAttrs = ConvAttrs & { inputShape: Shape4 };

const KERNELS: Record<string, KernelFunc> = {
  Conv2DBackpropFilter: (params) => {
    const attrs = params.attrs as unknown as FilterAttrs;
    if (!isPlain(attrs)) return onCpu('Conv2DBackpropFilter', params);
    const info = geometry(params.inputs.x!.shape as Shape4, attrs.filterShape, attrs, false);
    if (isPointwise(info)) {
      return viaOps(params, ['x', 'dy'], (x, dy) => pointwiseFilterGradient(x, dy, info));
    }
    if (patchFloats(info) <= MAX_PATCH_FLOATS) {
      return viaOps(params, ['x', 'dy'], (x, dy) => patchFilterGradient(x, dy, info));
    }
    return onHeap(params, ['x', 'dy'], attrs.filterShape, (dW, x, dy) =>
      conv2dFilterGradientLoops(dW, x!, dy!, info),
    );
  },
  DepthwiseConv2dNativeBackpropFilter: (params) => {
    const attrs = params.attrs as unknown as FilterAttrs;
    if (!isPlain(attrs)) return onCpu('DepthwiseConv2dNativeBackpropFilter', params);
    const info = geometry(params.inputs.x!.shape as Shape4, attrs.filterShape, attrs, true);
    return onHeap(params, ['x', 'dy'], attrs.filterShape, (dW, x, dy) =>
      depthwiseFilterGradientLoops(dW, x!, dy!, info),
    );
  },
  DepthwiseConv2dNativeBackpropInput: (params) => {
    const attrs = params.attrs as unknown as InputAttrs;
    const info = isPlain(attrs)
      ? geometry(attrs.inputShape, params.inputs.filter!.shape as Shape4, attrs, true)
      : undefined;
    if (!info || !fitsDepthwiseInputGradient(info)) {
      return onCpu('DepthwiseConv2dNativeBackpropInput', params);
    }
    return viaOps(params, ['dy', 'filter'], (dy, filter) =>
      depthwiseInputGradient(dy, filter, info),
    );
  },
  [RELU6_BACKPROP]: (params) =>
    onHeap(params, ['dy', 'y'], params.inputs.y!.shape, (dx, dy, y) => {
      // Branch-free: activations sit at 0 or 6 about half the time, unpredictably.
      for (let i = 0; i < dx.length; i += 1) {
        const value = y![i]!;
        dx[i] = dy![i]! * (+(value > 0) * +(value < 6));
      }
    }),
};

/** out[c] = Σ_r values[r·C + c] (C = out.length), summed in doubles. */
function sumLeadingAxes(out: Float32Array, values: Float32Array): void {
  const columns = out.length;
  const sums = new Float64Array(columns);
  for (let row = 0; row < values.length; row += columns) {
    for (let c = 0; c < columns; c += 1) sums[c]! += values[row + c]!;
  }
  out.set(sums);
}

/** wasm's own kernels that the replacements below hand the remaining cases to. */
const own: Record<string, KernelFunc> = {};

const REPLACEMENTS: Record<string, KernelFunc> = {
  /** For a 1x1 convolution the input gradient is dy·Wᵀ; other cases go to wasm's own kernel. */
  Conv2DBackpropInput: (params) => {
    const attrs = params.attrs as unknown as InputAttrs;
    const filter = params.inputs.filter!;
    const info = isPlain(attrs)
      ? geometry(attrs.inputShape, filter.shape as Shape4, attrs, false)
      : undefined;
    if (!info || !isPointwise(info)) return own.Conv2DBackpropInput!(params);
    return viaOps(params, ['dy', 'filter'], (dy, w) => pointwiseInputGradient(dy, w, info));
  },
  /**
   * A float sum over the leading axes (the gradient of every per-channel scale or shift, e.g.
   * BatchNorm's γ and β) as one pass over the heap into double accumulators: wasm's own
   * transposes the tensor first to reduce its innermost axis.
   */
  Sum: (params) => {
    const x = params.inputs.x!;
    const attrs = params.attrs as { axis: number | number[]; keepDims: boolean };
    const axes = (Array.isArray(attrs.axis) ? attrs.axis : [attrs.axis])
      .map((a) => (a < 0 ? a + x.shape.length : a))
      .sort((a, b) => a - b);
    const leading = axes.every((a, i) => a === i) && axes.length < x.shape.length;
    if (!leading || attrs.keepDims || x.dtype !== 'float32') return own.Sum!(params);
    const rest = x.shape.slice(axes.length);
    return onHeap(params, ['x'], rest, (out, values) => sumLeadingAxes(out, values!));
  },
};

/**
 * Registers the missing gradient kernels for wasm, and the faster replacements of wasm's own
 * (which keep handling the cases the replacements do not cover); returns the names it
 * registered. Idempotent.
 */
export function registerWasmGradientKernels(): string[] {
  const registered: string[] = [];
  for (const [kernelName, kernelFunc] of Object.entries(KERNELS)) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: kernelFunc as unknown as tf.KernelFunc,
    });
    registered.push(kernelName);
  }
  for (const [kernelName, kernelFunc] of Object.entries(REPLACEMENTS)) {
    const current = tf.getKernel(kernelName, 'wasm');
    if (!current || current.kernelFunc === (kernelFunc as unknown as tf.KernelFunc)) continue;
    own[kernelName] = current.kernelFunc as unknown as KernelFunc;
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel({ ...current, kernelFunc: kernelFunc as unknown as tf.KernelFunc });
    registered.push(kernelName);
  }
  return registered;
}
