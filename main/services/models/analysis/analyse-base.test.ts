import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadLayersModelFromDir } from '../load-layers-model';
import { mobilenetV1Dir, teachableMachineDir } from '../test-fixtures';
import { analyseBase, proposeFeatureLayerInTopology } from './analyse-base';
import { analyseGraph } from './analyse-graph';
import { buildLayerGraph, UnsupportedTopologyError } from './layer-graph';
import { rootModel } from '../topology';

const topologyOf = (dir: string) =>
  (
    JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as {
      modelTopology: Record<string, unknown>;
    }
  ).modelTopology;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Per-layer [name, params, output shape] as TF.js builds them. */
function tfjsLayers(model: tf.LayersModel) {
  return model.layers.map((layer) => {
    const shape = layer.outputShape;
    return [layer.name, layer.countParams(), shape] as const;
  });
}

describe('MobileNet v1 0.25 (topology only)', () => {
  const topology = topologyOf(mobilenetV1Dir);

  it('counts every layer of the whole model exactly as TF.js does (475,544 params, ~41 M MACs)', async () => {
    const whole = analyseBase(topology, [], 'reshape_2');
    const reference = await loadLayersModelFromDir(mobilenetV1Dir);
    expect(reference.countParams()).toBe(475_544);
    expect(whole.totalParams).toBe(reference.countParams());
    expect(whole.layers.map((l) => [l.name, l.params, l.outputShape])).toEqual(
      tfjsLayers(reference),
    );
    // The MobileNet paper gives 41 M mult-adds for 0.25 at 224 (classifier included).
    expect(whole.totalMacs).toBe(41_030_272);
    expect(whole.totalMacs / 1e6).toBeCloseTo(41, 0);
    reference.dispose();
  });

  it('cuts the base at conv_pw_13_relu and pairs conv_dw_N with conv_pw_N', () => {
    const base = analyseBase(topology, [], 'conv_pw_13_relu');
    expect(base.featureShape).toEqual([null, 7, 7, 256]);
    expect(base.totalParams).toBe(218_544);
    expect(base.layers).toHaveLength(82);
    expect(base.blocks.map((b) => b.label)).toEqual([
      'Input',
      'conv1',
      ...Array.from({ length: 13 }, (_, i) => `conv_dw_${i + 1} + conv_pw_${i + 1}`),
    ]);
    const block5 = base.blocks.find((b) => b.label === 'conv_dw_5 + conv_pw_5')!;
    expect(block5).toMatchObject({
      kind: 'depthwise-separable',
      residual: false,
      hasBatchNorm: true,
    });
    expect(block5.layers).toEqual([
      'conv_dw_5',
      'conv_dw_5_bn',
      'conv_dw_5_relu',
      'conv_pw_5',
      'conv_pw_5_bn',
      'conv_pw_5_relu',
    ]);
    // conv_dw_5: 3x3 depthwise over 64 channels at 28x28; conv_pw_5: 64 -> 64 at 28x28.
    expect(block5.macs).toBe(28 * 28 * 64 * 9 + 28 * 28 * 64 * 64);
    expect(block5.params).toBe(9 * 64 + 4 * 64 + 64 * 64 + 4 * 64);
    expect(block5.trainableParams).toBe(9 * 64 + 2 * 64 + 64 * 64 + 2 * 64);
    // Blocks partition the layers in order, and their sums are the totals.
    expect(base.blocks.flatMap((b) => b.layers)).toEqual(base.layers.map((l) => l.name));
    expect(base.blocks.reduce((s, b) => s + b.params, 0)).toBe(base.totalParams);
    expect(base.blocks.reduce((s, b) => s + b.macs, 0)).toBe(base.totalMacs);
    expect(base.layers.every((l) => l.blockId && base.blocks.some((b) => b.id === l.blockId))).toBe(
      true,
    );
    const bn = base.layers.find((l) => l.name === 'conv_pw_13_bn')!;
    expect(bn).toMatchObject({ isBatchNorm: true, params: 1024, trainableParams: 512, macs: 0 });
  });

  it('proposes the last spatial layer before the classifier', () => {
    expect(proposeFeatureLayerInTopology(topology)).toEqual({
      nestedBase: [],
      featureLayer: 'conv_pw_13_relu',
    });
  });
});

describe('MobileNetV2 0.35 nested in a Teachable Machine export', () => {
  const topology = topologyOf(teachableMachineDir);

  it('matches TF.js layer by layer and in total (410,208 params, ~58 M MACs)', async () => {
    const base = analyseBase(topology, [0, 0], 'out_relu');
    const reference = await loadLayersModelFromDir(teachableMachineDir);
    const inner = (reference.layers[0] as tf.LayersModel).layers[0] as tf.LayersModel;
    expect(base.totalParams).toBe(inner.countParams());
    expect(base.totalParams).toBe(410_208);
    expect(base.layers.map((l) => [l.name, l.params, l.outputShape])).toEqual(tfjsLayers(inner));
    // The paper's 59 M for 0.35 at 224 includes the 1280x1000 classifier (1.28 M).
    expect(base.totalMacs).toBe(58_005_808);
    expect((base.totalMacs + 1280 * 1000) / 1e6).toBeCloseTo(59, 0);
    // The whole export, head included, as TF.js counts it.
    const whole = analyseGraph(buildLayerGraph(rootModel(topology)));
    expect(whole.layers.reduce((s, l) => s + l.params, 0)).toBe(reference.countParams());
    expect(reference.countParams()).toBe(538_808);
    reference.dispose();
  });

  it('makes each inverted residual one block that includes its add', () => {
    const base = analyseBase(topology, [0, 0], 'out_relu');
    expect(base.blocks.map((b) => b.label)).toEqual([
      'Input',
      'Conv1',
      'expanded_conv',
      ...Array.from({ length: 16 }, (_, i) => `block_${i + 1}`),
      'Conv_1',
    ]);
    const residual = base.blocks.filter((b) => b.residual).map((b) => b.label);
    expect(residual).toEqual([2, 4, 5, 7, 8, 9, 11, 12, 14, 15].map((n) => `block_${n}`));
    const block2 = base.blocks.find((b) => b.label === 'block_2')!;
    expect(block2.kind).toBe('inverted-residual');
    expect(block2.layers[0]).toBe('block_2_expand');
    expect(block2.layers.at(-1)).toBe('block_2_add');
    expect(base.blocks.find((b) => b.label === 'block_1')!.kind).toBe('inverted-bottleneck');
    expect(base.blocks.at(-1)!.layers).toEqual(['Conv_1', 'Conv_1_bn', 'out_relu']);
    expect(base.blocks.flatMap((b) => b.layers)).toEqual(base.layers.map((l) => l.name));
  });

  it('proposes out_relu inside the nested base', () => {
    expect(proposeFeatureLayerInTopology(topology)).toEqual({
      nestedBase: [0, 0],
      featureLayer: 'out_relu',
    });
  });
});

describe('other layer types and residual networks', () => {
  /** A small ResNet-style model exercising every layer rule, built and serialised by TF.js. */
  function residualNet(): tf.LayersModel {
    const input = tf.input({ shape: [32, 32, 3], name: 'img' });
    const pad = tf.layers
      .zeroPadding2d({
        padding: [
          [1, 2],
          [0, 1],
        ],
        name: 'stem_pad',
      })
      .apply(input);
    const stem = tf.layers
      .conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'valid', name: 'stem_conv' })
      .apply(pad) as tf.SymbolicTensor;
    const stemBn = tf.layers.batchNormalization({ name: 'stem_bn' }).apply(stem);
    const stemAct = tf.layers.activation({ activation: 'relu', name: 'stem_relu' }).apply(stemBn);
    const a = tf.layers
      .separableConv2d({ filters: 8, kernelSize: 3, padding: 'same', name: 'res1_a' })
      .apply(stemAct);
    const b = tf.layers
      .depthwiseConv2d({ kernelSize: 3, padding: 'same', depthMultiplier: 1, name: 'res1_b' })
      .apply(a);
    const added = tf.layers.add({ name: 'res1_merge' }).apply([stemAct, b] as tf.SymbolicTensor[]);
    const pool = tf.layers
      .maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'pool' })
      .apply(added);
    const avg = tf.layers.averagePooling2d({ poolSize: 2, name: 'avg' }).apply(pool);
    const up = tf.layers.upSampling2d({ size: [2, 2], name: 'up' }).apply(avg);
    const cat = tf.layers.concatenate({ name: 'cat' }).apply([up, up] as tf.SymbolicTensor[]);
    const prelu = tf.layers.prelu({ sharedAxes: [1, 2], name: 'prelu' }).apply(cat);
    const gap = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(prelu);
    const dense = tf.layers.dense({ units: 5, name: 'fc' }).apply(gap);
    const drop = tf.layers.dropout({ rate: 0.2, name: 'drop' }).apply(dense);
    const flat = tf.layers.reshape({ targetShape: [5, 1], name: 'shape' }).apply(drop);
    const out = tf.layers.flatten({ name: 'flat' }).apply(flat) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out, name: 'tiny_resnet' });
  }

  it('gives the shapes and parameter counts TF.js gives, for every layer rule', () => {
    const model = residualNet();
    const topology = model.toJSON(undefined, false) as Record<string, unknown>;
    const analysis = analyseBase(topology, [], 'flat');
    expect(analysis.layers.map((l) => [l.name, l.params, l.outputShape])).toEqual(
      tfjsLayers(model),
    );
    expect(analysis.totalParams).toBe(model.countParams());
    const macs = Object.fromEntries(analysis.layers.map((l) => [l.name, l.macs]));
    // (32+1+2) x (32+0+1) padded, 3x3 valid at stride 2 -> 17 x 16 positions.
    expect(analysis.layers.find((l) => l.name === 'stem_conv')!.outputShape).toEqual([
      null,
      17,
      16,
      8,
    ]);
    expect(macs.stem_conv).toBe(17 * 16 * 3 * 3 * 3 * 8);
    expect(macs.res1_a).toBe(17 * 16 * (9 * 8 + 8 * 8));
    expect(macs.fc).toBe(16 * 5);
    expect(macs.stem_bn).toBe(0);
    model.dispose();
  });

  it('keeps a residual unit (fork to merge) in one block', () => {
    const model = residualNet();
    const analysis = analyseBase(
      model.toJSON(undefined, false) as Record<string, unknown>,
      [],
      'gap',
    );
    const block = analysis.blocks.find((b) => b.layers.includes('res1_merge'))!;
    // The unit itself, then the weightless pooling steps that follow it.
    expect(block.layers).toEqual(['res1_a', 'res1_b', 'res1_merge', 'pool', 'avg', 'up', 'cat']);
    expect(block.residual).toBe(true);
    expect(block.kind).toBe('inverted-residual');
    expect(analysis.blocks.find((b) => b.layers.includes('stem_conv'))!.layers).toEqual([
      'stem_pad',
      'stem_conv',
      'stem_bn',
      'stem_relu',
    ]);
    model.dispose();
  });

  it('refuses, rather than guesses, a layer class it does not know', () => {
    const input = tf.input({ shape: [8, 8, 3], name: 'x' });
    const out = tf.layers
      .conv2dTranspose({ filters: 2, kernelSize: 3, name: 'up_conv' })
      .apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    expect(() =>
      analyseBase(model.toJSON(undefined, false) as Record<string, unknown>, [], 'up_conv'),
    ).toThrow(UnsupportedTopologyError);
    model.dispose();
  });
});
