/**
 * A whole ONNX export: convert, write model.onnx + labels.json into a staging folder, load the
 * written file back in onnxruntime-node and run the validation images through it and through the
 * studio's model, then write README.md and export-manifest.json and move the folder into place
 * (or to `<outDir>.failed` when the proof fails).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describeFiles, writeExportManifest, type ExportManifest } from '../export-manifest';
import { renderExportReadme } from '../export-readme';
import { createStaging, discardStaging, finishStaging } from '../export-staging';
import {
  tfjsPredictor,
  verifyAgainstReference,
  type VerificationBatch,
  type VerificationReport,
} from '../export-verification';
import { convertLayersModelToOnnx, type OnnxConversion } from './convert-to-onnx';
import { createOnnxPredictor, onnxRuntimeVersions } from './onnx-runtime';

export const ONNX_MODEL_FILE = 'model.onnx';
export const LABELS_FILE = 'labels.json';
export const README_FILE = 'README.md';

export interface OnnxExportRequest {
  /** The studio's trained model (the reference for the proof). */
  model: tf.LayersModel;
  modelName: string;
  labels: string[];
  preprocessing: { scale: number; offset: number };
  outDir: string;
  overwrite?: boolean;
  /** Preprocessed validation images with their labels; called once. */
  validation: () => AsyncIterable<VerificationBatch> | Iterable<VerificationBatch>;
  /** How the manifest names the images that were run, e.g. "validation split". */
  validationName?: string;
  tolerance?: number;
  /** Recorded in the manifest and the model metadata (run id, base model, ...). */
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
  timings: { convertMs: number; verifyMs: number };
}

/** Runs an ONNX export end to end. Unsupported layers throw before anything is written. */
export async function exportOnnx(request: OnnxExportRequest): Promise<OnnxExportOutcome> {
  const started = performance.now();
  const conversion = convertLayersModelToOnnx(request.model, {
    labels: request.labels,
    preprocessing: request.preprocessing,
    graphName: request.modelName,
    ...(request.producerVersion ? { producerVersion: request.producerVersion } : {}),
    ...(request.source ? { metadata: request.source } : {}),
  });
  const convertMs = performance.now() - started;
  const [, height, width, channels] = conversion.inputShape as [string, number, number, number];
  const staging = await createStaging(request.outDir, request.overwrite ?? false);
  try {
    const modelPath = path.join(staging, ONNX_MODEL_FILE);
    await fs.writeFile(modelPath, conversion.bytes);
    await fs.writeFile(
      path.join(staging, LABELS_FILE),
      `${JSON.stringify(request.labels, null, 2)}\n`,
    );

    const verifyStarted = performance.now();
    // Load the file as written on disk, not the bytes in memory: that is what users get.
    const onnx = await createOnnxPredictor(modelPath, [height, width, channels]);
    let report: VerificationReport;
    try {
      report = await verifyAgainstReference({
        reference: tfjsPredictor(request.model),
        candidate: onnx.predict,
        batches: request.validation(),
        ...(request.tolerance !== undefined ? { tolerance: request.tolerance } : {}),
      });
    } finally {
      await onnx.release();
    }
    const verifyMs = performance.now() - verifyStarted;

    const finiteDiff = Number.isFinite(report.maxProbDiff) ? report.maxProbDiff : null;
    await fs.writeFile(
      path.join(staging, README_FILE),
      renderExportReadme({
        format: 'onnx',
        modelName: request.modelName,
        labels: request.labels,
        inputSize: { height, width },
        preprocessing: request.preprocessing,
        modelFile: ONNX_MODEL_FILE,
        labelsFile: LABELS_FILE,
        verification: {
          samples: report.samples,
          accuracy: report.accuracy,
          maxProbDiff: finiteDiff,
        },
      }),
    );
    const manifest: ExportManifest = {
      manifestVersion: 1,
      format: 'onnx',
      createdAt: new Date().toISOString(),
      passed: report.passed,
      ...(report.failure ? { failure: report.failure } : {}),
      files: await describeFiles(staging, [ONNX_MODEL_FILE, LABELS_FILE, README_FILE]),
      labels: request.labels,
      input: {
        name: conversion.inputName,
        shape: conversion.inputShape,
        layout: 'NHWC',
        dtype: 'float32',
        preprocessing: { color: 'RGB', resize: 'cover', ...request.preprocessing },
      },
      output: { name: conversion.outputName, shape: conversion.outputShape },
      verification: {
        dataset: `${request.validationName ?? 'validation split'} (${report.samples} images)`,
        samples: report.samples,
        accuracy: report.accuracy,
        referenceAccuracy: report.referenceAccuracy,
        maxProbDiff: finiteDiff,
        predictionsChanged: report.predictionsChanged,
        tolerance: report.tolerance,
        runtime: 'onnxruntime-node (CPU execution provider)',
      },
      runtimes: {
        '@tensorflow/tfjs': tf.version.tfjs,
        'tfjs-backend': tf.getBackend(),
        ...(await onnxRuntimeVersions()),
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
      },
      ...(request.source ? { source: request.source } : {}),
    };
    await writeExportManifest(staging, manifest);
    const dir = await finishStaging(staging, request.outDir, report.passed);
    return {
      passed: report.passed,
      dir,
      manifest,
      report,
      conversion: {
        opCounts: conversion.opCounts,
        inputShape: conversion.inputShape,
        outputShape: conversion.outputShape,
      },
      timings: { convertMs, verifyMs },
    };
  } catch (error) {
    await discardStaging(staging);
    throw error;
  }
}
