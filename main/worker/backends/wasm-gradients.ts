/**
 * tfjs-backend-wasm 4.22 has no kernels for the filter gradients of convolutions
 * (Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter) nor for the input gradient of
 * depthwise convolutions, so fine-tuning base layers fails on it with "Kernel ... not
 * registered". This registers them for wasm, built from ops wasm does have (pad, strided slice,
 * matMul, mul/sum): one small step per filter tap, all on wasm. Unusual attributes (dilations,
 * NCHW) fall back to the CPU backend's own kernel, run on copies of the data.
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

/** x padded, and its window for filter tap (kh, kw): [B, outH, outW, C]. */
function tapsOf(x: tf.Tensor4D, info: tf.backend_util.Conv2DInfo) {
  const { top, bottom, left, right } = info.padInfo;
  const padded = tf.pad(x, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
  const [batch, , , channels] = x.shape;
  return (kh: number, kw: number): tf.Tensor4D =>
    tf.stridedSlice(
      padded,
      [0, kh, kw, 0],
      [
        batch,
        kh + (info.outHeight - 1) * info.strideHeight + 1,
        kw + (info.outWidth - 1) * info.strideWidth + 1,
        channels,
      ],
      [1, info.strideHeight, info.strideWidth, 1],
    ) as tf.Tensor4D;
}

/** dW[kh,kw,ci,co] = Σ x[b, oh*s+kh, ow*s+kw, ci] · dy[b,oh,ow,co]: one matMul per tap. */
function conv2dFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: ConvAttrs & { filterShape: Shape4 },
) {
  const info = geometry(x.shape, attrs.filterShape, attrs, false);
  const tap = tapsOf(x, info);
  const [kh, kw, ci, co] = attrs.filterShape;
  const rows = dy.shape[0] * dy.shape[1] * dy.shape[2];
  const dy2 = dy.reshape([rows, co]);
  const parts: tf.Tensor[] = [];
  for (let h = 0; h < kh; h += 1) {
    for (let w = 0; w < kw; w += 1) parts.push(tf.matMul(tap(h, w).reshape([rows, ci]), dy2, true));
  }
  return tf.stack(parts).reshape(attrs.filterShape);
}

/** dW[kh,kw,c,m] = Σ x[b, oh*s+kh, ow*s+kw, c] · dy[b,oh,ow,c*M+m]. */
function depthwiseFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: ConvAttrs & { filterShape: Shape4 },
) {
  const info = geometry(x.shape, attrs.filterShape, attrs, true);
  const tap = tapsOf(x, info);
  const [kh, kw, channels, multiplier] = attrs.filterShape;
  const dy5 = dy.reshape([dy.shape[0], dy.shape[1], dy.shape[2], channels, multiplier]);
  const parts: tf.Tensor[] = [];
  for (let h = 0; h < kh; h += 1) {
    for (let w = 0; w < kw; w += 1) parts.push(tap(h, w).expandDims(4).mul(dy5).sum([0, 1, 2]));
  }
  return tf.stack(parts).reshape(attrs.filterShape);
}

/** Spreads t [B,H,W,C] onto a grid with the given strides, zeros between: [B,(H-1)sh+1,(W-1)sw+1,C]. */
function dilate(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return t;
  const [b, h, w, c] = t.shape;
  return t
    .reshape([b, h, 1, w, 1, c])
    .pad([
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ])
    .reshape([b, h * sh, w * sw, c])
    .slice([0, 0, 0, 0], [b, (h - 1) * sh + 1, (w - 1) * sw + 1, c]) as tf.Tensor4D;
}

/** dx[b, oh*s+kh-pad, ow*s+kw-pad, c] += Σ_m dy[b,oh,ow,c*M+m] · W[kh,kw,c,m]. */
function depthwiseInputGradient(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: ConvAttrs & { inputShape: Shape4 },
) {
  const info = geometry(attrs.inputShape, filter.shape, attrs, true);
  const [batch, height, width, channels] = attrs.inputShape;
  const [kh, kw, , multiplier] = filter.shape;
  const { top, bottom, left, right } = info.padInfo;
  const paddedHeight = height + top + bottom;
  const paddedWidth = width + left + right;
  const dy5 = dy.reshape([batch, info.outHeight, info.outWidth, channels, multiplier]);
  const spanH = (info.outHeight - 1) * info.strideHeight + 1;
  const spanW = (info.outWidth - 1) * info.strideWidth + 1;
  let sum: tf.Tensor4D = tf.zeros([batch, paddedHeight, paddedWidth, channels]);
  for (let h = 0; h < kh; h += 1) {
    for (let w = 0; w < kw; w += 1) {
      const weights = filter
        .slice([h, w, 0, 0], [1, 1, channels, multiplier])
        .reshape([channels, multiplier]);
      const contribution = dilate(
        dy5.mul(weights).sum(4) as tf.Tensor4D,
        info.strideHeight,
        info.strideWidth,
      );
      sum = sum.add(
        contribution.pad([
          [0, 0],
          [h, paddedHeight - h - spanH],
          [w, paddedWidth - w - spanW],
          [0, 0],
        ]),
      );
    }
  }
  return sum.slice([0, top, left, 0], [batch, height, width, channels]);
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

/** Runs `compute` on tensors viewing the kernel's inputs; returns its result as new wasm data. */
function fromOps(
  params: KernelParams,
  names: [string, string],
  compute: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor,
): TensorInfo {
  const backend = params.backend as DataBackend;
  // Tensors viewing the inputs: each holds a reference, so disposing them leaves the inputs be.
  const [a, b] = names.map((name) => {
    const info = params.inputs[name]!;
    backend.incRef(info.dataId);
    return tf.engine().makeTensorFromTensorInfo(info);
  }) as [tf.Tensor4D, tf.Tensor4D];
  try {
    const result = tf.tidy(() => compute(a, b));
    const values = result.dataSync() as Float32Array;
    const info = {
      dataId: backend.write(values.slice(), result.shape, 'float32'),
      shape: result.shape,
      dtype: 'float32' as const,
    };
    result.dispose();
    return info;
  } finally {
    a.dispose();
    b.dispose();
  }
}

const KERNELS: Record<string, KernelFunc> = {
  Conv2DBackpropFilter: (params) => {
    const attrs = params.attrs as unknown as ConvAttrs & { filterShape: Shape4 };
    if (!isPlain(attrs)) return onCpu('Conv2DBackpropFilter', params);
    return fromOps(params, ['x', 'dy'], (x, dy) => conv2dFilterGradient(x, dy, attrs));
  },
  DepthwiseConv2dNativeBackpropFilter: (params) => {
    const attrs = params.attrs as unknown as ConvAttrs & { filterShape: Shape4 };
    if (!isPlain(attrs)) return onCpu('DepthwiseConv2dNativeBackpropFilter', params);
    return fromOps(params, ['x', 'dy'], (x, dy) => depthwiseFilterGradient(x, dy, attrs));
  },
  DepthwiseConv2dNativeBackpropInput: (params) => {
    const attrs = params.attrs as unknown as ConvAttrs & { inputShape: Shape4 };
    if (!isPlain(attrs)) return onCpu('DepthwiseConv2dNativeBackpropInput', params);
    return fromOps(params, ['dy', 'filter'], (dy, filter) =>
      depthwiseInputGradient(dy, filter, attrs),
    );
  },
};

/** Registers the missing gradient kernels for wasm; returns the names it registered. Idempotent. */
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
  return registered;
}
