/**
 * Training steps that fit in memory: when a step runs out of memory (on wasm the heap is 4 GiB
 * at most, and fine-tuning a whole MobileNetV2 at batch 32 keeps more activations than that for
 * the backward pass), the same batch is trained in halves, then quarters, down to a step of
 * MIN_STEP_BATCH images; each part is one optimisation step. The lowered size sticks for the
 * rest of the run and is announced (UI message and metrics.jsonl). Below the minimum the run
 * fails with what happened and what to do.
 */
import * as tf from '@tensorflow/tfjs';
import { isOutOfMemory, releaseAbandonedTape } from '../backends/wasm-memory';
import type { RunRecorder } from './run-recorder';
import type { BatchResult, Rates, TrainableNet } from './trainable-net';

/** Smallest step the fallback tries; below it the run fails. */
export const MIN_STEP_BATCH = 4;

export class OutOfMemoryFailure extends Error {
  constructor(backend: string, batch: number, cause: unknown) {
    super(
      `Training ran out of ${backend} memory even at batch ${batch}` +
        ` (${cause instanceof Error ? cause.message : String(cause)}). ` +
        'Train fewer layers (freeze more blocks), choose a smaller batch or a smaller base ' +
        'model, or use the native TensorFlow backend, which has no 4 GiB limit.',
    );
    this.name = 'OutOfMemoryFailure';
  }
}

export class MemoryFittedSteps {
  /** Images per optimisation step once lowered (undefined: the whole batch). */
  private stepBatch: number | undefined;

  constructor(
    private readonly net: Pick<TrainableNet, 'trainStep'>,
    private readonly recorder: Pick<RunRecorder, 'phase'>,
    /** The backend's memory in words, e.g. "WebAssembly". */
    private readonly memoryName: string,
  ) {}

  /** The lowered step size, or undefined while whole batches fit. */
  get lowered(): number | undefined {
    return this.stepBatch;
  }

  /** Trains on the batch (in parts of the lowered size when needed); loss and hits as one. */
  async trainStep(inputs: tf.Tensor[], labels: readonly number[], rates: Rates) {
    for (;;) {
      const size = Math.min(this.stepBatch ?? labels.length, labels.length);
      try {
        return await this.inParts(inputs, labels, rates, size);
      } catch (error) {
        releaseAbandonedTape();
        if (!isOutOfMemory(error)) throw error;
        const next = Math.floor(size / 2);
        if (next < MIN_STEP_BATCH) throw new OutOfMemoryFailure(this.memoryName, size, error);
        this.stepBatch = next;
        this.recorder.phase(
          'batch-lowered',
          `Batch lowered to ${next} to fit ${this.memoryName} memory ` +
            `(batch ${size} ran out of memory)`,
        );
      }
    }
  }

  private async inParts(
    inputs: tf.Tensor[],
    labels: readonly number[],
    rates: Rates,
    size: number,
  ): Promise<BatchResult> {
    if (size >= labels.length) return this.net.trainStep(inputs, labels, rates);
    let lossSum = 0;
    let correct = 0;
    for (let start = 0; start < labels.length; start += size) {
      const count = Math.min(size, labels.length - start);
      const part = inputs.map((input) =>
        input.slice(
          [start, ...input.shape.slice(1).map(() => 0)],
          [count, ...input.shape.slice(1)],
        ),
      );
      try {
        const result = await this.net.trainStep(part, labels.slice(start, start + count), rates);
        lossSum += result.loss * count;
        correct += result.correct;
      } finally {
        tf.dispose(part);
      }
    }
    return { loss: lossSum / labels.length, correct };
  }
}
