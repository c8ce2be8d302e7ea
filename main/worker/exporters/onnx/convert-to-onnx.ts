/**
 * TF.js LayersModel -> ONNX model bytes (opset 13), written with our own protobuf schema.
 *
 * Contract of the exported file (also stated in its metadata and README):
 * - input `input`: float32 [batch, height, width, 3], channels-last (NHWC) like the studio's
 *   model, already preprocessed (RGB, x * scale + offset; MobileNets: x / 127.5 - 1);
 * - output `probabilities`: float32 [batch, classes], in the order of the `labels` metadata.
 */
import type * as tf from '@tensorflow/tfjs';
import { OnnxEmitter } from './emit-onnx';
import { flattenLayersModel } from './flatten-model';
import { foldBatchNorms, foldPadsIntoConvs } from './fuse-ir';
import { encodeOnnxModel, OnnxDataType, type OnnxDim } from './onnx-schema';
import { UnsupportedModelError } from './unsupported-layer-error';

export const ONNX_OPSET = 13;
/** IR version 7 is the one that goes with opset 13. */
export const ONNX_IR_VERSION = 7;
export const ONNX_INPUT_NAME = 'input';
export const ONNX_OUTPUT_NAME = 'probabilities';

export interface OnnxExportOptions {
  /** Class names in output order; their count must match the model's output. */
  labels: string[];
  /** Pixel preprocessing the model expects: x * scale + offset on RGB values in [0, 255]. */
  preprocessing: { scale: number; offset: number };
  /** Shown by viewers such as Netron. */
  graphName?: string;
  producerVersion?: string;
  /** Extra metadata_props entries (run id, base model, ...). */
  metadata?: Record<string, string>;
}

export interface OnnxConversion {
  bytes: Uint8Array;
  inputName: string;
  outputName: string;
  /** [batch, height, width, channels]; batch is the symbolic 'batch'. */
  inputShape: OnnxDim[];
  outputShape: OnnxDim[];
  /** ONNX op type -> count, for reports and tests. */
  opCounts: Record<string, number>;
  metadata: Record<string, string>;
}

function fixedDims(shape: (number | null)[], what: string): OnnxDim[] {
  return shape.map((dim, index) => {
    if (index === 0) return 'batch';
    if (typeof dim !== 'number')
      throw new UnsupportedModelError(`the ${what} has an unknown dimension ${index}`);
    return dim;
  });
}

/** Converts `model`; throws UnsupportedLayerError naming the first layer it cannot express. */
export function convertLayersModelToOnnx(
  model: tf.LayersModel,
  options: OnnxExportOptions,
): OnnxConversion {
  const graph = foldPadsIntoConvs(foldBatchNorms(flattenLayersModel(model)));
  const inputShape = fixedDims(graph.values.get(graph.input)!.shape, 'input');
  const outputShape = fixedDims(graph.values.get(graph.output)!.shape, 'output');
  const classes = outputShape[outputShape.length - 1];
  if (outputShape.length !== 2 || classes !== options.labels.length) {
    throw new UnsupportedModelError(
      `the model's output is [${outputShape.join(', ')}] but ${options.labels.length} labels were given; ` +
        'an exported classifier must output [batch, classes] with one label per class',
    );
  }
  const emitted = new OnnxEmitter(graph).emit(ONNX_INPUT_NAME);
  if (emitted.output === ONNX_INPUT_NAME) {
    throw new UnsupportedModelError('the model has no layers between its input and its output');
  }
  // Rename the final value so the graph output has a stable, documented name.
  for (const node of emitted.nodes) {
    node.input = node.input.map((name) => (name === emitted.output ? ONNX_OUTPUT_NAME : name));
    node.output = node.output.map((name) => (name === emitted.output ? ONNX_OUTPUT_NAME : name));
  }
  const { scale, offset } = options.preprocessing;
  const metadata: Record<string, string> = {
    labels: JSON.stringify(options.labels),
    input_layout: 'NHWC',
    input_shape: JSON.stringify(inputShape),
    preprocessing: JSON.stringify({
      color: 'RGB',
      range: [0, 255],
      scale,
      offset,
      resize: 'cover',
    }),
    preprocessing_text: `RGB pixels in [0, 255], resized to ${inputShape[1]}x${inputShape[2]} (cover: scale then centre-crop), then x * ${scale} + ${offset}`,
    ...options.metadata,
  };
  const opCounts: Record<string, number> = {};
  for (const node of emitted.nodes) opCounts[node.opType] = (opCounts[node.opType] ?? 0) + 1;
  const bytes = encodeOnnxModel({
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: 'transfer-studio',
    producerVersion: options.producerVersion ?? '0',
    docString: `Image classifier exported by Transfer Studio. Input "${ONNX_INPUT_NAME}" NHWC float32, output "${ONNX_OUTPUT_NAME}".`,
    graphName: options.graphName ?? model.name,
    nodes: emitted.nodes,
    initializers: emitted.initializers,
    inputs: [
      {
        name: ONNX_INPUT_NAME,
        elemType: OnnxDataType.FLOAT,
        shape: inputShape,
        docString: `NHWC float32, RGB preprocessed as x * ${scale} + ${offset}`,
      },
    ],
    outputs: [{ name: ONNX_OUTPUT_NAME, elemType: OnnxDataType.FLOAT, shape: outputShape }],
    metadata,
  });
  return {
    bytes,
    inputName: ONNX_INPUT_NAME,
    outputName: ONNX_OUTPUT_NAME,
    inputShape,
    outputShape,
    opCounts,
    metadata,
  };
}
