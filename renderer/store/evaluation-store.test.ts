/* eslint-disable no-restricted-imports -- an integration test, run in Node: it drives the
   renderer's client and store against the real web shell, services and training worker. */
/** The evaluation, preview and runs slices after a real two-epoch run of the real worker. */
import { access, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioStore } from './studio-store';
import {
  copyHymenopteraSample,
  hymenopteraDir as hymenoptera,
  startStudioHarness,
  until,
  type StudioHarness,
} from './test-support/studio-harness';

describe('evaluation, preview and runs slices over the real web shell and worker', () => {
  let harness: StudioHarness;
  let store: StudioStore;
  let firstRunId: string;

  beforeAll(async () => {
    harness = await startStudioHarness({ prefix: 'ts-eval-store-' });
    store = harness.store;
    const datasetRoot = path.join(harness.workDir, 'photos');
    await copyHymenopteraSample(datasetRoot, 16);
    const started = await harness.api.request('training:start', {
      datasetRoots: [datasetRoot],
      model: { catalogId: 'mobilenet_v1_0.25_224' },
      freeze: { mode: 'feature-extractor', trainableLayers: [] },
      epochs: 2,
      learningRate: 0.01,
      batchSize: 16,
      validationSplit: 0.3,
    });
    firstRunId = started.runId;
    // The bridge hears training:done and makes the finished run the current one.
    await until(store, (s) => s.currentRunId === firstRunId);
    await store.getState().loadRuns();
  }, 300_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('loads the evaluation, shows a confusion cell, excludes, moves and undoes', async () => {
    const state = () => store.getState();
    expect(state().currentRun()?.id).toBe(firstRunId);
    await state().loadEvaluation(firstRunId);
    const report = state().evaluation!;
    expect(state().evaluationStatus).toBe('ready');
    expect(report.labels).toEqual(['ants', 'bees']);

    await state().showGallery({ kind: 'cell', actual: 0, predicted: 0 });
    expect(state().galleryTotal).toBe(report.metrics.confusion[0]![0]);
    expect(state().galleryImages.every((i) => i.label === 0 && i.predicted === 0)).toBe(true);

    await state().showGallery({ kind: 'all' });
    const image = state().galleryImages.find((i) => i.label === 0)!;
    await state().setImageExcluded(image, true);
    expect(state().excludedHere).toEqual([image.path]);
    expect(state().galleryImages.find((i) => i.index === image.index)?.excluded).toBe(true);

    state().askMove(image, 'bees');
    expect(state().pendingMove?.className).toBe('bees');
    await state().confirmMove();
    const [move] = state().moves;
    expect(move).toMatchObject({ from: image.path, className: 'bees' });
    await access(move!.to);
    expect(state().galleryImages.find((i) => i.index === image.index)?.movedTo).toBe(move!.to);
    await state().undoMove(move!.moveId);
    expect(state().moves).toEqual([]);
    await access(image.path);

    await state().showInFolder(image);
    expect(state().fileNotice).toBe(`${image.name} is in ${path.dirname(image.path)}`);
  });

  it('predicts files in batches and keeps a bad file to itself', async () => {
    const state = () => store.getState();
    const ant = path.join(
      hymenoptera,
      'val',
      'ants',
      (await readdir(path.join(hymenoptera, 'val', 'ants'))).sort()[0]!,
    );
    await state().predictImages([
      { name: 'ant.jpg', src: null, input: { path: ant } },
      { name: 'junk.png', src: null, input: { name: 'junk.png', base64: btoa('not a picture') } },
    ]);
    const byName = (name: string) => state().previewItems.find((item) => item.name === name);
    const antItem = byName('ant.jpg');
    const junk = byName('junk.png');
    expect(antItem).toMatchObject({ status: 'done', name: 'ant.jpg' });
    expect(antItem!.top.map((t) => t.label).sort()).toEqual(['ants', 'bees']);
    expect(antItem!.thumbnailId).toMatch(/^[0-9a-f]{32}$/);
    expect(junk).toMatchObject({ status: 'error', name: 'junk.png' });
  });

  it('retrains without the excluded image, compares, renames and deletes', async () => {
    const state = () => store.getState();
    await state().retrainRun(firstRunId);
    expect(state().activeTab).toBe('train');
    // The exclusion is part of the new run: the Evaluate screen no longer asks to retrain.
    expect(state().excludedHere).toEqual([]);
    const secondRunId = state().retrainedRunId!;
    expect(secondRunId).toBeTruthy();
    await until(store, (s) => s.currentRunId === secondRunId && s.runStatus === 'completed');
    await state().loadRuns();
    state().toggleCompare(firstRunId);
    state().toggleCompare(secondRunId);
    await state().compareRuns();
    const excludedRow = state().comparison!.settings.find((r) => r.setting === 'Excluded files');
    expect(excludedRow).toEqual({ setting: 'Excluded files', values: ['0', '1'], differs: true });

    expect(await state().renameRun(secondRunId, 'One ant fewer')).toBe(true);
    expect(state().runs.find((r) => r.id === secondRunId)?.name).toBe('One ant fewer');
    expect(await state().deleteRun(secondRunId)).toBe(true);
    expect(state().runs.map((r) => r.id)).toEqual([firstRunId]);
    expect(state().comparison).toBeNull();
    expect(state().compareIds).toEqual([firstRunId]);
  }, 300_000);
});
