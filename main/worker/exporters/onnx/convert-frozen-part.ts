/**
 * The frozen part of a network (image in, boundary tensors out) as ONNX bytes, for the
 * onnxruntime feature engine (training/ort-engine.ts). Same lowering as the export (BatchNorm
 * folded in double precision, pads folded, channels-last input and outputs), but any number of
 * outputs, and when asked the single output averaged over height and width in the graph itself,
 * so the feature map never leaves onnxruntime.
 */
import type * as tf from '@tensorflow/tfjs';
import { ONNX_INPUT_NAME, ONNX_IR_VERSION, ONNX_OPSET } from './convert-to-onnx';
import { OnnxEmitter } from './emit-onnx';
import { flattenImageModel } from './flatten-model';
import { foldBatchNorms, foldPadsIntoConvs } from './fuse-ir';
import type { IrGraph } from './layer-ir';
import { encodeOnnxModel, OnnxDataType, type OnnxDim } from './onnx-schema';
import { UnsupportedModelError } from './unsupported-layer-error';

export interface FrozenPartOnnx {
  bytes: Uint8Array;
  inputName: string;
  /** One per boundary tensor, in the model's output order. */
  outputNames: string[];
}

/** Appends a global average pool to the graph's single output. */
function pooled(graph: IrGraph): IrGraph {
  if (graph.extraOutputs?.length) {
    throw new UnsupportedModelError('only a single boundary tensor can be pooled');
  }
  const shape = graph.values.get(graph.output)!.shape;
  if (shape.length !== 4) throw new UnsupportedModelError('only a 4D feature map can be pooled');
  const output = graph.values.size;
  const values = new Map(graph.values);
  values.set(output, { id: output, shape: [shape[0]!, shape[3]!] });
  const node = {
    op: { kind: 'globalPool', mode: 'average' } as const,
    inputs: [graph.output],
    output,
    layerName: 'feature_pool',
  };
  return { ...graph, values, nodes: [...graph.nodes, node], output };
}

const dims = (shape: (number | null)[]): OnnxDim[] =>
  shape.map((dim, index) => (index === 0 || dim === null ? 'batch' : dim));

function inputDims(shape: (number | null)[], nchw: boolean): OnnxDim[] {
  const [batch, height, width, channels] = dims(shape);
  return nchw ? [batch!, channels!, height!, width!] : [batch!, height!, width!, channels!];
}

/** Converts `frozen`; throws UnsupportedLayerError naming a layer ONNX cannot express. */
export function convertFrozenPartToOnnx(
  frozen: tf.LayersModel,
  options: {
    pool: boolean;
    /** 'nchw' takes the images channels-first (the bench compares both; the engine is NHWC). */
    inputLayout?: 'nhwc' | 'nchw';
  },
): FrozenPartOnnx {
  const flat = flattenImageModel(frozen);
  const graph = foldPadsIntoConvs(foldBatchNorms(options.pool ? pooled(flat) : flat));
  const emitter = new OnnxEmitter(graph);
  const nchw = options.inputLayout === 'nchw';
  const emitted = emitter.emit(ONNX_INPUT_NAME, nchw ? 'nchw' : 'tf');
  const outputs = [graph.output, ...(graph.extraOutputs ?? [])];
  const outputNames = outputs.map((value) => emitter.outputName(value));
  if (outputNames.includes(ONNX_INPUT_NAME)) {
    throw new UnsupportedModelError('the frozen part has no layers (the boundary is the image)');
  }
  const bytes = encodeOnnxModel({
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: 'transfer-studio',
    producerVersion: '0',
    docString: 'The frozen part of a base model, for feature extraction.',
    graphName: frozen.name,
    nodes: emitted.nodes,
    initializers: emitted.initializers,
    inputs: [
      {
        name: ONNX_INPUT_NAME,
        elemType: OnnxDataType.FLOAT,
        shape: inputDims(graph.values.get(graph.input)!.shape, nchw),
      },
    ],
    outputs: outputs.map((value, index) => ({
      name: outputNames[index]!,
      elemType: OnnxDataType.FLOAT,
      shape: dims(graph.values.get(value)!.shape),
    })),
    metadata: {},
  });
  return { bytes, inputName: ONNX_INPUT_NAME, outputNames };
}
