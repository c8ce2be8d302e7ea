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
  /** With `expand`: each kept item's examples, item-major (e.g. the image and its views). */
  examples?: Uint8Array[];
}

/** Busy time of the input stages, summed over everything running at once (seconds). */
export interface StageTimes {
  decode: number;
  augment: number;
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
  /**
   * Turns each decoded image into its examples (augmented views), in the same lane as the
   * decoding, so it runs ahead of the consumer too (sharp works on its own threads).
   */
  expand?: (rgb: Uint8Array, item: ImageItem) => Promise<Uint8Array[]>;
  /** Adds each stage's busy time here. */
  times?: StageTimes;
}

export interface BatchStreamOptions extends DecodeStreamOptions {
  preprocessing: Preprocessing;
}

/**
 * Image work in flight at once, across every batch being prefetched: one per libuv thread
 * (sharp runs there), so no task waits in libuv's queue and the stage times below are the time
 * the work took, not time spent queueing.
 */
const SHARP_SLOTS = Math.max(1, Number(process.env.UV_THREADPOOL_SIZE) || 4);
let freeSlots = SHARP_SLOTS;
const slotWaiters: Array<() => void> = [];

/** Runs `work` in a free slot; answers its result and the seconds it took there. */
async function inSlot<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  if (freeSlots === 0) await new Promise<void>((resolve) => slotWaiters.push(resolve));
  else freeSlots -= 1;
  const started = performance.now();
  try {
    return { value: await work(), seconds: (performance.now() - started) / 1000 };
  } finally {
    const next = slotWaiters.shift();
    if (next) next();
    else freeSlots += 1;
  }
}

async function decodeGroup(
  items: ImageItem[],
  options: DecodeStreamOptions,
): Promise<DecodedBatch> {
  const decoded = new Array<Uint8Array | undefined>(items.length);
  const concurrency = Math.max(1, options.concurrency ?? 4);
  let next = 0;
  const examples = new Array<Uint8Array[] | undefined>(items.length);
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      const item = items[index]!;
      let rgb = options.memory?.get(item.path);
      try {
        if (!rgb) {
          const { value, seconds } = await inSlot(() => decodeRgb(item.path, options.size));
          rgb = value;
          if (options.times) options.times.decode += seconds;
          options.memory?.set(item.path, rgb);
        }
      } catch (error) {
        options.onSkip?.(item, error instanceof Error ? error.message : String(error));
        continue;
      }
      decoded[index] = rgb;
      if (options.expand) {
        const { expand } = options;
        const { value, seconds } = await inSlot(() => expand(rgb, item));
        examples[index] = value;
        if (options.times) options.times.augment += seconds;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  const kept = items.flatMap((_, index) => (decoded[index] ? [index] : []));
  return {
    images: kept.map((index) => decoded[index]!),
    items: kept.map((index) => items[index]!),
    ...(options.expand ? { examples: kept.flatMap((index) => examples[index]!) } : {}),
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
