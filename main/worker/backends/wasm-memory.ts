/**
 * Out-of-memory on the wasm backend as an error that can be caught. tfjs-backend-wasm takes
 * tensor memory with the module's malloc and does not check the result: when the heap cannot
 * grow (4 GiB at most), malloc returns 0, the tensor is placed at address 0 and the next kernel
 * overwrites the module's own data — the run dies later with "null function or function
 * signature mismatch" or an abort. Checking malloc turns that into a WasmOutOfMemoryError thrown
 * before anything is written, so TF.js unwinds its scopes and the caller can retry smaller.
 * Kernels can still fail inside the module once the heap is at its limit (a trap such as
 * "memory access out of bounds", e.g. from an allocation of its own); such a trap at a full
 * heap counts as out of memory too.
 */
import * as tf from '@tensorflow/tfjs';

export class WasmOutOfMemoryError extends Error {
  constructor(readonly bytes: number) {
    super(
      `WebAssembly memory is exhausted: ${(bytes / 2 ** 20).toFixed(1)} MiB more did not fit ` +
        `in the 4 GiB wasm heap`,
    );
    this.name = 'WasmOutOfMemoryError';
  }
}

/** The wasm32 heap's limit (4 GiB; the module stops growing 64 KiB short of it). */
const MAX_HEAP = 2 ** 32;
const NEAR_LIMIT = 16 * 2 ** 20;

interface WasmModule {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  HEAPU8: Uint8Array;
  checkedMalloc?: boolean;
}

/**
 * True for an out-of-memory error: the checked malloc's, native TensorFlow's OOM, or a
 * WebAssembly trap while the wasm heap is at its limit (an abort is not: the module is gone).
 */
export function isOutOfMemory(error: unknown): boolean {
  if (error instanceof WasmOutOfMemoryError) return true;
  if (error instanceof WebAssembly.RuntimeError) {
    return !/abort/i.test(error.message) && (wasmHeapBytes() ?? 0) >= MAX_HEAP - NEAR_LIMIT;
  }
  const message = error instanceof Error ? error.message : String(error);
  return /OOM when allocating|out of memory|memory is exhausted/i.test(message);
}

/** The wasm module when its backend is running (never starts one, unlike tf.findBackend). */
function wasmModule(): WasmModule | undefined {
  const registry = (tf.engine() as unknown as { registry: Record<string, { wasm?: WasmModule }> })
    .registry;
  return registry.wasm?.wasm;
}

/** Makes the wasm backend's malloc throw instead of returning 0. Idempotent. */
export function checkWasmMalloc(): void {
  const module = wasmModule();
  if (!module || module.checkedMalloc) return;
  // Emscripten binds its exports lazily: the first call replaces Module._malloc with the raw
  // export, which would drop a wrapper installed before it. One call first, then wrap.
  module._free(module._malloc(8));
  const malloc = module._malloc;
  module._malloc = (bytes: number) => {
    // malloc takes 32 bits: a larger size would wrap around to a small, "successful" one.
    if (bytes >= MAX_HEAP) throw new WasmOutOfMemoryError(bytes);
    const pointer = malloc(bytes) >>> 0;
    if (bytes > 0 && pointer === 0) throw new WasmOutOfMemoryError(bytes);
    return pointer;
  };
  module.checkedMalloc = true;
}

/** Bytes the wasm heap holds now (it only grows), or undefined off wasm. */
export function wasmHeapBytes(): number | undefined {
  return wasmModule()?.HEAPU8.buffer.byteLength;
}

/**
 * Frees what a gradient computation that threw leaves behind: TF.js disposes the tensors it
 * saved for the backward pass only when the backward pass completes, so after an error they
 * stay allocated (on wasm, most of the heap) until the process ends.
 */
export function releaseAbandonedTape(): void {
  const state = (
    tf.engine() as unknown as {
      state: { activeTape: { saved?: tf.Tensor[] }[] | null; gradientDepth: number };
    }
  ).state;
  if (!state.activeTape || state.gradientDepth !== 0) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  state.activeTape = null;
}
