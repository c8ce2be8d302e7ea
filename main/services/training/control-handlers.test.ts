/**
 * The training control channels through the studio's services (validated dispatch, real
 * worker, real model and images): continuing a finished run, the learning-rate finder and the
 * augmentation preview.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestChannel, RequestOf, ResponseOf } from '../../../shared/contract';
import { defaultAugmentation } from '../../../shared/recipe';
import { dispatchRequest } from '../dispatch';
import { copyHymenopteraSample, fixtureModelsDir } from '../models/test-fixtures';
import { RUN_FILES, readMetricsLines } from '../runs/run-files';
import { createStudioServices, type StudioServices } from '../studio-services';
import { nodeWorkerLauncher } from './node-worker-launcher';

const PER_CLASS = 10;
let temp: string;
let datasetRoot: string;
let services: StudioServices;

async function call<C extends RequestChannel>(
  channel: C,
  payload: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const result = await dispatchRequest(services.handlers, channel, payload);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.result as ResponseOf<C>;
}

const config = {
  datasetRoots: [] as string[],
  model: { catalogId: 'mobilenet_v1_0.25_224' },
  freeze: { mode: 'feature-extractor' as const, trainableLayers: [] },
  epochs: 2,
  learningRate: 0.01,
  batchSize: 8,
  validationSplit: 0.3,
};

beforeAll(async () => {
  temp = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-control-handlers-'));
  datasetRoot = path.join(temp, 'ants-bees');
  await copyHymenopteraSample(datasetRoot, PER_CLASS);
  config.datasetRoots = [datasetRoot];
  services = createStudioServices({
    paths: {
      dataDir: path.join(temp, 'data'),
      runsDir: path.join(temp, 'data', 'runs'),
      cacheDir: path.join(temp, 'data', 'cache'),
      modelsDirs: [fixtureModelsDir],
    },
    shell: 'web',
    version: 'test',
    emit: () => {},
    launchWorker: nodeWorkerLauncher,
  });
});
afterAll(async () => {
  await services?.supervisor.stopAll();
  await fs.rm(temp, { recursive: true, force: true });
});

/** Every file of a folder with its bytes, to show that nothing in it changed. */
async function folderContents(dir: string): Promise<Record<string, string>> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries.filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = (await fs.readFile(file)).toString('base64');
  }
  return files;
}

describe('training control channels', () => {
  it('extends a finished run as a new run that continues it, leaving the finished run as it was', async () => {
    const { runId } = await call('training:start', config);
    await services.supervisor.waitFor(runId);
    const parent = (await call('runs:get', { runId })).summary;
    expect(parent).toMatchObject({
      status: 'completed',
      epochsDone: 2,
      // Runs are named and shown by what they trained on and how.
      name: 'ants-bees · head only (base frozen)',
      dataset: { name: 'ants-bees', roots: [datasetRoot] },
      plan: 'head only (base frozen)',
    });
    expect(parent.backend).toBeTruthy();
    // The features came from the persistent cache folder of the data dir.
    expect((await fs.readdir(path.join(temp, 'data', 'cache', 'features'))).length).toBe(2);
    const untouched = await folderContents(parent.dir);

    const extended = await call('training:extend', { runId, epochs: 3 });
    expect(extended.runId).not.toBe(runId);
    expect(extended.epochsPlanned).toBe(5);
    await services.supervisor.waitFor(extended.runId);
    const { summary, epochs } = await call('runs:get', { runId: extended.runId });
    expect(summary).toMatchObject({
      status: 'completed',
      epochsDone: 5,
      epochsPlanned: 5,
      name: 'ants-bees · head only (base frozen) · +3 epochs',
      continuedFrom: { runId, name: parent.name, epochsDone: 2 },
      dataset: { name: 'ants-bees' },
    });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    const model = JSON.parse(
      await fs.readFile(path.join(summary.dir, RUN_FILES.modelDir, 'metadata.json'), 'utf8'),
    ) as { runId: string };
    expect(model.runId).toBe(extended.runId);
    // Nothing of the finished run changed: summary, model, evaluation, metrics.
    expect((await call('runs:get', { runId })).summary).toEqual(parent);
    expect(await folderContents(parent.dir)).toEqual(untouched);

    // The extension loaded the saved model, whose frozen part is the base's: it found the run's
    // features (same cache folders, nothing computed again).
    expect((await fs.readdir(path.join(temp, 'data', 'cache', 'features'))).length).toBe(2);
    const cacheLines = (await readMetricsLines(summary.dir)).flatMap((line) =>
      line.type === 'phase' && /^features-(train|val)-done$/.test(line.phase) ? [line.message] : [],
    );
    expect(cacheLines).toHaveLength(4);
    expect(cacheLines[0]).toMatch(/ computed at /);
    expect(cacheLines[1]).toMatch(/ computed at /);
    expect(cacheLines[2]).toMatch(/\(all from the cache\)$/);
    expect(cacheLines[3]).toMatch(/\(all from the cache\)$/);

    // Extending the extension keeps its (already reduced) learning rate.
    const runConfig = async (id: string) =>
      JSON.parse(
        await fs.readFile(path.join(services.runs.dirOf(id), RUN_FILES.config), 'utf8'),
      ) as { learningRate: number };
    expect((await runConfig(extended.runId)).learningRate).toBeCloseTo(0.003);
    const again = await call('training:extend', { runId: extended.runId, epochs: 1 });
    await services.supervisor.waitFor(again.runId);
    expect((await runConfig(again.runId)).learningRate).toBeCloseTo(0.003);
    expect((await call('runs:get', { runId: again.runId })).summary.epochsDone).toBe(6);
  });

  it('refuses to extend a run whose images changed since it was trained', async () => {
    const { runId } = await call('training:start', { ...config, epochs: 1 });
    await services.supervisor.waitFor(runId);
    const added = path.join(datasetRoot, 'ants', 'added-later.jpg');
    const [first] = await fs.readdir(path.join(datasetRoot, 'bees'));
    await fs.copyFile(path.join(datasetRoot, 'bees', first!), added);
    try {
      await expect(call('training:extend', { runId, epochs: 1 })).rejects.toThrow(
        /changed since run .* was trained .* Start a new run/,
      );
    } finally {
      await fs.rm(added);
    }
    expect(
      (await call('runs:list', {})).filter((run) => run.continuedFrom?.runId === runId),
    ).toEqual([]);
  });

  it('refuses to continue a run without a saved model', async () => {
    const { runId } = await call('training:start', { ...config, epochs: 200 });
    services.supervisor.cancel(runId);
    await services.supervisor.waitFor(runId);
    await expect(call('training:extend', { runId, epochs: 2 })).rejects.toThrow(
      /no saved model to continue from/,
    );
  });

  it('finds a learning rate: a falling then rising curve and a suggestion inside it', async () => {
    const result = await call('training:lr-find', config);
    expect(result.points.length).toBeGreaterThan(20);
    const rates = result.points.map((p) => p.learningRate);
    rates.slice(1).forEach((rate, index) => expect(rate).toBeGreaterThan(rates[index]!));
    expect(result.suggested).toBeGreaterThanOrEqual(rates[0]!);
    expect(result.suggested).toBeLessThanOrEqual(rates.at(-1)!);
    // The loss at the suggestion is below the loss at the smallest rates.
    const at = result.points.find((p) => p.learningRate === result.suggested)!;
    expect(at.loss).toBeLessThan(result.points[0]!.loss);
  });

  it('previews augmented views of a scanned image, repeatable by seed', async () => {
    const summary = await call('datasets:scan', { paths: [datasetRoot] });
    const thumbnailId = summary.classes[0]!.thumbnails[0]!;
    const preview = await call('training:augment-preview', {
      thumbnailId,
      augmentation: defaultAugmentation,
      count: 3,
      seed: 4,
    });
    expect(preview.images).toHaveLength(3);
    const decoded = await Promise.all(
      preview.images.map((url) => {
        expect(url).toMatch(/^data:image\/jpeg;base64,/);
        return sharp(Buffer.from(url.split(',')[1]!, 'base64')).metadata();
      }),
    );
    expect(decoded.map((m) => [m.width, m.height])).toEqual([
      [224, 224],
      [224, 224],
      [224, 224],
    ]);
    expect(new Set(preview.images).size).toBe(3);
    const again = await call('training:augment-preview', {
      thumbnailId,
      augmentation: defaultAugmentation,
      count: 3,
      seed: 4,
    });
    expect(again.images).toEqual(preview.images);
    await expect(
      call('training:augment-preview', {
        thumbnailId: '0'.repeat(32),
        augmentation: defaultAugmentation,
        count: 1,
        seed: 1,
      }),
    ).rejects.toThrow(/not-found/);
  });
});
