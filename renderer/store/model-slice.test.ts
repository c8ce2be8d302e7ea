/* eslint-disable no-restricted-imports -- an integration test, run in Node: it drives the
   renderer's client and store against the real web shell, services and training worker. */
/** The model slice over the real web shell, services and worker; downloads from a loopback mirror. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainConfig } from '../../shared/domain';
import type { StudioStore } from './studio-store';
import {
  startModelServer,
  type ModelServer,
} from '../../main/services/models/download/test-server';
import { teachableMachineDir } from '../../main/services/models/test-fixtures';
import { startStudioHarness, until, type StudioHarness } from './test-support/studio-harness';

describe('model slice over the real web shell, services and worker', () => {
  let harness: StudioHarness;
  let workDir: string;
  let server: ModelServer;
  let store: StudioStore;

  beforeAll(async () => {
    server = await startModelServer();
    harness = await startStudioHarness({
      prefix: 'ts-model-slice-',
      // No user models folder: the catalog's v1 0.25 has to be downloaded.
      fixtureModels: false,
      serviceEnv: { TRANSFER_STUDIO_MODEL_MIRROR: `${server.url}/ok/` },
    });
    ({ workDir, store } = harness);
  });

  afterAll(async () => {
    await harness?.close();
    await server?.close();
  });

  it('downloads a catalog model with progress events, then uses it', async () => {
    await store.getState().loadCatalog();
    expect(store.getState().catalog.find((i) => i.id === 'mobilenet_v1_0.25_224')?.localDir).toBe(
      undefined,
    );
    const seen: number[] = [];
    const unsubscribe = store.subscribe((state) => {
      const progress = state.downloads['mobilenet_v1_0.25_224'];
      if (progress) seen.push(progress.receivedBytes);
    });
    await store.getState().downloadModel('mobilenet_v1_0.25_224');
    unsubscribe();
    const item = store.getState().catalog.find((i) => i.id === 'mobilenet_v1_0.25_224');
    expect(item?.localDir).toBe(path.join(harness.dataDir, 'models', 'mobilenet_v1_0.25_224'));
    expect(item?.downloaded).toBe(true);
    expect(store.getState().downloads).toEqual({});
    expect(seen.length).toBeGreaterThan(1);
    // Nothing was chosen before: the downloaded model becomes the base model.
    await until(store, (s) => s.inspectStatus === 'ready');
    expect(store.getState().modelInfo?.blocks).toHaveLength(15);
  });

  it('keeps a failed download with its reason', async () => {
    await store.getState().downloadModel('mobilenet_v2_1.00_224');
    const failed = store.getState().downloads['mobilenet_v2_1.00_224'];
    expect(failed?.phase).toBe('failed');
    expect(failed?.message).toMatch(/404 Not Found/);
  });

  it('measures the speed of the chosen model in the worker', async () => {
    await store.getState().calibrate();
    const { calibration, calibrationError } = store.getState();
    expect(calibrationError).toBeNull();
    expect(calibration?.forwardMsPerImage).toBeGreaterThan(0);
    expect(calibration?.trainAllMsPerImage).toBeGreaterThan(calibration?.forwardMsPerImage ?? 0);
  });

  it('a chosen feature layer reaches the training config', async () => {
    await store.getState().setFeatureLayer('conv_pw_11_relu');
    const info = store.getState().modelInfo!;
    expect(info.featureLayer).toBe('conv_pw_11_relu');
    expect(info.featureShape).toEqual([null, 14, 14, 128]);
    expect(store.getState().featureLayerChoice).toBe('conv_pw_11_relu');
    store.getState().applyPreset('top', 1);
    expect(store.getState().freezePlan()).toEqual({
      mode: 'custom',
      trainableLayers: ['conv_dw_11', 'conv_dw_11_bn', 'conv_pw_11', 'conv_pw_11_bn'],
    });
  });

  it("shows a reopened run's model, feature layer and freeze plan", async () => {
    const config = TrainConfig.parse({
      datasetRoots: [workDir],
      model: { path: teachableMachineDir },
      featureLayer: 'out_relu',
      freeze: {
        mode: 'custom',
        trainableLayers: ['Conv_1_bn', 'Conv_1'],
        bnPolicy: 'adapt',
      },
      epochs: 1,
      learningRate: 0.001,
      batchSize: 8,
    });
    await store.getState().showRunModel(config);
    const state = store.getState();
    expect(state.activeTab).toBe('model');
    expect(state.modelInfo?.dir).toBe(teachableMachineDir);
    expect(state.modelInfo?.blocks).toHaveLength(20);
    // The saved plan, in model order, with its BatchNorm policy.
    expect(state.freeze).toEqual({
      mode: 'custom',
      trainableLayers: ['Conv_1', 'Conv_1_bn'],
      bnPolicy: 'adapt',
    });
  });
});
