import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServiceError } from '../service-error';
import { RUN_FILES, readRunSummary } from './run-files';
import { RunStore, datasetName } from './run-store';
import { sampleConfig, useTempRunStore } from './test-run-store';

const config = sampleConfig;

const temp = useTempRunStore('ts-runs-');

function epochLine(epoch: number, valAccuracy: number): string {
  return JSON.stringify({
    type: 'epoch',
    time: new Date().toISOString(),
    epoch,
    trainLoss: 0.5,
    trainAccuracy: 0.8,
    valLoss: 0.4,
    valAccuracy,
    learningRate: 0.001,
    imagesPerSecond: 100,
    elapsedMs: 1000 * epoch,
    etaMs: 0,
  });
}

describe('RunStore', () => {
  it('creates a run folder with config.json and a running summary', async () => {
    const run = await temp.store.create(config, {
      baseModel: 'MobileNet v1',
      labels: ['ants', 'bees'],
    });
    expect(run).toMatchObject({ status: 'running', epochsPlanned: 3, epochsDone: 0 });
    expect(run.dir).toBe(temp.store.dirOf(run.id));
    expect(JSON.parse(await fs.readFile(path.join(run.dir, RUN_FILES.config), 'utf8'))).toEqual(
      config,
    );
    expect(await readRunSummary(run.dir)).toEqual(run);
    expect(await temp.store.list()).toEqual([run]);
  });

  it('names a run by its dataset and plan, a split folder by its parent too', async () => {
    expect(datasetName(['/photos/ants-bees'])).toBe('ants-bees');
    expect(datasetName(['/data/hymenoptera_data/train'])).toBe('hymenoptera_data/train');
    expect(datasetName(['/a/cats', '/b/dogs'])).toBe('cats + dogs');
    const run = await temp.store.create(config, {
      baseModel: 'MobileNet v1',
      labels: ['ants', 'bees'],
      plan: 'top 2 blocks fine-tuned',
      dataset: {
        id: 'x',
        fingerprint: 'f',
        roots: ['/data/hymenoptera_data/train'],
        layout: 'folder-per-class',
        splitSource: 'generated',
        train: 1,
        val: 1,
        excluded: 0,
        classes: [],
      },
    });
    expect(run.name).toBe('hymenoptera_data/train · top 2 blocks fine-tuned');
    expect(run.dataset).toEqual({
      name: 'hymenoptera_data/train',
      roots: ['/data/hymenoptera_data/train'],
      fingerprint: 'f',
    });
    // A name the user typed wins; without a dataset the base model names the run.
    expect(
      (await temp.store.create({ ...config, name: 'Mine' }, { baseModel: 'm', labels: [] })).name,
    ).toBe('Mine');
    expect((await temp.store.create(config, { baseModel: 'MobileNet v1', labels: [] })).name).toBe(
      'MobileNet v1',
    );
  });

  it('reads epochs back from metrics.jsonl, ignoring batch points and a cut-off last line', async () => {
    const run = await temp.store.create(config, { baseModel: 'm', labels: ['a', 'b'] });
    const batch = JSON.stringify({
      type: 'batch',
      time: 'now',
      epoch: 1,
      batch: 1,
      batches: 2,
      loss: 1,
      accuracy: 0.5,
    });
    await fs.writeFile(
      path.join(run.dir, RUN_FILES.metrics),
      `${batch}\n${epochLine(1, 0.7)}\n${epochLine(2, 0.9)}\n{"type":"epo`,
    );
    const { epochs } = await temp.store.get(run.id);
    expect(epochs.map((e) => [e.epoch, e.valAccuracy])).toEqual([
      [1, 0.7],
      [2, 0.9],
    ]);
  });

  it('shows a run left running by a studio process that is gone as failed, keeping its epochs', async () => {
    const run = await temp.store.create(config, { baseModel: 'm', labels: ['a', 'b'] });
    await fs.appendFile(path.join(run.dir, RUN_FILES.metrics), `${epochLine(1, 0.75)}\n`);
    // A process id that cannot be alive: the owner crashed.
    const owner = JSON.parse(await fs.readFile(path.join(run.dir, RUN_FILES.owner), 'utf8'));
    await fs.writeFile(
      path.join(run.dir, RUN_FILES.owner),
      JSON.stringify({ ...owner, pid: 2 ** 22 + 7 }),
    );
    const [listed] = await temp.store.list();
    expect(listed).toMatchObject({ status: 'failed', epochsDone: 1, finalValAccuracy: 0.75 });
    expect(listed!.error).toMatch(/stopped while this run was training/);
    // Recorded once, on disk.
    expect((await readRunSummary(run.dir)).status).toBe('failed');
  });

  it('keeps a run owned by this live process running', async () => {
    const run = await temp.store.create(config, { baseModel: 'm', labels: ['a', 'b'] });
    expect((await temp.store.get(run.id)).summary.status).toBe('running');
  });

  it('refuses ids that are not run ids, so no path can escape the runs folder', () => {
    for (const bad of ['..', '../etc', '20250102-134501-a1b2c3/../../x', '', 'a/b']) {
      expect(() => temp.store.dirOf(bad)).toThrow(ServiceError);
    }
  });

  it('answers not-found for an unknown run and lists nothing when the folder is absent', async () => {
    expect(await temp.store.list()).toEqual([]);
    await expect(temp.store.get('20250102-134501-a1b2c3')).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('places a run at an explicit folder, finds it by id, and refuses a non-empty one', async () => {
    const dir = path.join(temp.dir, 'out', 'my-run');
    const run = await temp.store.create(config, { baseModel: 'm', labels: ['a', 'b'], dir });
    expect(run.dir).toBe(dir);
    expect((await temp.store.get(run.id)).summary.dir).toBe(dir);
    await expect(
      temp.store.create(config, { baseModel: 'm', labels: ['a', 'b'], dir }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    // Placed in the runs folder with a name of its own: listed, and found by a fresh store too.
    const inside = await temp.store.create(config, {
      baseModel: 'm',
      labels: ['a', 'b'],
      dir: path.join(temp.store.runsDir, 'named-run'),
    });
    const fresh = new RunStore(temp.store.runsDir);
    expect((await fresh.list()).map((r) => r.id)).toEqual([inside.id]);
    expect((await fresh.get(inside.id)).summary.dir).toBe(inside.dir);
  });

  it('records a forced end without losing what the worker wrote', async () => {
    const run = await temp.store.create(config, { baseModel: 'm', labels: ['a', 'b'] });
    await fs.appendFile(
      path.join(run.dir, RUN_FILES.metrics),
      `${epochLine(1, 0.6)}\n${epochLine(2, 0.8)}\n`,
    );
    const ended = await temp.store.finishWithoutWorker(
      run.dir,
      'failed',
      'worker crashed (exit code 134)',
    );
    expect(ended).toMatchObject({
      status: 'failed',
      error: 'worker crashed (exit code 134)',
      epochsDone: 2,
      bestValAccuracy: 0.8,
    });
    expect(ended.finishedAt).toBeDefined();
  });
});
