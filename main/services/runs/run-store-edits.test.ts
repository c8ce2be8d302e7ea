import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrainConfig } from '../../../shared/domain';
import { RunStore } from './run-store';

const config = TrainConfig.parse({
  datasetRoots: ['/data/ants-bees'],
  model: { catalogId: 'mobilenet_v1_0.25_224' },
  freeze: { mode: 'feature-extractor', trainableLayers: [] },
  epochs: 3,
  learningRate: 0.001,
  batchSize: 16,
});

let dir: string;
let store: RunStore;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-run-edits-'));
  store = new RunStore(path.join(dir, 'runs'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('RunStore rename and delete', () => {
  it('renames in run.json and keeps the folder', async () => {
    const run = await store.create(config, { baseModel: 'M', labels: ['a', 'b'] });
    const renamed = await store.rename(run.id, '  Fewer blurry bees ');
    expect(renamed.name).toBe('Fewer blurry bees');
    expect((await store.readSummary(run.id)).name).toBe('Fewer blurry bees');
    expect(renamed.dir).toBe(run.dir);
    await expect(store.rename(run.id, '   ')).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('refuses to delete a run that still trains, deletes it once it ended', async () => {
    const run = await store.create(config, { baseModel: 'M', labels: ['a', 'b'] });
    // Owned by this (live) process and marked running: still training.
    await expect(store.delete(run.id, () => false)).rejects.toMatchObject({ code: 'conflict' });
    await store.finishWithoutWorker(run.dir, 'cancelled', 'Cancelled.');
    await expect(store.delete(run.id, () => true)).rejects.toMatchObject({ code: 'conflict' });
    await store.delete(run.id, () => false);
    await expect(fs.access(run.dir)).rejects.toThrow();
    expect(await store.list()).toEqual([]);
    await expect(store.delete(run.id, () => false)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('deletes a run placed outside the runs folder (CLI --out) only through its id', async () => {
    const placed = path.join(dir, 'elsewhere', 'my-run');
    const run = await store.create(config, { baseModel: 'M', labels: ['a', 'b'], dir: placed });
    await store.finishWithoutWorker(run.dir, 'failed', 'Crashed.');
    await fs.writeFile(path.join(dir, 'elsewhere', 'keep.txt'), 'not part of the run');
    await store.delete(run.id, () => false);
    await expect(fs.access(placed)).rejects.toThrow();
    await fs.access(path.join(dir, 'elsewhere', 'keep.txt'));
    await expect(store.delete('../../etc', () => false)).rejects.toMatchObject({
      code: 'invalid-request',
    });
  });
});
