/* eslint-disable no-restricted-imports -- an integration test, run in Node: it drives the
   renderer's client and store against the real web shell, services and training worker. */
import { access, copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveStudioPaths } from '../../main/services/paths';
import { createStudioServices, type StudioServices } from '../../main/services/studio-services';
import { nodeWorkerLauncher } from '../../main/services/training/node-worker-launcher';
import { startWebShell, type WebShell } from '../../main/server/web-shell';
import { createWebSocketApi, type SocketLike, type WebSocketApi } from '../api/ws-client';
import { connectBridge } from './bridge';
import { createStudioStore, type StudioStore } from './studio-store';

const fixtures = path.resolve(
  process.env.TRANSFER_STUDIO_FIXTURES ??
    path.join(__dirname, '..', '..', '..', 'shared', 'fixtures'),
);
const hymenoptera = path.join(fixtures, 'datasets', 'hymenoptera_data');

type State = ReturnType<StudioStore['getState']>;

function until(store: StudioStore, check: (state: State) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check(store.getState())) return resolve();
    const unsubscribe = store.subscribe((state) => {
      if (check(state)) {
        unsubscribe();
        resolve();
      }
    });
  });
}

describe('evaluation, preview and runs slices over the real web shell and worker', () => {
  let workDir: string;
  let datasetRoot: string;
  let services: StudioServices;
  let shell: WebShell;
  let api: WebSocketApi;
  let store: StudioStore;
  let firstRunId: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'ts-eval-store-'));
    datasetRoot = path.join(workDir, 'photos');
    for (const label of ['ants', 'bees']) {
      const from = path.join(hymenoptera, 'train', label);
      await mkdir(path.join(datasetRoot, label), { recursive: true });
      const names = (await readdir(from)).filter((n) => n.endsWith('.jpg')).sort();
      for (const name of names.slice(0, 16)) {
        await copyFile(path.join(from, name), path.join(datasetRoot, label, name));
      }
    }
    services = createStudioServices({
      paths: resolveStudioPaths({
        TRANSFER_STUDIO_DATA: path.join(workDir, 'data'),
        TRANSFER_STUDIO_MODELS: path.join(fixtures, 'models'),
      }),
      shell: 'web',
      version: '0.0.1',
      emit: (event, payload) => shell.emit(event, payload),
      launchWorker: nodeWorkerLauncher,
    });
    shell = await startWebShell({
      handlers: services.handlers,
      thumbnails: services.thumbnails,
      staticDir: workDir,
    });
    api = createWebSocketApi({
      url: `ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`,
      httpBase: `http://127.0.0.1:${shell.port}/`,
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    });
    store = createStudioStore(api);
    connectBridge(api, store);
    const started = await api.request('training:start', {
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
    api?.close();
    await services?.supervisor.stopAll();
    await shell?.close();
    await rm(workDir, { recursive: true, force: true });
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
