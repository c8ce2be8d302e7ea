/**
 * export-manifest.json, written beside the exported files: what was exported, a sha256 per file,
 * the runtimes that proved it, and the outcome of that proof. The UI and the CLI read it back
 * through the same schema, so a hand-edited or truncated manifest is reported, not trusted.
 */
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ExportFormat, Int8Quantization } from '../../../shared/export-types';
import { nodeExportIo, type ExportIo } from './export-io';

export const EXPORT_MANIFEST_FILE = 'export-manifest.json';

const Dim = z.union([z.number().int().nonnegative(), z.string(), z.null()]);

export const ExportedFile = z.object({
  name: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ExportedFile = z.infer<typeof ExportedFile>;

export const ExportManifest = z.object({
  manifestVersion: z.literal(1),
  format: ExportFormat,
  createdAt: z.string(),
  /** True only when the exported file reproduced the studio's model on the validation split. */
  passed: z.boolean(),
  failure: z.string().optional(),
  files: z.array(ExportedFile),
  labels: z.array(z.string()),
  input: z.object({
    name: z.string().optional(),
    shape: z.array(Dim),
    layout: z.literal('NHWC'),
    dtype: z.enum(['float32', 'int8']),
    /** int8 input: quantize the preprocessed value x as round(x / scale) + zeroPoint. */
    quantization: Int8Quantization.optional(),
    preprocessing: z.object({
      color: z.literal('RGB'),
      resize: z.literal('cover'),
      scale: z.number(),
      offset: z.number(),
    }),
  }),
  output: z.object({
    name: z.string().optional(),
    shape: z.array(Dim),
    /** int8 output: probability = (q - zeroPoint) * scale. */
    quantization: Int8Quantization.optional(),
  }),
  verification: z.object({
    /** What was run: e.g. "validation split (153 images)". */
    dataset: z.string(),
    samples: z.number().int().nonnegative(),
    /** Top-1 accuracy of the exported file; null without labels. */
    accuracy: z.number().min(0).max(1).nullable(),
    referenceAccuracy: z.number().min(0).max(1).nullable(),
    /** Largest |p_export - p_studio| over all images and classes; null if the export produced NaN. */
    maxProbDiff: z.number().nonnegative().nullable(),
    predictionsChanged: z.number().int().nonnegative(),
    tolerance: z.number().positive(),
    /** Runtime the exported file was loaded in for the proof. */
    runtime: z.string(),
  }),
  /** Package and platform versions involved (tfjs, onnxruntime-node, node, ...). */
  runtimes: z.record(z.string(), z.string()),
  /** Where it came from: run id, base model, ... */
  source: z.record(z.string(), z.string()).optional(),
});
export type ExportManifest = z.infer<typeof ExportManifest>;

/** sha256 (hex) of a file, streamed so large weight files never sit in memory twice. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Size and sha256 of each named file in `dir`, in the order given. */
export async function describeFiles(dir: string, names: string[]): Promise<ExportedFile[]> {
  const files: ExportedFile[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file);
    files.push({ name, bytes: stat.size, sha256: await sha256File(file) });
  }
  return files;
}

/** Validates and writes the manifest atomically (temp file + rename). */
export async function writeExportManifest(
  dir: string,
  manifest: ExportManifest,
  io: Pick<ExportIo, 'writeFile'> = nodeExportIo,
): Promise<string> {
  const checked = ExportManifest.parse(manifest);
  const target = path.join(dir, EXPORT_MANIFEST_FILE);
  const temp = `${target}.tmp-${process.pid}`;
  await io.writeFile(temp, `${JSON.stringify(checked, null, 2)}\n`);
  await fs.rename(temp, target);
  return target;
}

/** Reads a manifest back; errors say which folder and what is wrong. */
export async function readExportManifest(dir: string): Promise<ExportManifest> {
  const file = path.join(dir, EXPORT_MANIFEST_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(
      `${file} cannot be read as JSON (${(error as Error).message}); export the model again.`,
    );
  }
  const parsed = ExportManifest.safeParse(json);
  if (!parsed.success) {
    throw new Error(
      `${file} is not a valid export manifest (${parsed.error.issues[0]?.path.join('.') ?? '?'}: ` +
        `${parsed.error.issues[0]?.message ?? 'invalid'}); export the model again.`,
    );
  }
  return parsed.data;
}

/** Checks every file listed in the manifest against its recorded size and sha256. */
export async function checkExportFiles(dir: string, manifest: ExportManifest): Promise<string[]> {
  const problems: string[] = [];
  for (const entry of manifest.files) {
    try {
      const [actual] = await describeFiles(dir, [entry.name]);
      if (actual!.sha256 !== entry.sha256)
        problems.push(`${entry.name} has changed since it was exported`);
    } catch {
      problems.push(`${entry.name} is missing`);
    }
  }
  return problems;
}
