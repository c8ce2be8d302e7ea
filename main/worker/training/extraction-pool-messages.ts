/**
 * Messages between the training worker and its feature threads (extraction-pool.ts and
 * feature-thread.ts). Both ends are this package's own code in one process, so the types are
 * the contract; large arrays travel as transferred buffers, not copies.
 */
import type * as tf from '@tensorflow/tfjs';
import type { ViewSettings } from './extract-batch';

/** Handed to a thread when it starts (workerData). */
export interface ThreadStart {
  /** The TF.js backend to run on: the one the training worker runs on. */
  backend: 'wasm' | 'cpu';
  /** The frozen part, as saved by model.save (topology, weight specs and data). */
  artifacts: tf.io.ModelArtifacts;
}

/** Main → thread: one decoded batch; `rgb` holds its `count` examples one after another. */
export interface BatchRequest {
  type: 'batch';
  id: number;
  rgb: Uint8Array;
  count: number;
  settings: ViewSettings;
}

/** Thread → main. */
export type ThreadReply =
  | { type: 'ready'; description: string }
  | { type: 'failed'; detail: string }
  | { type: 'rows'; id: number; parts: Float32Array[] }
  | { type: 'error'; id: number; message: string };

/**
 * Fault injection for tests, read by the thread from its environment:
 * TRANSFER_STUDIO_FEATURE_THREAD_FAULT=backend makes the backend fail to load,
 * =exit-after:N makes the thread exit abruptly when its (N+1)th batch arrives.
 */
export const THREAD_FAULT_ENV = 'TRANSFER_STUDIO_FEATURE_THREAD_FAULT';
