/**
 * `transfer-studio eval` as a user runs it: the built CLI (dist/main/cli.cjs, rebuilt by the
 * global setup) trains a small real run, then evaluates it on a labelled folder with an extra
 * class the model does not know; --json carries the same metrics as the text report.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationMetrics } from '../../../shared/evaluation';
import { fixtureModelsDir, hymenopteraDir } from '../../services/models/test-fixtures';

const run = promisify(execFile);
const cli = path.resolve(__dirname, '../../../dist/main/cli.cjs');
let temp: string;
let runDir: string;
let evalDir: string;

function transferStudio(args: string[]) {
  return run(process.execPath, [cli, ...args], {
    env: { ...process.env, TRANSFER_STUDIO_MODELS: fixtureModelsDir, TRANSFER_STUDIO_DATA: temp },
    maxBuffer: 16 * 1024 * 1024,
  });
}

async function copyImages(fromDir: string, toDir: string, count: number, skip = 0): Promise<void> {
  await fs.mkdir(toDir, { recursive: true });
  const names = (await fs.readdir(fromDir)).filter((n) => /\.jpe?g$/i.test(n)).sort();
  for (const name of names.slice(skip, skip + count)) {
    await fs.copyFile(path.join(fromDir, name), path.join(toDir, name));
  }
}

beforeAll(async () => {
  temp = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-cli-eval-'));
  const trainDir = path.join(temp, 'train');
  evalDir = path.join(temp, 'eval');
  for (const label of ['ants', 'bees']) {
    await copyImages(path.join(hymenopteraDir, 'train', label), path.join(trainDir, label), 12);
    await copyImages(path.join(hymenopteraDir, 'val', label), path.join(evalDir, label), 6);
  }
  // A class the model never saw: reported and left out, never a crash.
  // (Other images than the ants copied above: the doctor drops duplicates across classes.)
  await copyImages(path.join(hymenopteraDir, 'val', 'ants'), path.join(evalDir, 'wasps'), 2, 20);
  runDir = path.join(temp, 'run');
  await transferStudio([
    'train',
    trainDir,
    '--model',
    'mobilenet_v1_0.25_224',
    '--epochs',
    '2',
    '--out',
    runDir,
  ]);
}, 300_000);

afterAll(async () => {
  await fs.rm(temp, { recursive: true, force: true });
});

describe('transfer-studio eval', () => {
  it('prints the metrics as JSON and as text, and names the unknown class', async () => {
    const json = await transferStudio(['eval', runDir, evalDir, '--json']);
    const report = JSON.parse(json.stdout) as {
      labels: string[];
      metrics: unknown;
      unknownClasses: { name: string; count: number }[];
    };
    const metrics = EvaluationMetrics.parse(report.metrics);
    expect(report.labels).toEqual(['ants', 'bees']);
    expect(metrics.count).toBe(12);
    expect(metrics.perClass.map((c) => c.support)).toEqual([6, 6]);
    expect(report.unknownClasses).toEqual([{ name: 'wasps', count: 2 }]);

    const text = await transferStudio(['eval', runDir, evalDir, '--top', '3']);
    expect(text.stdout).toContain(`accuracy ${(metrics.accuracy * 100).toFixed(1)}%`);
    expect(text.stdout).toContain(`ECE ${(metrics.calibration.ece * 100).toFixed(1)}%`);
    expect(text.stdout).toMatch(/ants\s+\d\.\d{3}\s+\d\.\d{3}\s+\d\.\d{3}\s+6/);
    expect(text.stdout).toContain('Class "wasps" (2 images) is not one of the model\'s classes');
  });

  it('explains a folder that is not a trained run', async () => {
    const failed = await transferStudio(['eval', evalDir, evalDir]).catch((error) => error);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/has no trained model/);
  });
});
