/**
 * Loads TF.js layers models from a folder on disk and finds the base to cut, for both the
 * services (inspecting layers) and the training worker (cutting and training). Teachable Machine
 * exports nest the pretrained base inside Sequential layers; the helpers here search those nested
 * models for the feature layer.
 */
import * as tf from '@tensorflow/tfjs';
import { ServiceError } from '../service-error';
import { withInputSize } from './input-size';
import { readModelArtifacts } from './model-files';

/**
 * Loads model.json + shards of a folder into a LayersModel on the current backend, optionally
 * with its image input resized to `inputSize` ([height, width]).
 */
export async function loadLayersModelFromDir(
  dir: string,
  options: { inputSize?: readonly [number, number] } = {},
): Promise<tf.LayersModel> {
  const artifacts = await readModelArtifacts(dir);
  const { inputSize } = options;
  const resized = inputSize
    ? { ...artifacts, modelTopology: withInputSize(artifacts.modelTopology, inputSize) }
    : artifacts;
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(resized));
  } catch (error) {
    if (resized.modelTopology !== artifacts.modelTopology) {
      throw new ServiceError(
        'invalid-request',
        `The model in ${dir} cannot run at ${inputSize![0]}×${inputSize![1]} px: ` +
          `${(error as Error).message}. Set Image size to the base model's own size.`,
      );
    }
    throw new ServiceError(
      'invalid-request',
      `TF.js could not build the model in ${dir}: ${(error as Error).message}. ` +
        'Check that it is a TF.js layers model whose weights belong to its model.json.',
    );
  }
}

export function isLayersModel(layer: unknown): layer is tf.LayersModel {
  return layer instanceof tf.LayersModel;
}

/** The model reached by following `indexPath` through nested models (empty path: `model`). */
export function nestedModelAt(model: tf.LayersModel, indexPath: number[]): tf.LayersModel {
  let current = model;
  for (const [depth, index] of indexPath.entries()) {
    const next = current.layers[index];
    if (!isLayersModel(next)) {
      throw new ServiceError(
        'invalid-request',
        `The model has no nested model at layer path [${indexPath.slice(0, depth + 1).join(', ')}].`,
      );
    }
    current = next;
  }
  return current;
}

/**
 * Index path of the (possibly nested) model that holds a layer named `layerName`: [] when the
 * top-level model has it, [0, 0] for a Teachable Machine base. Undefined when no model has it.
 * A model's own layers are searched before the models nested in it.
 */
export function findLayerPath(model: tf.LayersModel, layerName: string): number[] | undefined {
  if (model.layers.some((layer) => layer.name === layerName)) return [];
  for (const [index, layer] of model.layers.entries()) {
    if (!isLayersModel(layer)) continue;
    const inner = findLayerPath(layer, layerName);
    if (inner) return [index, ...inner];
  }
  return undefined;
}

/**
 * Proposes a feature layer for a model the catalog does not know: follow first layers that are
 * themselves models (nested exports), then take the last layer whose output is still a spatial
 * map larger than 1x1 (the end of the convolutional base, before pooling and the classifier).
 */
export function proposeFeatureLayer(
  model: tf.LayersModel,
): { nestedBase: number[]; featureLayer: string } | undefined {
  const nestedBase: number[] = [];
  let base = model;
  for (;;) {
    const first = base.layers[0];
    if (!isLayersModel(first)) break;
    nestedBase.push(0);
    base = first;
  }
  for (let index = base.layers.length - 1; index >= 0; index -= 1) {
    const shape = singleOutputShape(base.layers[index]!);
    if (shape && shape.length === 4 && ((shape[1] ?? 0) > 1 || (shape[2] ?? 0) > 1)) {
      return { nestedBase, featureLayer: base.layers[index]!.name };
    }
  }
  return undefined;
}

/** The output shape of a layer with one output, or undefined (shared or multi-output layers). */
export function singleOutputShape(layer: tf.layers.Layer): (number | null)[] | undefined {
  try {
    const shape = layer.outputShape;
    if (shape.length > 0 && Array.isArray(shape[0])) {
      return shape.length === 1 ? (shape[0] as (number | null)[]) : undefined;
    }
    return shape as (number | null)[];
  } catch {
    return undefined;
  }
}

/** A new model from the inputs of `base` to the output of `layerName` (weights shared). */
export function cutAtLayer(base: tf.LayersModel, layerName: string): tf.LayersModel {
  const layer = base.layers.find((candidate) => candidate.name === layerName);
  if (!layer) {
    throw new ServiceError(
      'invalid-request',
      `The base model ${base.name} has no layer named "${layerName}".`,
    );
  }
  try {
    return tf.model({ inputs: base.inputs, outputs: layer.output as tf.SymbolicTensor });
  } catch (error) {
    throw new ServiceError(
      'invalid-request',
      `The model cannot be cut at "${layerName}": ${(error as Error).message}. Choose another layer.`,
    );
  }
}

export interface LoadedBase {
  /** The whole model as stored. */
  model: tf.LayersModel;
  /** The (possibly nested) model that holds the feature layer. */
  base: tf.LayersModel;
  /** `base` from its input to the feature layer. */
  cut: tf.LayersModel;
  nestedBase: number[];
  featureLayer: string;
}

/**
 * Loads a model folder and cuts its base at `featureLayer`. `nestedBase` is tried first (the
 * catalog's or the resolver's answer); when that model lacks the layer, every nested model is
 * searched, so a user-chosen layer in a Teachable Machine export is still found.
 */
export async function loadBaseModel(
  dir: string,
  options: { nestedBase: number[]; featureLayer: string; inputSize?: readonly [number, number] },
): Promise<LoadedBase> {
  const model = await loadLayersModelFromDir(
    dir,
    options.inputSize ? { inputSize: options.inputSize } : {},
  );
  let nestedBase = options.nestedBase;
  let base: tf.LayersModel | undefined;
  try {
    base = nestedModelAt(model, nestedBase);
  } catch {
    base = undefined;
  }
  if (!base || !base.layers.some((layer) => layer.name === options.featureLayer)) {
    const found = findLayerPath(model, options.featureLayer);
    if (!found) {
      model.dispose();
      throw new ServiceError(
        'invalid-request',
        `The model in ${dir} has no layer named "${options.featureLayer}" (nested models searched ` +
          'too). Inspect the model and pick one of its layers as the feature layer.',
      );
    }
    nestedBase = found;
    base = nestedModelAt(model, found);
  }
  const cut = cutAtLayer(base, options.featureLayer);
  return { model, base, cut, nestedBase, featureLayer: options.featureLayer };
}
