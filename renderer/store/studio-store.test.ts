/* eslint-disable no-restricted-imports -- an integration test, run in Node: it drives the
   renderer's client and store against the real web shell and services, never shipped in the UI. */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebShell } from '../../main/server/web-shell';
import type { WebSocketApi } from '../api/ws-client';
import { createStudioStore, type StudioStore } from './studio-store';
import {
  hymenopteraDir,
  startStudioHarness,
  until,
  type StudioHarness,
} from './test-support/studio-harness';

const trainDir = path.join(hymenopteraDir, 'train');

describe('studio store over the real web shell and services', () => {
  let harness: StudioHarness;
  let workDir: string;
  let shell: WebShell;
  let api: WebSocketApi;
  let store: StudioStore;

  beforeAll(async () => {
    harness = await startStudioHarness({
      prefix: 'ts-store-',
      launchWorker: () => {
        throw new Error('not used: training events are emitted directly below');
      },
    });
    ({ workDir, shell, api, store } = harness);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('explains an empty path without asking the server', async () => {
    await store.getState().submitDatasetPath();
    expect(store.getState().scanError).toContain('Type the path');
  });

  it('scans the real fixture folder into classes with thumbnails, with progress events', async () => {
    const progress: number[] = [];
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.scanProgress && state.scanProgress !== previous.scanProgress)
        progress.push(state.scanProgress.done);
    });
    store.getState().setDatasetPathInput(trainDir);
    await store.getState().submitDatasetPath();
    unsubscribe();
    const { dataset, datasetRoots, scanError, datasetPathInput } = store.getState();
    expect(scanError).toBeNull();
    expect(datasetRoots).toEqual([trainDir]);
    expect(datasetPathInput).toBe('');
    expect(dataset?.classes.map((c) => [c.name, c.count])).toEqual([
      ['ants', 124],
      ['bees', 121],
    ]);
    expect(dataset?.trainable).toBe(true);
    expect(dataset?.classes[0]?.thumbnails.length).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('keeps the current dataset and shows the server’s reason when a folder is wrong', async () => {
    store.getState().setDatasetPathInput(path.join(workDir, 'no-such-folder'));
    await store.getState().submitDatasetPath();
    const state = store.getState();
    expect(state.datasetRoots).toEqual([trainDir]);
    expect(state.dataset?.classes).toHaveLength(2);
    expect(state.scanError).toContain(
      `There is no folder at ${path.join(workDir, 'no-such-folder')}`,
    );
    expect(state.dataset?.problems.some((problem) => problem.kind === 'vanished')).toBe(false);
    // The typed path stays in the field so the user can fix it.
    expect(state.datasetPathInput).toBe(path.join(workDir, 'no-such-folder'));
  });

  it('asks for a full path instead of sending a relative one or "~"', async () => {
    store.getState().setDatasetPathInput('photos/flowers');
    await store.getState().submitDatasetPath();
    expect(store.getState().scanError).toContain('full path');
    store.getState().setDatasetPathInput('~/photos');
    await store.getState().submitDatasetPath();
    expect(store.getState().scanError).toContain('/home/you/photos');
  });

  it('preselects the local MobileNet and lists its layers; toggles change the freeze plan', async () => {
    await store.getState().loadCatalog();
    await until(store, (s) => s.inspectStatus === 'ready' || s.inspectStatus === 'error');
    const state = store.getState();
    expect(state.modelError).toBeNull();
    expect(
      state.catalog.find((item) => item.id === 'mobilenet_v1_0.25_224')?.localDir,
    ).toBeTruthy();
    expect(state.modelRef).toEqual({ catalogId: 'mobilenet_v1_0.25_224' });
    expect(state.modelInfo?.featureLayer).toBe('conv_pw_13_relu');
    expect(state.freezePlan()).toEqual({ mode: 'feature-extractor', trainableLayers: [] });
    const last = state.modelInfo?.layers.filter((layer) => layer.hasWeights).at(-1)?.name ?? '';
    state.toggleLayerTrainable(last);
    expect(store.getState().freezePlan()).toEqual({ mode: 'custom', trainableLayers: [last] });
    store.getState().freezeAllLayers();
    expect(store.getState().trainBlockers()).toEqual([]);
  });

  it('leaves a file out of the dataset and puts it back', async () => {
    const root = path.join(workDir, 'small');
    for (const label of ['ants', 'bees']) {
      await mkdir(path.join(root, label), { recursive: true });
      const names = (await readdir(path.join(trainDir, label))).filter((n) => n.endsWith('.jpg'));
      for (const name of names.slice(0, 3)) {
        await copyFile(path.join(trainDir, label, name), path.join(root, label, name));
      }
      if (label === 'ants') {
        // A fourth JPEG named .png: only a warning, so it stays in until the user leaves it out.
        await copyFile(
          path.join(trainDir, label, names[3] as string),
          path.join(root, label, 'misnamed.png'),
        );
      }
    }

    const fresh = createStudioStore(api);
    await fresh.getState().addDatasetFolders([root]);
    const misnamed = fresh
      .getState()
      .dataset?.problems.find((p) => p.kind === 'extension-mismatch' && !p.excluded);
    expect(misnamed, JSON.stringify(fresh.getState().dataset?.problems)).toBeTruthy();
    const antsBefore = fresh.getState().dataset?.classes.find((c) => c.name === 'ants')?.count ?? 0;

    await fresh.getState().setFileExcluded(misnamed?.path ?? '', true);
    const after = fresh.getState().dataset;
    expect(after?.excluded).toEqual([misnamed?.path]);
    expect(after?.classes.find((c) => c.name === 'ants')?.count).toBe(antsBefore - 1);
    expect(after?.problems.some((p) => p.kind === 'extension-mismatch')).toBe(false);

    await fresh.getState().setFileExcluded(misnamed?.path ?? '', false);
    expect(fresh.getState().dataset?.excluded ?? []).toEqual([]);
    expect(fresh.getState().dataset?.classes.find((c) => c.name === 'ants')?.count).toBe(
      antsBefore,
    );
  });

  it('names what blocks training in words the user can act on', () => {
    store.getState().setTrainParam('epochs', '0');
    store.getState().setTrainParam('learningRate', 'fast');
    expect(store.getState().trainBlockers()).toEqual([
      'Epochs must be a whole number from 1 to 1000.',
      'Learning rate must be a number above 0 and at most 10 (try 0.001).',
    ]);
    store.getState().setTrainParam('epochs', '2');
    store.getState().setTrainParam('learningRate', '0.001');
  });

  it('turns training events into state through the bridge and ignores other runs', async () => {
    const batch = { epoch: 1, batch: 3, batches: 12, loss: 0.7, accuracy: 0.6 };
    shell.emit('training:status', {
      runId: 'run-a',
      status: 'running',
      phase: 'decoding images',
      progress: 0.5,
      backend: 'wasm (SIMD)',
    });
    shell.emit('training:progress', { runId: 'run-a', batch });
    shell.emit('training:progress', { runId: 'run-b', batch: { ...batch, batch: 5 } });
    await until(store, (s) => s.lastBatch !== null);
    await api.request('app:info', {});
    const state = store.getState();
    expect(state.runId).toBe('run-a');
    expect(state.runStatus).toBe('running');
    expect(state.phase).toBe('decoding images');
    expect(state.phaseProgress).toBe(0.5);
    expect(state.runBackend).toBe('wasm (SIMD)');
    expect(state.lastBatch).toEqual(batch);
    expect(state.series.batchCount).toBe(1);
  });
});
