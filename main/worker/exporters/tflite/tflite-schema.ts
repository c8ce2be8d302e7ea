/**
 * The few tables of TensorFlow Lite's schema (tensorflow/lite/schema/schema.fbs, version 3)
 * that an image classifier needs, written with the flatbuffers Builder. Field slots and enum
 * values are the schema's own; a table's fields are added by their index in schema.fbs.
 */
import { Builder } from 'flatbuffers';

export const TFLITE_SCHEMA_VERSION = 3;

/** schema.fbs `enum TensorType : byte`. */
export const TensorType = { FLOAT32: 0, INT32: 2, INT8: 9 } as const;
export type TensorType = (typeof TensorType)[keyof typeof TensorType];

/** schema.fbs `enum BuiltinOperator : int32`. */
export const BuiltinOperator = {
  ADD: 0,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  FULLY_CONNECTED: 9,
  LOGISTIC: 14,
  RELU: 19,
  RELU6: 21,
  RESHAPE: 22,
  SOFTMAX: 25,
  TANH: 28,
  PAD: 34,
  MEAN: 40,
  REDUCE_MAX: 82,
} as const;
export type BuiltinOperator = (typeof BuiltinOperator)[keyof typeof BuiltinOperator];

/** schema.fbs `enum Padding : byte`. */
export const Padding = { SAME: 0, VALID: 1 } as const;
/** schema.fbs `enum ActivationFunctionType : byte`. */
export const Activation = { NONE: 0, RELU: 1, RELU6: 3 } as const;
export type Activation = (typeof Activation)[keyof typeof Activation];

/** The options of an operator (schema.fbs `union BuiltinOptions`, by member). */
export type BuiltinOptions =
  | { kind: 'none' }
  | {
      kind: 'conv2d';
      padding: number;
      strideW: number;
      strideH: number;
      activation: Activation;
      dilationW: number;
      dilationH: number;
    }
  | {
      kind: 'depthwise';
      padding: number;
      strideW: number;
      strideH: number;
      depthMultiplier: number;
      activation: Activation;
      dilationW: number;
      dilationH: number;
    }
  | { kind: 'fullyConnected'; activation: Activation }
  | { kind: 'softmax'; beta: number }
  | { kind: 'add'; activation: Activation }
  | { kind: 'reshape'; newShape: number[] }
  | { kind: 'pad' }
  | { kind: 'reducer'; keepDims: boolean };

/** Union member index of each option table in `union BuiltinOptions`. */
const OPTIONS_TYPE: Record<BuiltinOptions['kind'], number> = {
  none: 0,
  conv2d: 1,
  depthwise: 2,
  fullyConnected: 8,
  softmax: 9,
  add: 11,
  reshape: 17,
  pad: 22,
  reducer: 27,
};

export interface TfliteQuantization {
  scale: number[];
  zeroPoint: number[];
  /** Axis the per-channel scales run along (0 for per-tensor). */
  quantizedDimension?: number;
}

export interface TfliteTensor {
  name: string;
  shape: number[];
  /** -1 where the size is chosen at run time (the batch); omitted for fixed shapes. */
  shapeSignature?: number[];
  type: TensorType;
  /** Constant data (weights); a tensor without it is computed at run time. */
  data?: Uint8Array;
  quantization?: TfliteQuantization;
}

export interface TfliteOperator {
  op: BuiltinOperator;
  inputs: number[];
  outputs: number[];
  options: BuiltinOptions;
}

export interface TfliteModelSpec {
  description: string;
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
  /** Named metadata buffers (e.g. labels, preprocessing as JSON). */
  metadata: Record<string, string>;
}

function intVector(builder: Builder, values: number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i -= 1) builder.addInt32(values[i]!);
  return builder.endVector();
}

function floatVector(builder: Builder, values: number[]): number {
  builder.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i -= 1) builder.addFloat32(values[i]!);
  return builder.endVector();
}

function longVector(builder: Builder, values: number[]): number {
  builder.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i -= 1) builder.addInt64(BigInt(values[i]!));
  return builder.endVector();
}

function tableVector(builder: Builder, offsets: number[]): number {
  builder.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i -= 1) builder.addOffset(offsets[i]!);
  return builder.endVector();
}

/** `table Buffer { data:[ubyte] (force_align: 16); }` */
function writeBuffer(builder: Builder, data: Uint8Array | undefined): number {
  let vector = 0;
  if (data && data.length > 0) {
    // Align the data's start to 16 bytes (force_align); createByteVector then adds no padding.
    builder.prep(16, data.length);
    vector = builder.createByteVector(data);
  }
  builder.startObject(1);
  if (vector) builder.addFieldOffset(0, vector, 0);
  return builder.endObject();
}

/** `table QuantizationParameters` (min, max, scale, zero_point, details, quantized_dimension). */
function writeQuantization(builder: Builder, q: TfliteQuantization): number {
  const scale = floatVector(builder, q.scale);
  const zeroPoint = longVector(builder, q.zeroPoint);
  builder.startObject(7);
  builder.addFieldOffset(2, scale, 0);
  builder.addFieldOffset(3, zeroPoint, 0);
  builder.addFieldInt32(6, q.quantizedDimension ?? 0, 0);
  return builder.endObject();
}

/** `table Tensor` (shape, type, buffer, name, quantization, ..., shape_signature). */
function writeTensor(builder: Builder, tensor: TfliteTensor, buffer: number): number {
  const shape = intVector(builder, tensor.shape);
  const name = builder.createString(tensor.name);
  const quantization = tensor.quantization ? writeQuantization(builder, tensor.quantization) : 0;
  const signature = tensor.shapeSignature ? intVector(builder, tensor.shapeSignature) : 0;
  builder.startObject(8);
  builder.addFieldOffset(0, shape, 0);
  builder.addFieldInt8(1, tensor.type, 0);
  builder.addFieldInt32(2, buffer, 0);
  builder.addFieldOffset(3, name, 0);
  if (quantization) builder.addFieldOffset(4, quantization, 0);
  if (signature) builder.addFieldOffset(7, signature, 0);
  return builder.endObject();
}

/** The option table of one operator, by its schema.fbs field order. */
function writeOptions(builder: Builder, options: BuiltinOptions): number {
  switch (options.kind) {
    case 'none':
      return 0;
    case 'conv2d':
      builder.startObject(6);
      builder.addFieldInt8(0, options.padding, -1);
      builder.addFieldInt32(1, options.strideW, -1);
      builder.addFieldInt32(2, options.strideH, -1);
      builder.addFieldInt8(3, options.activation, -1);
      builder.addFieldInt32(4, options.dilationW, -1);
      builder.addFieldInt32(5, options.dilationH, -1);
      return builder.endObject();
    case 'depthwise':
      builder.startObject(7);
      builder.addFieldInt8(0, options.padding, -1);
      builder.addFieldInt32(1, options.strideW, -1);
      builder.addFieldInt32(2, options.strideH, -1);
      builder.addFieldInt32(3, options.depthMultiplier, -1);
      builder.addFieldInt8(4, options.activation, -1);
      builder.addFieldInt32(5, options.dilationW, -1);
      builder.addFieldInt32(6, options.dilationH, -1);
      return builder.endObject();
    case 'fullyConnected':
    case 'add':
      builder.startObject(1);
      builder.addFieldInt8(0, options.activation, -1);
      return builder.endObject();
    case 'softmax':
      builder.startObject(1);
      builder.addFieldFloat32(0, options.beta, -1);
      return builder.endObject();
    case 'reshape': {
      const shape = intVector(builder, options.newShape);
      builder.startObject(1);
      builder.addFieldOffset(0, shape, 0);
      return builder.endObject();
    }
    case 'pad':
      builder.startObject(0);
      return builder.endObject();
    case 'reducer':
      builder.startObject(1);
      builder.addFieldInt8(0, options.keepDims ? 1 : 0, -1);
      return builder.endObject();
  }
}

/** `table Operator` (opcode_index, inputs, outputs, builtin_options_type, builtin_options). */
function writeOperator(builder: Builder, operator: TfliteOperator, opcodeIndex: number): number {
  const inputs = intVector(builder, operator.inputs);
  const outputs = intVector(builder, operator.outputs);
  const options = writeOptions(builder, operator.options);
  builder.startObject(5);
  builder.addFieldInt32(0, opcodeIndex, -1);
  builder.addFieldOffset(1, inputs, 0);
  builder.addFieldOffset(2, outputs, 0);
  if (options) {
    builder.addFieldInt8(3, OPTIONS_TYPE[operator.options.kind], 0);
    builder.addFieldOffset(4, options, 0);
  }
  return builder.endObject();
}

/** `table OperatorCode` (deprecated_builtin_code, custom_code, version, builtin_code). */
function writeOperatorCode(builder: Builder, op: BuiltinOperator, version: number): number {
  builder.startObject(4);
  // Readers older than schema 3a take the code from the deprecated byte field (codes < 127).
  builder.addFieldInt8(0, op, -1);
  builder.addFieldInt32(2, version, -1);
  builder.addFieldInt32(3, op, -1);
  return builder.endObject();
}

/**
 * Encodes the model as a .tflite file: one subgraph, buffer 0 empty (the schema's convention
 * for computed tensors), one buffer per constant tensor, metadata as UTF-8 buffers.
 */
export function encodeTfliteModel(
  spec: TfliteModelSpec,
  opVersions: Partial<Record<BuiltinOperator, number>> = {},
): Uint8Array {
  const size = spec.tensors.reduce((sum, tensor) => sum + (tensor.data?.length ?? 0), 0);
  const builder = new Builder(size + 1024 * 1024);
  const buffers: number[] = [writeBuffer(builder, undefined)];
  const tensorBuffer = spec.tensors.map((tensor) => {
    if (!tensor.data) return 0;
    buffers.push(writeBuffer(builder, tensor.data));
    return buffers.length - 1;
  });
  const metadata = Object.entries(spec.metadata).map(([name, text]) => {
    buffers.push(writeBuffer(builder, new TextEncoder().encode(text)));
    const index = buffers.length - 1;
    const nameOffset = builder.createString(name);
    builder.startObject(2);
    builder.addFieldOffset(0, nameOffset, 0);
    builder.addFieldInt32(1, index, -1);
    return builder.endObject();
  });
  const codes = [...new Set(spec.operators.map((operator) => operator.op))];
  const codeOffsets = codes.map((op) => writeOperatorCode(builder, op, opVersions[op] ?? 1));
  const operators = spec.operators.map((operator) =>
    writeOperator(builder, operator, codes.indexOf(operator.op)),
  );
  const tensors = spec.tensors.map((tensor, index) =>
    writeTensor(builder, tensor, tensorBuffer[index]!),
  );
  const tensorsVector = tableVector(builder, tensors);
  const inputs = intVector(builder, spec.inputs);
  const outputs = intVector(builder, spec.outputs);
  const operatorsVector = tableVector(builder, operators);
  const subgraphName = builder.createString('main');
  builder.startObject(5);
  builder.addFieldOffset(0, tensorsVector, 0);
  builder.addFieldOffset(1, inputs, 0);
  builder.addFieldOffset(2, outputs, 0);
  builder.addFieldOffset(3, operatorsVector, 0);
  builder.addFieldOffset(4, subgraphName, 0);
  const subgraph = builder.endObject();

  const codesVector = tableVector(builder, codeOffsets);
  const subgraphs = tableVector(builder, [subgraph]);
  const description = builder.createString(spec.description);
  const buffersVector = tableVector(builder, buffers);
  const metadataVector = tableVector(builder, metadata);
  builder.startObject(7);
  builder.addFieldInt32(0, TFLITE_SCHEMA_VERSION, 0);
  builder.addFieldOffset(1, codesVector, 0);
  builder.addFieldOffset(2, subgraphs, 0);
  builder.addFieldOffset(3, description, 0);
  builder.addFieldOffset(4, buffersVector, 0);
  builder.addFieldOffset(6, metadataVector, 0);
  const model = builder.endObject();
  builder.finish(model, 'TFL3');
  return builder.asUint8Array();
}
