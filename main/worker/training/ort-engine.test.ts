/**
 * The onnxruntime feature engine against the TF.js one, on the real fixture bases (MobileNet v1
 * 0.25, Teachable Machine's nested MobileNetV2 0.35), real images, at two sizes: pooled
 * features, the top block's 4D boundary, and a two-tensor boundary (a residual add). Real
 * onnxruntime-node with its CPU provider; the CUDA provider is tried and must say why it did not
 * load (its files are not installed on this machine).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBaseModel, type LoadedBase } from '../../services/models/load-layers-model';
import { mobilenetV1Dir, teachableMachineDir } from '../../services/models/test-fixtures';
import { hymenopteraItems } from '../../services/training/test-jobs';
import { selectBackend } from '../backends/backend-chain';
import { imageBatches } from '../images/image-batches';
import { TfjsFeatureEngine, type FeatureEngine } from './feature-engine';
import { InferenceGraph } from './inference-graph';
import { applyFreezePlan } from './model-parts';
import { OrtFeatureEngine, providerCandidates } from './ort-engine';
import { splitAtFrozenPart } from './split-model';

const items = [...hymenopteraItems('train', 2), ...hymenopteraItems('val', 2)];
const preprocessing = { scale: 1 / 127.5, offset: -1 };
const opened: Array<{ dispose: () => unknown }> = [];

beforeAll(async () => {
  await selectBackend((process.env.TRANSFER_STUDIO_BACKEND as 'wasm') || 'wasm');
});
afterAll(async () => {
  for (const item of opened.reverse()) await item.dispose();
});

async function pixelsAt(size: number): Promise<Float32Array> {
  for await (const batch of imageBatches(items, {
    size: [size, size],
    preprocessing,
    batchSize: items.length,
  })) {
    return batch.pixels;
  }
  throw new Error('no batch');
}

const bases = {
  v1: { dir: mobilenetV1Dir, nestedBase: [] as number[], featureLayer: 'conv_pw_13_relu' },
  v2: { dir: teachableMachineDir, nestedBase: [0, 0], featureLayer: 'out_relu' },
};

async function load(base: keyof typeof bases, size: number): Promise<LoadedBase> {
  const { dir, ...options } = bases[base];
  const loaded = await loadBaseModel(dir, { ...options, inputSize: [size, size] });
  opened.push({ dispose: () => loaded.model.dispose() });
  return loaded;
}

/** Largest difference, and the largest difference relative to the largest TF.js value. */
async function compareEngines(
  frozen: tf.LayersModel,
  size: number,
  pool: boolean,
): Promise<{ parts: number; absolute: number; relative: number; engine: FeatureEngine }> {
  const graph = InferenceGraph.fromModel(frozen);
  opened.push(graph);
  const shape = { size: [size, size] as const, pool };
  const created = await OrtFeatureEngine.create(frozen, shape);
  const ort = created.engine!;
  opened.push(ort);
  const pixels = await pixelsAt(size);
  const expected = await new TfjsFeatureEngine(graph, shape).run(pixels, items.length);
  const actual = await ort.run(pixels, items.length);
  expect(actual.map((part) => part.length)).toEqual(expected.map((part) => part.length));
  let absolute = 0;
  let largest = 0;
  expected.forEach((part, p) =>
    part.forEach((value, index) => {
      absolute = Math.max(absolute, Math.abs(value - actual[p]![index]!));
      largest = Math.max(largest, Math.abs(value));
    }),
  );
  return { parts: actual.length, absolute, relative: absolute / largest, engine: ort };
}

describe('onnxruntime feature engine', () => {
  for (const size of [224, 352]) {
    it(`matches TF.js's pooled features to 1e-4: MobileNet v1 0.25 at ${size} px`, async () => {
      const loaded = await load('v1', size);
      const split = splitAtFrozenPart(loaded.cut, new Set());
      const result = await compareEngines(split.frozen, size, true);
      expect(result.parts).toBe(1);
      expect(result.absolute).toBeLessThan(1e-4);
    });

    it(`matches TF.js's pooled features to 1e-4: MobileNetV2 0.35 at ${size} px`, async () => {
      const loaded = await load('v2', size);
      const split = splitAtFrozenPart(loaded.cut, new Set());
      const result = await compareEngines(split.frozen, size, true);
      expect(result.absolute).toBeLessThan(1e-4);
    });

    it(`gives both tensors of a residual boundary as TF.js does: MobileNetV2 at ${size} px`, async () => {
      const loaded = await load('v2', size);
      const plan = applyFreezePlan(loaded.cut, {
        mode: 'custom',
        trainableLayers: ['block_15_project'],
      });
      const split = splitAtFrozenPart(loaded.cut, new Set(plan.trainable));
      expect(split.boundaryShapes.length).toBe(2);
      const result = await compareEngines(split.frozen, size, false);
      expect(result.parts).toBe(2);
      // Feature maps to 1e-4 of their largest value (float32 sums in another order).
      expect(result.relative).toBeLessThan(1e-4);
    });
  }

  it('gives the top block’s input as TF.js does when block 16 trains (v1: the last block)', async () => {
    const loaded = await load('v1', 224);
    const plan = applyFreezePlan(loaded.cut, {
      mode: 'custom',
      trainableLayers: ['conv_dw_13', 'conv_pw_13'],
    });
    const split = splitAtFrozenPart(loaded.cut, new Set(plan.trainable));
    const result = await compareEngines(split.frozen, 224, false);
    expect(result.parts).toBe(1);
    expect(result.relative).toBeLessThan(1e-4);
  });

  it('runs on the CPU provider with every core, and says why an accelerator did not load', async () => {
    const loaded = await load('v1', 224);
    const split = splitAtFrozenPart(loaded.cut, new Set());
    const created = await OrtFeatureEngine.create(split.frozen, { size: [224, 224], pool: true });
    opened.push(created.engine!);
    expect(created.engine!.description).toMatch(/^onnxruntime 1\.\d+.* \(CPU, \d+ threads\)$/);
    const tried = created.attempts.map((attempt) => attempt.provider);
    expect(tried).toEqual(providerCandidates());
    const cpu = created.attempts.at(-1)!;
    expect(cpu).toMatchObject({ provider: 'cpu', ok: true });
    for (const attempt of created.attempts.slice(0, -1)) {
      // This machine has no GPU and onnxruntime's CUDA files are not installed.
      expect(attempt.ok).toBe(false);
      expect(attempt.fix).toBeTruthy();
    }
  });
});
