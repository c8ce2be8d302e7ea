/**
 * The feature cache on the real MobileNet v1 and real images: computed once, reused from disk
 * by the next run, recomputed for a changed image or other settings, spilled to disk over the
 * memory budget, with augmented views that differ from the plain one.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAugmentation } from '../../../shared/recipe';
import { loadBaseModel, type LoadedBase } from '../../services/models/load-layers-model';
import { mobilenetV1Dir } from '../../services/models/test-fixtures';
import { hymenopteraItems } from '../../services/training/test-jobs';
import { selectBackend } from '../backends/backend-chain';
import { decodeImageInto } from '../images/decode-image';
import type { ImageItem } from '../images/image-batches';
import { buildFeatureTable, type FeatureTable, type FeatureTableOptions } from './feature-cache';
import type { FeatureEngine } from './feature-engine';
import { tableEngine, testTableOptions } from './test-table-options';
import { InferenceGraph } from './inference-graph';

let loaded: LoadedBase;
let graph: InferenceGraph;
let engine: FeatureEngine;
let dir: string;
let items: ImageItem[];

beforeAll(async () => {
  await selectBackend('wasm');
  loaded = await loadBaseModel(mobilenetV1Dir, { nestedBase: [], featureLayer: 'conv_pw_13_relu' });
  graph = InferenceGraph.fromModel(loaded.cut);
  engine = tableEngine(graph, testTableOptions());
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-feature-cache-'));
  // Copies, so one can be changed without touching the fixture.
  items = await Promise.all(
    hymenopteraItems('val', 3).map(async (item, index) => {
      const copy = path.join(dir, `image-${index}.jpg`);
      await fs.copyFile(item.path, copy);
      return { ...item, path: copy };
    }),
  );
});
afterAll(async () => {
  graph.dispose();
  loaded.model.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

function options(extra: Partial<FeatureTableOptions> = {}): FeatureTableOptions {
  return testTableOptions({
    identity: { model: 'v1', featureLayer: 'conv_pw_13_relu' },
    cacheDir: path.join(dir, 'cache'),
    batchSize: 4,
    ...extra,
  });
}

async function rowsOf(table: FeatureTable, view = 0): Promise<number[]> {
  const [rows] = table.rows(table.items.map((_, item) => ({ item, view })));
  const values = Array.from(await rows!.data());
  rows!.dispose();
  return values;
}

describe('feature cache', () => {
  it('computes once, then the next run reads every image from disk with the same rows', async () => {
    const first = await buildFeatureTable(engine, [[7, 7, 256]], items, options());
    expect(first.stats).toMatchObject({ computedImages: 6, reusedImages: 0, location: 'memory' });
    expect(first.partShapes).toEqual([[256]]);
    const second = await buildFeatureTable(engine, [[7, 7, 256]], items, options());
    expect(second.stats).toMatchObject({ computedImages: 0, reusedImages: 6 });
    expect(await rowsOf(second)).toEqual(await rowsOf(first));
    // Row 0 is the pooled output of the frozen graph for the first image.
    const pixels = new Float32Array(224 * 224 * 3);
    await decodeImageInto(items[0]!.path, [224, 224], { scale: 1 / 127.5, offset: -1 }, pixels, 0);
    const direct = tf.tidy(() => graph.predict(tf.tensor4d(pixels, [1, 224, 224, 3])).mean([1, 2]));
    const expected = Array.from(await direct.data());
    direct.dispose();
    (await rowsOf(first)).slice(0, 256).forEach((value, index) => {
      expect(value).toBeCloseTo(expected[index]!, 5);
    });
    await Promise.all([first.dispose(), second.dispose()]);
  });

  it('recomputes only a changed image, and everything when the preprocessing changes', async () => {
    await buildFeatureTable(engine, [[7, 7, 256]], items, options());
    const later = new Date(Date.now() + 60_000);
    await fs.utimes(items[1]!.path, later, later);
    const touched = await buildFeatureTable(engine, [[7, 7, 256]], items, options());
    expect(touched.stats).toMatchObject({ computedImages: 1, reusedImages: 5 });
    const other = await buildFeatureTable(
      engine,
      [[7, 7, 256]],
      items,
      options({ preprocessing: { scale: 1 / 255, offset: 0 } }),
    );
    expect(other.stats).toMatchObject({ computedImages: 6, reusedImages: 0 });
    expect(await rowsOf(other)).not.toEqual(await rowsOf(touched));
    const otherBase = await buildFeatureTable(
      engine,
      [[7, 7, 256]],
      items,
      options({ identity: { model: 'another base', featureLayer: 'conv_pw_13_relu' } }),
    );
    expect(otherBase.stats.computedImages).toBe(6);
    await Promise.all([touched.dispose(), other.dispose(), otherBase.dispose()]);
  });

  it('reads rows from disk over the memory budget, equal to the in-memory ones', async () => {
    const inMemory = await buildFeatureTable(
      engine,
      [[7, 7, 256]],
      items,
      options({ cacheDir: undefined }),
    );
    const onDisk = await buildFeatureTable(
      engine,
      [[7, 7, 256]],
      items,
      options({ cacheDir: undefined, memoryBudgetBytes: 1000 }),
    );
    expect(onDisk.stats.location).toBe('disk');
    expect(await rowsOf(onDisk)).toEqual(await rowsOf(inMemory));
    await Promise.all([inMemory.dispose(), onDisk.dispose()]);
  });

  it('keeps augmented views per image: view 0 is the plain image, the others differ and repeat', async () => {
    const plain = await buildFeatureTable(
      engine,
      [[7, 7, 256]],
      items,
      options({ cacheDir: undefined }),
    );
    const viewOptions = options({
      cacheDir: undefined,
      views: 3,
      augmentation: defaultAugmentation,
      seed: 5,
    });
    const views = await buildFeatureTable(engine, [[7, 7, 256]], items, viewOptions);
    const again = await buildFeatureTable(engine, [[7, 7, 256]], items, viewOptions);
    expect(views.stats.bytes).toBe(6 * 3 * 256 * 4);
    expect(await rowsOf(views, 0)).toEqual(await rowsOf(plain));
    expect(await rowsOf(views, 1)).not.toEqual(await rowsOf(views, 0));
    expect(await rowsOf(views, 2)).not.toEqual(await rowsOf(views, 1));
    expect(await rowsOf(again, 2)).toEqual(await rowsOf(views, 2));
    await Promise.all([plain.dispose(), views.dispose(), again.dispose()]);
  });

  it('leaves out an image that does not decode, and remembers why', async () => {
    const broken = path.join(dir, 'broken.jpg');
    await fs.writeFile(broken, 'not an image');
    const withBroken = [...items.slice(0, 2), { path: broken, label: 0 }, ...items.slice(2)];
    const skipped: string[] = [];
    const table = await buildFeatureTable(
      engine,
      [[7, 7, 256]],
      withBroken,
      options({ onSkip: (item) => skipped.push(item.path) }),
    );
    expect(table.items.map((item) => item.path)).toEqual(items.map((item) => item.path));
    const again = await buildFeatureTable(
      engine,
      [[7, 7, 256]],
      withBroken,
      options({ onSkip: (item) => skipped.push(item.path) }),
    );
    expect(skipped).toEqual([broken, broken]);
    expect(again.stats.computedImages).toBe(0);
    expect(await rowsOf(again)).toEqual(await rowsOf(table));
    await Promise.all([table.dispose(), again.dispose()]);
  });
});
