/**
 * A pool of feature threads (Node worker_threads running dist/main/feature-thread.cjs), each
 * with its own TF.js on the training worker's backend and its own copy of the frozen graph.
 * tfjs-backend-wasm (and the plain JS backend) compute on one core per thread under Node, so
 * spreading the feature-cache batches over threads uses the other cores; native TensorFlow
 * already uses them all and gets no pool.
 *
 * A thread that fails to start, or whose backend does not load, drops out of the pool (said
 * once through onNotice); a thread that dies with a batch loses only that batch's result, which
 * the caller computes in the training worker instead (ThreadLostError). With no thread left,
 * run() answers undefined and the caller computes in the worker as without a pool.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { resolveWorkerScript } from '../../services/training/node-worker-launcher';
import type { ViewSettings } from './extract-batch';
import type { BatchRequest, ThreadReply, ThreadStart } from './extraction-pool-messages';

/** Most threads started by default: beyond this the decoding on the main thread limits. */
const DEFAULT_MAX_THREADS = 4;

/** A thread died (or was ended) with this batch: compute it elsewhere. */
export class ThreadLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ThreadLostError';
  }
}

/**
 * Threads for feature extraction on `backend`: 1 (no pool) on native TensorFlow, else
 * TRANSFER_STUDIO_FEATURE_THREADS when it is a whole number >= 1, else min(cores, 4).
 */
export function featureThreadCount(backend: string, env: NodeJS.ProcessEnv = process.env): number {
  if (backend !== 'wasm' && backend !== 'cpu') return 1;
  const fromEnv = Number(env.TRANSFER_STUDIO_FEATURE_THREADS?.trim() || NaN);
  if (Number.isInteger(fromEnv) && fromEnv >= 1) return fromEnv;
  return Math.max(1, Math.min(os.availableParallelism(), DEFAULT_MAX_THREADS));
}

/** The thread entry: beside this bundle in dist/main, else in the package's dist/main (tests). */
export function featureThreadScript(): string {
  const beside = path.join(__dirname, 'feature-thread.cjs');
  if (existsSync(beside)) return beside;
  return path.join(path.dirname(resolveWorkerScript()), 'feature-thread.cjs');
}

/** The model as artifacts (topology, weight specs, weight data) a thread can load from memory. */
export async function modelArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

interface Pending {
  resolve: (parts: Float32Array[]) => void;
  reject: (error: Error) => void;
}

interface Lane {
  worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'dead';
  pending?: Pending;
  used: boolean;
}

export interface PoolOptions {
  threads: number;
  backend: 'wasm' | 'cpu';
  /** Told once when a thread drops out (did not start, or died), with what happens instead. */
  onNotice?: (message: string) => void;
  /** The threads' environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The thread entry (default: featureThreadScript()). */
  script?: string;
}

export class ExtractionPool {
  private readonly lanes: Lane[] = [];
  private wakers: Array<() => void> = [];
  private nextId = 0;
  private noticed = false;
  private closed = false;
  /** Why the first thread that did not start did not (told once the others have started). */
  private startFailure: string | undefined;

  private constructor(private readonly options: PoolOptions) {}

  /** Starts the threads (they load in the background; run() waits for one to be ready). */
  static async start(model: tf.LayersModel, options: PoolOptions): Promise<ExtractionPool> {
    const pool = new ExtractionPool(options);
    const start: ThreadStart = { backend: options.backend, artifacts: await modelArtifacts(model) };
    const script = options.script ?? featureThreadScript();
    for (let index = 0; index < options.threads; index += 1) pool.open(script, start);
    pool.settled();
    return pool;
  }

  /** Threads started or working (not dropped out). */
  get alive(): number {
    return this.lanes.filter((lane) => lane.state !== 'dead').length;
  }

  /** Threads that computed at least one batch. */
  get used(): number {
    return this.lanes.filter((lane) => lane.used).length;
  }

  private open(script: string, start: ThreadStart): void {
    let worker: Worker;
    try {
      worker = new Worker(script, { workerData: start, env: this.options.env ?? process.env });
    } catch (error) {
      this.startFailure ??= `a feature thread could not start: ${(error as Error).message}`;
      return;
    }
    const lane: Lane = { worker, state: 'starting', used: false };
    this.lanes.push(lane);
    worker.on('message', (reply: ThreadReply) => this.onReply(lane, reply));
    worker.on('error', (error) => this.drop(lane, `it failed: ${error.message}`));
    worker.on('exit', (code) => this.drop(lane, `it exited (code ${code})`));
  }

  private onReply(lane: Lane, reply: ThreadReply): void {
    if (reply.type === 'ready') {
      lane.state = 'idle';
      this.settled();
      this.wake();
    } else if (reply.type === 'failed') {
      this.drop(lane, reply.detail);
      void lane.worker.terminate();
    } else {
      const pending = lane.pending;
      lane.pending = undefined;
      lane.state = 'idle';
      if (reply.type === 'rows') {
        lane.used = true;
        pending?.resolve(reply.parts);
      } else {
        pending?.reject(
          new ThreadLostError(`a feature thread could not compute: ${reply.message}`),
        );
      }
      this.wake();
    }
  }

  private drop(lane: Lane, why: string): void {
    if (lane.state === 'dead') return;
    const wasStarting = lane.state === 'starting';
    lane.state = 'dead';
    const pending = lane.pending;
    lane.pending = undefined;
    if (wasStarting) {
      this.startFailure ??= `a feature thread did not start: ${why}`;
      this.settled();
    } else {
      this.notice(`a feature thread stopped: ${why}`);
    }
    pending?.reject(new ThreadLostError(`the feature thread with this batch stopped: ${why}`));
    this.wake();
  }

  /** Once no thread is starting any more, tells why one did not start (if one did not). */
  private settled(): void {
    if (this.startFailure && !this.lanes.some((lane) => lane.state === 'starting')) {
      this.notice(this.startFailure);
    }
  }

  /** True once terminate() was called: lost batches then need no redoing. */
  get isClosed(): boolean {
    return this.closed;
  }

  private notice(what: string): void {
    if (this.noticed || this.closed) return;
    this.noticed = true;
    const left = this.alive;
    this.options.onNotice?.(
      `Feature extraction: ${what}; ` +
        (left
          ? `going on with ${left} thread${left === 1 ? '' : 's'}.`
          : 'computing in the training worker instead.'),
    );
  }

  private wake(): void {
    const wakers = this.wakers;
    this.wakers = [];
    wakers.forEach((wake) => wake());
  }

  /** Resolves when a thread is free (true) or none is left (false). */
  async waitForIdle(): Promise<boolean> {
    for (;;) {
      if (this.closed) return false;
      if (this.lanes.some((lane) => lane.state === 'idle')) return true;
      if (!this.alive) return false;
      await new Promise<void>((resolve) => this.wakers.push(resolve));
    }
  }

  /**
   * The frozen graph's outputs for `examples` (see extractBatch), on a free thread;
   * undefined when no thread is left. Rejects with ThreadLostError when the thread dies first.
   */
  async run(
    examples: readonly Uint8Array[],
    settings: ViewSettings,
  ): Promise<Float32Array[] | undefined> {
    if (!(await this.waitForIdle())) return undefined;
    const lane = this.lanes.find((candidate) => candidate.state === 'idle')!;
    // One packed copy is transferred; the caller keeps the examples to redo a lost batch.
    const rgb = new Uint8Array(examples.reduce((sum, image) => sum + image.length, 0));
    let offset = 0;
    for (const image of examples) {
      rgb.set(image, offset);
      offset += image.length;
    }
    const request: BatchRequest = {
      type: 'batch',
      id: (this.nextId += 1),
      rgb,
      count: examples.length,
      settings,
    };
    lane.state = 'busy';
    return new Promise<Float32Array[]>((resolve, reject) => {
      lane.pending = { resolve, reject };
      lane.worker.postMessage(request, [rgb.buffer]);
    });
  }

  /** Ends every thread at once; batches still out reject with ThreadLostError. */
  async terminate(): Promise<void> {
    this.closed = true;
    this.wake();
    await Promise.all(this.lanes.map((lane) => lane.worker.terminate()));
    for (const lane of this.lanes) this.drop(lane, 'the pool was closed');
  }
}

/**
 * The feature threads of a training run, started on first use (not at all when every row comes
 * from the cache, or on native TensorFlow, or with one thread) and shared by its tables.
 */
export function featureThreads(
  frozen: tf.LayersModel,
  options: { env?: NodeJS.ProcessEnv; onNotice: (message: string) => void },
): { get: () => Promise<ExtractionPool | undefined>; terminate: () => Promise<void> } {
  let pool: Promise<ExtractionPool | undefined> | undefined;
  return {
    get: () => {
      pool ??= (async () => {
        const backend = tf.getBackend();
        const threads = featureThreadCount(backend, options.env);
        if (threads <= 1 || (backend !== 'wasm' && backend !== 'cpu')) return undefined;
        try {
          return await ExtractionPool.start(frozen, { threads, backend, ...options });
        } catch (error) {
          // A model that cannot be handed over is still computed here, as without threads.
          options.onNotice(
            `Feature extraction: the frozen layers could not be handed to threads ` +
              `(${(error as Error).message}); computing in the training worker instead.`,
          );
          return undefined;
        }
      })();
      return pool;
    },
    terminate: async () => {
      await (await pool)?.terminate();
    },
  };
}
