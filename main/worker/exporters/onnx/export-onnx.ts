/**
 * The ONNX format of the export pipeline: convert the studio's TF.js model to model.onnx (opset
 * 13, before anything is written, so unsupported layers are refused with their name), write it
 * with labels.json, and load the written file back in onnxruntime-node for the proof.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ExportManifest } from '../export-manifest';
import {
  README_FILE,
  runExport,
  type ExportFormatWriter,
  type ExportRequest,
} from '../export-pipeline';
import {
  tfjsPredictor,
  type VerificationBatch,
  type VerificationReport,
} from '../export-verification';
import { convertLayersModelToOnnx, type OnnxConversion } from './convert-to-onnx';
import { createOnnxPredictor, onnxRuntimeVersions } from './onnx-runtime';

export const ONNX_MODEL_FILE = 'model.onnx';
export const LABELS_FILE = 'labels.json';
export { README_FILE };

export interface OnnxWriterOptions {
  /** The studio's trained model, converted as it is. */
  model: tf.LayersModel;
  modelName: string;
  labels: string[];
  preprocessing: { scale: number; offset: number };
  /** Stored in the model's metadata (run id, base model, ...). */
  source?: Record<string, string>;
  producerVersion?: string;
}

export type OnnxWriter = ExportFormatWriter & {
  /** The conversion, once prepare() ran. */
  readonly conversion: OnnxConversion | undefined;
};

/** The ONNX format for runExport. */
export function onnxWriter(options: OnnxWriterOptions): OnnxWriter {
  let conversion: OnnxConversion | undefined;
  const converted = (): OnnxConversion => {
    conversion ??= convertLayersModelToOnnx(options.model, {
      labels: options.labels,
      preprocessing: options.preprocessing,
      graphName: options.modelName,
      ...(options.producerVersion ? { producerVersion: options.producerVersion } : {}),
      ...(options.source ? { metadata: options.source } : {}),
    });
    return conversion;
  };
  return {
    format: 'onnx',
    get conversion() {
      return conversion;
    },
    prepare() {
      converted();
    },
    async write(staging, io) {
      const result = converted();
      await io.writeFile(path.join(staging, ONNX_MODEL_FILE), result.bytes);
      await io.writeFile(
        path.join(staging, LABELS_FILE),
        `${JSON.stringify(options.labels, null, 2)}\n`,
      );
      return {
        files: [ONNX_MODEL_FILE, LABELS_FILE],
        modelFile: ONNX_MODEL_FILE,
        labelsFile: LABELS_FILE,
        input: { name: result.inputName, shape: result.inputShape },
        output: { name: result.outputName, shape: result.outputShape },
      };
    },
    async openCandidate(staging) {
      const [, height, width, channels] = converted().inputShape as [
        string,
        number,
        number,
        number,
      ];
      const onnx = await createOnnxPredictor(path.join(staging, ONNX_MODEL_FILE), [
        height,
        width,
        channels,
      ]);
      return {
        predict: onnx.predict,
        release: onnx.release,
        runtime: 'onnxruntime-node (CPU execution provider)',
        versions: await onnxRuntimeVersions(),
      };
    },
  };
}

/** The TF.js version and active backend, as the reference runtime of a proof. */
export function tfjsRuntimeVersions(): Record<string, string> {
  return { '@tensorflow/tfjs': tf.version.tfjs, 'tfjs-backend': tf.getBackend() };
}

export interface OnnxExportRequest extends Pick<
  ExportRequest,
  | 'outDir'
  | 'overwrite'
  | 'zip'
  | 'validationName'
  | 'validationCount'
  | 'tolerance'
  | 'io'
  | 'onPhase'
> {
  /** The studio's trained model (converted, and the reference for the proof). */
  model: tf.LayersModel;
  modelName: string;
  labels: string[];
  preprocessing: { scale: number; offset: number };
  /** Preprocessed validation images with their labels; called once. */
  validation: () => AsyncIterable<VerificationBatch> | Iterable<VerificationBatch>;
  source?: Record<string, string>;
  producerVersion?: string;
}

export interface OnnxExportOutcome {
  passed: boolean;
  /** Where the files are: `outDir`, or `outDir.failed`. */
  dir: string;
  manifest: ExportManifest;
  report: VerificationReport;
  conversion: Pick<OnnxConversion, 'opCounts' | 'inputShape' | 'outputShape'>;
  timings: { convertMs: number; verifyMs: number; totalMs: number };
  zip?: { path: string; bytes: number; sha256: string };
}

/**
 * Exports the studio's model as ONNX, proven against that same model on the current TF.js
 * backend. Unsupported layers throw before anything is written.
 */
export async function exportOnnx(request: OnnxExportRequest): Promise<OnnxExportOutcome> {
  const { model, modelName, labels, preprocessing, source, producerVersion, ...rest } = request;
  const writer = onnxWriter({
    model,
    modelName,
    labels,
    preprocessing,
    ...(source ? { source } : {}),
    ...(producerVersion ? { producerVersion } : {}),
  });
  const [, height, width] = model.inputs[0]!.shape as number[];
  const outcome = await runExport({
    ...rest,
    writer,
    reference: tfjsPredictor(model),
    referenceVersions: tfjsRuntimeVersions(),
    modelName,
    labels,
    preprocessing,
    inputSize: { height: height!, width: width! },
    ...(source ? { source } : {}),
  });
  const conversion = writer.conversion!;
  return {
    passed: outcome.passed,
    dir: outcome.dir,
    manifest: outcome.manifest,
    report: outcome.report,
    conversion: {
      opCounts: conversion.opCounts,
      inputShape: conversion.inputShape,
      outputShape: conversion.outputShape,
    },
    timings: {
      convertMs: outcome.timings.prepareMs,
      verifyMs: outcome.timings.verifyMs,
      totalMs: outcome.timings.totalMs,
    },
    ...(outcome.zip ? { zip: outcome.zip } : {}),
  };
}
