import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModelFromDir } from '../../../services/models/load-layers-model';
import { checkExportFiles, readExportManifest, sha256File } from '../export-manifest';
import {
  decodeImage,
  imageBatches,
  MOBILENET_PREPROCESSING,
  teachableMachineDir,
  validationImages,
  type LabelledImage,
} from '../test-support/fixtures';
import { decodeOnnxModel } from './decode-onnx';
import { exportOnnx } from './export-onnx';
import { createOnnxPredictor } from './onnx-runtime';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../../../..');
const labels = ['no mask', 'mask', 'scissors', 'rock', 'paper'];

let model: tf.LayersModel;
let val: LabelledImage[];
let work: string;

beforeAll(async () => {
  await tf.setBackend('wasm');
  model = await loadLayersModelFromDir(teachableMachineDir);
  val = await validationImages();
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-onnx-export-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

function request(outDir: string, tolerance?: number) {
  return {
    model,
    modelName: 'Teachable Machine fixture',
    labels,
    preprocessing: MOBILENET_PREPROCESSING,
    outDir,
    validation: () => imageBatches(val, 16),
    source: { baseModel: 'mobilenet_v2_0.35_224' },
    ...(tolerance !== undefined ? { tolerance } : {}),
  };
}

/** Code blocks of one language in a Markdown document. */
function codeBlocks(markdown: string, language: string): string[] {
  const pattern = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...markdown.matchAll(pattern)].map((match) => match[1]!);
}

describe('exportOnnx', () => {
  let outDir: string;

  it('writes a verified export: model, labels, README and a manifest with sha256s', async () => {
    outDir = path.join(work, 'tm-onnx');
    const outcome = await exportOnnx(request(outDir));
    console.info(
      'ONNX export',
      JSON.stringify({ timings: outcome.timings, report: outcome.report }),
    );
    expect(outcome.passed).toBe(true);
    expect(outcome.dir).toBe(outDir);
    expect((await fs.readdir(outDir)).sort()).toEqual([
      'README.md',
      'export-manifest.json',
      'labels.json',
      'model.onnx',
    ]);
    expect((await fs.stat(outDir)).mode & 0o777).toBe(0o755);
    // Nothing else is left beside it (no staging or .failed folder).
    expect(await fs.readdir(work)).toEqual(['tm-onnx']);

    const manifest = await readExportManifest(outDir);
    expect(manifest).toMatchObject({ format: 'onnx', passed: true, labels });
    expect(manifest.verification.samples).toBe(153);
    expect(manifest.verification.maxProbDiff).toBeLessThan(1e-4);
    expect(manifest.verification.predictionsChanged).toBe(0);
    expect(manifest.runtimes).toMatchObject({
      '@tensorflow/tfjs': tf.version.tfjs,
      'tfjs-backend': 'wasm',
      'onnxruntime-node': expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(manifest.files.map((file) => file.name)).toEqual([
      'model.onnx',
      'labels.json',
      'README.md',
    ]);
    const onnxEntry = manifest.files[0]!;
    expect(onnxEntry.sha256).toBe(await sha256File(path.join(outDir, 'model.onnx')));
    expect(onnxEntry.bytes).toBe((await fs.stat(path.join(outDir, 'model.onnx'))).size);
    expect(await checkExportFiles(outDir, manifest)).toEqual([]);

    const decoded = decodeOnnxModel(await fs.readFile(path.join(outDir, 'model.onnx')));
    expect(JSON.parse(decoded.metadata['labels']!)).toEqual(labels);
    expect(decoded.metadata['baseModel']).toBe('mobilenet_v2_0.35_224');
    expect(JSON.parse(await fs.readFile(path.join(outDir, 'labels.json'), 'utf8'))).toEqual(labels);
  });

  it('notices a file changed after export', async () => {
    const copy = path.join(work, 'tampered');
    await fs.cp(outDir, copy, { recursive: true });
    await fs.appendFile(path.join(copy, 'labels.json'), ' ');
    expect(await checkExportFiles(copy, await readExportManifest(copy))).toEqual([
      'labels.json has changed since it was exported',
    ]);
    await fs.rm(copy, { recursive: true });
  });

  it("README's Node.js snippet runs against the export and prints the model's prediction", async () => {
    const readme = await fs.readFile(path.join(outDir, 'README.md'), 'utf8');
    expect(readme).toContain('[batch, 224, 224, 3]');
    expect(readme).toContain('v / 127.5 - 1');
    const [snippet] = codeBlocks(readme, 'js');
    const script = path.join(work, 'predict.cjs');
    await fs.writeFile(script, snippet!);
    const image = val.find((entry) => entry.file.endsWith('.jpg'))!.file;
    const { stdout } = await run(
      process.execPath,
      [script, path.join(outDir, 'model.onnx'), image],
      {
        env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') },
        timeout: 60_000,
      },
    );
    const printed = stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'));
    expect(printed).toHaveLength(5);

    const onnx = await createOnnxPredictor(path.join(outDir, 'model.onnx'), [224, 224, 3]);
    const probabilities = await onnx.predict(await decodeImage(image), 1);
    await onnx.release();
    const best = probabilities.indexOf(Math.max(...probabilities));
    expect(printed[0]![0]).toBe(labels[best]);
    expect(Number(printed[0]![1])).toBeCloseTo(probabilities[best]!, 4);
  });

  it("README's Python snippet is valid Python", async () => {
    const readme = await fs.readFile(path.join(outDir, 'README.md'), 'utf8');
    const [snippet] = codeBlocks(readme, 'python');
    expect(snippet).toContain('onnxruntime');
    const file = path.join(work, 'predict.py');
    await fs.writeFile(file, snippet!);
    await run('python3', ['-m', 'py_compile', file], { timeout: 30_000 });
  });

  it('refuses to overwrite a folder that is not an export', async () => {
    const mine = path.join(work, 'my-photos');
    await fs.mkdir(mine);
    await fs.writeFile(path.join(mine, 'holiday.jpg'), 'not really');
    await expect(exportOnnx({ ...request(mine), overwrite: true })).rejects.toThrow(
      /already holds files that are not an export/,
    );
    await expect(exportOnnx(request(outDir))).rejects.toThrow(/already holds an export/);
    expect(await fs.readdir(mine)).toEqual(['holiday.jpg']);
  });

  it('a failed proof leaves nothing at the requested folder, only <name>.failed with the reason', async () => {
    // A tolerance no float32 runtime can meet makes the real comparison fail.
    const failedOut = path.join(work, 'strict');
    const outcome = await exportOnnx({
      ...request(failedOut, 1e-12),
      validation: () => imageBatches(val.slice(0, 8), 8),
    });
    expect(outcome.passed).toBe(false);
    expect(outcome.dir).toBe(`${failedOut}.failed`);
    await expect(fs.stat(failedOut)).rejects.toThrow();
    const manifest = await readExportManifest(`${failedOut}.failed`);
    expect(manifest.passed).toBe(false);
    expect(manifest.failure).toMatch(/class probabilities differ by up to .* \(allowed 1e-12\)/);
  });
});
