/**
 * TFLite exports written by the studio itself, proven in Google's LiteRT interpreter: runs of
 * both fixture bases, trained briefly by the studio's trainer, exported as float32 and as
 * full-integer int8 (calibrated on training images) and run on their validation images. Needs
 * the Python runtimes (scripts/setup-python-runtimes; CI installs them); skipped without them.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../../services/runs/run-store';
import { readExportManifest } from '../export-manifest';
import { findPython } from '../python/python-runtime';
import { runExportJob } from '../run-export-job';
import { exportJobFor, trainFixtureRun, type TrainedRun } from '../test-support/trained-runs';
import { hymenopteraItems } from '../../../services/training/test-jobs';

const run = promisify(execFile);
const python = findPython();
const bases = ['mobilenet_v1_0.25', 'teachable_machine_v2_0.35'] as const;
let work: string;
const trained = new Map<string, TrainedRun>();

beforeAll(async () => {
  if (!python) return;
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-export-tflite-'));
  const runs = new RunStore(path.join(work, 'runs'));
  for (const base of bases) {
    trained.set(
      base,
      await trainFixtureRun(runs, base, { trainPerClass: 20, valPerClass: 20, epochs: 2 }),
    );
  }
}, 900_000);
afterAll(async () => {
  if (work) await fs.rm(work, { recursive: true, force: true });
});

/** The README's Python program, run as a user would, prints ranked classes for a photo. */
async function expectReadmeSnippetRuns(outDir: string, modelFile: string): Promise<void> {
  const readme = await fs.readFile(path.join(outDir, 'README.md'), 'utf8');
  const program = /```python\n([\s\S]*?)```/.exec(readme)![1]!;
  const script = path.join(outDir, '..', `predict-${path.basename(outDir)}.py`);
  await fs.writeFile(script, program);
  const photo = hymenopteraItems('val', 1)[0]!.path;
  const { stdout } = await run(python!, [script, path.join(outDir, modelFile), photo]);
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^(ants|bees)\t(0|1)\.\d{6}$/);
}

describe.skipIf(!python)('TFLite export in LiteRT (needs scripts/setup-python-runtimes)', () => {
  it('without a Python runtime, says the file is not proven and how to set it up', async () => {
    const run = trained.get(bases[0])!;
    const outDir = path.join(work, 'no-python');
    const result = await runExportJob(exportJobFor(run, { format: 'tflite', outDir }), {
      emit: () => {},
      env: { ...process.env, TRANSFER_STUDIO_PYTHON: path.join(work, 'no-such-python') },
    });
    expect(result.passed).toBe(false);
    expect(result.samples).toBe(0);
    expect(result.failure).toMatch(/^Not proven: The LiteRT proof could not run here/);
    expect(result.failure).toContain('scripts/setup-python-runtimes');
    expect(result.outDir).toBe(`${outDir}.failed`);
    await expect(fs.stat(outDir)).rejects.toThrow();
  }, 120_000);

  describe.each(bases)('a briefly trained %s run', (base) => {
    it('float32: the LiteRT interpreter reproduces the studio within 1e-4', async () => {
      const run = trained.get(base)!;
      const outDir = path.join(work, `${base}-tflite`);
      const result = await runExportJob(exportJobFor(run, { format: 'tflite', outDir }), {
        emit: () => {},
      });
      expect(result.failure).toBeUndefined();
      expect(result).toMatchObject({
        passed: true,
        format: 'tflite',
        samples: 40,
        changedPredictions: 0,
      });
      expect(result.runtime).toMatch(/LiteRT/);
      expect(result.maxProbDiff!).toBeLessThanOrEqual(1e-4);
      expect(result.runtimes['ai-edge-litert']).toMatch(/^\d/);
      const manifest = await readExportManifest(outDir);
      expect(manifest.input).toMatchObject({ dtype: 'float32', shape: ['batch', 224, 224, 3] });
      expect(await fs.readFile(path.join(outDir, 'labels.txt'), 'utf8')).toBe('ants\nbees\n');
      await expectReadmeSnippetRuns(outDir, 'model.tflite');
    }, 300_000);

    it('int8: integer input/output, under 40% of the float size, accuracy within 1 point of the studio', async () => {
      const run = trained.get(base)!;
      const outDir = path.join(work, `${base}-int8`);
      const representative = hymenopteraItems('train', 30).map((item) => item.path);
      const result = await runExportJob(
        exportJobFor(run, { format: 'tflite-int8', outDir, representative }),
        { emit: () => {} },
      );
      expect(result.failure).toBeUndefined();
      expect(result.passed).toBe(true);
      expect(result.accuracy!).toBeGreaterThanOrEqual(result.referenceAccuracy! - 0.01);
      const manifest = await readExportManifest(outDir);
      expect(manifest.input.dtype).toBe('int8');
      expect(manifest.input.quantization!.scale).toBeCloseTo(2 / 255, 6);
      expect(manifest.output.quantization).toEqual({ scale: 1 / 256, zeroPoint: -128 });
      const floatBytes = (await fs.stat(path.join(work, `${base}-tflite`, 'model.tflite'))).size;
      const intBytes = (await fs.stat(path.join(outDir, 'model_int8.tflite'))).size;
      // int8 weights; per-channel scales and int32 biases keep it a little above a quarter.
      expect(intBytes).toBeLessThan(floatBytes * 0.4);
      await expectReadmeSnippetRuns(outDir, 'model_int8.tflite');
    }, 300_000);
  });
});
