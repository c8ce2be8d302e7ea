import { promises as fs } from 'node:fs';
import path from 'node:path';
import { catalog, findCatalogEntry } from '../../../shared/catalog';
import type { CatalogEntry, CatalogItem, ModelInfo, ModelRef } from '../../../shared/domain';
import { ServiceError } from '../service-error';
import {
  analyseBase,
  proposeFeatureLayerInTopology,
  summariseLayers,
  type BaseAnalysis,
} from './analysis/analyse-base';
import { UnsupportedTopologyError } from './analysis/layer-graph';
import { checkWeightFiles, readModelJson } from './model-files';
import type { ResolvedModel } from './model-types';
import { declaredInputSize, findLayerPathInTopology } from './topology';

/** MobileNet-style inputs, assumed for models the catalog does not describe. */
const DEFAULT_PREPROCESSING = { scale: 1 / 127.5, offset: -1 } as const;

async function hasModelJson(dir: string): Promise<boolean> {
  try {
    return (await fs.stat(path.join(dir, 'model.json'))).isFile();
  } catch {
    return false;
  }
}

/** First folder among modelsDirs × entry.localDirNames that holds a model.json. */
async function findLocalDir(
  entry: CatalogEntry,
  modelsDirs: string[],
): Promise<string | undefined> {
  for (const modelsDir of modelsDirs) {
    for (const name of entry.localDirNames) {
      const dir = path.join(modelsDir, name);
      if (await hasModelJson(dir)) return dir;
    }
  }
  return undefined;
}

/**
 * The catalog, each entry with the folder it was found in on this machine (if any); `downloadsDir`
 * (the studio's download cache) marks the entries that were downloaded rather than provided.
 */
export async function listCatalog(
  modelsDirs: string[],
  downloadsDir?: string,
): Promise<CatalogItem[]> {
  return Promise.all(
    catalog.map(async (entry) => {
      const localDir = await findLocalDir(entry, modelsDirs);
      if (!localDir) return { ...entry };
      const downloaded = downloadsDir
        ? path.dirname(localDir) === path.resolve(downloadsDir)
        : false;
      return { ...entry, localDir, downloaded };
    }),
  );
}

/**
 * Turns a model reference into a folder on disk and what training needs to know about it. A
 * catalog id is looked up in the models folders; a path is used as given (a folder holding
 * model.json, or the model.json itself).
 */
export async function resolveModel(ref: ModelRef, modelsDirs: string[]): Promise<ResolvedModel> {
  if ('catalogId' in ref) {
    const entry = findCatalogEntry(ref.catalogId);
    if (!entry) {
      throw new ServiceError(
        'not-found',
        `Unknown base model "${ref.catalogId}". Known models: ${catalog.map((e) => e.id).join(', ')}.`,
      );
    }
    const dir = await findLocalDir(entry, modelsDirs);
    if (!dir) {
      const places = modelsDirs.length ? modelsDirs.join(', ') : '(no models folder configured)';
      throw new ServiceError(
        'not-found',
        `${entry.name} is not on this machine. The studio looked for a folder named ` +
          `${entry.localDirNames.map((n) => `"${n}"`).join(' or ')} holding model.json in: ${places}. ` +
          `Download it from ${entry.url} (model.json and its weight files) into one of those ` +
          'folders, or set TRANSFER_STUDIO_MODELS to a folder that holds it.',
      );
    }
    return fromEntry(ref, entry, dir);
  }
  const dir = await modelDirOfPath(ref.path);
  const entry = catalog.find((e) => e.localDirNames.includes(path.basename(dir)));
  if (entry) return fromEntry(ref, entry, dir);
  return fromUnknownModel(ref, dir);
}

async function modelDirOfPath(given: string): Promise<string> {
  const resolved = path.resolve(given);
  let stat;
  try {
    stat = await fs.stat(resolved);
  } catch {
    throw new ServiceError('not-found', `There is no file or folder at ${resolved}.`);
  }
  const dir =
    stat.isFile() && path.basename(resolved) === 'model.json' ? path.dirname(resolved) : resolved;
  if (!(await hasModelJson(dir))) {
    throw new ServiceError(
      'not-found',
      `${dir} holds no model.json. Choose the folder of a TF.js layers model (model.json and its weight files).`,
    );
  }
  return dir;
}

async function fromEntry(ref: ModelRef, entry: CatalogEntry, dir: string): Promise<ResolvedModel> {
  // The same base can sit flat in its own folder or nested in an export (Teachable Machine),
  // so where the feature layer lives is read from this folder's model.json.
  const json = await readModelJson(dir);
  const nestedBase =
    findLayerPathInTopology(json.modelTopology, entry.featureLayer) ?? entry.nestedBase ?? [];
  return {
    ref,
    name: entry.name,
    dir,
    entry,
    inputSize: [entry.inputSize, entry.inputSize],
    preprocessing: { ...entry.preprocessing },
    featureLayer: entry.featureLayer,
    nestedBase,
  };
}

async function fromUnknownModel(ref: ModelRef, dir: string): Promise<ResolvedModel> {
  const json = await readModelJson(dir);
  const proposal = await proposeFeatureLayer(dir, json.modelTopology);
  if (!proposal) {
    throw new ServiceError(
      'invalid-request',
      `The model in ${dir} has no convolutional layer with a spatial output to cut at, so it ` +
        'cannot serve as an image base model.',
    );
  }
  return {
    ref,
    name: path.basename(dir),
    dir,
    inputSize: declaredInputSize(json.modelTopology) ?? [224, 224],
    preprocessing: (await readExportedPreprocessing(dir)) ?? { ...DEFAULT_PREPROCESSING },
    featureLayer: proposal.featureLayer,
    nestedBase: proposal.nestedBase,
  };
}

/** The last pooling-ready layer, from the topology when it can be read, else from TF.js. */
async function proposeFeatureLayer(
  dir: string,
  topology: Record<string, unknown>,
): Promise<{ nestedBase: number[]; featureLayer: string } | undefined> {
  try {
    return proposeFeatureLayerInTopology(topology);
  } catch (error) {
    if (!(error instanceof UnsupportedTopologyError)) throw error;
  }
  const { loadLayersModelFromDir, proposeFeatureLayer: proposeWithTfjs } =
    await import('./load-layers-model');
  const model = await loadLayersModelFromDir(dir);
  try {
    return proposeWithTfjs(model);
  } finally {
    model.dispose();
  }
}

/** A model exported by the studio says how its inputs are scaled in metadata.json. */
async function readExportedPreprocessing(
  dir: string,
): Promise<{ scale: number; offset: number } | undefined> {
  try {
    const metadata = JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')) as {
      preprocessing?: { scale?: unknown; offset?: unknown };
    };
    const { scale, offset } = metadata.preprocessing ?? {};
    return typeof scale === 'number' && typeof offset === 'number' ? { scale, offset } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The layers of a model's base from its input to the feature layer, with output shapes, parameter
 * counts (exactly as TF.js counts them), MACs per image, BatchNorm flags and blocks. Read from
 * model.json alone, so it is quick in the main process; only a model whose topology the analysis
 * cannot follow is built with TF.js (on the CPU backend of this process, nothing computed).
 */
export async function inspectModel(
  model: ResolvedModel,
  featureLayer?: string,
): Promise<ModelInfo> {
  const wanted = featureLayer ?? model.featureLayer;
  const json = await readModelJson(model.dir);
  await checkWeightFiles(model.dir, json);
  const nestedBase = findLayerPathInTopology(json.modelTopology, wanted);
  if (!nestedBase) {
    throw new ServiceError(
      'invalid-request',
      `The model in ${model.dir} has no layer named "${wanted}" (nested models searched too). ` +
        'Pick one of its layers as the feature layer.',
    );
  }
  let analysis: BaseAnalysis;
  try {
    analysis = analyseBase(json.modelTopology, nestedBase, wanted);
  } catch (error) {
    if (!(error instanceof UnsupportedTopologyError)) throw error;
    analysis = await analyseWithTfjs(model, nestedBase, wanted);
  }
  return {
    ref: model.ref,
    name: model.name,
    dir: model.dir,
    inputSize: model.inputSize,
    featureLayer: wanted,
    featureShape: analysis.featureShape,
    totalParams: analysis.totalParams,
    layers: analysis.layers,
    blocks: analysis.blocks,
    totalMacs: analysis.totalMacs,
    recommendedFeatureLayer: model.featureLayer,
    featureCandidates: analysis.featureCandidates,
    preprocessing: { ...model.preprocessing },
    ...(model.entry ? { catalogId: model.entry.id } : {}),
  };
}

async function analyseWithTfjs(
  model: ResolvedModel,
  nestedBase: number[],
  featureLayer: string,
): Promise<BaseAnalysis> {
  const { loadBaseModel } = await import('./load-layers-model');
  const { analyseTfjsLayers } = await import('./analysis/tfjs-analysis');
  const loaded = await loadBaseModel(model.dir, { nestedBase, featureLayer });
  try {
    return summariseLayers(
      analyseTfjsLayers(loaded.base.layers),
      analyseTfjsLayers(loaded.cut.layers),
    );
  } finally {
    loaded.model.dispose();
  }
}
