import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { findNativeDir, loadPipNative } from './pip-native';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const nativeDir = findNativeDir(process.env, repoRoot);
const builtBinding = nativeDir && path.join(nativeDir, 'tfjs-node/lib/napi-v8/tfjs_binding.node');
const built = Boolean(builtBinding && fs.existsSync(builtBinding));
// The suite's native run (TRANSFER_STUDIO_BACKEND=tensorflow) must not skip for want of a build.
const mustRun = process.env.TRANSFER_STUDIO_BACKEND === 'tensorflow';
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pip-native-'));
  tempDirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('findNativeDir', () => {
  it('finds .native in the project root from a folder inside the project', () => {
    expect(findNativeDir({}, path.join(repoRoot, 'main', 'worker', 'backends'))).toBe(
      path.join(path.resolve(repoRoot), '.native'),
    );
  });

  it('prefers TRANSFER_STUDIO_NATIVE_DIR', () => {
    const env = { TRANSFER_STUDIO_NATIVE_DIR: 'some/where' };
    expect(findNativeDir(env, repoRoot)).toBe(path.resolve('some/where'));
  });

  it('finds nothing outside any project', () => {
    expect(findNativeDir({}, tempDir())).toBeUndefined();
  });
});

// Tests that expect a failed load come first: once the real binding is loaded, the process
// already holds libtensorflow, so a broken copy would link against that instead of failing.
describe('loadPipNative', () => {
  it('says "not built" and how to build when there is no build', async () => {
    const result = await loadPipNative({ env: { TRANSFER_STUDIO_NATIVE_DIR: tempDir() } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.detail).toMatch(/^not built/);
    expect(result.fix).toContain('Nothing to do to keep training');
    expect(result.fix).not.toMatch(/scripts\/|npm /);
  });

  it('reports a binding that is not a loadable library without throwing', async () => {
    const dir = tempDir();
    const binding = path.join(dir, 'tfjs-node/lib/napi-v8/tfjs_binding.node');
    fs.mkdirSync(path.dirname(binding), { recursive: true });
    fs.writeFileSync(binding, 'this is not a shared library');
    const result = await loadPipNative({ env: { TRANSFER_STUDIO_NATIVE_DIR: dir } });
    expect(result).toMatchObject({
      ok: false,
      fix: expect.stringContaining('damaged or was moved'),
    });
    if (!result.ok) expect(result.detail).toContain('does not load');
    expect(tf.findBackend('tensorflow')).toBeNull();
  });

  it.skipIf(!built)('names the missing TensorFlow library when the venv is gone', async () => {
    // A real build moved away from its deps/ (the link into the Python venv).
    const dir = tempDir();
    const copy = path.join(dir, 'tfjs-node/lib/napi-v8/tfjs_binding.node');
    fs.mkdirSync(path.dirname(copy), { recursive: true });
    fs.copyFileSync(builtBinding as string, copy);
    const result = await loadPipNative({ env: { TRANSFER_STUDIO_NATIVE_DIR: dir } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.detail).toMatch(/libtensorflow_(cc|framework)\.so\.2/);
    expect(tf.findBackend('tensorflow')).toBeNull();
  });

  it.skipIf(!built && !mustRun)(
    'loads the pip build as the tensorflow backend of the project tfjs',
    async () => {
      const result = await loadPipNative({ startDir: repoRoot });
      expect(result).toMatchObject({ ok: true });
      if (!result.ok) throw new Error(`${result.detail}; ${result.fix}`);
      const info = JSON.parse(
        fs.readFileSync(path.join(result.dir, 'build-info.json'), 'utf8'),
      ) as { tfVersion: string };
      expect(result.tfVersion).toBe(info.tfVersion);
      const [major, minor] = result.tfVersion.split('.');
      expect(result.description).toBe(
        `tensorflow (native${result.usesGpu ? ' GPU' : ''}, TF ${major}.${minor} from pip)`,
      );
      expect(tf.getBackend()).toBe('tensorflow');

      // The ops fine-tuning MobileNet needs, with gradients, agree with the plain-JS backend.
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor4d(
            Array.from({ length: 2 * 8 * 8 * 4 }, (_, i) => Math.sin(i / 3)),
            [2, 8, 8, 4],
          );
          const depthwise = tf.tensor4d(
            Array.from({ length: 3 * 3 * 4 }, (_, i) => Math.cos(i)),
            [3, 3, 4, 1],
          );
          const pointwise = tf.tensor4d(
            Array.from({ length: 4 * 6 }, (_, i) => Math.sin(i + 1)),
            [1, 1, 4, 6],
          );
          const loss = (...[d, p]: tf.Tensor[]) =>
            tf
              .conv2d(
                tf.depthwiseConv2d(x, d as tf.Tensor4D, 2, 'same').relu6() as tf.Tensor4D,
                p as tf.Tensor4D,
                1,
                'valid',
              )
              .mean();
          const grads = tf.grads(loss)([depthwise, pointwise]);
          return grads.map((g) => Array.from(g.dataSync()));
        });
      const native = run();
      await tf.setBackend('cpu');
      const reference = run();
      await tf.setBackend('tensorflow');
      native.flat().forEach((value, i) => expect(value).toBeCloseTo(reference.flat()[i]!, 5));
    },
  );
});
