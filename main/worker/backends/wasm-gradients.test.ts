import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWasm } from './js-loaders';
import { registerWasmGradientKernels } from './wasm-gradients';

interface Case {
  name: string;
  x: [number, number, number, number];
  conv: { kernel: number; out: number; stride: 1 | 2; pad: 'same' | 'valid' };
  depthwise: { kernel: number; multiplier: number; stride: 1 | 2; pad: 'same' | 'valid' };
}

const cases: Case[] = [
  {
    name: '3x3/2 same conv, 3x3/1 same depthwise',
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

describe('wasm gradient kernels', () => {
  let onCpu: Float32Array[][];
  beforeAll(async () => {
    await tf.setBackend('cpu');
    onCpu = cases.map((c, index) => gradients(c, 11 * index + 3));
    const result = await loadWasm();
    expect(result.ok).toBe(true);
  });

  it('are missing from tfjs-backend-wasm itself, and registered once', () => {
    expect(tf.getBackend()).toBe('wasm');
    for (const name of [
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
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
        const actual = onWasm[which]!;
        expect(actual.length).toBe(expected.length);
        const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 1);
        const worst = expected.reduce((m, v, i) => Math.max(m, Math.abs(v - actual[i]!)), 0);
        expect(worst / scale).toBeLessThan(1e-4);
      });
    },
  );
});
