/**
 * The worker's export job end to end, in this process: runs of both fixture bases, trained
 * briefly by the studio's own trainer, exported to TF.js and ONNX and proven on their real
 * validation images in the real runtimes (plain @tensorflow/tfjs on wasm, onnxruntime-node).
 * Also what must never happen: a full disk or an unwritable target leaving files behind, a wrong
 * file passing the proof, a layer ONNX cannot express being written at all.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportResult } from '../../../shared/domain';
import { EvaluationFile } from '../../../shared/evaluation';
import type { WorkerMessage } from '../../../shared/worker-protocol';
import { RunStore } from '../../services/runs/run-store';
import { runExportCommand } from './export-command';
import { nodeExportIo, type ExportIo } from './export-io';
import { checkExportFiles, readExportManifest } from './export-manifest';
import { runExportJob } from './run-export-job';
import {
  handMadeRun,
  exportJobFor,
  trainFixtureRun,
  type TrainedRun,
} from './test-support/trained-runs';
import { TeachableMachineMetadata } from './tfjs/tm-metadata';

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, '../../..');

let work: string;
let runs: RunStore;
const trained = new Map<string, TrainedRun>();
const bases = ['mobilenet_v1_0.25', 'teachable_machine_v2_0.35'] as const;

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-export-job-'));
  runs = new RunStore(path.join(work, 'runs'));
  for (const base of bases) {
    trained.set(
      base,
      await trainFixtureRun(runs, base, { trainPerClass: 20, valPerClass: 15, epochs: 2 }),
    );
  }
}, 900_000);
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

function messagesInto(list: WorkerMessage[]) {
  return { emit: (message: WorkerMessage) => list.push(message) };
}

async function evaluationOf(runDir: string): Promise<EvaluationFile> {
  return EvaluationFile.parse(
    JSON.parse(await fs.readFile(path.join(runDir, 'evaluation.json'), 'utf8')),
  );
}

/** Names in a ZIP and whether every entry's CRC checks, read by Python's zipfile. */
async function zipListing(file: string): Promise<{ names: string[]; bad: string | null }> {
  const script =
    'import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\n' +
    'print(json.dumps({"names": z.namelist(), "bad": z.testzip()}))';
  const { stdout } = await run('python3', ['-c', script, file]);
  return JSON.parse(stdout);
}

function codeBlock(markdown: string, language: string): string {
  const match = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(markdown);
  if (!match) throw new Error(`no ${language} block`);
  return match[1]!;
}

describe.each(bases)('a briefly trained %s run', (base) => {
  it('exports to TF.js with a ZIP: proven on the validation split, Teachable Machine metadata, runnable README', async () => {
    const trainedRun = trained.get(base)!;
    const outDir = path.join(work, `${base}-tfjs`);
    const messages: WorkerMessage[] = [];
    const result = ExportResult.parse(
      await runExportJob(
        exportJobFor(trainedRun, { format: 'tfjs', outDir, zip: true }),
        messagesInto(messages),
      ),
    );
    console.info(
      `export ${base} tfjs: ${JSON.stringify({ maxProbDiff: result.maxProbDiff, totalMs: Math.round(result.timings.totalMs), verifyMs: Math.round(result.timings.verifyMs), runtimes: result.runtimes })}`,
    );
    expect(result).toMatchObject({ format: 'tfjs', outDir, passed: true, changedPredictions: 0 });
    expect(result.samples).toBe(trainedRun.job.val.length);
    expect(result.maxProbDiff).toBeLessThanOrEqual(1e-4);
    expect(result.runtime).toMatch(/@tensorflow\/tfjs .*wasm backend/);
    const evaluation = await evaluationOf(trainedRun.job.runDir);
    // The studio's model scores on the same images what training recorded.
    expect(result.referenceAccuracy).toBeCloseTo(evaluation.accuracy, 6);
    expect(result.accuracy).toBeCloseTo(evaluation.accuracy, 6);

    expect((await fs.readdir(outDir)).sort()).toEqual(
      [
        'README.md',
        'export-manifest.json',
        'labels.json',
        'metadata.json',
        'model.json',
        'weights.bin',
      ].sort(),
    );
    const manifest = await readExportManifest(outDir);
    expect(manifest.verification).toMatchObject({ samples: result.samples, predictionsChanged: 0 });
    expect(await checkExportFiles(outDir, manifest)).toEqual([]);
    const metadata = TeachableMachineMetadata.parse(
      JSON.parse(await fs.readFile(path.join(outDir, 'metadata.json'), 'utf8')),
    );
    expect(metadata).toMatchObject({
      labels: ['ants', 'bees'],
      imageSize: 224,
      tfjsVersion: tf.version.tfjs,
    });
    // The model files are the studio's own, byte for byte.
    for (const name of ['model.json', 'weights.bin']) {
      expect(await fs.readFile(path.join(outDir, name))).toEqual(
        await fs.readFile(path.join(trainedRun.job.runDir, 'model', name)),
      );
    }
    // Progress while the proof runs, ending at all images.
    const verifying = messages.filter(
      (m): m is Extract<WorkerMessage, { type: 'phase' }> =>
        m.type === 'phase' && m.phase === 'verifying',
    );
    expect(verifying.at(-1)?.progress).toBe(1);

    // The ZIP beside the folder holds the same files under one folder, intact.
    expect(result.zip?.path).toBe(`${outDir}.zip`);
    const listing = await zipListing(`${outDir}.zip`);
    expect(listing.bad).toBeNull();
    expect(listing.names.sort()).toEqual(
      manifest.files
        .map((file) => `${base}-tfjs/${file.name}`)
        .concat(`${base}-tfjs/export-manifest.json`)
        .sort(),
    );

    // The README's Node.js program (plain @tensorflow/tfjs, fresh process) predicts what the
    // studio predicted on a real validation image.
    const readme = await fs.readFile(result.readmePath, 'utf8');
    const script = path.join(work, `${base}-predict.cjs`);
    await fs.writeFile(script, codeBlock(readme, 'js'));
    const item = evaluation.items[0]!;
    const { stdout } = await run(
      process.execPath,
      [script, path.join(outDir, 'model.json'), item.path],
      {
        env: { ...process.env, NODE_PATH: path.join(repoRoot, 'node_modules') },
        timeout: 120_000,
      },
    );
    const [label, probability] = stdout.trim().split('\n')[0]!.split('\t');
    expect(label).toBe(evaluation.labels[item.predicted]);
    expect(Number(probability)).toBeCloseTo(Math.max(...item.probabilities), 4);
  });

  it('exports to ONNX: proven in onnxruntime-node on the validation split', async () => {
    const trainedRun = trained.get(base)!;
    const outDir = path.join(work, `${base}-onnx`);
    const result = await runExportJob(exportJobFor(trainedRun, { format: 'onnx', outDir }), {
      emit: () => {},
    });
    console.info(
      `export ${base} onnx: ${JSON.stringify({ maxProbDiff: result.maxProbDiff, totalMs: Math.round(result.timings.totalMs), verifyMs: Math.round(result.timings.verifyMs) })}`,
    );
    expect(result).toMatchObject({ format: 'onnx', passed: true, changedPredictions: 0, outDir });
    expect(result.samples).toBe(trainedRun.job.val.length);
    expect(result.maxProbDiff).toBeLessThanOrEqual(1e-4);
    expect(result.runtime).toMatch(/onnxruntime-node/);
    expect(result.runtimes['onnxruntime-node']).toMatch(/^\d+\.\d+/);
    expect(result.zip).toBeUndefined();
    expect((await fs.readdir(outDir)).sort()).toEqual(
      ['README.md', 'export-manifest.json', 'labels.json', 'model.onnx'].sort(),
    );
    expect(result.accuracy).toBeCloseTo((await evaluationOf(trainedRun.job.runDir)).accuracy, 6);
  });
});

describe('what an export never leaves behind', () => {
  const enospc = (syscall: string, file: string): NodeJS.ErrnoException =>
    Object.assign(new Error(`ENOSPC: no space left on device, ${syscall} '${file}'`), {
      code: 'ENOSPC',
      errno: -28,
      syscall,
      path: file,
    });

  async function siblings(dir: string): Promise<string[]> {
    return (await fs.readdir(path.dirname(dir))).filter((name) =>
      name.startsWith(path.basename(dir)),
    );
  }

  it('a full disk halfway through the weights: a clear error, and nothing at or beside the target', async () => {
    const outDir = path.join(work, 'full-disk', 'export');
    const io: ExportIo = {
      ...nodeExportIo,
      async copyFile(from, to) {
        if (path.basename(to) === 'weights.bin') {
          // Half the file reaches the disk, then the disk is full.
          const data = await fs.readFile(from);
          await fs.writeFile(to, data.subarray(0, data.length >> 1));
          throw enospc('write', to);
        }
        await nodeExportIo.copyFile(from, to);
      },
    };
    const job = exportJobFor(trained.get('mobilenet_v1_0.25')!, {
      format: 'tfjs',
      outDir,
      zip: true,
    });
    await expect(runExportJob(job, { emit: () => {}, io })).rejects.toThrow(
      /The disk is full: the export to .*export could not be written \(ENOSPC\)\. Free some space/,
    );
    expect(await siblings(outDir)).toEqual([]);
  });

  it('a full disk while zipping: no folder and no ZIP either', async () => {
    const outDir = path.join(work, 'full-disk-zip', 'export');
    const io: ExportIo = {
      ...nodeExportIo,
      async writeStream(file) {
        await fs.writeFile(file, 'PK partial');
        throw enospc('write', file);
      },
    };
    const job = exportJobFor(trained.get('mobilenet_v1_0.25')!, {
      format: 'onnx',
      outDir,
      zip: true,
    });
    const answer = await runExportCommand(job, { emit: () => {}, io });
    expect(answer).toMatchObject({
      type: 'error',
      code: 'failed',
      message: expect.stringMatching(/disk is full/),
    });
    expect(await siblings(outDir)).toEqual([]);
  });

  it('an unwritable target (a path through a file) is refused before anything is written', async () => {
    const file = path.join(work, 'notes.txt');
    await fs.writeFile(file, 'mine');
    const outDir = path.join(file, 'export');
    const job = exportJobFor(trained.get('mobilenet_v1_0.25')!, { format: 'tfjs', outDir });
    const answer = await runExportCommand(job, { emit: () => {} });
    expect(answer).toMatchObject({
      type: 'error',
      code: 'invalid-request',
      message: `The export cannot be written to ${outDir}: ${file} is a file, not a folder. Choose a folder.`,
    });
    expect(await fs.readFile(file, 'utf8')).toBe('mine');
  });

  it('files that do not reproduce the model fail the proof: kept only as <name>.failed, never zipped', async () => {
    const outDir = path.join(work, 'corrupt', 'export');
    const io: ExportIo = {
      ...nodeExportIo,
      async copyFile(from, to) {
        await nodeExportIo.copyFile(from, to);
        if (path.basename(to) !== 'weights.bin') return;
        // A bit flip in the last weights (the classifier's bias) as a broken copy would make.
        const data = await fs.readFile(to);
        const bias = new Float32Array(data.buffer, data.byteOffset + data.length - 8, 2);
        bias[0] = bias[0]! + 3;
        await fs.writeFile(to, data);
      },
    };
    const job = exportJobFor(trained.get('mobilenet_v1_0.25')!, {
      format: 'tfjs',
      outDir,
      zip: true,
    });
    const result = await runExportJob(job, { emit: () => {}, io });
    expect(result.passed).toBe(false);
    expect(result.outDir).toBe(`${outDir}.failed`);
    expect(result.failure).toMatch(/class probabilities differ by up to/);
    expect(result.zip).toBeUndefined();
    expect(await siblings(outDir)).toEqual(['export.failed']);
    expect((await readExportManifest(`${outDir}.failed`)).passed).toBe(false);
  });

  it('a model with a layer ONNX cannot express is refused with the layer name, nothing written', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 4, kernelSize: 3, strides: 2 }),
        tf.layers.maxPooling2d({ poolSize: 2, name: 'my_max_pool' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const { runDir, summary } = await handMadeRun(runs, model, {
      inputSize: [32, 32],
      valPerClass: 2,
    });
    model.dispose();
    const outDir = path.join(work, 'unsupported', 'export');
    const answer = await runExportCommand(
      {
        ...exportJobFor(
          { job: { ...trained.get('mobilenet_v1_0.25')!.job, runDir }, summary },
          { format: 'onnx', outDir },
        ),
        modelDir: path.join(runDir, 'model'),
        inputSize: [32, 32],
      },
      { emit: () => {} },
    );
    expect(answer).toMatchObject({
      type: 'error',
      code: 'invalid-request',
      message: expect.stringMatching(/layer "my_max_pool" \(MaxPooling2D\)/),
    });
    await expect(fs.stat(path.dirname(outDir))).rejects.toThrow();
  });
});
