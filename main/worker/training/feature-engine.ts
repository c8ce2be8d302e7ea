/**
 * The compute side of feature extraction: something that runs the frozen part of the network on
 * a batch of model input and hands back the boundary tensors as plain arrays. The input pipeline
 * (decode, augment, preprocess: extract-batch.ts and the feature-cache loop) produces batches;
 * an engine only computes. Two engines exist: TF.js (the frozen part as an inference graph on the
 * worker's TF.js backend, this file) and onnxruntime-node (ort-engine.ts). Both give the same
 * numbers within float rounding (tested to 1e-4), so the feature cache does not depend on which
 * one computed a row (docs/training-engine.md, "Feature engine").
 */
import * as tf from '@tensorflow/tfjs';
import type { InferenceGraph } from './inference-graph';

export type FeatureEngineKind = 'tfjs' | 'onnxruntime';

export interface FeatureEngine {
  readonly kind: FeatureEngineKind;
  /** Said in the run log and by the doctor, e.g. "onnxruntime 1.30 (CPU, 2 threads)". */
  readonly description: string;
  /** The input size it takes and whether it pools. */
  readonly shape: EngineShape;
  /**
   * The frozen part's outputs for `count` images of model input (`pixels`: NHWC float32,
   * preprocessed, [count, height, width, 3] one after another): one array per boundary tensor,
   * example-major; a pooling engine answers one array of [count, channels]. The arrays are the
   * caller's. Calls may not overlap (await one before the next).
   */
  run(pixels: Float32Array, count: number): Promise<Float32Array[]>;
  /** Frees what the engine holds; it cannot run afterwards. */
  dispose(): Promise<void>;
}

export interface EngineShape {
  /** Model input [height, width] (channels are 3). */
  size: readonly [number, number];
  /** Average the (single) boundary tensor over height and width. */
  pool: boolean;
}

/** The frozen part as a TF.js inference graph on the active backend (BatchNorm folded). */
export class TfjsFeatureEngine implements FeatureEngine {
  readonly kind = 'tfjs' as const;
  readonly description: string;

  /** `graph` stays the caller's: dispose() does not free it. */
  constructor(
    private readonly graph: InferenceGraph,
    readonly shape: EngineShape,
  ) {
    this.description = `TensorFlow.js (${tf.getBackend()})`;
  }

  async run(pixels: Float32Array, count: number): Promise<Float32Array[]> {
    const [height, width] = this.shape.size;
    const outputs = tf.tidy(() => {
      const input = tf.tensor4d(pixels, [count, height, width, 3]);
      const result = this.graph.predictAll(input);
      return this.shape.pool ? [result[0]!.mean([1, 2])] : result;
    });
    try {
      return await Promise.all(outputs.map((output) => output.data() as Promise<Float32Array>));
    } finally {
      tf.dispose(outputs);
    }
  }

  async dispose(): Promise<void> {}
}

/**
 * An engine made on first use: a run whose rows all come from the cache never converts the
 * frozen part nor opens a session (0.1–0.5 s for onnxruntime).
 */
export class LazyFeatureEngine implements FeatureEngine {
  private made: Promise<FeatureEngine> | undefined;
  private engine: FeatureEngine | undefined;

  constructor(
    readonly shape: EngineShape,
    private readonly make: () => Promise<FeatureEngine>,
  ) {}

  /** The engine, made on the first call. */
  get(): Promise<FeatureEngine> {
    this.made ??= this.make().then((engine) => (this.engine = engine));
    return this.made;
  }

  /** Whether the engine was made (something had to be computed). */
  get isMade(): boolean {
    return this.made !== undefined;
  }

  /** The made engine's kind; before it is made, ask get() instead. */
  get kind(): FeatureEngineKind {
    return this.engine?.kind ?? 'tfjs';
  }

  get description(): string {
    return this.engine?.description ?? 'no engine yet (nothing computed)';
  }

  async run(pixels: Float32Array, count: number): Promise<Float32Array[]> {
    return (await this.get()).run(pixels, count);
  }

  async dispose(): Promise<void> {
    if (this.made) await (await this.made).dispose();
  }
}
