/** Splitting the real fixture bases at the frozen part, per freeze plan. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBaseModel } from '../../services/models/load-layers-model';
import { mobilenetV1Dir, teachableMachineDir } from '../../services/models/test-fixtures';
import { selectBackend } from '../backends/backend-chain';
import { InferenceGraph } from './inference-graph';
import { applyFreezePlan } from './model-parts';
import { splitAtFrozenPart } from './split-model';

beforeAll(async () => {
  await selectBackend('wasm');
});

async function maxDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const diff = tf.max(tf.abs(tf.sub(a, b)));
  const value = (await diff.data())[0]!;
  diff.dispose();
  return value;
}

describe('splitAtFrozenPart', () => {
  it('keeps the whole base frozen when nothing trains', async () => {
    const loaded = await loadBaseModel(mobilenetV1Dir, {
      nestedBase: [],
      featureLayer: 'conv_pw_13_relu',
    });
    const split = splitAtFrozenPart(loaded.cut, new Set());
    expect(split.trainable).toBeUndefined();
    expect(split.boundaryShapes).toEqual([[7, 7, 256]]);
    expect(split.boundaryIsInput).toBe(false);
    loaded.model.dispose();
  });

  it('cuts MobileNet v1 below the last block; frozen then trainable equals the cut, weights shared', async () => {
    const loaded = await loadBaseModel(mobilenetV1Dir, {
      nestedBase: [],
      featureLayer: 'conv_pw_13_relu',
    });
    const plan = applyFreezePlan(loaded.cut, {
      mode: 'custom',
      trainableLayers: ['conv_dw_13', 'conv_dw_13_bn', 'conv_pw_13', 'conv_pw_13_bn'],
    });
    const split = splitAtFrozenPart(loaded.cut, new Set(plan.trainable));
    expect(split.frozen.outputs.map((o) => o.sourceLayer.name)).toEqual(['conv_pw_12_relu']);
    expect(split.trainable!.trainableWeights.map((w) => w.originalName).sort()).toEqual(
      [
        'conv_dw_13/depthwise_kernel',
        'conv_dw_13_bn/beta',
        'conv_dw_13_bn/gamma',
        'conv_pw_13/kernel',
        'conv_pw_13_bn/beta',
        'conv_pw_13_bn/gamma',
      ].sort(),
    );
    const x = tf.randomUniform([2, 224, 224, 3], -1, 1, 'float32', 7);
    const graph = InferenceGraph.fromModel(split.frozen);
    const boundary = graph.predictAll(x);
    const viaSplit = split.trainable!.predict(boundary) as tf.Tensor;
    const direct = loaded.cut.predict(x) as tf.Tensor;
    // The boundary comes from the folded graph: equal to float32 rounding (see its own test).
    expect(await maxDiff(viaSplit, direct)).toBeLessThan(1e-3);
    // The trainable part uses the cut's own layers: a weight changed there shows in both.
    const layer = loaded.cut.getLayer('conv_pw_13');
    layer.setWeights(layer.getWeights().map((w) => w.mul(0.5)));
    const changed = split.trainable!.predict(boundary) as tf.Tensor;
    const changedDirect = loaded.cut.predict(x) as tf.Tensor;
    expect(await maxDiff(changed, changedDirect)).toBeLessThan(1e-3);
    expect(await maxDiff(changed, viaSplit)).toBeGreaterThan(1e-2);
    tf.dispose([x, ...boundary, viaSplit, direct, changed, changedDirect]);
    graph.dispose();
    loaded.model.dispose();
  });

  it('cuts the nested MobileNetV2 at the residual add below its last block', async () => {
    const loaded = await loadBaseModel(teachableMachineDir, {
      nestedBase: [0, 0],
      featureLayer: 'out_relu',
    });
    const plan = applyFreezePlan(loaded.cut, {
      mode: 'custom',
      trainableLayers: ['block_16_expand', 'block_16_project', 'Conv_1', 'Conv_1_bn'],
    });
    const split = splitAtFrozenPart(loaded.cut, new Set(plan.trainable));
    expect(split.frozen.outputs.map((o) => o.sourceLayer.name)).toEqual(['block_15_add']);
    expect(split.boundaryShapes).toEqual([[7, 7, 56]]);
    loaded.model.dispose();
  });

  it('has the image itself as the boundary when the first layer trains', async () => {
    const loaded = await loadBaseModel(mobilenetV1Dir, {
      nestedBase: [],
      featureLayer: 'conv_pw_13_relu',
    });
    const plan = applyFreezePlan(loaded.cut, { mode: 'custom', trainableLayers: ['conv1'] });
    const split = splitAtFrozenPart(loaded.cut, new Set(plan.trainable));
    expect(split.boundaryIsInput).toBe(true);
    expect(split.boundaryShapes).toEqual([[224, 224, 3]]);
    loaded.model.dispose();
  });
});
