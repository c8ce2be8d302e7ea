/**
 * The speed calibration in this process, on the backend the worker would pick (native TF when
 * built, else wasm; TRANSFER_STUDIO_BACKEND chooses), with the real base and real images.
 * Timings are not asserted against numbers or each other (speed is for benchmarks).
 */
import { describe, expect, it } from 'vitest';
import { findCatalogEntry } from '../../../shared/catalog';
import { fineTuneTopPlan, trainEverythingPlan } from '../../../shared/freeze-plan';
import {
  activationFactor,
  estimateMemory,
  midCalibrationPlan,
} from '../../../shared/training-estimate';
import type { WorkerMessage } from '../../../shared/worker-protocol';
import { inspectModel, resolveModel } from '../../services/models/model-store';
import { mobilenetV1Dir } from '../../services/models/test-fixtures';
import { hymenopteraItems } from '../../services/training/test-jobs';
import { calibrateSpeed } from './calibrate-speed';

describe('calibrateSpeed', () => {
  it('times decoding, the forward pass, a head step and a full training step', async () => {
    const entry = findCatalogEntry('mobilenet_v1_0.25_224')!;
    const messages: WorkerMessage[] = [];
    const images = hymenopteraItems('train', 2).map((item) => item.path);
    const info = await inspectModel(await resolveModel({ path: mobilenetV1Dir }, []));
    const head = { hiddenUnits: 0, dropout: 0.2, classes: 2 };
    const result = await calibrateSpeed(
      {
        modelDir: mobilenetV1Dir,
        nestedBase: [],
        featureLayer: entry.featureLayer,
        inputSize: [224, 224],
        preprocessing: entry.preprocessing,
        backend: 'auto',
        batchSize: 8,
        images,
        repeats: 1,
        trainBatchSize: 4,
        topLayers: fineTuneTopPlan(info, 1).trainableLayers,
        midLayers: midCalibrationPlan(info, head).trainableLayers,
      },
      { emit: (message) => messages.push(message) },
    );
    const report = messages.find((m) => m.type === 'backend');
    expect(report).toBeDefined();
    expect(result.backend).toBe(report!.type === 'backend' ? report!.report.description : '');
    expect(result.batchSize).toBe(8);
    expect(result.decodeMsPerImage).toBeGreaterThan(0);
    expect(result.forwardMsPerImage).toBeGreaterThan(0);
    // Timings are measurements on a shared machine: check they exist, never how they compare.
    for (const ms of [
      result.trainAllMsPerImage,
      result.trainTopMsPerImage,
      result.headMsPerImage,
    ]) {
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThan(0);
    }
    // As many images as fit the time budget, at least 2 and at most the 4 asked for.
    expect(result.trainBatchSize).toBeGreaterThanOrEqual(2);
    expect(result.trainBatchSize).toBeLessThanOrEqual(4);
    expect(result.durationMs).toBeGreaterThan(0);

    // With the measured activation factor, the estimate for the calibrated step is its peak.
    const factor = activationFactor(info, result);
    expect(result.peakTrainBytes).toBeGreaterThan(0);
    expect(factor).toBeGreaterThan(1);
    expect(factor).toBeLessThan(12);
    const estimate = estimateMemory(
      info,
      trainEverythingPlan(info),
      head,
      { train: 0, val: 0 },
      result.trainBatchSize!,
      result,
    );
    expect(estimate / result.peakTrainBytes!).toBeGreaterThan(0.9);
    expect(estimate / result.peakTrainBytes!).toBeLessThan(1.1);
  });
});
