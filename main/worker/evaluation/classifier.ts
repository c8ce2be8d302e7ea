/**
 * A model the worker can classify with, whatever folder it came from: a run's model/ folder
 * (TF.js layers model + metadata.json) or a folder the studio exported (export-manifest.json
 * says the format; the TF.js export loads in TF.js, the ONNX export in onnxruntime-node, the
 * TFLite exports in LiteRT when the Python runtimes are set up). All
 * take the same preprocessed NHWC float32 input, so prediction is one code path.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EXPORT_MANIFEST_FILE, readExportManifest } from '../exporters/export-manifest';
import { tfjsPredictor, type Predictor } from '../exporters/export-verification';
import { createOnnxPredictor } from '../exporters/onnx/onnx-runtime';
import { openPythonPredictor } from '../exporters/python/python-runtime';
import { loadLayersModelFromDir } from '../../services/models/load-layers-model';
import type { Preprocessing } from '../images/decode-image';
import { loadTrainedModel } from './trained-model';

export interface Classifier {
  labels: string[];
  /** [height, width] of the model input. */
  inputSize: [number, number];
  preprocessing: Preprocessing;
  predict: Predictor;
  release(): Promise<void>;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function openExport(dir: string): Promise<Classifier> {
  const manifest = await readExportManifest(dir);
  if (!manifest.passed) {
    throw new Error(
      `The export in ${dir} failed its proof (${manifest.failure ?? 'see its manifest'}); ` +
        'predict with the run folder or a passed export instead.',
    );
  }
  const [, height, width] = manifest.input.shape;
  if (typeof height !== 'number' || typeof width !== 'number') {
    throw new Error(`${path.join(dir, EXPORT_MANIFEST_FILE)} has no fixed input size.`);
  }
  const { scale, offset } = manifest.input.preprocessing;
  const common = {
    labels: manifest.labels,
    inputSize: [height, width] as [number, number],
    preprocessing: { scale, offset },
  };
  if (manifest.format === 'tflite' || manifest.format === 'tflite-int8') {
    // LiteRT in Python (scripts/setup-python-runtimes), as the export's own proof ran it.
    const file = manifest.format === 'tflite' ? 'model.tflite' : 'model_int8.tflite';
    const litert = await openPythonPredictor('tflite', path.join(dir, file), [height, width]);
    return { ...common, predict: litert.predict, release: litert.release };
  }
  if (manifest.format === 'onnx') {
    const onnx = await createOnnxPredictor(path.join(dir, 'model.onnx'), [height, width, 3]);
    return { ...common, predict: onnx.predict, release: onnx.release };
  }
  const model = await loadLayersModelFromDir(dir);
  return { ...common, predict: tfjsPredictor(model), release: async () => void model.dispose() };
}

/**
 * Opens the model in `dir`: an export folder (it has export-manifest.json) or a trained model
 * folder (metadata.json). The caller releases it.
 */
export async function openClassifier(dir: string): Promise<Classifier> {
  if (await exists(path.join(dir, EXPORT_MANIFEST_FILE))) return openExport(dir);
  const { model, metadata } = await loadTrainedModel(dir);
  return {
    labels: metadata.labels,
    inputSize: metadata.inputSize,
    preprocessing: metadata.preprocessing,
    predict: tfjsPredictor(model),
    release: async () => void model.dispose(),
  };
}
