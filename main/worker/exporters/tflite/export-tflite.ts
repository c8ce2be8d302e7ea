/**
 * The TFLite formats of the export pipeline, written by the studio itself (no TensorFlow
 * converter): the studio's model flattened and fused exactly as for ONNX (one IR drives both
 * writers), lowered to TFLite operators and encoded with the flatbuffers Builder. 'tflite' is
 * float32; 'tflite-int8' is full-integer int8 (int8 input and output, their scale and zero point
 * in the file and in the manifest), calibrated on a sample of the run's training images. The
 * proof loads the written file in Google's LiteRT interpreter (Python), the runtime its users
 * run it in; without that runtime the export says so and how to set it up.
 */
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { ExportArtifacts, ExportFormatWriter } from '../export-pipeline';
import type { VerificationBatch } from '../export-verification';
import { flattenLayersModel } from '../onnx/flatten-model';
import { foldBatchNorms, foldPadsIntoConvs } from '../onnx/fuse-ir';
import type { IrGraph } from '../onnx/layer-ir';
import { UnsupportedModelError } from '../onnx/unsupported-layer-error';
import { openPythonPredictor, PythonRuntimeMissing } from '../python/python-runtime';
import { calibrateRanges } from './calibrate-ir';
import { lowerToTflite } from './lower-tflite';
import { encodeTfliteModel, type TfliteQuantization, type TfliteTensor } from './tflite-schema';

export const TFLITE_INPUT_NAME = 'input';
export const TFLITE_OUTPUT_NAME = 'probabilities';
export const TFLITE_LABELS_FILE = 'labels.txt';
export const TFLITE_LABELS_JSON = 'labels.json';

export interface TfliteConversion {
  bytes: Uint8Array;
  modelFile: string;
  inputShape: (number | string)[];
  outputShape: (number | string)[];
  /** int8 only: what the input and output integers mean (real = (q - zeroPoint) * scale). */
  inputQuantization?: { scale: number; zeroPoint: number };
  outputQuantization?: { scale: number; zeroPoint: number };
  opCounts: Record<string, number>;
}

export interface TfliteWriterOptions {
  model: tf.LayersModel;
  modelName: string;
  labels: string[];
  preprocessing: { scale: number; offset: number };
  /** Full-integer int8, calibrated on these (training) images; float32 when absent. */
  representative?: () => AsyncIterable<VerificationBatch>;
  source?: Record<string, string>;
  producerVersion?: string;
  env?: NodeJS.ProcessEnv;
}

function fusedGraph(model: tf.LayersModel, labels: string[]): IrGraph {
  const graph = foldPadsIntoConvs(foldBatchNorms(flattenLayersModel(model)));
  const output = graph.values.get(graph.output)!.shape;
  if (output.length !== 2 || output[1] !== labels.length) {
    throw new UnsupportedModelError(
      `the model's output is [${output.join(', ')}] but ${labels.length} labels were given`,
    );
  }
  return graph;
}

function quantOf(tensor: TfliteTensor): { scale: number; zeroPoint: number } | undefined {
  const q: TfliteQuantization | undefined = tensor.quantization;
  return q ? { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0]! } : undefined;
}

/** Converts the model (calibrating first for int8); throws for layers TFLite cannot hold. */
export async function convertToTflite(options: TfliteWriterOptions): Promise<TfliteConversion> {
  const graph = fusedGraph(options.model, options.labels);
  const ranges = options.representative
    ? await calibrateRanges(graph, options.representative())
    : undefined;
  const lowered = lowerToTflite(graph, {
    inputName: TFLITE_INPUT_NAME,
    outputName: TFLITE_OUTPUT_NAME,
    ...(ranges ? { ranges } : {}),
  });
  const input = lowered.tensors[lowered.input]!;
  const output = lowered.tensors[lowered.output]!;
  const preprocessing = {
    color: 'RGB',
    range: [0, 255],
    ...options.preprocessing,
    resize: 'cover',
    ...(ranges ? { int8Input: quantOf(input), int8Output: quantOf(output) } : {}),
  };
  const bytes = encodeTfliteModel(
    {
      description: `Image classifier exported by Transfer Studio ${options.producerVersion ?? ''} (${options.modelName})`,
      tensors: lowered.tensors,
      operators: lowered.operators,
      inputs: [lowered.input],
      outputs: [lowered.output],
      metadata: {
        labels: JSON.stringify(options.labels),
        preprocessing: JSON.stringify(preprocessing),
        ...(options.source ? { source: JSON.stringify(options.source) } : {}),
      },
    },
    ranges ? INT8_OP_VERSIONS : {},
  );
  const opCounts: Record<string, number> = {};
  for (const op of lowered.operators) opCounts[op.op] = (opCounts[op.op] ?? 0) + 1;
  const shape = (tensor: TfliteTensor) =>
    tensor.shapeSignature!.map((dim) => (dim === -1 ? 'batch' : dim));
  const inputQuantization = ranges ? quantOf(input) : undefined;
  const outputQuantization = ranges ? quantOf(output) : undefined;
  return {
    bytes,
    modelFile: ranges ? 'model_int8.tflite' : 'model.tflite',
    inputShape: shape(input),
    outputShape: shape(output),
    ...(inputQuantization ? { inputQuantization } : {}),
    ...(outputQuantization ? { outputQuantization } : {}),
    opCounts,
  };
}

/** Operator versions that declare int8 kernels (CONV_2D 3 = per-channel int8, ...). */
const INT8_OP_VERSIONS = {
  0: 2,
  3: 3,
  4: 3,
  9: 4,
  14: 2,
  19: 2,
  21: 2,
  22: 1,
  25: 2,
  28: 2,
  34: 2,
  40: 2,
  82: 2,
};

export type TfliteWriter = ExportFormatWriter & {
  readonly conversion: TfliteConversion | undefined;
};

/** The TFLite format (float32, or int8 with `representative`) for runExport. */
export function tfliteWriter(options: TfliteWriterOptions): TfliteWriter {
  let conversion: TfliteConversion | undefined;
  const int8 = options.representative !== undefined;
  return {
    format: int8 ? 'tflite-int8' : 'tflite',
    get conversion() {
      return conversion;
    },
    async prepare() {
      conversion = await convertToTflite(options);
    },
    async write(staging, io): Promise<ExportArtifacts> {
      conversion ??= await convertToTflite(options);
      await io.writeFile(path.join(staging, conversion.modelFile), conversion.bytes);
      await io.writeFile(path.join(staging, TFLITE_LABELS_FILE), `${options.labels.join('\n')}\n`);
      await io.writeFile(
        path.join(staging, TFLITE_LABELS_JSON),
        `${JSON.stringify(options.labels, null, 2)}\n`,
      );
      return {
        files: [conversion.modelFile, TFLITE_LABELS_FILE, TFLITE_LABELS_JSON],
        modelFile: conversion.modelFile,
        labelsFile: TFLITE_LABELS_FILE,
        input: { name: TFLITE_INPUT_NAME, shape: conversion.inputShape },
        output: { name: TFLITE_OUTPUT_NAME, shape: conversion.outputShape },
        ...(conversion.inputQuantization
          ? {
              quantization: {
                input: conversion.inputQuantization,
                output: conversion.outputQuantization!,
              },
            }
          : {}),
      };
    },
    async openCandidate(staging, artifacts) {
      const [, height, width] = artifacts.input.shape as [string, number, number];
      try {
        const litert = await openPythonPredictor(
          'tflite',
          path.join(staging, artifacts.modelFile),
          [height, width],
          options.env,
        );
        return { ...litert };
      } catch (error) {
        if (!(error instanceof PythonRuntimeMissing)) throw error;
        return {
          unavailable: error.message,
          runtime: 'LiteRT interpreter (not set up on this machine)',
          versions: {},
          predict: () => Promise.reject(error),
          release: async () => {},
        };
      }
    },
    // int8 rounds every activation: a few near-even images flip (measured up to 0.22 on ants/bees);
    // accuracy is what must hold.
    ...(int8 ? { maxAccuracyDrop: 0.01, tolerance: 0.5 } : {}),
  };
}
