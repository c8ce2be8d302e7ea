/**
 * Freeze plans and live totals (shared/freeze-plan.ts, shared/training-estimate.ts) on the real
 * fixture models, cross-checked against TF.js: the trainable parameters the totals announce are
 * the ones the worker's applyFreezePlan really leaves trainable.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FreezePlan, ModelInfo, SpeedCalibration } from '../../../shared/domain';
import {
  blockStates,
  checkFreezePlan,
  describePlan,
  featureExtractorPlan,
  fineTuneTopPlan,
  freezableBlocks,
  freezeBelowPlan,
  toggleBlock,
  toggleLayer,
  topBlockCount,
  trainEverythingPlan,
} from '../../../shared/freeze-plan';
import {
  estimateEpoch,
  headLayers,
  midCalibrationPlan,
  planTotals,
  trainStepMs,
} from '../../../shared/training-estimate';
import { applyFreezePlan } from '../../worker/training/model-parts';
import { loadBaseModel } from './load-layers-model';
import { inspectModel, resolveModel } from './model-store';
import { fixtureModelsDir } from './test-fixtures';

let v1: ModelInfo;
let v2: ModelInfo;
const head = { hiddenUnits: 0, dropout: 0.2, classes: 2 };

beforeAll(async () => {
  await tf.setBackend('cpu');
  v1 = await inspectModel(
    await resolveModel({ catalogId: 'mobilenet_v1_0.25_224' }, [fixtureModelsDir]),
  );
  v2 = await inspectModel(
    await resolveModel({ catalogId: 'mobilenet_v2_0.35_224' }, [fixtureModelsDir]),
  );
});

/** Trainable parameters of the cut base after the worker applies `plan`, as TF.js counts them. */
async function tfjsTrainable(info: ModelInfo, plan: FreezePlan): Promise<number> {
  const loaded = await loadBaseModel(info.dir, { nestedBase: [], featureLayer: info.featureLayer });
  try {
    applyFreezePlan(loaded.cut, plan);
    return loaded.cut.trainableWeights.reduce(
      (sum, w) => sum + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1),
      0,
    );
  } finally {
    loaded.model.dispose();
  }
}

describe('presets and block toggles', () => {
  it('the feature extractor trains only the head', () => {
    const plan = featureExtractorPlan();
    expect(plan).toEqual({ mode: 'feature-extractor', trainableLayers: [] });
    const totals = planTotals(v1, plan, head);
    expect(totals.trainableParams).toBe(256 * 2 + 2);
    expect(totals.headParams).toBe(514);
    expect(totals.endToEnd).toBe(false);
    expect(totals.backwardShare).toBeCloseTo(512 / (v1.totalMacs + 512), 10);
  });

  it('top K trains the K blocks nearest the head, whole', () => {
    const plan = fineTuneTopPlan(v2, 3);
    const states = blockStates(v2, plan);
    const trained = freezableBlocks(v2).filter((b) => states.get(b.id) === 'trains');
    expect(trained.map((b) => b.label)).toEqual(['block_15', 'block_16', 'Conv_1']);
    expect([...states.values()].filter((s) => s === 'partial')).toEqual([]);
    expect(topBlockCount(v2, plan)).toBe(3);
    expect(plan.trainableLayers).toContain('block_15_expand');
    expect(plan.trainableLayers).not.toContain('block_15_add');
    expect(checkFreezePlan(v2, plan).errors).toEqual([]);
    // The handle above block_15 means the same thing.
    const handle = freezeBelowPlan(v2, trained[0]!.id);
    expect(handle.trainableLayers).toEqual(plan.trainableLayers);
  });

  it('train everything covers every layer with weights', () => {
    const plan = trainEverythingPlan(v1);
    expect(plan.trainableLayers).toEqual(v1.layers.filter((l) => l.hasWeights).map((l) => l.name));
    expect(topBlockCount(v1, plan)).toBe(14);
    expect(planTotals(v1, plan, head).backwardShare).toBe(1);
  });

  it('a block toggle turns the whole block on and off', () => {
    const block = v2.blocks.find((b) => b.label === 'block_8')!;
    const on = toggleBlock(v2, featureExtractorPlan(), block.id);
    expect(blockStates(v2, on).get(block.id)).toBe('trains');
    expect(on.mode).toBe('custom');
    expect(topBlockCount(v2, on)).toBeUndefined();
    const off = toggleBlock(v2, on, block.id);
    expect(off).toEqual({ mode: 'feature-extractor', trainableLayers: [] });
  });
});

describe('the freeze plan check (what main runs before training)', () => {
  it('refuses to split a residual block unless the user insisted in advanced mode', () => {
    const split = toggleLayer(v2, featureExtractorPlan(), 'block_4_project');
    const check = checkFreezePlan(v2, split);
    expect(check.errors.join(' ')).toMatch(/residual block block_4 would be split/);
    expect(checkFreezePlan(v2, { ...split, allowSplitBlocks: true }).errors).toEqual([]);
    // Splitting a block without a skip connection is allowed (MobileNet v1 pairs).
    expect(
      checkFreezePlan(v1, toggleLayer(v1, featureExtractorPlan(), 'conv_pw_7')).errors,
    ).toEqual([]);
  });

  it('names unknown layers, weightless layers and contradictory modes', () => {
    expect(
      checkFreezePlan(v1, { mode: 'custom', trainableLayers: ['conv_pw_13', 'nope'] }).errors,
    ).toEqual([expect.stringMatching(/no layer named "nope"/)]);
    expect(
      checkFreezePlan(v1, { mode: 'custom', trainableLayers: ['conv_pw_13_relu'] }).errors,
    ).toEqual([expect.stringMatching(/conv_pw_13_relu has no weights/)]);
    expect(
      checkFreezePlan(v1, { mode: 'feature-extractor', trainableLayers: ['conv_pw_13'] }).errors,
    ).toEqual([expect.stringMatching(/feature extractor.*also lists layers/)]);
  });

  it('puts trainable layers in model order', () => {
    const plan: FreezePlan = { mode: 'custom', trainableLayers: ['conv_pw_13', 'conv_dw_13'] };
    expect(checkFreezePlan(v1, plan).plan.trainableLayers).toEqual(['conv_dw_13', 'conv_pw_13']);
  });
});

describe('live totals', () => {
  it('announces exactly the trainable parameters TF.js ends up with', async () => {
    for (const plan of [
      featureExtractorPlan(),
      fineTuneTopPlan(v1, 2),
      trainEverythingPlan(v1),
      { ...fineTuneTopPlan(v1, 2), bnPolicy: 'adapt' as const },
    ]) {
      const totals = planTotals(v1, plan, head);
      expect(totals.baseTrainableParams).toBe(await tfjsTrainable(v1, plan));
    }
  });

  it('grows trainable parameters and backward share with every block unfrozen', () => {
    let previous = planTotals(v2, featureExtractorPlan(), head);
    for (let k = 1; k <= freezableBlocks(v2).length; k += 1) {
      const totals = planTotals(v2, fineTuneTopPlan(v2, k), head);
      expect(totals.trainableParams).toBeGreaterThan(previous.trainableParams);
      expect(totals.backwardShare).toBeGreaterThan(previous.backwardShare);
      expect(totals.backwardWork).toBeGreaterThan(previous.backwardWork);
      previous = totals;
    }
    expect(previous.backwardWork).toBeCloseTo(1, 10);
  });

  it("letting BatchNorm adapt makes the backward pass reach the base's first BatchNorm", () => {
    const top = fineTuneTopPlan(v1, 1);
    const adapt = planTotals(v1, { ...top, bnPolicy: 'adapt' }, head);
    expect(planTotals(v1, top, head).backwardShare).toBeLessThan(0.2);
    expect(adapt.backwardShare).toBeGreaterThan(0.9);
    expect(v1.layers[adapt.lowestTrainable]!.name).toBe('conv1_bn');
  });

  it('counts a hidden head layer', () => {
    const layers = headLayers(v2.featureShape, { hiddenUnits: 128, dropout: 0.2, classes: 3 });
    expect(layers.map((l) => l.name)).toEqual([
      'head_pool',
      'head_dropout',
      'head_hidden',
      'head_hidden_dropout',
      'head_dense',
    ]);
    expect(layers.reduce((s, l) => s + l.params, 0)).toBe(1280 * 128 + 128 + 128 * 3 + 3);
  });

  it('interpolates the step cost between the measured head, top-block and all-layers steps', () => {
    const calibration: SpeedCalibration = {
      backend: 'test',
      batchSize: 16,
      forwardMsPerImage: 10,
      trainAllMsPerImage: 40,
      trainTopMsPerImage: 12,
      headMsPerImage: 0,
      decodeMsPerImage: 0,
      measuredAt: new Date(0).toISOString(),
      durationMs: 1,
    };
    const work = (plan: FreezePlan) => planTotals(v2, plan, head).backwardWork;
    expect(trainStepMs(v2, head, calibration, work(fineTuneTopPlan(v2, 1)))).toBeCloseTo(12, 10);
    expect(trainStepMs(v2, head, calibration, work(trainEverythingPlan(v2)))).toBeCloseTo(40, 10);
    expect(trainStepMs(v2, head, calibration, 0)).toBe(0);
    const three = trainStepMs(v2, head, calibration, work(fineTuneTopPlan(v2, 3)));
    expect(three).toBeGreaterThan(12);
    expect(three).toBeLessThan(40);
    // A measured middle point bends the line: plans below it cost less than a straight line says.
    const mid = midCalibrationPlan(v2, head);
    expect(work(mid)).toBeGreaterThanOrEqual(0.25);
    const bent = { ...calibration, trainMidMsPerImage: 15 };
    expect(trainStepMs(v2, head, bent, work(mid))).toBeCloseTo(15, 10);
    expect(trainStepMs(v2, head, bent, work(fineTuneTopPlan(v2, 3)))).toBeLessThan(three);
  });

  it('turns a calibration into seconds per epoch', () => {
    const calibration: SpeedCalibration = {
      backend: 'test',
      batchSize: 16,
      forwardMsPerImage: 10,
      trainAllMsPerImage: 40,
      headMsPerImage: 0.01,
      decodeMsPerImage: 5,
      measuredAt: new Date(0).toISOString(),
      durationMs: 1,
    };
    const counts = { train: 100, val: 50 };
    const frozen = estimateEpoch(v1, featureExtractorPlan(), head, calibration, counts, 16);
    // Features once: 150 images x (5 + 10) ms; then each epoch is the head only.
    expect(frozen.setupSeconds).toBeCloseTo(2.25, 10);
    // 100 head steps of 0.01 ms, and validation at a third of that.
    expect(frozen.epochSeconds).toBeCloseTo((100 * 0.01 + (50 * 0.01) / 3) / 1000, 10);
    const everything = estimateEpoch(v1, trainEverythingPlan(v1), head, calibration, counts, 16);
    // Nothing to cache: images are decoded once (kept in memory), then every epoch is
    // 100 x 40 ms of training steps + 50 x 10 ms of validation (plus the head's).
    expect(everything.cached).toBe(false);
    expect(everything.setupSeconds).toBeCloseTo(0.75, 10);
    expect(everything.epochSeconds).toBeCloseTo((100 * 40 + 50 * (10 + 0.01 / 3)) / 1000, 10);
    const top2 = estimateEpoch(v1, fineTuneTopPlan(v1, 2), head, calibration, counts, 16);
    // The frozen part runs once (setup); an epoch runs the top two blocks forward and backward.
    expect(top2.cached).toBe(true);
    expect(top2.setupSeconds).toBeGreaterThan(0);
    expect(top2.setupSeconds).toBeLessThan(frozen.setupSeconds);
    expect(top2.epochSeconds).toBeGreaterThan(frozen.epochSeconds);
    expect(top2.epochSeconds).toBeLessThan(everything.epochSeconds / 3);
    expect(top2.headEpochSeconds).toBeLessThan(top2.epochSeconds);
    expect(everything.memoryBytes).toBeGreaterThan(top2.memoryBytes * 0.99);
    expect(frozen.memoryBytes).toBeLessThan(everything.memoryBytes);
  });
});

describe('describePlan', () => {
  it('says a plan in the words of the presets, whatever screen shows it', () => {
    const blocks = freezableBlocks(v1).length;
    expect(describePlan(v1, featureExtractorPlan())).toBe('head only (base frozen)');
    expect(describePlan(v1, fineTuneTopPlan(v1, 1))).toBe('top block fine-tuned');
    // "Fine-tune top 2" is two blocks, however many layers they hold.
    expect(fineTuneTopPlan(v1, 2).trainableLayers.length).toBeGreaterThan(2);
    expect(describePlan(v1, fineTuneTopPlan(v1, 2))).toBe('top 2 blocks fine-tuned');
    expect(describePlan(v1, trainEverythingPlan(v1))).toBe(`all ${blocks} blocks fine-tuned`);
    const last = v1.layers.filter((layer) => layer.hasWeights).at(-1)!.name;
    const first = v1.layers.find((layer) => layer.hasWeights)!.name;
    expect(describePlan(v1, toggleLayer(v1, featureExtractorPlan(), first))).toBe(
      '1 layer fine-tuned (custom)',
    );
    expect(
      describePlan(v1, toggleLayer(v1, toggleLayer(v1, featureExtractorPlan(), first), last)),
    ).toBe('2 layers fine-tuned (custom)');
  });
});
