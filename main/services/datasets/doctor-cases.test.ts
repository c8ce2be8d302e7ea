import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckCache } from './check-cache';
import type { ScannedDataset } from './dataset-types';
import { writeDoctorCases, type DoctorCase } from './doctor-cases';
import { scanDataset } from './scan-dataset';
import { makeTempDir } from './test-images';

const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let temp: { dir: string; cleanup(): void };
let cases: DoctorCase[];
let scanned: ScannedDataset;

beforeAll(async () => {
  temp = makeTempDir('ts-doctor-cases-');
  const root = path.join(temp.dir, 'insects');
  cases = await writeDoctorCases(root, { unreadable: !runningAsRoot });
  scanned = await scanDataset([root], { cache: new CheckCache() });
});
afterAll(() => temp.cleanup());

// The e2e expects exactly these kinds in the UI; this checks the expectations against the scan.
describe('the doctor e2e cases', () => {
  it('reports exactly the expected kinds for every case', () => {
    for (const entry of cases) {
      const kinds = scanned.summary.problems
        .filter((problem) => problem.path === entry.file)
        .map((problem) => problem.kind);
      expect(kinds, entry.label).toEqual(entry.kinds);
    }
    expect(cases.length).toBeGreaterThanOrEqual(runningAsRoot ? 20 : 21);
  });
});
