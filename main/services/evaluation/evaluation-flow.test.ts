/**
 * The evaluation, history and file channels through the real facade and dispatcher: a real
 * training run (real worker process, TF.js, MobileNet v1 0.25) on a small copy of the ants/bees
 * images, then its evaluation, a confusion cell's images, "try it", a move with undo, an
 * exclusion, a one-click retrain, the comparison of both runs, rename and delete.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestChannel, RequestOf, ResponseOf } from '../../../shared/contract';
import { computeMetrics } from '../../../shared/evaluation-metrics';
import { dispatchRequest } from '../dispatch';
import { copyHymenopteraSample, fixtureModelsDir } from '../models/test-fixtures';
import { RUN_FILES } from '../runs/run-files';
import { createStudioServices, type StudioServices } from '../studio-services';
import { nodeWorkerLauncher } from '../training/node-worker-launcher';
import { readEvaluation } from './evaluation-files';

const PER_CLASS = 20;
let temp: string;
let datasetRoot: string;
let services: StudioServices;
let firstRunId: string;

async function call<C extends RequestChannel>(
  channel: C,
  payload: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const result = await dispatchRequest(services.handlers, channel, payload);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}: ${result.error.message}`);
  return result.result as ResponseOf<C>;
}

async function failure(channel: RequestChannel, payload: unknown) {
  const result = await dispatchRequest(services.handlers, channel, payload);
  if (result.ok) throw new Error(`${channel} unexpectedly succeeded`);
  return result.error;
}

async function train(): Promise<string> {
  const { runId } = await call('training:start', {
    datasetRoots: [datasetRoot],
    model: { catalogId: 'mobilenet_v1_0.25_224' },
    freeze: { mode: 'feature-extractor', trainableLayers: [] },
    epochs: 2,
    learningRate: 0.01,
    batchSize: 16,
    validationSplit: 0.3,
  });
  await services.supervisor.waitFor(runId);
  return runId;
}

beforeAll(async () => {
  temp = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-eval-flow-'));
  // A writable copy of a few fixture images (the fixture itself is read-only), one folder per class.
  datasetRoot = path.join(temp, 'ants-bees');
  await copyHymenopteraSample(datasetRoot, PER_CLASS);
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
  firstRunId = await train();
}, 300_000);

afterAll(async () => {
  await services?.supervisor.stopAll();
  await fs.rm(temp, { recursive: true, force: true });
});

describe('evaluation of a finished run', () => {
  it('stores the evaluation with metrics, the dataset fingerprint and the freeze plan', async () => {
    const { summary } = await call('runs:get', { runId: firstRunId });
    expect(summary.status).toBe('completed');
    const stored = await readEvaluation(summary.dir);
    const report = await call('evaluation:get', { runId: firstRunId });
    // The stored metrics are exactly what the shared functions compute from the stored items.
    expect(report.metrics).toEqual(computeMetrics(stored.labels, stored.items));
    expect(report.labels).toEqual(['ants', 'bees']);
    expect(report.metrics.perClass.map((c) => c.support).reduce((a, b) => a + b)).toBe(
      stored.items.length,
    );
    expect(report.metrics.calibration.bins).toHaveLength(10);
    expect(report.datasetRoots).toEqual([datasetRoot]);
    const dataset = JSON.parse(
      await fs.readFile(path.join(summary.dir, RUN_FILES.dataset), 'utf8'),
    );
    expect(dataset).toMatchObject({ roots: [datasetRoot], excluded: 0, val: stored.items.length });
    expect(dataset.fingerprint).toMatch(/^[0-9a-f]+$/);
    const config = JSON.parse(await fs.readFile(path.join(summary.dir, RUN_FILES.config), 'utf8'));
    expect(config.freeze).toEqual({ mode: 'feature-extractor', trainableLayers: [] });
  });

  it('returns exactly the images of a confusion cell, with thumbnails', async () => {
    const report = await call('evaluation:get', { runId: firstRunId });
    const stored = await readEvaluation(
      (await call('runs:get', { runId: firstRunId })).summary.dir,
    );
    for (const actual of [0, 1]) {
      for (const predicted of [0, 1]) {
        const cell = await call('evaluation:images', {
          runId: firstRunId,
          actual,
          predicted,
          limit: 500,
        });
        expect(cell.total).toBe(report.metrics.confusion[actual]![predicted]);
        const expected = stored.items
          .filter((item) => item.label === actual && item.predicted === predicted)
          .map((item) => item.path)
          .sort();
        expect(cell.images.map((image) => image.path).sort()).toEqual(expected);
        for (const image of cell.images) {
          expect(services.thumbnails.has(image.thumbnailId)).toBe(true);
          expect(image.confidence).toBeGreaterThanOrEqual(0.5);
        }
      }
    }
    const all = await call('evaluation:images', { runId: firstRunId, sort: 'loss', limit: 500 });
    const losses = all.images.map((image) => image.loss);
    expect(losses).toEqual([...losses].sort((a, b) => b - a));
    const wrong = await call('evaluation:images', { runId: firstRunId, filter: 'misclassified' });
    expect(wrong.total).toBe(report.misclassified);
    expect(await failure('evaluation:images', { runId: firstRunId, actual: 2 })).toMatchObject({
      code: 'invalid-request',
    });
  });

  it('predicts in a worker: files and bytes match the stored evaluation; a bad image gets its own error', async () => {
    const stored = await readEvaluation(
      (await call('runs:get', { runId: firstRunId })).summary.dir,
    );
    const [first, second] = stored.items;
    const bytes = (await fs.readFile(second!.path)).toString('base64');
    const { predictions } = await call('preview:predict', {
      runId: firstRunId,
      images: [
        { path: first!.path },
        { name: 'upload.jpg', base64: bytes },
        { name: 'junk.jpg', base64: Buffer.from('not an image at all').toString('base64') },
      ],
      topK: 2,
    });
    expect(predictions).toHaveLength(3);
    const probabilityOf = (index: 0 | 1, label: string) =>
      predictions[index]!.top.find((entry) => entry.label === label)!.probability;
    for (const [index, item] of [first!, second!].entries()) {
      expect(probabilityOf(index as 0 | 1, 'ants')).toBeCloseTo(item.probabilities[0]!, 4);
      expect(probabilityOf(index as 0 | 1, 'bees')).toBeCloseTo(item.probabilities[1]!, 4);
    }
    expect(services.thumbnails.has(predictions[0]!.thumbnailId)).toBe(true);
    expect(predictions[1]!.thumbnailId).toBeUndefined();
    expect(predictions[2]!.top).toEqual([]);
    expect(predictions[2]!.error).toMatch(/could not be read/);
  });

  it('evaluates another labelled folder in a worker with the same numbers', async () => {
    const { summary } = await call('runs:get', { runId: firstRunId });
    const stored = await readEvaluation(summary.dir);
    const result = await services.evaluation.evaluateFolder(summary.dir, [datasetRoot]);
    // Every image of the folder (train and val split), not only the validation split.
    expect(result.evaluation.items).toHaveLength(2 * PER_CLASS);
    expect(result.evaluation.source).toEqual({ kind: 'folder', roots: [datasetRoot] });
    const byPath = new Map(result.evaluation.items.map((item) => [item.path, item]));
    for (const item of stored.items) {
      const again = byPath.get(item.path)!;
      expect(again.label).toBe(item.label);
      again.probabilities.forEach((p, i) => expect(p).toBeCloseTo(item.probabilities[i]!, 4));
    }
  });

  it('moves an image to the other class folder and undoes it', async () => {
    const [image] = (await call('evaluation:images', { runId: firstRunId, actual: 0 })).images;
    const moved = await call('files:move-to-class', {
      runId: firstRunId,
      path: image!.path,
      className: 'bees',
    });
    expect(moved.to).toBe(path.join(datasetRoot, 'bees', image!.name));
    await expect(fs.access(image!.path)).rejects.toThrow();
    await fs.access(moved.to);
    const again = await call('evaluation:images', { runId: firstRunId, actual: 0, limit: 500 });
    expect(again.images.find((i) => i.path === image!.path)?.movedTo).toBe(moved.to);
    expect(await call('files:undo', { moveId: moved.moveId })).toEqual({ restored: image!.path });
    await fs.access(image!.path);
    expect(await failure('files:undo', { moveId: moved.moveId })).toMatchObject({
      code: 'not-found',
    });
    expect(
      await failure('files:move-to-class', {
        runId: firstRunId,
        path: image!.path,
        className: 'wasps',
      }),
    ).toMatchObject({ code: 'invalid-request' });
    expect(
      await failure('files:move-to-class', {
        runId: firstRunId,
        path: path.join(temp, 'elsewhere.jpg'),
        className: 'bees',
      }),
    ).toMatchObject({ code: 'invalid-request' });
    const shown = await call('files:show-in-folder', { path: image!.path });
    expect(shown).toEqual({ folder: path.join(datasetRoot, 'ants'), revealed: false });
  });
});

describe('retrain, compare, rename, delete', () => {
  it('retrains without an excluded image and shows what changed', async () => {
    const [worst] = (await call('evaluation:images', { runId: firstRunId, sort: 'loss' })).images;
    await call('datasets:set-excluded', {
      roots: [datasetRoot],
      path: worst!.path,
      excluded: true,
    });
    const marked = await call('evaluation:images', { runId: firstRunId, sort: 'loss', limit: 1 });
    expect(marked.images[0]).toMatchObject({ path: worst!.path, excluded: true });

    const { runId: secondRunId } = await call('runs:retrain', { runId: firstRunId });
    await services.supervisor.waitFor(secondRunId);
    const second = await call('evaluation:get', { runId: secondRunId });
    const first = await call('evaluation:get', { runId: firstRunId });
    expect(second.metrics.count).toBe(first.metrics.count - 1);

    const compared = await call('runs:compare', { runIds: [firstRunId, secondRunId] });
    expect(compared.runs.map((run) => run.summary.id)).toEqual([firstRunId, secondRunId]);
    expect(compared.runs.every((run) => run.epochs.length === 2 && run.hasEvaluation)).toBe(true);
    const row = (name: string) => compared.settings.find((s) => s.setting === name)!;
    expect(row('Excluded files')).toEqual({
      setting: 'Excluded files',
      values: ['0', '1'],
      differs: true,
    });
    expect(row('Dataset fingerprint').differs).toBe(true);
    expect(row('learningRate')).toEqual({
      setting: 'learningRate',
      values: ['0.01', '0.01'],
      differs: false,
    });
    expect(row('Base model').differs).toBe(false);

    const renamed = await call('runs:rename', {
      runId: secondRunId,
      name: '  Without the worst ant  ',
    });
    expect(renamed.name).toBe('Without the worst ant');
    expect((await call('runs:list', {})).find((r) => r.id === secondRunId)?.name).toBe(
      'Without the worst ant',
    );
    expect(await failure('runs:rename', { runId: secondRunId, name: '   ' })).toMatchObject({
      code: 'invalid-request',
    });

    expect(await call('runs:delete', { runId: secondRunId })).toEqual({ deleted: true });
    expect((await call('runs:list', {})).map((r) => r.id)).toEqual([firstRunId]);
    expect(await failure('runs:get', { runId: secondRunId })).toMatchObject({ code: 'not-found' });
    expect(await failure('evaluation:get', { runId: secondRunId })).toMatchObject({
      code: 'not-found',
    });
  }, 300_000);
});
