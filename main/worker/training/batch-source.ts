/**
 * Where training batches come from. With a cache, the frozen part's output was computed once
 * (per image and augmented view) and an epoch only reads rows. Without one (the first layers
 * train, or the frozen part's output is larger than the image), images are decoded (kept in
 * memory within the budget), augmented live and run through the frozen part every epoch.
 */
import * as tf from '@tensorflow/tfjs';
import type { Augmentation } from '../../../shared/domain';
import { augmentedViews } from '../images/augment';
import { writeModelInput, type Preprocessing } from '../images/decode-image';
import { decodedBatches, type ImageItem } from '../images/image-batches';
import type { CancelSignal } from './cancel-signal';
import type { FeatureTable } from './feature-cache';
import type { InferenceGraph } from './inference-graph';
import { shuffledIndices } from './seeded-random';

export interface InputBatch {
  /** One tensor per input of the trainable net; the caller disposes them. */
  inputs: tf.Tensor[];
  labels: number[];
  items: ImageItem[];
}

export interface BatchSource {
  /** Training examples per epoch (images that decoded). */
  readonly trainCount: number;
  readonly valCount: number;
  /** One shuffled pass over the training images (a random cached view of each). */
  trainBatches(epoch: number, batchSize: number, random: () => number): AsyncGenerator<InputBatch>;
  /** The validation images in order, plain (never augmented). */
  valBatches(batchSize: number): AsyncGenerator<InputBatch>;
  dispose(): Promise<void>;
}

/** Batches read from the feature tables (train: `views` rows per image; val: one). */
export class CachedSource implements BatchSource {
  constructor(
    private readonly train: FeatureTable,
    private readonly val: FeatureTable,
  ) {}

  get trainCount(): number {
    return this.train.items.length;
  }

  get valCount(): number {
    return this.val.items.length;
  }

  async *trainBatches(
    _epoch: number,
    batchSize: number,
    random: () => number,
  ): AsyncGenerator<InputBatch> {
    const order = shuffledIndices(this.train.items.length, random);
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = order.slice(start, start + batchSize).map((item) => ({
        item,
        view: this.train.views > 1 ? Math.floor(random() * this.train.views) : 0,
      }));
      const items = rows.map(({ item }) => this.train.items[item]!);
      yield { inputs: this.train.rows(rows), labels: items.map((i) => i.label), items };
    }
  }

  async *valBatches(batchSize: number): AsyncGenerator<InputBatch> {
    for (let start = 0; start < this.val.items.length; start += batchSize) {
      const items = this.val.items.slice(start, start + batchSize);
      const rows = items.map((_, index) => ({ item: start + index, view: 0 }));
      yield { inputs: this.val.rows(rows), labels: items.map((i) => i.label), items };
    }
  }

  async dispose(): Promise<void> {
    await Promise.all([this.train.dispose(), this.val.dispose()]);
  }
}

export interface LiveSourceOptions {
  size: readonly [number, number];
  preprocessing: Preprocessing;
  augmentation: Augmentation;
  augment: boolean;
  seed: number;
  /** Pool the (single) frozen output over height and width, as the cache would store it. */
  pool: boolean;
  memoryBudgetBytes: number;
  cancel: CancelSignal;
  onSkip: (item: ImageItem, reason: string) => void;
}

/** Decoded bytes kept between epochs, up to a budget (the rest is decoded again). */
class DecodedMemory {
  private readonly images = new Map<string, Uint8Array>();
  private bytes = 0;

  constructor(private readonly budget: number) {}

  get(path: string): Uint8Array | undefined {
    return this.images.get(path);
  }

  set(path: string, rgb: Uint8Array): void {
    if (this.bytes + rgb.length > this.budget || this.images.has(path)) return;
    this.images.set(path, rgb);
    this.bytes += rgb.length;
  }
}

/** Batches decoded (or taken from memory), augmented and run through the frozen part live. */
export class LiveSource implements BatchSource {
  private readonly memory: DecodedMemory;
  private readonly skipped = new Set<string>();

  constructor(
    private readonly frozen: InferenceGraph,
    private readonly train: readonly ImageItem[],
    private readonly val: readonly ImageItem[],
    private readonly options: LiveSourceOptions,
  ) {
    this.memory = new DecodedMemory(options.memoryBudgetBytes);
  }

  get trainCount(): number {
    return this.train.filter((item) => !this.skipped.has(item.path)).length;
  }

  get valCount(): number {
    return this.val.filter((item) => !this.skipped.has(item.path)).length;
  }

  private async *batches(
    items: readonly ImageItem[],
    batchSize: number,
    view: number | undefined,
  ): AsyncGenerator<InputBatch> {
    const [height, width] = this.options.size;
    const perImage = height * width * 3;
    const augment = view !== undefined && this.options.augment;
    for await (const batch of decodedBatches(items, {
      size: this.options.size,
      batchSize,
      memory: this.memory,
      // Augmented on sharp's threads while the batch before runs through the frozen part.
      ...(augment
        ? {
            expand: (rgb: Uint8Array, item: ImageItem) =>
              augmentedViews(rgb, this.options.size, {
                augmentation: this.options.augmentation,
                seed: this.options.seed,
                path: item.path,
                first: view,
                count: 1,
              }),
          }
        : {}),
      onSkip: (item, reason) => {
        this.skipped.add(item.path);
        this.options.onSkip(item, reason);
      },
    })) {
      this.options.cancel.throwIfCancelled();
      const pixels = new Float32Array(batch.items.length * perImage);
      (batch.examples ?? batch.images).forEach((image, index) =>
        writeModelInput(image, this.options.preprocessing, pixels, index * perImage),
      );
      const inputs = tf.tidy(() => {
        const outputs = this.frozen.predictAll(
          tf.tensor4d(pixels, [batch.items.length, height, width, 3]),
        );
        return this.options.pool ? [outputs[0]!.mean([1, 2])] : outputs;
      });
      yield { inputs, labels: batch.items.map((item) => item.label), items: batch.items };
    }
  }

  trainBatches(epoch: number, batchSize: number, random: () => number): AsyncGenerator<InputBatch> {
    const order = shuffledIndices(this.train.length, random).map((index) => this.train[index]!);
    // A fresh augmented view every epoch (view numbers 1, 2, …; 0 is the plain image).
    return this.batches(order, batchSize, epoch);
  }

  valBatches(batchSize: number): AsyncGenerator<InputBatch> {
    return this.batches(this.val, batchSize, undefined);
  }

  async dispose(): Promise<void> {
    this.frozen.dispose();
  }
}
