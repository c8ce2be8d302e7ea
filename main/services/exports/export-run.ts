/**
 * Exports a run's trained model. Format 'tfjs' copies the TF.js layers model (model.json, its
 * weight files and metadata.json with the labels) into a folder any TF.js app can load. The
 * copy is written to a temporary sibling folder and renamed into place, so the target holds
 * either a complete export or nothing new.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ExportFormat, ExportResult } from '../../../shared/domain';
import { readModelJson } from '../models/model-files';
import { ModelMetadata, RUN_FILES, readRunSummary } from '../runs/run-files';
import { ServiceError } from '../service-error';

interface ExportedFile {
  name: string;
  bytes: number;
  sha256: string;
}

async function copyWithDigest(from: string, to: string): Promise<Omit<ExportedFile, 'name'>> {
  const data = await fs.readFile(from);
  await fs.writeFile(to, data);
  return { bytes: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') };
}

/** Entries of a folder, or undefined when it does not exist. */
async function entriesOf(dir: string): Promise<string[] | undefined> {
  try {
    return await fs.readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') {
      throw new ServiceError('conflict', `${dir} is a file; choose a folder to export into.`);
    }
    throw error;
  }
}

/**
 * Refuses a target that holds anything but a previous export (unless empty): overwriting
 * replaces the whole folder, which must never sweep away unrelated files.
 */
async function checkTarget(
  outDir: string,
  overwrite: boolean,
): Promise<'absent' | 'empty' | 'replace'> {
  const entries = await entriesOf(outDir);
  if (!entries) return 'absent';
  if (entries.length === 0) return 'empty';
  if (!overwrite) {
    throw new ServiceError(
      'conflict',
      `${outDir} is not empty. Choose an empty or new folder, or allow overwriting a previous export.`,
    );
  }
  if (!entries.includes('model.json')) {
    throw new ServiceError(
      'conflict',
      `${outDir} holds other files, not a previous export (no model.json), so it is not replaced. ` +
        'Choose an empty or new folder.',
    );
  }
  return 'replace';
}

export async function exportRun(
  runDir: string,
  format: ExportFormat,
  outDir: string,
  options: { overwrite: boolean },
): Promise<ExportResult> {
  if (format !== 'tfjs') {
    throw new ServiceError('invalid-request', `Export format ${String(format)} is not supported.`);
  }
  const summary = await readRunSummary(runDir).catch(() => {
    throw new ServiceError('not-found', `${runDir} is not a run folder (no readable run.json).`);
  });
  const modelDir = path.join(runDir, RUN_FILES.modelDir);
  if (summary.status !== 'completed' || !(await entriesOf(modelDir))) {
    throw new ServiceError(
      'invalid-request',
      `Run "${summary.name}" has no trained model to export (it ${summary.status === 'completed' ? 'lost its model folder' : `is ${summary.status}`}). Export a completed run.`,
    );
  }
  const modelJson = await readModelJson(modelDir);
  const metadata = ModelMetadata.parse(
    JSON.parse(await fs.readFile(path.join(modelDir, 'metadata.json'), 'utf8')),
  );
  const names = [
    'model.json',
    ...modelJson.weightsManifest.flatMap((group) => group.paths),
    'metadata.json',
  ];
  for (const name of names) {
    if (name !== path.basename(name)) {
      throw new ServiceError('failed', `The run's model names a file outside its folder: ${name}.`);
    }
  }

  const target = path.resolve(outDir);
  const state = await checkTarget(target, options.overwrite);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = `${target}.tmp-export-${suffix}`;
  await fs.mkdir(temp);
  try {
    const files: ExportedFile[] = [];
    for (const name of names) {
      files.push({
        name,
        ...(await copyWithDigest(path.join(modelDir, name), path.join(temp, name))),
      });
    }
    if (state === 'replace') {
      const old = `${target}.old-export-${suffix}`;
      await fs.rename(target, old);
      await fs.rename(temp, target);
      await fs.rm(old, { recursive: true, force: true });
    } else {
      // An empty folder is replaced by the rename (rmdir first: rename onto a folder fails).
      if (state === 'empty') await fs.rmdir(target);
      await fs.rename(temp, target);
    }
    return { format, outDir: target, files, labels: metadata.labels };
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
}
