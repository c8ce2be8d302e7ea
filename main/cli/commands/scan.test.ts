/**
 * `transfer-studio scan` as a user runs it (the built CLI, dist/main/cli.cjs, rebuilt by the
 * global setup) on a folder holding every bad file the dataset doctor must explain: the text
 * report and --json both name each file with its exact problem kind, and nothing crashes.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetSummary } from '../../../shared/domain';
import { writeDoctorCases, type DoctorCase } from '../../services/datasets/doctor-cases';
import { makeTempDir } from '../../services/datasets/test-images';

const run = promisify(execFile);
const cli = path.resolve(__dirname, '../../../dist/main/cli.cjs');
const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let temp: { dir: string; cleanup(): void };
let root: string;
let cases: DoctorCase[];

function transferStudio(args: string[]) {
  return run(process.execPath, [cli, ...args], {
    env: { ...process.env, TRANSFER_STUDIO_DATA: path.join(temp.dir, 'data') },
    maxBuffer: 64 * 1024 * 1024,
  });
}

beforeAll(async () => {
  temp = makeTempDir('ts-cli-scan-');
  root = path.join(temp.dir, 'insects');
  cases = await writeDoctorCases(root, { unreadable: !runningAsRoot });
});
afterAll(() => temp.cleanup());

describe('transfer-studio scan', () => {
  it('--json lists classes, split counts, the fingerprint and every problem with kind and path', async () => {
    const { stdout } = await transferStudio(['scan', root, '--json']);
    const summary = DatasetSummary.parse(JSON.parse(stdout));
    expect(summary.classes.map((c) => c.name).sort()).toEqual(['ants', 'bees']);
    expect(summary.split.source).toBe('folders');
    expect(summary.fingerprint).toMatch(/\S{8,}/);
    for (const entry of cases) {
      const kinds = summary.problems.filter((p) => p.path === entry.file).map((p) => p.kind);
      expect(kinds, entry.label).toEqual(entry.kinds);
    }
    for (const problem of summary.problems) {
      expect(problem.message.length, problem.kind).toBeGreaterThan(10);
      expect(problem.action.length, problem.kind).toBeGreaterThan(5);
    }
  });

  it('prints the findings and one line per problem file with its kind, message and action', async () => {
    const { stdout } = await transferStudio(['scan', root]);
    expect(stdout).toMatch(/layout split-folders; \d+ images in 2 classes; split from folders/);
    expect(stdout).toMatch(/\d+ problem\(s\):/);
    for (const entry of cases) {
      for (const kind of entry.kinds)
        expect(stdout, entry.label).toContain(`[${kind}] ${entry.file}`);
    }
    expect(stdout).toMatch(/fingerprint \S+/);
  });
});
