import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfjsPredictor, verifyAgainstReference } from '../export-verification';
import { convertLayersModelToOnnx } from './convert-to-onnx';
import { createOnnxPredictor } from './onnx-runtime';
import { UnsupportedLayerError, UnsupportedModelError } from './unsupported-layer-error';

const PREPROCESSING = { scale: 1 / 127.5, offset: -1 };

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** Gives every BatchNormalization non-trivial statistics so folding it actually matters. */
function randomizeBatchNorms(model: tf.LayersModel, seed: number): void {
  const layers: tf.layers.Layer[] = [];
  const collect = (container: tf.LayersModel): void => {
    for (const layer of container.layers) {
      if (layer instanceof tf.LayersModel) collect(layer);
      else if (layer.getClassName() === 'BatchNormalization') layers.push(layer);
    }
  };
  collect(model);
  layers.forEach((layer, index) => {
    const n = layer.getWeights()[0]!.shape[0]!;
    const s = seed + index * 10;
    layer.setWeights([
      tf.randomUniform([n], 0.5, 1.5, 'float32', s),
      tf.randomUniform([n], -0.5, 0.5, 'float32', s + 1),
      tf.randomUniform([n], -0.5, 0.5, 'float32', s + 2),
      tf.randomUniform([n], 0.5, 2, 'float32', s + 3),
    ]);
  });
}

/**
 * Exercises every supported layer and the awkward settings: odd input sizes with asymmetric
 * 'same' padding, a ZeroPadding2D read by two convolutions (so it stays a Pad), a depth
 * multiplier of 2, dilation, a BatchNormalization that cannot be folded (after Add, and on a
 * 2D tensor), Dense on a 3D tensor, and a head that is a nested model called on new inputs.
 */
function everyLayerModel(): tf.LayersModel {
  const input = tf.input({ shape: [13, 11, 3] });
  const padded = tf.layers
    .zeroPadding2d({
      padding: [
        [1, 0],
        [2, 1],
      ],
    })
    .apply(input) as tf.SymbolicTensor;
  const conv = tf.layers
    .conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu' })
    .apply(padded) as tf.SymbolicTensor;
  const depthwise = tf.layers
    .depthwiseConv2d({
      kernelSize: 3,
      depthMultiplier: 2,
      strides: 2,
      padding: 'valid',
      useBias: false,
    })
    .apply(padded) as tf.SymbolicTensor;
  const folded = tf.layers.batchNormalization().apply(depthwise) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([conv, folded]) as tf.SymbolicTensor;
  const kept = tf.layers.batchNormalization().apply(sum) as tf.SymbolicTensor;
  const capped = tf.layers.reLU({ maxValue: 3 }).apply(kept) as tf.SymbolicTensor;
  const strided = tf.layers
    .conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu6' })
    .apply(capped) as tf.SymbolicTensor;
  const dilated = tf.layers
    .conv2d({ filters: 8, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh' })
    .apply(strided) as tf.SymbolicTensor;

  const headInput = tf.input({ shape: [3, 3, 8] });
  const pooled = tf.layers.globalMaxPooling2d({}).apply(headInput) as tf.SymbolicTensor;
  const averaged = tf.layers.globalAveragePooling2d({}).apply(headInput) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(headInput) as tf.SymbolicTensor;
  const dense = tf.layers
    .dense({ units: 8, activation: 'sigmoid' })
    .apply(flat) as tf.SymbolicTensor;
  const joined = tf.layers.add().apply([pooled, averaged, dense]) as tf.SymbolicTensor;
  const normed = tf.layers.batchNormalization().apply(joined) as tf.SymbolicTensor;
  const grid = tf.layers.reshape({ targetShape: [2, 4] }).apply(normed) as tf.SymbolicTensor;
  const perRow = tf.layers.dense({ units: 5 }).apply(grid) as tf.SymbolicTensor;
  const rows = tf.layers.flatten().apply(perRow) as tf.SymbolicTensor;
  const classifier = tf.sequential({
    layers: [
      tf.layers.dropout({ inputShape: [10], rate: 0.3 }),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.dense({ units: 3 }),
      tf.layers.softmax(),
    ],
  });
  const out = classifier.apply(rows) as tf.SymbolicTensor;
  const head = tf.model({ inputs: headInput, outputs: out, name: 'head' });
  const model = tf.model({ inputs: input, outputs: head.apply(dilated) as tf.SymbolicTensor });
  randomizeBatchNorms(model, 7);
  return model;
}

describe('convertLayersModelToOnnx on hand-made models', () => {
  it('translates every supported layer and matches TF.js on random images', async () => {
    const model = everyLayerModel();
    const conversion = convertLayersModelToOnnx(model, {
      labels: ['a', 'b', 'c'],
      preprocessing: PREPROCESSING,
    });
    expect(conversion.inputShape).toEqual(['batch', 13, 11, 3]);
    // The shared ZeroPadding2D stays a Pad; the BN after a conv folds, the other two cannot.
    expect(conversion.opCounts).toMatchObject({ Pad: 1, BatchNormalization: 2, Conv: 4, Clip: 2 });
    expect(conversion.opCounts).toMatchObject({
      GlobalMaxPool: 1,
      GlobalAveragePool: 1,
      MatMul: 1,
      Gemm: 2,
    });

    const onnx = await createOnnxPredictor(conversion.bytes, [13, 11, 3]);
    const images = tf
      .randomUniform([6, 13, 11, 3], -1, 1, 'float32', 42)
      .dataSync() as Float32Array;
    const report = await verifyAgainstReference({
      reference: tfjsPredictor(model),
      candidate: onnx.predict,
      batches: [{ images, count: 6 }],
    });
    await onnx.release();
    expect(report.samples).toBe(6);
    expect(report.classes).toBe(3);
    expect(report.maxProbDiff).toBeLessThan(1e-5);
    expect(report.predictionsChanged).toBe(0);
  });

  it('refuses a model with an LSTM and names the layer', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, name: 'features' }),
        tf.layers.reshape({ targetShape: [36, 4] }),
        tf.layers.lstm({ units: 5, name: 'my_lstm' }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const attempt = () =>
      convertLayersModelToOnnx(model, { labels: ['x', 'y'], preprocessing: PREPROCESSING });
    expect(attempt).toThrow(UnsupportedLayerError);
    expect(attempt).toThrow(/layer "my_lstm" \(LSTM\)/);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ layerName: 'my_lstm', className: 'LSTM' });
    }
  });

  it('names an unsupported layer even inside a nested model', () => {
    const inner = tf.sequential({
      name: 'inner_base',
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3 }),
        tf.layers.maxPooling2d({ poolSize: 2, name: 'pool_in_base' }),
      ],
    });
    const model = tf.sequential({
      layers: [inner, tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })],
    });
    expect(() =>
      convertLayersModelToOnnx(model, { labels: ['x', 'y'], preprocessing: PREPROCESSING }),
    ).toThrow(/layer "pool_in_base" \(MaxPooling2D\)/);
  });

  it('refuses an activation it cannot express, naming it', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [8, 8, 3],
          filters: 4,
          kernelSize: 3,
          activation: 'elu',
          name: 'elu_conv',
        }),
        tf.layers.globalAveragePooling2d({}),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    expect(() =>
      convertLayersModelToOnnx(model, { labels: ['x', 'y'], preprocessing: PREPROCESSING }),
    ).toThrow(/layer "elu_conv" \(Conv2D\): activation "elu" is not supported/);
  });

  it('refuses labels that do not match the outputs, and inputs without a fixed size', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.globalAveragePooling2d({ inputShape: [4, 4, 3] }),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    expect(() =>
      convertLayersModelToOnnx(model, { labels: ['only one'], preprocessing: PREPROCESSING }),
    ).toThrow(/output is \[batch, 2\] but 1 labels were given/);
    const anySize = tf.sequential({
      layers: [
        tf.layers.globalAveragePooling2d({
          inputShape: [null, null, 3],
        } as { inputShape: number[] }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    expect(() =>
      convertLayersModelToOnnx(anySize, { labels: ['x', 'y'], preprocessing: PREPROCESSING }),
    ).toThrow(UnsupportedModelError);
  });
});
