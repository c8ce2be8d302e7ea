/**
 * Saves the trained classifier as one TF.js layers model (model.json + weights.bin) with
 * metadata.json beside it, into a temporary folder first and then renamed into place, so a
 * crash never leaves a half-written model behind.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ModelMetadata } from '../../services/runs/run-files';

export const WEIGHTS_FILE = 'weights.bin';

function joinWeights(data: ArrayBuffer | ArrayBuffer[]): Buffer {
  const parts = Array.isArray(data) ? data : [data];
  return Buffer.concat(parts.map((part) => Buffer.from(part)));
}

export async function saveModelFolder(
  model: tf.LayersModel,
  targetDir: string,
  metadata: ModelMetadata,
): Promise<void> {
  const temp = `${targetDir}.tmp-${process.pid}`;
  await fs.rm(temp, { recursive: true, force: true });
  await fs.mkdir(temp, { recursive: true });
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        if (!artifacts.weightData || !artifacts.weightSpecs) {
          throw new Error('TF.js produced a model without weights; nothing to save.');
        }
        const modelJson = {
          format: 'layers-model',
          generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
          convertedBy: metadata.createdBy,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
        };
        await fs.writeFile(path.join(temp, 'model.json'), JSON.stringify(modelJson));
        await fs.writeFile(path.join(temp, WEIGHTS_FILE), joinWeights(artifacts.weightData));
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }),
    );
    await fs.writeFile(
      path.join(temp, 'metadata.json'),
      `${JSON.stringify(ModelMetadata.parse(metadata), null, 2)}\n`,
    );
    await fs.rm(targetDir, { recursive: true, force: true });
    await fs.rename(temp, targetDir);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
}
