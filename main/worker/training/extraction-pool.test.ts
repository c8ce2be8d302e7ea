/**
 * Feature threads on the real fixture bases and real images (wasm, forced): the rows computed on
 * threads are exactly those computed in the worker itself, augmented views and multi-tensor
 * boundaries included; a thread whose backend does not load or that dies mid-way costs no image;
 * a cancel ends the threads.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAugmentation } from '../../../shared/recipe';
import { loadBaseModel, type LoadedBase } from '../../services/models/load-layers-model';
import { mobilenetV1Dir, teachableMachineDir } from '../../services/models/test-fixtures';
import { hymenopteraItems } from '../../services/training/test-jobs';
import { selectBackend } from '../backends/backend-chain';
import { CancelledError, CancelSignal } from './cancel-signal';
import { THREAD_FAULT_ENV } from './extraction-pool-messages';
import { ExtractionPool, featureThreadCount, featureThreads } from './extraction-pool';
import { buildFeatureTable, type FeatureTable, type FeatureTableOptions } from './feature-cache';
import { tableEngine, testTableOptions } from './test-table-options';
import { InferenceGraph } from './inference-graph';
import { applyFreezePlan } from './model-parts';
import { splitAtFrozenPart, type SplitModel } from './split-model';

const items = hymenopteraItems('val', 5);
let v1: LoadedBase;
let v2: LoadedBase;
let dir: string;
const opened: Array<{ dispose: () => unknown }> = [];

beforeAll(async () => {
  // Threads run on the worker's backend; native TensorFlow gets none, so force wasm here.
  await selectBackend('wasm');
  v1 = await loadBaseModel(mobilenetV1Dir, { nestedBase: [], featureLayer: 'conv_pw_13_relu' });
  v2 = await loadBaseModel(teachableMachineDir, { nestedBase: [0, 0], featureLayer: 'out_relu' });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-extraction-pool-'));
});
afterAll(async () => {
  for (const item of opened) await item.dispose();
  v1.model.dispose();
  v2.model.dispose();
  await fs.rm(dir, { recursive: true, force: true });
});

function options(extra: Partial<FeatureTableOptions> = {}): FeatureTableOptions {
  return testTableOptions({ seed: 3, ...extra });
}

/** Every stored row, all views, all parts: the whole table as plain numbers. */
async function allRows(table: FeatureTable): Promise<number[][]> {
  const wanted = table.items.flatMap((_, item) =>
    Array.from({ length: table.views }, (__, view) => ({ item, view })),
  );
  const parts = table.rows(wanted);
  const values = await Promise.all(parts.map(async (part) => Array.from(await part.data())));
  tf.dispose(parts);
  return values;
}

async function startPool(split: SplitModel, threads: number, env?: NodeJS.ProcessEnv) {
  const notices: string[] = [];
  const pool = await ExtractionPool.start(split.frozen, {
    threads,
    backend: 'wasm',
    onNotice: (message) => notices.push(message),
    ...(env ? { env: { ...process.env, ...env } } : {}),
  });
  opened.push({ dispose: () => pool.terminate() });
  return { pool, notices };
}

/** The table computed in the worker itself, and again with `pool` (both in fresh folders). */
async function both(split: SplitModel, pool: ExtractionPool, extra: Partial<FeatureTableOptions>) {
  const graph = InferenceGraph.fromModel(split.frozen);
  opened.push(graph);
  const engine = tableEngine(graph, options(extra));
  const here = await buildFeatureTable(engine, split.boundaryShapes, items, options(extra));
  const pooled = await buildFeatureTable(engine, split.boundaryShapes, items, {
    ...options(extra),
    threads: () => Promise.resolve(pool),
  });
  opened.push(here, pooled);
  return { here, pooled };
}

describe('feature threads', () => {
  it('compute exactly the rows of the worker itself: MobileNet v1, augmented views', async () => {
    const split = splitAtFrozenPart(v1.cut, new Set());
    const { pool, notices } = await startPool(split, 2);
    const { here, pooled } = await both(split, pool, {
      views: 3,
      augmentation: defaultAugmentation,
    });
    expect(here.stats.threads).toBe(0);
    expect(pooled.stats.threads).toBe(2);
    expect(pooled.stats.computedImages).toBe(items.length);
    expect(pooled.items).toEqual(here.items);
    expect(await allRows(pooled)).toEqual(await allRows(here));
    expect(notices).toEqual([]);
  });

  it('compute exactly the rows of the worker itself: nested MobileNetV2, two boundary tensors', async () => {
    const plan = applyFreezePlan(v2.cut, { mode: 'custom', trainableLayers: ['block_15_project'] });
    const split = splitAtFrozenPart(v2.cut, new Set(plan.trainable));
    expect(split.boundaryShapes.length).toBe(2);
    const { pool } = await startPool(split, 2);
    const { here, pooled } = await both(split, pool, { pool: false, batchSize: 4 });
    expect(pooled.partShapes).toEqual(split.boundaryShapes);
    expect(pooled.stats.threads).toBe(2);
    expect(await allRows(pooled)).toEqual(await allRows(here));
  });

  it('fall back to the worker, said once, when the backend does not load in the threads', async () => {
    const split = splitAtFrozenPart(v1.cut, new Set());
    const { pool, notices } = await startPool(split, 2, { [THREAD_FAULT_ENV]: 'backend' });
    const { here, pooled } = await both(split, pool, {});
    expect(pooled.stats.threads).toBe(0);
    expect(pool.alive).toBe(0);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/did not start: the wasm backend did not load/);
    expect(notices[0]).toMatch(/computing in the training worker instead/);
    expect(await allRows(pooled)).toEqual(await allRows(here));
  });

  it('say so and lose no image when the thread entry cannot be started', async () => {
    const split = splitAtFrozenPart(v1.cut, new Set());
    const notices: string[] = [];
    const pool = await ExtractionPool.start(split.frozen, {
      threads: 2,
      backend: 'wasm',
      onNotice: (message) => notices.push(message),
      script: path.join(dir, 'no-such-thread.cjs'),
    });
    opened.push({ dispose: () => pool.terminate() });
    const { here, pooled } = await both(split, pool, {});
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/(could|did) not start/);
    expect(await allRows(pooled)).toEqual(await allRows(here));
  });

  it('redo in the worker the batches of threads that die mid-way', async () => {
    const split = splitAtFrozenPart(v1.cut, new Set());
    // 10 images in batches of 3: each thread computes one batch, then exits when the next comes.
    const { pool, notices } = await startPool(split, 2, { [THREAD_FAULT_ENV]: 'exit-after:1' });
    const { here, pooled } = await both(split, pool, { batchSize: 3 });
    expect(pooled.stats.computedImages).toBe(items.length);
    expect(pool.alive).toBe(0);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/a feature thread stopped: it exited \(code 3\)/);
    expect(await allRows(pooled)).toEqual(await allRows(here));
  });

  it('end the threads when the build is cancelled mid-way', async () => {
    const split = splitAtFrozenPart(v1.cut, new Set());
    const { pool } = await startPool(split, 2);
    const graph = InferenceGraph.fromModel(split.frozen);
    opened.push(graph);
    const cancel = new CancelSignal();
    let progressCalls = 0;
    const building = buildFeatureTable(tableEngine(graph, options()), split.boundaryShapes, items, {
      ...options({ batchSize: 2, cancel }),
      threads: () => Promise.resolve(pool),
      onProgress: () => {
        progressCalls += 1;
        cancel.cancel();
      },
    });
    await expect(building).rejects.toBeInstanceOf(CancelledError);
    expect(progressCalls).toBeLessThan(items.length);
    expect(pool.isClosed).toBe(true);
    expect(pool.alive).toBe(0);
  });

  it('are not started with TRANSFER_STUDIO_FEATURE_THREADS=1 nor on native TensorFlow', async () => {
    expect(featureThreadCount('wasm', { TRANSFER_STUDIO_FEATURE_THREADS: '1' })).toBe(1);
    expect(featureThreadCount('cpu', { TRANSFER_STUDIO_FEATURE_THREADS: '3' })).toBe(3);
    expect(featureThreadCount('tensorflow', { TRANSFER_STUDIO_FEATURE_THREADS: '3' })).toBe(1);
    expect(featureThreadCount('wasm', {})).toBe(Math.min(os.availableParallelism(), 4));
    const split = splitAtFrozenPart(v1.cut, new Set());
    const single = featureThreads(split.frozen, {
      env: { TRANSFER_STUDIO_FEATURE_THREADS: '1' },
      onNotice: () => {},
    });
    expect(await single.get()).toBeUndefined();
    const graph = InferenceGraph.fromModel(split.frozen);
    opened.push(graph);
    const table = await buildFeatureTable(
      tableEngine(graph, options()),
      split.boundaryShapes,
      items,
      {
        ...options(),
        threads: single.get,
      },
    );
    opened.push(table);
    expect(table.stats.threads).toBe(0);
    expect(table.stats.computedImages).toBe(items.length);
  });
});
