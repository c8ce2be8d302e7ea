import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceError } from '../service-error';
import { loadLayersModelFromDir } from './load-layers-model';
import { inspectModel, listCatalog, resolveModel } from './model-store';
import { fixtureModelsDir, mobilenetV1Dir, teachableMachineDir } from './test-fixtures';

let emptyDir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  emptyDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-models-'));
});
afterAll(async () => {
  await fs.rm(emptyDir, { recursive: true, force: true });
});

describe('listCatalog', () => {
  it('finds both fixture models in the models folder and nothing else', async () => {
    const items = await listCatalog([emptyDir, fixtureModelsDir]);
    const found = items.filter((item) => item.localDir).map((item) => [item.id, item.localDir]);
    expect(found).toEqual([
      ['mobilenet_v1_0.25_224', mobilenetV1Dir],
      ['mobilenet_v2_0.35_224', teachableMachineDir],
    ]);
    expect(items.length).toBeGreaterThan(found.length);
  });
});

describe('resolveModel', () => {
  it('resolves a catalog id to its folder, flat', async () => {
    const model = await resolveModel({ catalogId: 'mobilenet_v1_0.25_224' }, [fixtureModelsDir]);
    expect(model).toMatchObject({
      dir: mobilenetV1Dir,
      featureLayer: 'conv_pw_13_relu',
      nestedBase: [],
      inputSize: [224, 224],
    });
  });

  it('finds the base nested two levels deep in a Teachable Machine export', async () => {
    const model = await resolveModel({ catalogId: 'mobilenet_v2_0.35_224' }, [fixtureModelsDir]);
    expect(model.dir).toBe(teachableMachineDir);
    expect(model.nestedBase).toEqual([0, 0]);
    expect(model.featureLayer).toBe('out_relu');
  });

  it('says where it looked and how to point at a models folder when a model is absent', async () => {
    const error = await resolveModel({ catalogId: 'mobilenet_v1_1.0_224' }, [emptyDir]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('not-found');
    expect((error as ServiceError).message).toContain(emptyDir);
    expect((error as ServiceError).message).toContain('TRANSFER_STUDIO_MODELS');
  });

  it('refuses an unknown catalog id and a folder without model.json', async () => {
    await expect(resolveModel({ catalogId: 'resnet' }, [])).rejects.toThrow(/Unknown base model/);
    await expect(resolveModel({ path: emptyDir }, [])).rejects.toThrow(/holds no model.json/);
  });

  it('proposes the last spatial layer for a model folder the catalog does not name', async () => {
    const renamed = path.join(emptyDir, 'my-base');
    await fs.mkdir(renamed);
    for (const name of await fs.readdir(teachableMachineDir)) {
      await fs.symlink(path.join(teachableMachineDir, name), path.join(renamed, name));
    }
    const model = await resolveModel({ path: path.join(renamed, 'model.json') }, []);
    expect(model).toMatchObject({
      name: 'my-base',
      dir: renamed,
      featureLayer: 'out_relu',
      nestedBase: [0, 0],
      inputSize: [224, 224],
    });
  });
});

describe('inspectModel', () => {
  it('counts the whole v1 0.25 model exactly as TF.js does (475,544 params)', async () => {
    const model = await resolveModel({ path: mobilenetV1Dir }, []);
    const reference = await loadLayersModelFromDir(mobilenetV1Dir);
    const lastLayer = reference.layers[reference.layers.length - 1]!.name;
    const info = await inspectModel(model, lastLayer);
    expect(reference.countParams()).toBe(475_544);
    expect(info.totalParams).toBe(reference.countParams());
    expect(info.layers.reduce((sum, layer) => sum + layer.params, 0)).toBe(475_544);
    expect(info.layers).toHaveLength(reference.layers.length);
    reference.dispose();
  });

  it('lists the v1 base up to conv_pw_13_relu with shapes, BN flags and trainable counts', async () => {
    const model = await resolveModel({ catalogId: 'mobilenet_v1_0.25_224' }, [fixtureModelsDir]);
    const info = await inspectModel(model);
    expect(info.featureShape).toEqual([null, 7, 7, 256]);
    expect(info.layers.at(-1)?.name).toBe('conv_pw_13_relu');
    expect(info.layers.reduce((sum, layer) => sum + layer.params, 0)).toBe(info.totalParams);
    const conv1 = info.layers.find((layer) => layer.name === 'conv1')!;
    expect(conv1).toMatchObject({ className: 'Conv2D', outputShape: [null, 112, 112, 8] });
    expect(conv1.params).toBe(3 * 3 * 3 * 8);
    const bn = info.layers.find((layer) => layer.name === 'conv1_bn')!;
    // gamma and beta train; the moving mean and variance do not.
    expect(bn).toMatchObject({
      isBatchNorm: true,
      hasWeights: true,
      params: 32,
      trainableParams: 16,
    });
    const relu = info.layers.find((layer) => layer.name === 'conv1_relu')!;
    expect(relu).toMatchObject({ hasWeights: false, params: 0 });
  });

  it('inspects the Teachable Machine base (410,208 params, 7x7x1280 at out_relu)', async () => {
    const model = await resolveModel({ catalogId: 'mobilenet_v2_0.35_224' }, [fixtureModelsDir]);
    const info = await inspectModel(model);
    expect(info.featureLayer).toBe('out_relu');
    expect(info.featureShape).toEqual([null, 7, 7, 1280]);
    expect(info.totalParams).toBe(410_208);
    const reference = await loadLayersModelFromDir(teachableMachineDir);
    const base = reference.layers[0] as tf.LayersModel;
    expect((base.layers[0] as tf.LayersModel).countParams()).toBe(info.totalParams);
    reference.dispose();
  });

  it('does not leave tensors behind', async () => {
    const model = await resolveModel({ catalogId: 'mobilenet_v1_0.25_224' }, [fixtureModelsDir]);
    await inspectModel(model);
    const before = tf.memory().numTensors;
    await inspectModel(model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a model whose weight file is missing or truncated when it is chosen', async () => {
    // A copy of the Teachable Machine export: model.json, then no weights.bin, then half of it.
    const broken = path.join(emptyDir, 'tm-broken');
    await fs.mkdir(broken);
    await fs.copyFile(
      path.join(teachableMachineDir, 'model.json'),
      path.join(broken, 'model.json'),
    );
    const model = await resolveModel({ path: broken }, []);
    const missing = await inspectModel(model).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ServiceError);
    expect((missing as ServiceError).code).toBe('not-found');
    expect((missing as ServiceError).message).toBe(
      `The weight file weights.bin listed in ${path.join(broken, 'model.json')} is missing or ` +
        'unreadable. Copy the whole model folder again (model.json and every shard).',
    );

    const weights = await fs.readFile(path.join(teachableMachineDir, 'weights.bin'));
    await fs.writeFile(path.join(broken, 'weights.bin'), weights.subarray(0, weights.length / 2));
    const truncated = await inspectModel(model).catch((e: unknown) => e);
    expect((truncated as ServiceError).code).toBe('invalid-request');
    expect((truncated as ServiceError).message).toContain(
      `hold ${weights.length / 2} bytes but model.json describes ${weights.length}`,
    );

    await fs.writeFile(path.join(broken, 'weights.bin'), weights);
    expect((await inspectModel(model)).totalParams).toBe(410_208);
  });

  it('refuses a feature layer the model does not have', async () => {
    const model = await resolveModel({ catalogId: 'mobilenet_v1_0.25_224' }, [fixtureModelsDir]);
    await expect(inspectModel(model, 'no_such_layer')).rejects.toThrow(
      /no layer named "no_such_layer"/,
    );
  });
});
