/* eslint-disable no-restricted-imports -- an integration test, run in Node: it drives the
   renderer's client and store against the real web shell, services and training worker. */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebShell } from '../../main/server/web-shell';
import { defaultTrainSettings } from '../../shared/recipe';
import type { WebSocketApi } from '../api/ws-client';
import { connectBridge } from './bridge';
import { createStudioStore, type StudioStore } from './studio-store';
import {
  copyHymenopteraSample,
  startStudioHarness,
  until,
  type StudioHarness,
} from './test-support/studio-harness';

describe('training settings and run controls over the real web shell and worker', () => {
  let harness: StudioHarness;
  let workDir: string;
  let shell: WebShell;
  let api: WebSocketApi;
  let store: StudioStore;
  const state = () => store.getState();

  beforeAll(async () => {
    harness = await startStudioHarness({ prefix: 'ts-train-store-' });
    ({ workDir, shell, api, store } = harness);
    const datasetRoot = path.join(workDir, 'photos');
    await copyHymenopteraSample(datasetRoot, 20);
    await state().addDatasetFolders([datasetRoot]);
    await state().selectCatalogModel('mobilenet_v1_0.25_224');
    expect(state().trainBlockers()).toEqual([]);
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('applies every queued batch before showing the end of a run', async () => {
    // A second store on the same connection sees a burst of events for a run it adopts.
    const other = createStudioStore(api);
    const disconnect = connectBridge(api, other);
    const runId = 'burst-run';
    for (let batch = 1; batch <= 300; batch += 1) {
      shell.emit('training:progress', {
        runId,
        batch: { epoch: 1, batch, batches: 300, loss: 1 / batch, accuracy: 0.5 },
      });
    }
    shell.emit('training:done', {
      runId,
      summary: {
        id: runId,
        dir: path.join(workDir, 'burst'),
        name: 'burst',
        status: 'cancelled',
        startedAt: new Date().toISOString(),
        baseModel: 'x',
        labels: ['a', 'b'],
        epochsPlanned: 1,
        epochsDone: 0,
      },
    });
    await until(other, (s) => s.runStatus === 'cancelled');
    // The done event flushed the queue first: nothing was left waiting for a frame.
    expect(other.getState().series.batchCount).toBe(300);
    expect(other.getState().lastBatch?.batch).toBe(300);
    disconnect();
  });

  it('previews augmented views of a dataset image, re-rendered when the strength changes', async () => {
    state().setAugmentOption('rotation', { enabled: true, strength: 0.3 });
    expect(state().augmentation.viewsPerImage).toBe(4);
    state().schedulePreview(0);
    await until(store, (s) => s.previewStatus === 'ready' || s.previewStatus === 'error');
    expect(state().previewError).toBeNull();
    const first = state().previewImages;
    expect(first).toHaveLength(6);
    for (const url of first) {
      expect(url.startsWith('data:image/jpeg;base64,')).toBe(true);
      const meta = await sharp(Buffer.from(url.split(',')[1] ?? '', 'base64')).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.width).toBeGreaterThan(32);
    }
    state().setAugmentOption('rotation', { strength: 1 });
    state().schedulePreview(0);
    await until(store, (s) => s.previewStatus === 'ready' && s.previewImages !== first);
    expect(state().previewImages).toHaveLength(6);
    expect(state().previewImages).not.toEqual(first);
    state().resetTrainSettings();
    expect(state().augmentation.rotation.strength).toBe(0.3);
  });

  it('runs the learning-rate finder and uses its suggestion', async () => {
    await state().runLrFinder();
    expect(state().lrFindError).toBeNull();
    const result = state().lrFindResult!;
    expect(result.points.length).toBeGreaterThan(10);
    const rates = result.points.map((p) => p.learningRate);
    expect(rates.every((rate, i) => i === 0 || rate > (rates[i - 1] as number))).toBe(true);
    expect(result.suggested).toBeGreaterThan(rates[0] as number);
    expect(result.suggested).toBeLessThan(rates.at(-1) as number);
    state().useSuggestedLearningRate();
    // Rounded to two significant digits, as a person would type it.
    const used = Number(state().trainParams.learningRate);
    expect(Math.abs(used - result.suggested) / result.suggested).toBeLessThan(0.05);
    expect(Number(used.toPrecision(2))).toBe(used);
  });

  it('pauses, resumes and cancels a running run', async () => {
    state().setTrainParam('epochs', '1000');
    state().setTrainParam('earlyStopping', false);
    await state().startTraining();
    await until(store, (s) => s.lastBatch !== null);
    await state().pauseTraining();
    expect(state().controlError).toBeNull();
    expect(state().paused).toBe(true);
    await until(store, (s) => s.phase === 'paused');
    const batchesWhenPaused = state().series.batchCount;

    await state().resumeTraining();
    expect(state().controlError).toBeNull();
    expect(state().paused).toBe(false);
    await until(store, (s) => s.series.batchCount > batchesWhenPaused);

    // Extending a running run raises its plan at once.
    state().setExtendEpochs('5');
    await state().extendTraining();
    expect(state().controlError).toBeNull();
    expect(state().plannedEpochs).toBe(1005);

    await state().cancelTraining();
    await until(store, (s) => s.runStatus === 'cancelled');
    expect(state().paused).toBe(false);
    expect(state().runSummary?.status).toBe('cancelled');
  });

  it('runs again and extends the finished run by 2 epochs', async () => {
    state().setTrainParam('epochs', '2');
    await state().startTraining();
    await until(store, (s) => s.runStatus === 'completed' || s.runStatus === 'failed');
    expect(state().trainError).toBeNull();
    expect(state().epochMetrics.map((e) => e.epoch)).toEqual([1, 2]);
    const runId = state().runId;

    state().setExtendEpochs('2');
    await state().extendTraining();
    expect(state().controlError).toBeNull();
    expect(state().plannedEpochs).toBe(4);
    await until(store, (s) => s.runStatus === 'completed' || s.runStatus === 'failed');
    expect(state().trainError).toBeNull();
    // The extension is a new run that continues the finished one, whose curves it goes on with.
    expect(state().runId).not.toBe(runId);
    expect(state().runSummary?.continuedFrom?.runId).toBe(runId);
    expect(state().epochMetrics.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(state().series.epochCount).toBe(4);
    expect(state().runSummary?.epochsDone).toBe(4);
    await until(store, (s) => s.runs.some((run) => run.id === state().runId));
    expect(state().runs.find((run) => run.id === runId)?.epochsDone).toBe(2);
  });

  it('offers the fine-tuning phase only when base layers are unfrozen', () => {
    expect(state().fineTunes()).toBe(false);
    state().setTrainParam('fineTuneEpochs', 'many');
    expect(state().trainBlockers()).toEqual([]);
    const last =
      state()
        .modelInfo?.layers.filter((layer) => layer.hasWeights)
        .at(-1)?.name ?? '';
    state().toggleLayerTrainable(last);
    expect(state().fineTunes()).toBe(true);
    expect(state().trainBlockers()).toEqual([
      'Fine-tuning epochs must be a whole number from 0 to 1000.',
    ]);
    state().setTrainParam('fineTuneEpochs', '3');
    expect(state().trainConfig()?.fineTune).toEqual({
      epochs: 3,
      learningRateFactor: defaultTrainSettings.fineTune.learningRateFactor,
    });
    expect(state().trainConfig()?.freeze).toEqual({ mode: 'custom', trainableLayers: [last] });
    state().freezeAllLayers();
  });

  it('refuses an extension that is not a whole number, in words', async () => {
    state().setExtendEpochs('1.5');
    await state().extendTraining();
    expect(state().controlError).toBe(
      'Type how many epochs to add: a whole number from 1 to 1000.',
    );
  });
});
