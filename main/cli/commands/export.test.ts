/**
 * `transfer-studio export` as a user runs it: the bundled CLI (dist/main/cli.cjs, rebuilt by the
 * global setup) on a run trained by the studio's own trainer.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportResult } from '../../../shared/domain';
import { RunStore } from '../../services/runs/run-store';
import { ExportManifest } from '../../worker/exporters/export-manifest';
import { trainFixtureRun, type TrainedRun } from '../../worker/exporters/test-support/trained-runs';

const repoRoot = path.resolve(__dirname, '../../..');
let dataDir: string;
let trained: TrainedRun;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-cli-export-'));
  trained = await trainFixtureRun(new RunStore(path.join(dataDir, 'runs')), 'mobilenet_v1_0.25', {
    trainPerClass: 10,
    valPerClass: 8,
    epochs: 1,
  });
}, 300_000);
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

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

describe('transfer-studio export', () => {
  it('--format onnx --zip --json prints the result with its manifest; exit code 0', async () => {
    const out = path.join(dataDir, 'cli-onnx');
    const { code, stdout, stderr } = await cli([
      'export',
      trained.job.runDir,
      '--format',
      'onnx',
      '--zip',
      '--out',
      out,
      '--json',
    ]);
    expect(code, stderr).toBe(0);
    const printed = JSON.parse(stdout) as ExportResult & { manifest: unknown };
    expect(ExportResult.parse(printed)).toMatchObject({ passed: true, outDir: out, samples: 16 });
    const manifest = ExportManifest.parse(printed.manifest);
    expect(manifest).toMatchObject({ format: 'onnx', passed: true });
    expect(manifest.verification.maxProbDiff).toBeLessThanOrEqual(1e-4);
    expect(printed.zip?.path).toBe(`${out}.zip`);
    expect((await fs.stat(`${out}.zip`)).size).toBe(printed.zip?.bytes);
    // Progress went to stderr, so stdout held one JSON document.
    expect(stderr).toMatch(/Checking the exported files on the validation images \(16 of 16\)/);
  });

  it('prints a readable summary for TF.js, and needs --force to replace it', async () => {
    const out = path.join(dataDir, 'cli-tfjs');
    const first = await cli(['export', trained.job.runDir, '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^TF\.js export PASSED/);
    expect(first.stdout).toMatch(/max \|dp\| +\S+ \(allowed 0\.0001\); predictions changed: 0/);
    expect(first.stdout).toContain(`README    ${path.join(out, 'README.md')}`);
    expect(first.stdout).toMatch(/metadata\.json +\d+ +[0-9a-f]{64}/);

    const again = await cli(['export', trained.job.runDir, '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds an export');
    expect(again.stderr).toContain('Pass --force to replace an earlier export.');
    const forced = await cli(['export', trained.job.runDir, '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
  });

  it('explains a bad format as a usage error (exit code 2)', async () => {
    const { code, stderr } = await cli([
      'export',
      trained.job.runDir,
      '--format',
      'coreml',
      '--out',
      dataDir,
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain('--format must be one of: tfjs, onnx, tflite, tflite-int8.');
  });
});
