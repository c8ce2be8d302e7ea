import path from 'node:path';
import { copyFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckCache } from './check-cache';
import { classWeights } from './class-balance';
import { summarizeProblems } from './problem-summary';
import { scanDataset } from './scan-dataset';
import { makeTempDir, writeClasses } from './test-images';

let temp: { dir: string; cleanup(): void };
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

describe('summarizeProblems', () => {
  it('sums a real scan up in one line', async () => {
    const root = temp.dir;
    await writeClasses(path.join(root, 'train'), { ants: 10, bees: 19 });
    await writeClasses(path.join(root, 'val'), { ants: 2, bees: 2 });
    for (const name of ['a', 'b', 'c'])
      writeFileSync(path.join(root, 'train', 'ants', `${name}.jpg`), '');
    copyFileSync(
      path.join(root, 'train', 'bees', 'img-0.jpg'),
      path.join(root, 'val', 'bees', 'x.jpg'),
    );
    copyFileSync(
      path.join(root, 'train', 'bees', 'img-1.jpg'),
      path.join(root, 'val', 'bees', 'y.jpg'),
    );

    const { summary } = await scanDataset([root], { cache: new CheckCache() });

    // ants: 10 + 2 usable; bees: 19 + 2 (its two val copies of training images left out).
    expect(summarizeProblems(summary)).toBe(
      '3 files unreadable, 2 duplicates across train/val, bees has 1.8× more images than ants',
    );
  });

  it('says so when nothing is wrong, and names a lone class', async () => {
    await writeClasses(temp.dir, { a: 10, b: 10 });
    expect(summarizeProblems((await scanDataset([temp.dir])).summary)).toBe('No problems found');
    const single = path.join(temp.dir, 'a');
    expect(summarizeProblems((await scanDataset([single])).summary)).toBe('only one class (a)');
  });
});

describe('classWeights', () => {
  it('weights classes by n_total / (n_classes * n_c)', () => {
    expect(classWeights([100, 25, 0])).toEqual([0.625, 2.5, 0]);
    expect(classWeights([10, 10])).toEqual([1, 1]);
  });
});
