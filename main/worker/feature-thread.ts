/**
 * Entry of a feature thread (bundled to dist/main/feature-thread.cjs): a worker_thread of the
 * training worker with its own TF.js on the worker's backend and its own copy of the frozen
 * graph. It computes the feature-cache batches the pool hands it (training/extraction-pool.ts),
 * because tfjs-backend-wasm under Node computes on one core per thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { firstLine, type LoadResult } from './backends/backend-loader';
import { loadCpu, loadWasm } from './backends/js-loaders';
import { extractBatch } from './training/extract-batch';
import {
  THREAD_FAULT_ENV,
  type BatchRequest,
  type ThreadReply,
  type ThreadStart,
} from './training/extraction-pool-messages';
import { TfjsFeatureEngine } from './training/feature-engine';
import { InferenceGraph } from './training/inference-graph';

const port = parentPort;
const start = workerData as ThreadStart;
const fault = process.env[THREAD_FAULT_ENV] ?? '';
const exitAfter = /^exit-after:(\d+)$/.exec(fault);

function send(reply: ThreadReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(reply, transfer);
}

async function loadBackend(): Promise<LoadResult> {
  if (fault === 'backend') {
    return { ok: false, detail: `refused by ${THREAD_FAULT_ENV}=backend`, fix: 'unset it' };
  }
  return start.backend === 'wasm' ? loadWasm() : loadCpu();
}

async function main(): Promise<void> {
  let graph: InferenceGraph;
  try {
    const backend = await loadBackend();
    if (!backend.ok) {
      send({
        type: 'failed',
        detail: `the ${start.backend} backend did not load: ${backend.detail}`,
      });
      return;
    }
    const model = await tf.loadLayersModel(tf.io.fromMemory(start.artifacts));
    graph = InferenceGraph.fromModel(model);
    send({ type: 'ready', description: backend.description });
  } catch (error) {
    send({ type: 'failed', detail: firstLine(error) });
    return;
  }
  let batches = 0;
  port!.on('message', (request: BatchRequest) => {
    if (exitAfter && batches >= Number(exitAfter[1])) process.exit(3);
    batches += 1;
    const { rgb, count, settings } = request;
    const bytes = settings.size[0] * settings.size[1] * 3;
    const examples = Array.from({ length: count }, (_, index) =>
      rgb.subarray(index * bytes, (index + 1) * bytes),
    );
    // Batches arrive one at a time (the pool waits for each reply), so runs never overlap.
    const engine = new TfjsFeatureEngine(graph, { size: settings.size, pool: settings.pool });
    extractBatch(engine, examples, settings).then(
      (values) => {
        // Own, whole buffers, so they can be transferred instead of copied.
        const parts = values.map((part) =>
          part.byteOffset === 0 && part.byteLength === part.buffer.byteLength ? part : part.slice(),
        );
        send(
          { type: 'rows', id: request.id, parts },
          parts.map((part) => part.buffer as ArrayBuffer),
        );
      },
      (error: unknown) => send({ type: 'error', id: request.id, message: firstLine(error) }),
    );
  });
}

if (port) void main();
