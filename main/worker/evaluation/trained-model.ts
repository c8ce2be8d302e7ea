/**
 * A run's trained model as the worker uses it for evaluation and prediction: the TF.js layers
 * model in <run>/model and the metadata saved beside it (labels, input size, preprocessing).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { loadLayersModelFromDir } from '../../services/models/load-layers-model';
import { ModelMetadata } from '../../services/runs/run-files';

export interface TrainedModel {
  model: tf.LayersModel;
  metadata: ModelMetadata;
}

export async function readModelMetadata(modelDir: string): Promise<ModelMetadata> {
  const file = path.join(modelDir, 'metadata.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new Error(
      `${file} is missing: ${modelDir} is not a trained model folder. Use a completed run.`,
    );
  }
  const parsed = ModelMetadata.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(`${file} is damaged or from another version; the labels cannot be read.`);
  }
  return parsed.data;
}

/** Loads a trained model on the current backend; the caller disposes `model`. */
export async function loadTrainedModel(modelDir: string): Promise<TrainedModel> {
  const metadata = await readModelMetadata(modelDir);
  const model = await loadLayersModelFromDir(modelDir);
  const outputs = model.outputs[0]?.shape.at(-1);
  if (outputs !== metadata.labels.length) {
    model.dispose();
    throw new Error(
      `The model in ${modelDir} has ${outputs} outputs but metadata.json lists ` +
        `${metadata.labels.length} labels; the folder is damaged.`,
    );
  }
  return { model, metadata };
}
