/**
 * `transfer-studio predict` as a user runs it: the bundled CLI (dist/main/cli.cjs, rebuilt by
 * the global setup) classifies a folder of real photos (more than one streamed batch, plus a
 * broken file) with a run trained by the studio, and with its ONNX, TF.js (and, with the Python
 * runtimes, TFLite) exports: every
 * model gives the same classes and probabilities, in the same order.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hymenopteraDir } from '../../services/models/test-fixtures';
import { RunStore } from '../../services/runs/run-store';
import { findPython } from '../../worker/exporters/python/python-runtime';
import { trainFixtureRun, type TrainedRun } from '../../worker/exporters/test-support/trained-runs';

const repoRoot = path.resolve(__dirname, '../../..');
let dataDir: string;
let imagesDir: string;
let trained: TrainedRun;
const PER_CLASS = 20;

interface Line {
  file: string;
  top: { label: string; probability: number }[];
  error?: string;
}

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist/main/cli.cjs'), ...args], {
      env: { ...process.env, TRANSFER_STUDIO_DATA: dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function predictJson(model: string): Promise<Line[]> {
  const { code, stdout, stderr } = await cli(['predict', model, imagesDir, '--json', '--top', '2']);
  // The broken file makes the exit code 1; every other image is classified.
  expect(code, stderr).toBe(1);
  expect(stderr).toContain(`Classified ${2 * PER_CLASS} of ${2 * PER_CLASS + 1} images`);
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Line);
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-cli-predict-'));
  trained = await trainFixtureRun(new RunStore(path.join(dataDir, 'runs')), 'mobilenet_v1_0.25', {
    trainPerClass: 6,
    valPerClass: 4,
    epochs: 1,
  });
  imagesDir = path.join(dataDir, 'photos');
  for (const label of ['ants', 'bees']) {
    const from = path.join(hymenopteraDir, 'val', label);
    const names = (await fs.readdir(from)).filter((name) => /\.jpe?g$/i.test(name)).sort();
    await fs.mkdir(path.join(imagesDir, label), { recursive: true });
    for (const name of names.slice(0, PER_CLASS)) {
      await fs.copyFile(path.join(from, name), path.join(imagesDir, label, name));
    }
  }
  await fs.writeFile(path.join(imagesDir, 'broken.jpg'), 'not a JPEG');
  await fs.writeFile(path.join(imagesDir, 'notes.txt'), 'not an image: skipped');
}, 300_000);
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('transfer-studio predict', () => {
  it('classifies a folder with the run, and its exports agree', async () => {
    const fromRun = await predictJson(trained.job.runDir);
    expect(fromRun.map((line) => path.relative(imagesDir, line.file))).toEqual([
      ...Array.from({ length: PER_CLASS }, () => expect.stringMatching(/^ants\//) as unknown),
      ...Array.from({ length: PER_CLASS }, () => expect.stringMatching(/^bees\//) as unknown),
      'broken.jpg',
    ]);
    expect(fromRun.at(-1)!.error).toMatch(/could not be read/);
    for (const line of fromRun.slice(0, -1)) {
      expect(line.top).toHaveLength(2);
      expect(line.top[0]!.probability + line.top[1]!.probability).toBeCloseTo(1, 4);
      expect(line.top[0]!.probability).toBeGreaterThanOrEqual(line.top[1]!.probability);
    }
    // TFLite runs in LiteRT (Python): covered where scripts/setup-python-runtimes ran (CI).
    for (const format of ['onnx', 'tfjs', ...(findPython() ? ['tflite'] : [])]) {
      const out = path.join(dataDir, `export-${format}`);
      const exported = await cli(['export', trained.job.runDir, '--format', format, '--out', out]);
      expect(exported.code, exported.stderr).toBe(0);
      const fromExport = await predictJson(out);
      expect(fromExport.map((line) => line.file)).toEqual(fromRun.map((line) => line.file));
      fromExport.slice(0, -1).forEach((line, index) => {
        const expected = fromRun[index]!.top;
        expect(line.top.map((entry) => entry.label)).toEqual(expected.map((e) => e.label));
        line.top.forEach((entry, rank) =>
          expect(Math.abs(entry.probability - expected[rank]!.probability)).toBeLessThan(1e-4),
        );
      });
    }
  }, 300_000);

  it('--csv writes one row per image under a header; usage errors exit with 2', async () => {
    const { code, stdout } = await cli(['predict', trained.job.runDir, imagesDir, '--csv']);
    expect(code).toBe(1);
    const rows = stdout.trim().split('\n');
    expect(rows[0]).toBe(
      'file,label_1,probability_1,label_2,probability_2,label_3,probability_3,error',
    );
    expect(rows).toHaveLength(2 * PER_CLASS + 2);
    expect(rows[1]).toMatch(/ants\/[^,]+\.jpg,(ants|bees),0\.\d{6},(ants|bees),0\.\d{6},,,$/);
    expect(rows.at(-1)).toMatch(/broken\.jpg,,,,,,,.*could not be read/);

    const missing = await cli(['predict', path.join(dataDir, 'nowhere'), imagesDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('is neither a run folder');
    const usage = await cli(['predict', trained.job.runDir]);
    expect(usage.code).toBe(2);
  }, 120_000);
});
