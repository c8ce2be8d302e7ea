/** Loaders for the backends that ship with the studio: WebAssembly and plain JavaScript. */
import * as tf from '@tensorflow/tfjs';
import { firstLine, nodeRequire, type LoadResult } from './backend-loader';
import { registerWasmGradientKernels } from './wasm-gradients';
import { checkWasmMalloc } from './wasm-memory';

export async function loadWasm(): Promise<LoadResult> {
  const fix =
    'reinstall the studio (npm install restores @tensorflow/tfjs-backend-wasm and its .wasm files)';
  let wasm: { getThreadsCount?: () => number; version_wasm?: string };
  try {
    wasm = nodeRequire('@tensorflow/tfjs-backend-wasm') as typeof wasm;
  } catch (error) {
    return {
      ok: false,
      detail: `@tensorflow/tfjs-backend-wasm failed to load: ${firstLine(error)}`,
      fix,
    };
  }
  let ready: boolean;
  try {
    ready = await tf.setBackend('wasm');
  } catch (error) {
    return { ok: false, detail: `the WebAssembly module did not start: ${firstLine(error)}`, fix };
  }
  if (!ready) return { ok: false, detail: 'the WebAssembly module did not start', fix };
  registerWasmGradientKernels();
  // Out of heap becomes an error the fit loop can catch (and retry at a smaller batch).
  checkWasmMalloc();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  // The threaded build needs Web Workers; under Node tfjs-backend-wasm always runs one thread.
  const threads = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'))
    ? (wasm.getThreadsCount?.() ?? 1)
    : 1;
  return {
    ok: true,
    description: `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}; tfjs-backend-wasm ${wasm.version_wasm ?? tf.version.tfjs})`,
  };
}

export async function loadCpu(): Promise<LoadResult> {
  if (!(await tf.setBackend('cpu'))) {
    return {
      ok: false,
      detail: 'the plain JavaScript backend did not start',
      fix: 'reinstall the studio',
    };
  }
  return { ok: true, description: 'cpu (plain JavaScript, the slowest backend)' };
}
