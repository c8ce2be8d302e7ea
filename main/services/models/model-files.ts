import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { ServiceError } from '../service-error';

/** model.json as the TF.js converter writes it (only the parts the studio reads). */
export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology: { class_name?: string; config?: unknown } & Record<string, unknown>;
  weightsManifest: io.WeightsManifestConfig;
}

const BYTES_PER_DTYPE: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
  complex64: 8,
};

/** Reads and checks model.json of a model folder, with errors that say what to do. */
export async function readModelJson(dir: string): Promise<ModelJson> {
  const file = path.join(dir, 'model.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new ServiceError(
      'not-found',
      `No model.json in ${dir} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}). ` +
        'A base model is a folder with the model.json and weight files the TF.js converter writes.',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ServiceError(
      'invalid-request',
      `${file} is not valid JSON (${(error as Error).message}); the file is damaged, download it again.`,
    );
  }
  const model = json as Partial<ModelJson>;
  if (model.format === 'graph-model') {
    throw new ServiceError(
      'invalid-request',
      `${file} is a TF.js graph model, which cannot be cut or trained. Use a TF.js layers model ` +
        '(converted from Keras with tensorflowjs_converter --output_format tfjs_layers_model).',
    );
  }
  if (!model.modelTopology || typeof model.modelTopology !== 'object') {
    throw new ServiceError(
      'invalid-request',
      `${file} has no modelTopology, so it is not a TF.js layers model.`,
    );
  }
  if (!Array.isArray(model.weightsManifest)) {
    throw new ServiceError(
      'invalid-request',
      `${file} has no weightsManifest: the model has no weights to load.`,
    );
  }
  return model as ModelJson;
}

/** The weight shard's path inside the model folder; a path that leaves it is refused. */
function shardPath(dir: string, shard: string): string {
  const resolved = path.resolve(dir, shard);
  if (path.relative(dir, resolved).startsWith('..')) {
    throw new ServiceError(
      'invalid-request',
      `model.json in ${dir} names a weight file outside its folder (${shard}); refusing to read it.`,
    );
  }
  return resolved;
}

function missingShard(dir: string, shard: string): ServiceError {
  return new ServiceError(
    'not-found',
    `The weight file ${shard} listed in ${path.join(dir, 'model.json')} is missing or ` +
      'unreadable. Copy the whole model folder again (model.json and every shard).',
  );
}

function sizeMismatch(dir: string, actual: number, expected: number): ServiceError {
  return new ServiceError(
    'invalid-request',
    `The weight files in ${dir} hold ${actual} bytes but model.json describes ` +
      `${expected}: a shard is truncated or belongs to another model. Copy the folder again.`,
  );
}

/**
 * Checks, without reading them, that every weight shard model.json lists is in the folder and
 * that together they are as large as the weights it describes, so a model with a missing or
 * truncated shard is refused when it is chosen, not when training loads it.
 */
export async function checkWeightFiles(dir: string, json: ModelJson): Promise<void> {
  let total = 0;
  for (const group of json.weightsManifest) {
    for (const shard of group.paths) {
      const file = shardPath(dir, shard);
      try {
        const stat = await fs.stat(file);
        if (!stat.isFile()) throw new Error('not a file');
        total += stat.size;
      } catch {
        throw missingShard(dir, shard);
      }
    }
  }
  const expected = expectedWeightBytes(json.weightsManifest.flatMap((group) => group.weights));
  if (total !== expected) throw sizeMismatch(dir, total, expected);
}

/**
 * The model in a folder as TF.js model artifacts: topology plus every weight shard concatenated
 * in manifest order (what tf.io.fromMemory and tf.loadLayersModel expect). Reading the files
 * directly avoids file:// URLs, which plain @tensorflow/tfjs cannot load under Node.
 */
export async function readModelArtifacts(dir: string): Promise<io.ModelArtifacts> {
  const json = await readModelJson(dir);
  const weightSpecs: io.WeightsManifestEntry[] = [];
  const shards: Buffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const shard of group.paths) {
      const file = shardPath(dir, shard);
      try {
        shards.push(await fs.readFile(file));
      } catch {
        throw missingShard(dir, shard);
      }
    }
  }
  const weights = Buffer.concat(shards);
  const expected = expectedWeightBytes(weightSpecs);
  if (weights.byteLength !== expected) throw sizeMismatch(dir, weights.byteLength, expected);
  return {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
    ...(json.format ? { format: json.format } : {}),
    ...(json.generatedBy ? { generatedBy: json.generatedBy } : {}),
    ...(json.convertedBy ? { convertedBy: json.convertedBy } : {}),
  };
}

function expectedWeightBytes(specs: io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((product, dim) => product * dim, 1);
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const bytes = BYTES_PER_DTYPE[dtype];
    if (bytes === undefined) {
      throw new ServiceError(
        'invalid-request',
        `Weight ${spec.name} has dtype ${dtype}, which the studio cannot read.`,
      );
    }
    total += count * bytes;
  }
  return total;
}
