/**
 * Streams labelled image files as batches of preprocessed pixels, decoding ahead of the consumer
 * so that decoding (sharp, on libuv threads) overlaps the model's compute. Files that fail to
 * decode are skipped and reported, never fatal.
 */
import { decodeImageInto, type Preprocessing } from './decode-image';

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

export interface BatchStreamOptions {
  size: readonly [number, number];
  preprocessing: Preprocessing;
  batchSize: number;
  /** Batches decoded ahead of the one being consumed. */
  prefetch?: number;
  /** Images of one batch decoded at the same time. */
  concurrency?: number;
  onSkip?: (item: ImageItem, reason: string) => void;
}

async function decodeBatch(items: ImageItem[], options: BatchStreamOptions): Promise<ImageBatch> {
  const [height, width] = options.size;
  const pixelsPerImage = height * width * 3;
  const buffer = new Float32Array(items.length * pixelsPerImage);
  const ok = new Array<boolean>(items.length).fill(false);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      const item = items[index]!;
      try {
        await decodeImageInto(
          item.path,
          options.size,
          options.preprocessing,
          buffer,
          index * pixelsPerImage,
        );
        ok[index] = true;
      } catch (error) {
        options.onSkip?.(item, error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  const kept = items.filter((_, index) => ok[index]);
  if (kept.length === items.length) return { pixels: buffer, items: kept };
  // Compact the decoded images to the front, keeping their order.
  const pixels = new Float32Array(kept.length * pixelsPerImage);
  let written = 0;
  for (let index = 0; index < items.length; index += 1) {
    if (!ok[index]) continue;
    pixels.set(
      buffer.subarray(index * pixelsPerImage, (index + 1) * pixelsPerImage),
      written * pixelsPerImage,
    );
    written += 1;
  }
  return { pixels, items: kept };
}

/**
 * Yields batches of `items` in order. Up to `prefetch` batches are decoded while the consumer
 * works on the current one; a batch whose images all failed is skipped.
 */
export async function* imageBatches(
  items: readonly ImageItem[],
  options: BatchStreamOptions,
): AsyncGenerator<ImageBatch> {
  const prefetch = Math.max(1, options.prefetch ?? 2);
  const groups: ImageItem[][] = [];
  for (let start = 0; start < items.length; start += options.batchSize) {
    groups.push(items.slice(start, start + options.batchSize));
  }
  const pending: Promise<ImageBatch>[] = [];
  let nextGroup = 0;
  const fill = (): void => {
    while (pending.length < prefetch && nextGroup < groups.length) {
      const promise = decodeBatch(groups[nextGroup]!, options);
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
