/**
 * What `transfer-studio predict` is given, resolved: the model (a run folder, its model/ folder
 * or an export folder) and the images (files as named, folders searched recursively for image
 * files in name order).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { classifyName, isIgnoredName } from '../datasets/file-kinds';
import { RUN_FILES } from '../runs/run-files';
import { ServiceError } from '../service-error';

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/**
 * The folder the worker loads: `<run>/model` for a run folder, else the folder itself when it
 * holds an export (export-manifest.json) or a trained model (metadata.json).
 */
export async function resolvePredictModel(given: string): Promise<string> {
  const dir = path.resolve(given);
  const runModel = path.join(dir, RUN_FILES.modelDir);
  if (await exists(path.join(runModel, 'metadata.json'))) return runModel;
  if (await exists(path.join(dir, 'export-manifest.json'))) return dir;
  if (await exists(path.join(dir, 'metadata.json'))) return dir;
  throw new ServiceError(
    'not-found',
    `${dir} is neither a run folder (with model/metadata.json) nor a folder the studio exported ` +
      '(with export-manifest.json). Give a completed run or an export folder.',
  );
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = (await fs.readdir(dir, { withFileTypes: true }))
    .filter((entry) => !isIgnoredName(entry.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile() && classifyName(entry.name).kind === 'image') yield full;
  }
}

/** Absolute paths of the images to classify; a missing path is an error that names it. */
export async function listPredictImages(targets: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const target of targets) {
    const full = path.resolve(target);
    const stat = await fs.stat(full).catch(() => undefined);
    if (!stat) throw new ServiceError('not-found', `${full} does not exist.`);
    if (stat.isDirectory()) for await (const file of walk(full)) files.push(file);
    else files.push(full);
  }
  if (files.length === 0) {
    throw new ServiceError(
      'invalid-request',
      `No image files in ${targets.join(', ')} (JPEG, PNG, WebP, GIF, TIFF, AVIF).`,
    );
  }
  return files;
}
