/**
 * tfjs-backend-wasm 4.22 has no kernels for the filter gradients of convolutions
 * (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter) nor for the input gradient of
 * depthwise convolutions, so fine-tuning base layers fails on it with "Kernel ... not
 * registered". This registers them for wasm, built from ops wasm does have (pad, strided slice,
 * matMul) or as plain loops over the data: a 1x1 convolution's gradients are one matrix product
 * each, the rest (3x3 and depthwise filters) loops, which beat a strided slice per filter tap
 * several times over. Unusual attributes (dilations, NCHW) fall back to the CPU backend's own
 * kernel, run on copies of the data.
 */
import * as tf from '@tensorflow/tfjs';

type DataId = object;
type Values = Float32Array | Int32Array | Uint8Array;
interface TensorInfo {
  dataId: DataId;
  shape: number[];
  dtype: tf.DataType;
}
interface DataBackend {
  incRef(dataId: DataId): void;
  write(values: Values, shape: number[], dtype: tf.DataType): DataId;
  readSync(dataId: DataId): Values;
  disposeData(dataId: DataId, force?: boolean): boolean;
}
interface KernelParams {
  inputs: Record<string, TensorInfo | undefined>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}
type KernelFunc = (params: KernelParams) => TensorInfo | TensorInfo[];
type Shape4 = [number, number, number, number];

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
  dataFormat?: 'NHWC' | 'NCHW';
}

/** The geometry of a convolution: padding, output size, strides, filter size. */
function geometry(xShape: Shape4, filterShape: Shape4, attrs: ConvAttrs, depthwise: boolean) {
  return tf.backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
  );
}

/** Only the plain case (NHWC, no dilation) is built from ops; the rest uses the CPU kernel. */
function isPlain(attrs: ConvAttrs): boolean {
  const dilations = attrs.dilations ?? 1;
  const dilated = Array.isArray(dilations) ? dilations.some((d) => d !== 1) : dilations !== 1;
  return !dilated && (attrs.dataFormat ?? 'NHWC') === 'NHWC';
}

/** True for a 1x1, stride-1, unpadded convolution: its gradients are single matrix products. */
function isPointwise(info: tf.backend_util.Conv2DInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    top + bottom + left + right === 0
  );
}

/**
 * dW[kh,kw,ci,co] = Σ x[b, oh*s+kh-pad, ow*s+kw-pad, ci] · dy[b,oh,ow,co], as plain loops over
 * the data (a strided slice per filter tap costs more than the arithmetic on wasm).
 */
function conv2dFilterGradientLoops(
  x: Float32Array,
  dy: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const dW = new Float32Array(filterHeight * filterWidth * inChannels * outChannels);
  for (let b = 0; b < batchSize; b += 1) {
    for (let oh = 0; oh < outHeight; oh += 1) {
      for (let ow = 0; ow < outWidth; ow += 1) {
        const dyOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh += 1) {
          const ih = oh * strideHeight + kh - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw += 1) {
            const iw = ow * strideWidth + kw - left;
            if (iw < 0 || iw >= inWidth) continue;
            const xOffset = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const wOffset = (kh * filterWidth + kw) * inChannels * outChannels;
            for (let ci = 0; ci < inChannels; ci += 1) {
              const value = x[xOffset + ci]!;
              if (value === 0) continue;
              const row = wOffset + ci * outChannels;
              for (let co = 0; co < outChannels; co += 1) {
                dW[row + co]! += value * dy[dyOffset + co]!;
              }
            }
          }
        }
      }
    }
  }
  return dW;
}

/** dW[kh,kw,c,m] = Σ x[b, oh*s+kh-pad, ow*s+kw-pad, c] · dy[b,oh,ow,c*M+m], as loops. */
function depthwiseFilterGradientLoops(
  x: Float32Array,
  dy: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const multiplier = outChannels / inChannels;
  const dW = new Float32Array(filterHeight * filterWidth * outChannels);
  for (let b = 0; b < batchSize; b += 1) {
    for (let oh = 0; oh < outHeight; oh += 1) {
      for (let ow = 0; ow < outWidth; ow += 1) {
        const dyOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh += 1) {
          const ih = oh * strideHeight + kh - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw += 1) {
            const iw = ow * strideWidth + kw - left;
            if (iw < 0 || iw >= inWidth) continue;
            const xOffset = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const wOffset = (kh * filterWidth + kw) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < inChannels; c += 1) {
                dW[wOffset + c]! += x[xOffset + c]! * dy[dyOffset + c]!;
              }
              continue;
            }
            for (let c = 0; c < inChannels; c += 1) {
              const value = x[xOffset + c]!;
              for (let m = 0; m < multiplier; m += 1) {
                dW[wOffset + c * multiplier + m]! += value * dy[dyOffset + c * multiplier + m]!;
              }
            }
          }
        }
      }
    }
  }
  return dW;
}

/** dx[b, oh*s+kh-pad, ow*s+kw-pad, c] += Σ_m dy[b,oh,ow,c*M+m] · W[kh,kw,c,m], as loops. */
function depthwiseInputGradientLoops(
  dy: Float32Array,
  filter: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const multiplier = outChannels / inChannels;
  const dx = new Float32Array(batchSize * inHeight * inWidth * inChannels);
  for (let b = 0; b < batchSize; b += 1) {
    for (let oh = 0; oh < outHeight; oh += 1) {
      for (let ow = 0; ow < outWidth; ow += 1) {
        const dyOffset = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh += 1) {
          const ih = oh * strideHeight + kh - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw += 1) {
            const iw = ow * strideWidth + kw - left;
            if (iw < 0 || iw >= inWidth) continue;
            const xOffset = ((b * inHeight + ih) * inWidth + iw) * inChannels;
            const wOffset = (kh * filterWidth + kw) * outChannels;
            if (multiplier === 1) {
              for (let c = 0; c < inChannels; c += 1) {
                dx[xOffset + c]! += dy[dyOffset + c]! * filter[wOffset + c]!;
              }
              continue;
            }
            for (let c = 0; c < inChannels; c += 1) {
              let sum = 0;
              for (let m = 0; m < multiplier; m += 1) {
                sum += dy[dyOffset + c * multiplier + m]! * filter[wOffset + c * multiplier + m]!;
              }
              dx[xOffset + c]! += sum;
            }
          }
        }
      }
    }
  }
  return dx;
}

/** Runs the CPU backend's kernel on copies of the inputs (slow, but any attributes). */
function onCpu(kernelName: string, params: KernelParams): TensorInfo | TensorInfo[] {
  const cpuFunc = tf.getKernel(kernelName, 'cpu')!.kernelFunc as unknown as KernelFunc;
  const wasm = params.backend as DataBackend;
  const cpu = tf.engine().findBackend('cpu') as unknown as DataBackend;
  const cpuInputs: Record<string, TensorInfo> = {};
  try {
    for (const [key, info] of Object.entries(params.inputs)) {
      if (info)
        cpuInputs[key] = {
          ...info,
          dataId: cpu.write(wasm.readSync(info.dataId), info.shape, info.dtype),
        };
    }
    const result = cpuFunc({ inputs: cpuInputs, backend: cpu, attrs: params.attrs });
    const outputs = Array.isArray(result) ? result : [result];
    const moved = outputs.map((output) => {
      const dataId = wasm.write(cpu.readSync(output.dataId), output.shape, output.dtype);
      cpu.disposeData(output.dataId, true);
      return { dataId, shape: output.shape, dtype: output.dtype };
    });
    return Array.isArray(result) ? moved : moved[0]!;
  } finally {
    for (const info of Object.values(cpuInputs)) cpu.disposeData(info.dataId, true);
  }
}

/** Reads two float inputs, computes with `compute`, writes the result as new wasm data. */
function withData(
  params: KernelParams,
  names: [string, string],
  shape: number[],
  compute: (a: Float32Array, b: Float32Array) => Float32Array,
): TensorInfo {
  const backend = params.backend as DataBackend;
  const [a, b] = names.map((name) => backend.readSync(params.inputs[name]!.dataId)) as [
    Float32Array,
    Float32Array,
  ];
  return { dataId: backend.write(compute(a, b), shape, 'float32'), shape, dtype: 'float32' };
}

/** Runs `compute` on tensors viewing the kernel's inputs; returns its result as new wasm data. */
function fromOps(
  params: KernelParams,
  names: [string, string],
  compute: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
): TensorInfo {
  const backend = params.backend as DataBackend;
  // Tensors viewing the inputs: each holds a reference, so disposing them leaves the inputs be.
  const [a, b] = names.map((name) => {
    const info = params.inputs[name]!;
    backend.incRef(info.dataId);
    return tf.engine().makeTensorFromTensorInfo(info);
  }) as [tf.Tensor, tf.Tensor];
  try {
    const result = tf.tidy(() => compute(a, b));
    // The result's data becomes the kernel's output as it is (no copy): one more reference,
    // then the tensor itself goes.
    backend.incRef(result.dataId);
    const info = { dataId: result.dataId, shape: result.shape, dtype: 'float32' as const };
    result.dispose();
    return info;
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** wasm's own Conv2DBackpropInput, kept for the cases the matrix product does not cover. */
let wasmConv2dBackpropInput: KernelFunc | undefined;

const KERNELS: Record<string, KernelFunc> = {
  Conv2DBackpropFilter: (params) => {
    const attrs = params.attrs as unknown as ConvAttrs & { filterShape: Shape4 };
    if (!isPlain(attrs)) return onCpu('Conv2DBackpropFilter', params);
    const x = params.inputs.x!;
    const info = geometry(x.shape as Shape4, attrs.filterShape, attrs, false);
    if (isPointwise(info)) {
      // dW = xᵀ·dy over all pixels, written as a 1x1 convolution with the pixels as channels:
      // wasm runs convolutions through XNNPACK, several times faster than its matMul here.
      return fromOps(params, ['x', 'dy'], (xs, dy) => {
        const rows = xs.size / info.inChannels;
        const xT = xs.reshape([rows, info.inChannels]).transpose();
        return tf
          .conv2d(
            xT.reshape([1, 1, info.inChannels, rows]) as tf.Tensor4D,
            dy.reshape([1, 1, rows, info.outChannels]) as tf.Tensor4D,
            1,
            'valid',
          )
          .reshape(attrs.filterShape);
      });
    }
    return withData(params, ['x', 'dy'], attrs.filterShape, (xs, dy) =>
      conv2dFilterGradientLoops(xs, dy, info),
    );
  },
  DepthwiseConv2dNativeBackpropFilter: (params) => {
    const attrs = params.attrs as unknown as ConvAttrs & { filterShape: Shape4 };
    if (!isPlain(attrs)) return onCpu('DepthwiseConv2dNativeBackpropFilter', params);
    const info = geometry(params.inputs.x!.shape as Shape4, attrs.filterShape, attrs, true);
    return withData(params, ['x', 'dy'], attrs.filterShape, (x, dy) =>
      depthwiseFilterGradientLoops(x, dy, info),
    );
  },
  DepthwiseConv2dNativeBackpropInput: (params) => {
    const attrs = params.attrs as unknown as ConvAttrs & { inputShape: Shape4 };
    if (!isPlain(attrs)) return onCpu('DepthwiseConv2dNativeBackpropInput', params);
    const info = geometry(attrs.inputShape, params.inputs.filter!.shape as Shape4, attrs, true);
    return withData(params, ['dy', 'filter'], attrs.inputShape, (dy, filter) =>
      depthwiseInputGradientLoops(dy, filter, info),
    );
  },
};

/** For a 1x1 convolution the input gradient is dy·Wᵀ; other cases go to wasm's own kernel. */
const conv2dBackpropInput: KernelFunc = (params) => {
  const attrs = params.attrs as unknown as ConvAttrs & { inputShape: Shape4 };
  const filter = params.inputs.filter!;
  const info = isPlain(attrs)
    ? geometry(attrs.inputShape, filter.shape as Shape4, attrs, false)
    : undefined;
  if (!info || !isPointwise(info)) return wasmConv2dBackpropInput!(params);
  // dx = dy·Wᵀ: a 1x1 convolution with the transposed filter (XNNPACK on wasm).
  return fromOps(params, ['dy', 'filter'], (dy, w) =>
    tf.conv2d(
      dy as tf.Tensor4D,
      w
        .reshape([info.inChannels, info.outChannels])
        .transpose()
        .reshape([1, 1, info.outChannels, info.inChannels]) as tf.Tensor4D,
      1,
      'valid',
    ),
  );
};

/**
 * Registers the missing gradient kernels for wasm, and a faster Conv2DBackpropInput for 1x1
 * convolutions (wasm's own handles the rest); returns the names it registered. Idempotent.
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
  const own = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (own && own.kernelFunc !== (conv2dBackpropInput as unknown as tf.KernelFunc)) {
    wasmConv2dBackpropInput = own.kernelFunc as unknown as KernelFunc;
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel({ ...own, kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc });
    registered.push('Conv2DBackpropInput');
  }
  return registered;
}
