/**
 * Loaders for the native TensorFlow backends published on npm. Both are optional dependencies:
 * their install step downloads a prebuilt libtensorflow, which fails offline, so they are often
 * absent, and the report says why and what a user of the installed app can do.
 */
import * as tf from '@tensorflow/tfjs';
import { NATIVE_CPU_ADVICE, NATIVE_GPU_ADVICE } from './backend-advice';
import { firstLine, isMissingPackage, nodeRequire, type LoadResult } from './backend-loader';

const TFJS_NODE = '@tensorflow/tfjs-node';
const TFJS_NODE_GPU = '@tensorflow/tfjs-node-gpu';

async function loadNativePackage(packageName: string, fix: string): Promise<LoadResult> {
  try {
    nodeRequire(packageName);
  } catch (error) {
    if (isMissingPackage(error, packageName)) {
      return {
        ok: false,
        detail:
          `not installed: ${packageName} is an optional dependency whose install step downloads ` +
          'libtensorflow 2.9.1 from storage.googleapis.com, which failed or was skipped here',
        fix,
      };
    }
    return { ok: false, detail: `installed but failed to load: ${firstLine(error)}`, fix };
  }
  if (!(await tf.setBackend('tensorflow'))) {
    return { ok: false, detail: `${packageName} loaded but its backend did not initialise`, fix };
  }
  const version = (tf.version as Record<string, string | undefined>)['tfjs-node'] ?? 'unknown';
  return { ok: true, description: `${packageName} ${version} (native libtensorflow)` };
}

/** @tensorflow/tfjs-node-gpu: CUDA build of libtensorflow 2.9.1. */
export async function loadTfjsNodeGpu(): Promise<LoadResult> {
  // Without this TensorFlow reserves all GPU memory up front, starving everything else.
  process.env.TF_FORCE_GPU_ALLOW_GROWTH = 'true';
  const result = await loadNativePackage(TFJS_NODE_GPU, NATIVE_GPU_ADVICE);
  return result.ok ? { ok: true, description: `${result.description}, CUDA` } : result;
}

/** @tensorflow/tfjs-node: CPU build of libtensorflow 2.9.1. */
export async function loadTfjsNode(): Promise<LoadResult> {
  return loadNativePackage(TFJS_NODE, NATIVE_CPU_ADVICE);
}
