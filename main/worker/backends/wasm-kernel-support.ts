/**
 * What the wasm gradient kernels share: the kernel-level types TF.js does not export, the
 * convolution geometry, the CPU fallback, and the two ways a kernel computes its output (from
 * TF.js ops on tensors viewing its inputs, or from loops on the wasm heap itself).
 */
import * as tf from '@tensorflow/tfjs';

type DataId = object;
type Values = Float32Array | Int32Array | Uint8Array;
export interface TensorInfo {
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
/** The parts of tfjs-backend-wasm's BackendWasm the loops use (zero-copy heap views). */
interface WasmBackend extends DataBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Values;
}
export interface KernelParams {
  inputs: Record<string, TensorInfo | undefined>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}
export type KernelFunc = (params: KernelParams) => TensorInfo | TensorInfo[];
export type Shape4 = [number, number, number, number];

export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
  dataFormat?: 'NHWC' | 'NCHW';
}

/** The geometry of a convolution: padding, output size, strides, filter size. */
export function geometry(
  xShape: Shape4,
  filterShape: Shape4,
  attrs: ConvAttrs,
  depthwise: boolean,
): tf.backend_util.Conv2DInfo {
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

/** Only the plain case (NHWC, no dilation) is built here; the rest uses the CPU kernel. */
export function isPlain(attrs: ConvAttrs): boolean {
  const dilations = attrs.dilations ?? 1;
  const dilated = Array.isArray(dilations) ? dilations.some((d) => d !== 1) : dilations !== 1;
  return !dilated && (attrs.dataFormat ?? 'NHWC') === 'NHWC';
}

/** True for a 1x1, stride-1, unpadded convolution: its gradients are single matrix products. */
export function isPointwise(info: tf.backend_util.Conv2DInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    top + bottom + left + right === 0
  );
}

/** Runs the CPU backend's kernel on copies of the inputs (slow, but any attributes). */
export function onCpu(kernelName: string, params: KernelParams): TensorInfo | TensorInfo[] {
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

/**
 * Runs `compute` on tensors viewing the named inputs (no copies) and hands its result over as
 * the kernel's output. Every intermediate is freed; the inputs are left as they were.
 */
export function viaOps(
  params: KernelParams,
  names: readonly string[],
  compute: (...inputs: tf.Tensor[]) => tf.Tensor,
): TensorInfo {
  const backend = params.backend as DataBackend;
  // Each view holds its own reference, so disposing it leaves the input be.
  const views = names.map((name) => {
    const info = params.inputs[name]!;
    backend.incRef(info.dataId);
    return tf.engine().makeTensorFromTensorInfo(info);
  });
  try {
    const result = tf.tidy(() => compute(...views));
    // The result's data becomes the output as it is: one more reference, then the tensor goes.
    backend.incRef(result.dataId);
    const info = { dataId: result.dataId, shape: result.shape, dtype: result.dtype };
    result.dispose();
    return info;
  } finally {
    tf.dispose(views);
  }
}

/**
 * Runs `compute` on the wasm heap: float32 views of the named inputs and of a new output of
 * `shape`, which `compute` must fill completely. No copies in or out.
 */
export function onHeap(
  params: KernelParams,
  names: readonly string[],
  shape: number[],
  compute: (output: Float32Array, ...inputs: Float32Array[]) => void,
): TensorInfo {
  const backend = params.backend as WasmBackend;
  // The output first: allocating can grow the heap, which detaches views taken before.
  const output = backend.makeOutput(shape, 'float32');
  const inputs = names.map(
    (name) => backend.typedArrayFromHeap(params.inputs[name]!) as Float32Array,
  );
  compute(backend.typedArrayFromHeap(output) as Float32Array, ...inputs);
  return output;
}
