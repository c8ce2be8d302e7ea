import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeFiles,
  EXPORT_MANIFEST_FILE,
  readExportManifest,
  writeExportManifest,
  type ExportManifest,
} from './export-manifest';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-manifest-'));
  await fs.writeFile(path.join(dir, 'labels.json'), '["ants","bees"]\n');
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function manifest(): Promise<ExportManifest> {
  return {
    manifestVersion: 1,
    format: 'onnx',
    createdAt: new Date(0).toISOString(),
    passed: true,
    files: await describeFiles(dir, ['labels.json']),
    labels: ['ants', 'bees'],
    input: {
      name: 'input',
      shape: ['batch', 224, 224, 3],
      layout: 'NHWC',
      dtype: 'float32',
      preprocessing: { color: 'RGB', resize: 'cover', scale: 1 / 127.5, offset: -1 },
    },
    output: { name: 'probabilities', shape: ['batch', 2] },
    verification: {
      dataset: 'validation split (2 images)',
      samples: 2,
      accuracy: 1,
      referenceAccuracy: 1,
      maxProbDiff: 1e-6,
      predictionsChanged: 0,
      tolerance: 1e-4,
      runtime: 'onnxruntime-node',
    },
    runtimes: { node: process.versions.node },
  };
}

describe('export manifest', () => {
  it('records size and sha256 per file and reads back what it wrote', async () => {
    const written = await manifest();
    // sha256 of the exact bytes '["ants","bees"]\n', computed with sha256sum.
    expect(written.files).toEqual([
      {
        name: 'labels.json',
        bytes: 16,
        sha256: '7db6c024e84591c0c6d4b8ebd728e01ccb3c31ce118090e9453fa878f4d10ae2',
      },
    ]);
    await writeExportManifest(dir, written);
    expect(await readExportManifest(dir)).toEqual(written);
  });

  it('refuses to write or read an invalid manifest, saying what is wrong', async () => {
    const bad = { ...(await manifest()), files: [{ name: 'x', bytes: 1, sha256: 'nope' }] };
    await expect(writeExportManifest(dir, bad)).rejects.toThrow();
    await fs.writeFile(
      path.join(dir, EXPORT_MANIFEST_FILE),
      JSON.stringify({ ...bad, passed: 'yes' }),
    );
    await expect(readExportManifest(dir)).rejects.toThrow(/is not a valid export manifest/);
    await fs.writeFile(path.join(dir, EXPORT_MANIFEST_FILE), '{"truncated');
    await expect(readExportManifest(dir)).rejects.toThrow(/cannot be read as JSON/);
  });
});
