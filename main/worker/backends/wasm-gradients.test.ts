import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm } from './js-loaders';
import { conv2dFilterGradientLoops } from './wasm-gradient-loops';
import { RELU6_BACKPROP, registerWasmGradientKernels } from './wasm-gradients';
import { geometry, type Shape4 } from './wasm-kernel-support';

interface Case {
  name: string;
  x: [number, number, number, number];
  conv: { kernel: number; out: number; stride: 1 | 2; pad: 'same' | 'valid' };
  depthwise: { kernel: number; multiplier: number; stride: 1 | 2; pad: 'same' | 'valid' };
}

// Each case runs conv → relu6 → depthwise, so both kernels see stride 1 and 2, 'same' and
// 'valid', odd and even sizes, channel multiplier 1 and more.
const cases: Case[] = [
  {
    name: '3x3/2 same conv (patches), 3x3/1 same depthwise',
    x: [2, 9, 9, 3],
    conv: { kernel: 3, out: 4, stride: 2, pad: 'same' },
    depthwise: { kernel: 3, multiplier: 1, stride: 1, pad: 'same' },
  },
  {
    name: '1x1 conv, 3x3/2 same depthwise x2',
    x: [2, 8, 7, 5],
    conv: { kernel: 1, out: 6, stride: 1, pad: 'valid' },
    depthwise: { kernel: 3, multiplier: 2, stride: 2, pad: 'same' },
  },
  {
    name: '3x3/1 valid conv, 3x3/2 valid depthwise',
    x: [3, 11, 10, 2],
    conv: { kernel: 3, out: 3, stride: 1, pad: 'valid' },
    depthwise: { kernel: 3, multiplier: 1, stride: 2, pad: 'valid' },
  },
  {
    name: '3x3/2 valid conv, 3x3/2 same depthwise on even sizes (MobileNet downsampling)',
    x: [2, 17, 17, 3],
    conv: { kernel: 3, out: 8, stride: 2, pad: 'valid' },
    depthwise: { kernel: 3, multiplier: 1, stride: 2, pad: 'same' },
  },
  {
    name: '1x1 conv, 3x3/1 valid depthwise x3',
    x: [2, 6, 9, 4],
    conv: { kernel: 1, out: 3, stride: 1, pad: 'same' },
    depthwise: { kernel: 3, multiplier: 3, stride: 1, pad: 'valid' },
  },
  {
    name: '5x5/1 same conv, 1x1/2 same depthwise on odd sizes (output gradient cut)',
    x: [2, 9, 7, 2],
    conv: { kernel: 5, out: 4, stride: 1, pad: 'same' },
    depthwise: { kernel: 1, multiplier: 1, stride: 2, pad: 'same' },
  },
];

/** Gradients of conv → relu6 → depthwise → Σ² with respect to the input and both filters. */
function gradients(c: Case, seed: number): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.randomNormal(c.x, 0, 1, 'float32', seed) as tf.Tensor4D;
    const w = tf.randomNormal(
      [c.conv.kernel, c.conv.kernel, c.x[3], c.conv.out],
      0,
      1,
      'float32',
      seed + 1,
    ) as tf.Tensor4D;
    const d = tf.randomNormal(
      [c.depthwise.kernel, c.depthwise.kernel, c.conv.out, c.depthwise.multiplier],
      0,
      1,
      'float32',
      seed + 2,
    ) as tf.Tensor4D;
    const f = (input: tf.Tensor4D, filter: tf.Tensor4D, dw: tf.Tensor4D) =>
      tf
        .depthwiseConv2d(
          tf.conv2d(input, filter, c.conv.stride, c.conv.pad).relu6() as tf.Tensor4D,
          dw,
          c.depthwise.stride,
          c.depthwise.pad,
        )
        .square()
        .sum();
    return tf
      .grads(f as (...args: tf.Tensor[]) => tf.Tensor)([x, w, d])
      .map((g) => g.dataSync() as Float32Array);
  });
}

/** Largest difference relative to the largest expected value (at least 1). */
function relativeError(expected: ArrayLike<number>, actual: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let scale = 1;
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(expected[i]! - actual[i]!));
  }
  return worst / scale;
}

/** Sums over leading axes (wasm's replaced Sum) and over others (wasm's own). */
function sums(): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.randomNormal([3, 5, 4, 6], 0, 1, 'float32', 7);
    return [
      x.sum([0, 1, 2]),
      x.sum(0),
      x.sum([1, 0]),
      x.sum([0, 1, 2], true),
      x.sum([1, 2]),
      x.sum(),
      x.toInt().sum([0, 1]).toFloat(),
    ].map((s) => s.dataSync() as Float32Array);
  });
}

/** x spread over (−3, 9), so both clips of ReLU6 are hit, and an output gradient r. */
const relu6Inputs = () => [
  tf.randomUniform([4, 5, 6, 7], -3, 9, 'float32', 5),
  tf.randomNormal([4, 5, 6, 7], 0, 1, 'float32', 6),
];

/** A regular convolution's input and output gradient (for the loop fallback). */
const convInputs = () => [
  tf.randomNormal([2, 7, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D,
  tf.randomNormal([2, 4, 4, 5], 0, 1, 'float32', 2) as tf.Tensor4D,
];
const convFilterShape: Shape4 = [3, 3, 3, 5];

describe('wasm gradient kernels', () => {
  let onCpu: Float32Array[][];
  let sumsOnCpu: Float32Array[];
  let relu6OnCpu: Float32Array;
  let convOnCpu: Float32Array;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    onCpu = cases.map((c, index) => gradients(c, 11 * index + 3));
    sumsOnCpu = sums();
    relu6OnCpu = tf
      .tidy(() => {
        const [x, r] = relu6Inputs() as [tf.Tensor, tf.Tensor];
        // TF.js Layers' relu6 activation, composed as it is there.
        return tf.grad((v: tf.Tensor) => tf.minimum(6, tf.relu(v)).mul(r).sum())(x);
      })
      .dataSync() as Float32Array;
    convOnCpu = tf
      .tidy(() => {
        const [x, dy] = convInputs() as [tf.Tensor4D, tf.Tensor4D];
        const w = tf.zeros(convFilterShape) as tf.Tensor4D;
        return tf.grad((v: tf.Tensor) =>
          tf
            .conv2d(x, v as tf.Tensor4D, 2, 'same')
            .mul(dy)
            .sum(),
        )(w);
      })
      .dataSync() as Float32Array;
    const result = await loadWasm();
    expect(result.ok).toBe(true);
  });

  it('are missing from tfjs-backend-wasm itself, and registered once', () => {
    expect(tf.getBackend()).toBe('wasm');
    for (const name of [
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      RELU6_BACKPROP,
    ]) {
      expect(tf.getKernel(name, 'wasm')).toBeDefined();
    }
    expect(registerWasmGradientKernels()).toEqual([]);
  });

  it.each(cases.map((c, index) => [c.name, index] as const))(
    'match the CPU backend: %s',
    (_name, index) => {
      const before = tf.memory().numTensors;
      const onWasm = gradients(cases[index]!, 11 * index + 3);
      expect(tf.memory().numTensors).toBe(before);
      onCpu[index]!.forEach((expected, which) => {
        expect(relativeError(expected, onWasm[which]!)).toBeLessThan(1e-4);
      });
    },
  );

  it('sum over leading axes like the CPU backend, and hand other sums to wasm', () => {
    const before = tf.memory().numTensors;
    const onWasm = sums();
    expect(tf.memory().numTensors).toBe(before);
    sumsOnCpu.forEach((expected, index) => {
      expect(relativeError(expected, onWasm[index]!)).toBeLessThan(1e-5);
    });
  });

  it('take the ReLU6 gradient in one pass: dy where 0 < y < 6', () => {
    const onWasm = tf
      .tidy(() => {
        const [x, dy] = relu6Inputs() as [tf.Tensor, tf.Tensor];
        return tf.engine().runKernel(RELU6_BACKPROP, { dy, y: tf.relu6(x) }) as tf.Tensor;
      })
      .dataSync() as Float32Array;
    expect(relativeError(relu6OnCpu, onWasm)).toBe(0);
    // Both clipped sides occur, so the mask really cut something.
    expect(onWasm.filter((v) => v === 0).length).toBeGreaterThan(onWasm.length / 10);
  });

  it('loop over the data for a regular convolution too large to unfold into patches', () => {
    const [x, dy] = convInputs() as [tf.Tensor4D, tf.Tensor4D];
    const info = geometry(x.shape, convFilterShape, { strides: 2, pad: 'same' }, false);
    const dW = new Float32Array(convOnCpu.length);
    conv2dFilterGradientLoops(
      dW,
      x.dataSync() as Float32Array,
      dy.dataSync() as Float32Array,
      info,
    );
    tf.dispose([x, dy]);
    expect(relativeError(convOnCpu, dW)).toBeLessThan(1e-5);
  });
});
