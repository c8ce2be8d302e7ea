/**
 * The TF.js format of the export pipeline: the run's layers model (model.json and its weight
 * files, byte for byte), metadata.json as Teachable Machine writes it (labels, imageSize, ...)
 * and labels.json. The proof loads the written folder back with plain @tensorflow/tfjs on its
 * WebAssembly backend (the runtime a web page gets without WebGL), while the studio's own model
 * stays on the backend it trained on.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { readModelJson } from '../../../services/models/model-files';
import { loadLayersModelFromDir } from '../../../services/models/load-layers-model';
import { nodeRequire } from '../../backends/backend-loader';
import { ExportError } from '../export-errors';
import { TFJS_METADATA_FILE } from '../export-readme';
import type { ExportFormatWriter } from '../export-pipeline';
import { tfjsPredictor } from '../export-verification';
import { teachableMachineMetadata } from './tm-metadata';

export const TFJS_MODEL_FILE = 'model.json';
export { TFJS_METADATA_FILE };
export const TFJS_LABELS_FILE = 'labels.json';

export interface TfjsWriterOptions {
  /** The run's model folder: model.json and the weight files it lists. */
  modelDir: string;
  modelName: string;
  labels: string[];
  inputSize: [number, number];
  preprocessing: { scale: number; offset: number };
  producerVersion: string;
  /** Recorded in metadata.json's userMetadata (run id, base model, ...). */
  source?: Record<string, string>;
}

/** Runs `action` with `backend` as the active TF.js backend, then restores the previous one. */
async function withBackend<T>(backend: string, action: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  if (previous === backend) return action();
  if (!(await tf.setBackend(backend))) throw new Error(`the ${backend} backend did not start`);
  try {
    return await action();
  } finally {
    await tf.setBackend(previous);
  }
}

/** The backend the exported files are proven on: WebAssembly, or plain JavaScript without it. */
async function proofBackend(): Promise<{ name: string; versions: Record<string, string> }> {
  try {
    const wasm = nodeRequire('@tensorflow/tfjs-backend-wasm') as { version_wasm?: string };
    await withBackend('wasm', async () => undefined);
    return {
      name: 'wasm',
      versions: { '@tensorflow/tfjs-backend-wasm': wasm.version_wasm ?? tf.version.tfjs },
    };
  } catch {
    return { name: 'cpu', versions: {} };
  }
}

/** The TF.js format for runExport. */
export function tfjsWriter(options: TfjsWriterOptions): ExportFormatWriter {
  let shards: string[] | undefined;
  const prepare = async (): Promise<string[]> => {
    if (shards) return shards;
    const json = await readModelJson(options.modelDir);
    const names = json.weightsManifest.flatMap((group) => group.paths);
    for (const name of names) {
      if (name !== path.basename(name) || name === TFJS_MODEL_FILE) {
        throw new ExportError(
          'invalid-request',
          `The run's model.json names a weight file outside its folder (${name}); the model ` +
            'folder is damaged. Train the run again.',
        );
      }
    }
    shards = [...new Set(names)];
    return shards;
  };
  return {
    format: 'tfjs',
    async prepare() {
      await prepare();
    },
    async write(staging, io) {
      const weights = await prepare();
      for (const name of [TFJS_MODEL_FILE, ...weights]) {
        await io.copyFile(path.join(options.modelDir, name), path.join(staging, name));
      }
      const metadata = teachableMachineMetadata({
        tfjsVersion: tf.version.tfjs,
        producerVersion: options.producerVersion,
        modelName: options.modelName,
        labels: options.labels,
        inputSize: options.inputSize,
        preprocessing: options.preprocessing,
        ...(options.source ? { source: options.source } : {}),
      });
      await io.writeFile(
        path.join(staging, TFJS_METADATA_FILE),
        `${JSON.stringify(metadata, null, 2)}\n`,
      );
      await io.writeFile(
        path.join(staging, TFJS_LABELS_FILE),
        `${JSON.stringify(options.labels, null, 2)}\n`,
      );
      const [height, width] = options.inputSize;
      return {
        files: [TFJS_MODEL_FILE, ...weights, TFJS_METADATA_FILE, TFJS_LABELS_FILE],
        modelFile: TFJS_MODEL_FILE,
        labelsFile: TFJS_LABELS_FILE,
        input: { shape: [null, height, width, 3] },
        output: { shape: [null, options.labels.length] },
      };
    },
    async openCandidate(staging) {
      const backend = await proofBackend();
      const model = await withBackend(backend.name, () => loadLayersModelFromDir(staging));
      const predict = tfjsPredictor(model);
      return {
        predict: (images, count) => withBackend(backend.name, () => predict(images, count)),
        release: () =>
          withBackend(backend.name, async () => {
            model.dispose();
          }),
        runtime: `@tensorflow/tfjs ${tf.version.tfjs} (${backend.name} backend)`,
        versions: { 'proof-backend': backend.name, ...backend.versions },
      };
    },
  };
}
