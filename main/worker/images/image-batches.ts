/**
 * Streams labelled image files as batches (decoded bytes, or preprocessed pixels), decoding
 * ahead of the consumer so that decoding (sharp, on libuv threads) overlaps the model's compute.
 * Files that fail to decode are skipped and reported, never fatal.
 */
import { decodeRgb, writeModelInput, type Preprocessing } from './decode-image';

export interface ImageItem {
  path: string;
  label: number;
}

export interface ImageBatch {
  /** Pixels of the decoded images, [count, height, width, 3] in row-major order. */
  pixels: Float32Array;
  /** The items that decoded, in order (skipped ones left out). */
  items: ImageItem[];
}

export interface DecodedBatch {
  /** Decoded RGB bytes of each kept item, [height, width, 3] row-major. */
  images: Uint8Array[];
  /** The items that decoded, in order (skipped ones left out). */
  items: ImageItem[];
}

export interface DecodeStreamOptions {
  size: readonly [number, number];
  batchSize: number;
  /** Batches decoded ahead of the one being consumed. */
  prefetch?: number;
  /** Images of one batch decoded at the same time. */
  concurrency?: number;
  onSkip?: (item: ImageItem, reason: string) => void;
  /** Decoded images kept from an earlier pass (by path); looked up before decoding. */
  memory?: { get(path: string): Uint8Array | undefined; set(path: string, rgb: Uint8Array): void };
}

export interface BatchStreamOptions extends DecodeStreamOptions {
  preprocessing: Preprocessing;
}

async function decodeGroup(
  items: ImageItem[],
  options: DecodeStreamOptions,
): Promise<DecodedBatch> {
  const decoded = new Array<Uint8Array | undefined>(items.length);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      const item = items[index]!;
      const known = options.memory?.get(item.path);
      if (known) {
        decoded[index] = known;
        continue;
      }
      try {
        decoded[index] = await decodeRgb(item.path, options.size);
        options.memory?.set(item.path, decoded[index]!);
      } catch (error) {
        options.onSkip?.(item, error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  const kept = items.flatMap((_, index) => (decoded[index] ? [index] : []));
  return {
    images: kept.map((index) => decoded[index]!),
    items: kept.map((index) => items[index]!),
  };
}

/**
 * Yields the decoded bytes of `items` in batches, in order. Up to `prefetch` batches are
 * decoded (by sharp, on libuv threads) while the consumer works on the current one; a batch
 * whose images all failed is skipped.
 */
export async function* decodedBatches(
  items: readonly ImageItem[],
  options: DecodeStreamOptions,
): AsyncGenerator<DecodedBatch> {
  const prefetch = Math.max(1, options.prefetch ?? 2);
  const groups: ImageItem[][] = [];
  for (let start = 0; start < items.length; start += options.batchSize) {
    groups.push(items.slice(start, start + options.batchSize));
  }
  const pending: Promise<DecodedBatch>[] = [];
  let nextGroup = 0;
  const fill = (): void => {
    while (pending.length < prefetch && nextGroup < groups.length) {
      const promise = decodeGroup(groups[nextGroup]!, options);
      // Errors surface when awaited; this keeps an unawaited prefetch from being "unhandled".
      promise.catch(() => {});
      pending.push(promise);
      nextGroup += 1;
    }
  };
  fill();
  while (pending.length) {
    const batch = await pending.shift()!;
    fill();
    if (batch.items.length) yield batch;
  }
}

/** Yields batches of `items` in order as model input (see decodedBatches for prefetching). */
export async function* imageBatches(
  items: readonly ImageItem[],
  options: BatchStreamOptions,
): AsyncGenerator<ImageBatch> {
  const [height, width] = options.size;
  const pixelsPerImage = height * width * 3;
  for await (const batch of decodedBatches(items, options)) {
    const pixels = new Float32Array(batch.items.length * pixelsPerImage);
    batch.images.forEach((rgb, index) =>
      writeModelInput(rgb, options.preprocessing, pixels, index * pixelsPerImage),
    );
    yield { pixels, items: batch.items };
  }
}
