import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleConfig, useTempRunStore } from './test-run-store';

const config = sampleConfig;

const temp = useTempRunStore('ts-run-edits-');

describe('RunStore rename and delete', () => {
  it('renames in run.json and keeps the folder', async () => {
    const run = await temp.store.create(config, { baseModel: 'M', labels: ['a', 'b'] });
    const renamed = await temp.store.rename(run.id, '  Fewer blurry bees ');
    expect(renamed.name).toBe('Fewer blurry bees');
    expect((await temp.store.readSummary(run.id)).name).toBe('Fewer blurry bees');
    expect(renamed.dir).toBe(run.dir);
    await expect(temp.store.rename(run.id, '   ')).rejects.toMatchObject({
      code: 'invalid-request',
    });
  });

  it('refuses to delete a run that still trains, deletes it once it ended', async () => {
    const run = await temp.store.create(config, { baseModel: 'M', labels: ['a', 'b'] });
    // Owned by this (live) process and marked running: still training.
    await expect(temp.store.delete(run.id, () => false)).rejects.toMatchObject({
      code: 'conflict',
    });
    await temp.store.finishWithoutWorker(run.dir, 'cancelled', 'Cancelled.');
    await expect(temp.store.delete(run.id, () => true)).rejects.toMatchObject({ code: 'conflict' });
    await temp.store.delete(run.id, () => false);
    await expect(fs.access(run.dir)).rejects.toThrow();
    expect(await temp.store.list()).toEqual([]);
    await expect(temp.store.delete(run.id, () => false)).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('deletes a run placed outside the runs folder (CLI --out) only through its id', async () => {
    const placed = path.join(temp.dir, 'elsewhere', 'my-run');
    const run = await temp.store.create(config, {
      baseModel: 'M',
      labels: ['a', 'b'],
      dir: placed,
    });
    await temp.store.finishWithoutWorker(run.dir, 'failed', 'Crashed.');
    await fs.writeFile(path.join(temp.dir, 'elsewhere', 'keep.txt'), 'not part of the run');
    await temp.store.delete(run.id, () => false);
    await expect(fs.access(placed)).rejects.toThrow();
    await fs.access(path.join(temp.dir, 'elsewhere', 'keep.txt'));
    await expect(temp.store.delete('../../etc', () => false)).rejects.toMatchObject({
      code: 'invalid-request',
    });
  });
});
