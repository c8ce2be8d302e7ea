/**
 * The intermediate graph (the ONNX exporter's IR after its BatchNorm and padding fusions) as
 * TensorFlow Lite operators, float32 or full-integer int8. One tensor per IR value; ReLU/ReLU6
 * right after a convolution, dense or add become its fused activation; explicit pads become
 * SAME/VALID when TF's SAME rule gives the same pads, else a PAD operator before a VALID conv.
 */
import {
  countConsumers,
  type IrGraph,
  type IrNode,
  type IrOp,
  type ValueId,
} from '../onnx/layer-ir';
import { UnsupportedLayerError } from '../onnx/unsupported-layer-error';
import {
  activationQuantization,
  PROBABILITY_QUANTIZATION,
  quantizeBias,
  quantizeWeights,
  TANH_QUANTIZATION,
  type ValueRange,
} from './quantize';
import {
  Activation,
  BuiltinOperator,
  Padding,
  TensorType,
  type BuiltinOptions,
  type TfliteOperator,
  type TfliteQuantization,
  type TfliteTensor,
} from './tflite-schema';

type ConvOp = Extract<IrOp, { kind: 'conv' }>;

export interface TfliteLowered {
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  input: number;
  output: number;
}

export interface LowerOptions {
  /** Range of every IR value on representative images: quantize to int8 when given. */
  ranges?: Map<ValueId, ValueRange>;
  inputName: string;
  outputName: string;
}

function bytesOf(values: Float32Array | Int32Array): Uint8Array {
  const copy = values.slice();
  return new Uint8Array(copy.buffer, copy.byteOffset, copy.byteLength);
}

function samePads(
  size: number,
  kernel: number,
  stride: number,
  dilation: number,
): [number, number] {
  const total = Math.max(
    (Math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size,
    0,
  );
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** ReLU and ReLU6 (clip 0..6) as a fused activation, or undefined. */
function activationOf(op: IrOp): Activation | undefined {
  if (op.kind === 'relu') return Activation.RELU;
  if (op.kind === 'clip' && op.min === 0 && op.max === 6) return Activation.RELU6;
  return undefined;
}

class Lowering {
  readonly tensors: TfliteTensor[] = [];
  readonly operators: TfliteOperator[] = [];
  private readonly tensorOf = new Map<ValueId, number>();

  constructor(
    readonly graph: IrGraph,
    private readonly options: LowerOptions,
  ) {}

  private get int8(): boolean {
    return this.options.ranges !== undefined;
  }

  private add(tensor: TfliteTensor): number {
    this.tensors.push(tensor);
    return this.tensors.length - 1;
  }

  /** The tensor of an IR value (created on first use), int8 with its calibrated range. */
  value(id: ValueId, fixed?: TfliteQuantization): number {
    const known = this.tensorOf.get(id);
    if (known !== undefined) return known;
    const shape = this.graph.values.get(id)!.shape;
    const name =
      id === this.graph.input
        ? this.options.inputName
        : id === this.graph.output
          ? this.options.outputName
          : `value_${id}`;
    const range = this.options.ranges?.get(id);
    if (this.int8 && !fixed && !range) throw new Error(`no calibration range for ${name}`);
    const index = this.add({
      name,
      shape: shape.map((dim) => dim ?? 1),
      shapeSignature: shape.map((dim) => dim ?? -1),
      type: this.int8 ? TensorType.INT8 : TensorType.FLOAT32,
      ...(this.int8 ? { quantization: fixed ?? activationQuantization(range!) } : {}),
    });
    this.tensorOf.set(id, index);
    return index;
  }

  /** A value whose quantization must equal its input's (reshape, pad, max). */
  passThrough(id: ValueId, input: number): number {
    const q = this.tensors[input]!.quantization;
    return this.value(id, q);
  }

  /** A computed tensor that is no IR value (an inserted PAD's output), quantized like `like`. */
  intermediate(name: string, shape: number[], like: number): number {
    const { type, quantization } = this.tensors[like]!;
    return this.add({
      name,
      shape: [1, ...shape],
      shapeSignature: [-1, ...shape],
      type,
      ...(quantization ? { quantization } : {}),
    });
  }

  int32(name: string, values: number[]): number {
    return this.add({
      name,
      shape: [values.length],
      type: TensorType.INT32,
      data: bytesOf(Int32Array.from(values)),
    });
  }

  /** Weights: float32, or int8 per channel along `axis` (per tensor when perChannel is false). */
  weights(
    name: string,
    values: Float32Array,
    shape: number[],
    axis: number,
    perChannel: boolean,
  ): number {
    if (!this.int8) {
      return this.add({ name, shape, type: TensorType.FLOAT32, data: bytesOf(values) });
    }
    const q = quantizeWeights(values, shape, axis, perChannel);
    return this.add({
      name,
      shape,
      type: TensorType.INT8,
      data: q.data,
      quantization: q.quantization,
    });
  }

  bias(name: string, values: Float32Array, input: number, weights: number): number {
    if (!this.int8) {
      return this.add({
        name,
        shape: [values.length],
        type: TensorType.FLOAT32,
        data: bytesOf(values),
      });
    }
    const inputScale = this.tensors[input]!.quantization!.scale[0]!;
    const q = quantizeBias(values, inputScale, this.tensors[weights]!.quantization!.scale);
    return this.add({
      name,
      shape: [values.length],
      type: TensorType.INT32,
      data: q.data,
      quantization: q.quantization,
    });
  }

  op(op: BuiltinOperator, inputs: number[], outputs: number[], options: BuiltinOptions): void {
    this.operators.push({ op, inputs, outputs, options });
  }
}

function lowerConv(
  l: Lowering,
  node: IrNode,
  op: ConvOp,
  output: ValueId,
  activation: Activation,
): void {
  let input = l.value(node.inputs[0]!);
  const [, height, width, inChannels] = l.tensors[input]!.shape as [number, number, number, number];
  const [outChannels, perGroup, kh, kw] = op.weightShape;
  const [sh, sw] = op.strides;
  const [dh, dw] = op.dilations;
  const { top, bottom, left, right } = op.pads;
  const [st, sb] = samePads(height, kh, sh, dh);
  const [sl, sr] = samePads(width, kw, sw, dw);
  let padding: number = Padding.SAME;
  if (top + bottom + left + right === 0) padding = Padding.VALID;
  else if (top !== st || bottom !== sb || left !== sl || right !== sr) {
    const padded = l.intermediate(
      `${node.layerName}/pad`,
      [height + top + bottom, width + left + right, inChannels],
      input,
    );
    const pads = l.int32(`${node.layerName}/paddings`, [0, 0, top, bottom, left, right, 0, 0]);
    l.tensors[pads]!.shape = [4, 2];
    l.op(BuiltinOperator.PAD, [input, pads], [padded], { kind: 'pad' });
    input = padded;
    padding = Padding.VALID;
  }
  const depthwise = op.group > 1 && perGroup === 1 && op.group === inChannels;
  if (op.group > 1 && !depthwise) {
    throw new UnsupportedLayerError(
      node.layerName,
      'Conv2D',
      'grouped convolutions have no TFLite operator',
    );
  }
  // ONNX [O, I/g, kH, kW] -> TFLite CONV_2D [O, kH, kW, I] or DEPTHWISE_CONV_2D [1, kH, kW, O].
  const inner = depthwise ? 1 : perGroup;
  const kernel = new Float32Array(op.weights.length);
  for (let o = 0; o < outChannels; o += 1)
    for (let i = 0; i < inner; i += 1)
      for (let y = 0; y < kh; y += 1)
        for (let x = 0; x < kw; x += 1) {
          const from = ((o * inner + i) * kh + y) * kw + x;
          const to = depthwise
            ? (y * kw + x) * outChannels + o
            : ((o * kh + y) * kw + x) * inner + i;
          kernel[to] = op.weights[from]!;
        }
  const shape = depthwise ? [1, kh, kw, outChannels] : [outChannels, kh, kw, inner];
  const weights = l.weights(`${node.layerName}/kernel`, kernel, shape, depthwise ? 3 : 0, true);
  const bias = l.bias(
    `${node.layerName}/bias`,
    op.bias ?? new Float32Array(outChannels),
    input,
    weights,
  );
  const common = { padding, strideW: sw, strideH: sh, activation, dilationW: dw, dilationH: dh };
  l.op(
    depthwise ? BuiltinOperator.DEPTHWISE_CONV_2D : BuiltinOperator.CONV_2D,
    [input, weights, bias],
    [l.value(output)],
    depthwise
      ? { kind: 'depthwise', ...common, depthMultiplier: outChannels / inChannels }
      : { kind: 'conv2d', ...common },
  );
}

/** A BatchNormalization that could not be folded: a 1x1 depthwise convolution. */
function lowerBatchNorm(
  l: Lowering,
  node: IrNode,
  op: Extract<IrOp, { kind: 'batchnorm' }>,
  output: ValueId,
  activation: Activation,
): void {
  // A BatchNormalization that could not be folded: a 1x1 depthwise convolution.
  const scale = op.gamma.map((g, c) => g / Math.sqrt(op.variance[c]! + op.epsilon));
  const shift = op.beta.map((b, c) => b - op.mean[c]! * scale[c]!);
  const conv: ConvOp = {
    kind: 'conv',
    weights: scale,
    weightShape: [scale.length, 1, 1, 1],
    bias: shift,
    strides: [1, 1],
    dilations: [1, 1],
    pads: { top: 0, bottom: 0, left: 0, right: 0 },
    group: scale.length,
  };
  return lowerConv(l, node, conv, output, activation);
}

/** Dense as FULLY_CONNECTED (Keras kernel [in, units] transposed to [units, in]). */
function lowerDense(
  l: Lowering,
  node: IrNode,
  op: Extract<IrOp, { kind: 'dense' }>,
  output: ValueId,
  activation: Activation,
): void {
  const name = node.layerName;
  const from = l.value(node.inputs[0]!);
  // Keras [in, units] -> TFLite FULLY_CONNECTED [units, in].
  const kernel = new Float32Array(op.kernel.length);
  for (let i = 0; i < op.inputUnits; i += 1)
    for (let u = 0; u < op.units; u += 1)
      kernel[u * op.inputUnits + i] = op.kernel[i * op.units + u]!;
  const weights = l.weights(`${name}/kernel`, kernel, [op.units, op.inputUnits], 0, false);
  const bias = l.bias(`${name}/bias`, op.bias ?? new Float32Array(op.units), from, weights);
  return l.op(BuiltinOperator.FULLY_CONNECTED, [from, weights, bias], [l.value(output)], {
    kind: 'fullyConnected',
    activation,
  });
}

/** Global pooling: MEAN (average) or REDUCE_MAX over height and width. */
function lowerGlobalPool(
  l: Lowering,
  node: IrNode,
  mode: 'average' | 'max',
  output: ValueId,
): void {
  const from = l.value(node.inputs[0]!);
  const axes = l.int32(`${node.layerName}/axes`, [1, 2]);
  const max = mode === 'max';
  l.op(
    max ? BuiltinOperator.REDUCE_MAX : BuiltinOperator.MEAN,
    [from, axes],
    [max ? l.passThrough(output, from) : l.value(output)],
    { kind: 'reducer', keepDims: false },
  );
}

/** Reshape and Flatten: RESHAPE to [-1, ...the value's shape without its batch]. */
function lowerReshape(l: Lowering, node: IrNode, output: ValueId): void {
  const from = l.value(node.inputs[0]!);
  const newShape = [-1, ...(l.graph.values.get(output)!.shape.slice(1) as number[])];
  const shape = l.int32(`${node.layerName}/shape`, newShape);
  l.op(BuiltinOperator.RESHAPE, [from, shape], [l.passThrough(output, from)], {
    kind: 'reshape',
    newShape,
  });
}

function lowerNode(l: Lowering, node: IrNode, output: ValueId, activation: Activation): void {
  const { op } = node;
  const name = node.layerName;
  const input = (): number => l.value(node.inputs[0]!);
  switch (op.kind) {
    case 'conv':
      return lowerConv(l, node, op, output, activation);
    case 'batchnorm':
      return lowerBatchNorm(l, node, op, output, activation);
    case 'pad': {
      const from = input();
      const { top, bottom, left, right } = op.pads;
      const pads = l.int32(`${name}/paddings`, [0, 0, top, bottom, left, right, 0, 0]);
      l.tensors[pads]!.shape = [4, 2];
      return l.op(BuiltinOperator.PAD, [from, pads], [l.passThrough(output, from)], {
        kind: 'pad',
      });
    }
    case 'relu':
      return l.op(BuiltinOperator.RELU, [input()], [l.value(output)], { kind: 'none' });
    case 'clip':
      if (activationOf(op) === undefined) {
        throw new UnsupportedLayerError(
          name,
          'ReLU',
          `clipping to [${op.min}, ${op.max}] has no TFLite operator`,
        );
      }
      return l.op(BuiltinOperator.RELU6, [input()], [l.value(output)], { kind: 'none' });
    case 'sigmoid':
      return l.op(
        BuiltinOperator.LOGISTIC,
        [input()],
        [l.value(output, PROBABILITY_QUANTIZATION)],
        { kind: 'none' },
      );
    case 'tanh':
      return l.op(BuiltinOperator.TANH, [input()], [l.value(output, TANH_QUANTIZATION)], {
        kind: 'none',
      });
    case 'softmax': {
      const rank = l.graph.values.get(node.inputs[0]!)!.shape.length;
      if (op.axis !== rank - 1) {
        throw new UnsupportedLayerError(
          name,
          'Softmax',
          'TFLite takes softmax over the last axis only',
        );
      }
      return l.op(BuiltinOperator.SOFTMAX, [input()], [l.value(output, PROBABILITY_QUANTIZATION)], {
        kind: 'softmax',
        beta: 1,
      });
    }
    case 'add':
      return l.op(
        BuiltinOperator.ADD,
        node.inputs.map((id) => l.value(id)),
        [l.value(output)],
        {
          kind: 'add',
          activation,
        },
      );
    case 'globalPool':
      return lowerGlobalPool(l, node, op.mode, output);
    case 'reshape':
    case 'flatten':
      return lowerReshape(l, node, output);
    case 'dense':
      return lowerDense(l, node, op, output, activation);
  }
}

/** Lowers the (fused) IR graph; throws UnsupportedLayerError for what TFLite cannot run. */
export function lowerToTflite(graph: IrGraph, options: LowerOptions): TfliteLowered {
  const lowering = new Lowering(graph, options);
  const consumers = countConsumers(graph);
  const byInput = new Map<ValueId, IrNode>();
  for (const node of graph.nodes) for (const id of node.inputs) byInput.set(id, node);
  const fused = new Set<IrNode>();
  const input = lowering.value(graph.input);
  for (const node of graph.nodes) {
    if (fused.has(node)) continue;
    let output = node.output;
    let activation: Activation = Activation.NONE;
    const next = byInput.get(node.output);
    const fusable =
      node.op.kind === 'conv' ||
      node.op.kind === 'dense' ||
      node.op.kind === 'add' ||
      node.op.kind === 'batchnorm';
    if (
      fusable &&
      next &&
      consumers.get(node.output) === 1 &&
      activationOf(next.op) !== undefined
    ) {
      activation = activationOf(next.op)!;
      output = next.output;
      fused.add(next);
    }
    lowerNode(lowering, node, output, activation);
  }
  return {
    tensors: lowering.tensors,
    operators: lowering.operators,
    input,
    output: lowering.value(graph.output),
  };
}
