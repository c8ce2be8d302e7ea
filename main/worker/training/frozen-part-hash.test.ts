/**
 * The frozen part's cache identity on the real fixture bases: a saved run model (base cut +
 * head, as "Extend" loads it) hashes like the base it came from, for MobileNet v1 and for the
 * Teachable Machine export whose base is nested; one changed frozen weight or a moved boundary
 * changes the hash. Runs on the backend the environment picks (TRANSFER_STUDIO_BACKEND).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBaseModel } from '../../services/models/load-layers-model';
import { mobilenetV1Dir, teachableMachineDir } from '../../services/models/test-fixtures';
import { resolveBackendChoice, selectBackend } from '../backends/backend-chain';
import { hashFrozenPart } from './frozen-part-hash';
import { applyFreezePlan, createHead, fullModel } from './model-parts';
import { saveModelFolder } from './save-model';
import { splitAtFrozenPart } from './split-model';

let temp: string;
beforeAll(async () => {
  await selectBackend(resolveBackendChoice('auto').choice);
  temp = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-frozen-hash-'));
});
afterAll(async () => {
  await fs.rm(temp, { recursive: true, force: true });
});

const metadata = {
  labels: ['a', 'b'],
  imageSize: 224,
  inputSize: [224, 224] as [number, number],
  preprocessing: { scale: 1 / 127.5, offset: -1 },
  baseModel: 'test',
  featureLayer: 'x',
  runId: 'r',
  createdAt: new Date(0).toISOString(),
  createdBy: 'test',
};

/** Loads, freezes as `trainable` says, splits and hashes (the model is disposed). */
async function hashOf(
  dir: string,
  nestedBase: number[],
  featureLayer: string,
  trainable: string[] = [],
  change?: (model: tf.LayersModel) => void,
): Promise<string> {
  const loaded = await loadBaseModel(dir, { nestedBase, featureLayer });
  try {
    change?.(loaded.cut);
    const freeze = applyFreezePlan(loaded.cut, {
      mode: trainable.length ? 'custom' : 'feature-extractor',
      trainableLayers: trainable,
    });
    return await hashFrozenPart(splitAtFrozenPart(loaded.cut, new Set(freeze.trainable)).frozen);
  } finally {
    loaded.model.dispose();
  }
}

/** Saves the base cut + a head, as a finished run does, into `target`. */
async function saveRunModel(dir: string, featureLayer: string, target: string): Promise<void> {
  const loaded = await loadBaseModel(dir, { nestedBase: [], featureLayer });
  const head = createHead(loaded.cut.outputs[0]!.shape, 2, 0.2, 1);
  const model = fullModel(loaded.cut, head);
  await saveModelFolder(model, target, { ...metadata, featureLayer });
  loaded.model.dispose();
}

describe('hashFrozenPart', () => {
  it('MobileNet v1: the saved run model hashes like its base; a changed frozen weight or boundary does not', async () => {
    const runModel = path.join(temp, 'v1-run');
    await saveRunModel(mobilenetV1Dir, 'conv_pw_13_relu', runModel);
    const base = await hashOf(mobilenetV1Dir, [], 'conv_pw_13_relu');
    expect(await hashOf(runModel, [], 'conv_pw_13_relu')).toBe(base);

    // One value of the first convolution's kernel, as if fine-tuning had reached it.
    const nudged = await hashOf(runModel, [], 'conv_pw_13_relu', [], (cut) => {
      const layer = cut.getLayer('conv1');
      const [kernel] = layer.getWeights();
      const values = kernel!.dataSync().slice();
      values[0]! += 1e-3;
      layer.setWeights([tf.tensor(values, kernel!.shape)]);
    });
    expect(nudged).not.toBe(base);

    // The top block trains: the frozen part ends lower, so it is another key.
    const topBlock = ['conv_pw_13', 'conv_pw_13_bn'];
    const unfrozen = await hashOf(mobilenetV1Dir, [], 'conv_pw_13_relu', topBlock);
    expect(unfrozen).not.toBe(base);
    expect(await hashOf(runModel, [], 'conv_pw_13_relu', topBlock)).toBe(unfrozen);
  });

  it('Teachable Machine: the flat saved model hashes like the base nested in the export', async () => {
    const runModel = path.join(temp, 'tm-run');
    await saveRunModel(teachableMachineDir, 'out_relu', runModel);
    const nested = await hashOf(teachableMachineDir, [0, 0], 'out_relu');
    expect(await hashOf(runModel, [], 'out_relu')).toBe(nested);
    expect(nested).not.toBe(await hashOf(mobilenetV1Dir, [], 'conv_pw_13_relu'));
  });
});
