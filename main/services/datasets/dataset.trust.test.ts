/**
 * The dataset doctor facing odd folders: a class that only has validation images, links that
 * point back up the tree, and special files. Each is reported in words at its own path and
 * nothing is relabelled, opened or followed where it should not be.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../../shared/catalog';
import { DatasetSummary, TrainConfig } from '../../../shared/domain';
import { fixtureModelsDir } from '../models/test-fixtures';
import { resolveTraining } from '../training/resolve-job';
import { decodeToRgb } from './decode-image';
import { scanDataset } from './scan-dataset';
import { makeTempDir, writeClasses } from './test-images';

let temp: { dir: string; cleanup(): void };
beforeEach(() => {
  temp = makeTempDir('ts-dataset-trust-');
});
afterEach(() => temp.cleanup());

const counts = (summary: DatasetSummary) =>
  Object.fromEntries(summary.classes.map((c) => [c.name, [c.count, c.trainCount, c.valCount]]));

/** ds/train/{ants,bees} and ds/val/{ants,bees}, as the hymenoptera set is laid out. */
async function splitDataset(train = 20, val = 10): Promise<string> {
  const root = path.join(temp.dir, 'ds');
  await writeClasses(path.join(root, 'train'), { ants: train, bees: train });
  await writeClasses(path.join(root, 'val'), { ants: val, bees: val });
  return root;
}

describe('trust: a class without training images', () => {
  it('is reported by the doctor and the dataset is not trainable', async () => {
    const root = await splitDataset();
    rmSync(path.join(root, 'train', 'bees'), { recursive: true });
    const { summary } = await scanDataset([root]);
    expect(counts(summary)).toEqual({ ants: [30, 20, 10], bees: [10, 0, 10] });
    const problem = summary.problems.find((p) => p.kind === 'no-training-images');
    expect(problem).toMatchObject({
      className: 'bees',
      message: '“bees” has 10 validation images but no training images, so it cannot be learned.',
    });
    expect(summary.trainable).toBe(false);
    expect(summary.findings).toMatch(/bees has no training images/);
  });

  it('training refuses it, saying which class and what to do', async () => {
    const root = await splitDataset(12, 5);
    rmSync(path.join(root, 'train', 'bees'), { recursive: true });
    const config = TrainConfig.parse({
      datasetRoots: [root],
      model: { catalogId: findCatalogEntry('mobilenet_v1_0.25_224')!.id },
      freeze: { mode: 'feature-extractor', trainableLayers: [] },
      epochs: 1,
      learningRate: 0.001,
      batchSize: 8,
    });
    await expect(
      resolveTraining(config, {
        modelsDirs: [fixtureModelsDir],
        cacheDir: path.join(temp.dir, 'cache'),
        exclusionsOf: () => Promise.resolve([]),
        checkPlan: (_model, _layer, plan) => Promise.resolve({ plan, label: 'head only' }),
      }),
    ).rejects.toThrow(
      'This dataset cannot be trained: “bees” has 5 validation images but no training images, ' +
        'so it cannot be learned. Add training images of “bees” (its folder under train/), or ' +
        'remove its validation folder.',
    );
  });

  it('an empty train folder of the class says the same', async () => {
    const root = await splitDataset();
    rmSync(path.join(root, 'train', 'bees'), { recursive: true });
    mkdirSync(path.join(root, 'train', 'bees'));
    const { summary } = await scanDataset([root]);
    expect(summary.problems.map((p) => p.kind)).toContain('no-training-images');
    expect(summary.trainable).toBe(false);
  });
});

describe('trust: links that point back up the dataset', () => {
  it('a link to the dataset root inside a class folder is reported once, at the link, and not followed', async () => {
    const root = await splitDataset();
    const link = path.join(root, 'train', 'ants', 'rootlink');
    symlinkSync(root, link);
    const { summary } = await scanDataset([root]);
    expect(counts(summary)).toEqual({ ants: [30, 20, 10], bees: [30, 20, 10] });
    const loops = summary.problems.filter((p) => p.kind === 'symlink-loop');
    expect(loops).toEqual([
      expect.objectContaining({
        path: link,
        className: 'ants',
        message: expect.stringMatching(/points back to a folder that contains it/),
      }),
    ]);
    expect(summary.problems.map((p) => p.kind)).not.toContain('duplicate-across-classes');
  });

  it('the same without a train/val split', async () => {
    const root = path.join(temp.dir, 'flat');
    await writeClasses(root, { ants: 15, bees: 15 });
    const link = path.join(root, 'ants', 'deeper', 'rootlink');
    mkdirSync(path.dirname(link));
    symlinkSync(root, link);
    const { summary } = await scanDataset([root]);
    expect(summary.classes.map((c) => [c.name, c.count])).toEqual([
      ['ants', 15],
      ['bees', 15],
    ]);
    expect(summary.problems.filter((p) => p.kind === 'symlink-loop').map((p) => p.path)).toEqual([
      link,
    ]);
  });

  it('a link to a folder above the dataset (here /) is not followed either', async () => {
    const root = await splitDataset(12, 5);
    const link = path.join(root, 'train', 'bees', 'everything');
    symlinkSync('/', link);
    const { summary } = await scanDataset([root]);
    expect(counts(summary)).toEqual({ ants: [17, 12, 5], bees: [17, 12, 5] });
    expect(summary.problems.filter((p) => p.kind === 'symlink-loop').map((p) => p.path)).toEqual([
      link,
    ]);
  });

  it('a link to its own split folder (val) is caught as well', async () => {
    const root = await splitDataset(12, 5);
    const link = path.join(root, 'val', 'ants', 'vallink');
    symlinkSync(path.join(root, 'val'), link);
    const { summary } = await scanDataset([root]);
    expect(counts(summary)).toEqual({ ants: [17, 12, 5], bees: [17, 12, 5] });
    expect(summary.problems.filter((p) => p.kind === 'symlink-loop').map((p) => p.path)).toEqual([
      link,
    ]);
  });
});

describe('trust: scans are bounded', () => {
  it('a scan stops after its entry budget, saying so once, and keeps what it listed', async () => {
    const root = path.join(temp.dir, 'big');
    await writeClasses(root, { ants: 20, bees: 20 });
    const { summary } = await scanDataset([root], { maxEntries: 30 });
    const stops = summary.problems.filter((p) => /too many files and folders/.test(p.message));
    expect(stops).toHaveLength(1);
    expect(stops[0]).toMatchObject({ path: path.join(root, 'bees') });
    expect(summary.classes.find((c) => c.name === 'ants')?.count).toBe(20);
  });

  it('a link to /proc/self inside a class folder ends in a bounded scan, not a walk of /', async () => {
    const root = path.join(temp.dir, 'proc');
    await writeClasses(root, { ants: 12, bees: 12 });
    symlinkSync('/proc/self', path.join(root, 'bees', 'proc'));
    const { summary } = await scanDataset([root], { maxEntries: 5000, check: false });
    expect(summary.classes.find((c) => c.name === 'ants')?.count).toBe(12);
    const underLink = summary.problems.filter((p) =>
      p.path.startsWith(path.join(root, 'bees', 'proc')),
    );
    expect(underLink.length).toBeGreaterThan(0);
    expect(
      underLink.some((p) => p.kind === 'symlink-loop' || /too many files/.test(p.message)),
    ).toBe(true);
  });
});

describe('trust: special files', () => {
  it('a FIFO named like an image is skipped without being opened (the scan does not hang)', async () => {
    const root = path.join(temp.dir, 'pets');
    await writeClasses(root, { cats: 12, dogs: 12 });
    execFileSync('mkfifo', [path.join(root, 'cats', 'pipe.jpg')]);
    const { summary } = await scanDataset([root]);
    expect(summary.classes.map((c) => [c.name, c.count])).toEqual([
      ['cats', 12],
      ['dogs', 12],
    ]);
    expect(summary.problems.find((p) => p.path.endsWith('pipe.jpg'))).toMatchObject({
      kind: 'unsupported',
      message: expect.stringMatching(/not a regular file/),
    });
  });
});

describe('trust: decoding (training, evaluation, predict) opens only regular files', () => {
  it(
    'a FIFO is refused without being opened, so a predict on it cannot hang',
    { timeout: 20_000 },
    async () => {
      const fifo = path.join(temp.dir, 'pipe.jpg');
      execFileSync('mkfifo', [fifo]);
      await expect(decodeToRgb(fifo, 32)).rejects.toThrow(
        `${fifo} is not a regular image file (a folder, pipe, socket or device); it was not opened.`,
      );
    },
  );

  it('a character device (/dev/zero) is refused the same way', { timeout: 20_000 }, async () => {
    await expect(decodeToRgb('/dev/zero', 32)).rejects.toThrow(/not a regular image file/);
  });

  it('a folder named like an image is refused with the same words', async () => {
    const folder = path.join(temp.dir, 'folder.jpg');
    mkdirSync(folder);
    await expect(decodeToRgb(folder, 32)).rejects.toThrow(/not a regular image file/);
  });
});
