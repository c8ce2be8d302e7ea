import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, resolveBackendChoice, selectBackend } from './backend-chain';
import { nodeRequire } from './backend-loader';

// This machine cannot install @tensorflow/tfjs-node (its install step downloads libtensorflow),
// so the chain runs for real with the native packages absent. Skip if they ever appear.
const nativeInstalled = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'].some((name) => {
  try {
    nodeRequire.resolve(name);
    return true;
  } catch {
    return false;
  }
});

describe.skipIf(nativeInstalled)('backend chain without native TensorFlow', () => {
  // Point the pip-built binding's lookup at a folder without a build, as on a fresh machine.
  const saved = process.env.TRANSFER_STUDIO_NATIVE_DIR;
  beforeAll(() => {
    process.env.TRANSFER_STUDIO_NATIVE_DIR = path.join(os.tmpdir(), 'ts-no-native-build');
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TRANSFER_STUDIO_NATIVE_DIR;
    else process.env.TRANSFER_STUDIO_NATIVE_DIR = saved;
  });

  it('reports why each native backend failed, with a fix, and picks wasm', async () => {
    const report = await selectBackend('auto');
    expect(report.chosen).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(report.description).toMatch(/^wasm \((SIMD|no SIMD), 1 thread/);
    expect(report.tfjsVersion).toBe(tf.version.tfjs);
    const failed = report.attempts.filter((attempt) => !attempt.ok);
    expect(failed.map((attempt) => attempt.name)).toEqual([
      'tensorflow-gpu',
      'tensorflow',
      'tensorflow',
    ]);
    expect(failed[0]!.detail).toMatch(/not installed: @tensorflow\/tfjs-node-gpu/);
    expect(failed[0]!.fix).toMatch(/NVIDIA graphics card with its CUDA drivers/);
    expect(failed[1]!.detail).toMatch(
      /not installed: @tensorflow\/tfjs-node .*libtensorflow 2\.9\.1/,
    );
    expect(failed[1]!.fix).toMatch(/^Nothing to do to keep training/);
    // The pip-built binding.
    expect(failed[2]!.detail).toMatch(/not built/);
    // What a user of the installed app can do; the developer commands are in the README.
    for (const attempt of failed) {
      expect(attempt.fix).toMatch(/README’s Troubleshooting section/);
      expect(attempt.fix).not.toMatch(/npm |scripts\/|build-native-tf|TRANSFER_STUDIO_/);
    }
    expect(report.attempts.at(-1)).toMatchObject({ name: 'wasm', ok: true });
    expect(process.env.TF_FORCE_GPU_ALLOW_GROWTH).toBe('true');
  });

  it('uses plain JS when cpu is forced, and computes on it', async () => {
    const report = await selectBackend('cpu');
    expect(report).toMatchObject({ chosen: 'cpu', attempts: [{ name: 'cpu', ok: true }] });
    expect(tf.getBackend()).toBe('cpu');
    const product = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]));
    expect(Array.from(await product.data())).toEqual([11]);
    product.dispose();
  });

  it('refuses a forced native backend that cannot load, saying what to do', async () => {
    const error = await selectBackend('tensorflow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect((error as Error).message).toMatch(/tensorflow backend was requested but did not load/);
    expect((error as Error).message).toMatch(/Choose "auto"/);
    expect((error as BackendUnavailableError).attempts.every((a) => !a.ok)).toBe(true);
  });
});

describe('backend choice', () => {
  it('takes the job choice first, then TRANSFER_STUDIO_BACKEND, and warns about bad values', () => {
    expect(resolveBackendChoice('cpu', { TRANSFER_STUDIO_BACKEND: 'wasm' })).toEqual({
      choice: 'cpu',
    });
    expect(resolveBackendChoice('auto', { TRANSFER_STUDIO_BACKEND: 'wasm' })).toEqual({
      choice: 'wasm',
    });
    expect(resolveBackendChoice('auto', {})).toEqual({ choice: 'auto' });
    const bad = resolveBackendChoice('auto', { TRANSFER_STUDIO_BACKEND: 'gpu please' });
    expect(bad.choice).toBe('auto');
    expect(bad.warning).toMatch(/not one of auto, tensorflow-gpu, tensorflow, wasm, cpu/);
  });
});
