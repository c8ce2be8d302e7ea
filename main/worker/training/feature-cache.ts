/**
 * The feature cache: the output of the frozen part of the network, computed once per image
 * (and per augmented view) and reused every epoch, so an epoch costs only the trainable part.
 *
 * Rows live in memory while they fit the budget, else they are read from disk per batch. They
 * are also kept on disk between runs under <cache>/features/<key>/, where the key covers
 * everything that changes the numbers: the frozen part itself (its layers, boundary and weight
 * values: frozen-part-hash.ts), the preprocessing and input size, pooling, views and the
 * augmentation. Each image is
 * matched by path, size and modification time, so a changed image is computed again and the
 * others are reused.
 */
import { createHash } from 'node:crypto';
import {
  promises as fs,
  closeSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Augmentation } from '../../../shared/domain';
import type { Preprocessing } from '../images/decode-image';
import type { DecodedBatch, ImageItem } from '../images/image-batches';
import type { CancelSignal } from './cancel-signal';
import type { ViewSettings } from './extract-batch';
import { emptyProfile, extractMissing, type ExtractProfile } from './extract-missing';
import type { ExtractionPool } from './extraction-pool';
import type { FeatureEngine } from './feature-engine';
import { rememberHostValues } from './host-values';

/** Bump when decoding or feature layout changes, so old cache folders are not reused. */
const CACHE_FORMAT = 4;
const INDEX_FILE = 'index.json';
const DATA_FILE = 'features.f32';

export interface FeatureTableOptions {
  /** Everything (besides the images) that decides the rows; hashed into the folder name. */
  identity: Record<string, unknown>;
  /** Root of the persistent cache; rows are kept only for this run when absent. */
  cacheDir?: string;
  memoryBudgetBytes: number;
  size: readonly [number, number];
  preprocessing: Preprocessing;
  batchSize: number;
  /** Views per image: view 0 is the image itself, the others are augmented. */
  views: number;
  augmentation: Augmentation;
  seed: number;
  /** Pool the (single) boundary tensor over height and width before storing it. */
  pool: boolean;
  cancel: CancelSignal;
  /**
   * Feature threads to spread the batches over (wasm and cpu backends), asked for only when an
   * image needs computing; the caller ends them, except that a cancelled or failed build ends
   * them at once.
   */
  threads?: () => Promise<ExtractionPool | undefined>;
  onSkip: (item: ImageItem, reason: string) => void;
  onProgress: (done: number, total: number) => void;
}

interface IndexEntry {
  path: string;
  size: number;
  mtimeMs: number;
  /** False when the image did not decode (remembered so it is not tried every run). */
  ok: boolean;
  reason?: string;
}

interface IndexFile {
  format: number;
  width: number;
  views: number;
  entries: IndexEntry[];
}

/** Where the rows are and how many were computed (the rest came from the disk cache). */
export interface FeatureTableStats {
  location: 'memory' | 'disk';
  bytes: number;
  computedImages: number;
  reusedImages: number;
  seconds: number;
  /** Feature threads that computed rows (0: all computed in the training worker itself). */
  threads: number;
  /** Where the time of computing the missing rows went. */
  profile: ExtractProfile;
}

/** Cached rows of the boundary tensors: `views` rows per kept item, item-major. */
export class FeatureTable {
  private fd: number | undefined;

  constructor(
    /** Items that decoded, in the order given. */
    readonly items: ImageItem[],
    /** Where each item's rows sit in the storage (skipped images keep their slot there). */
    private readonly slots: number[],
    readonly views: number,
    /** Shapes of the stored parts (per example), concatenated in a row. */
    readonly partShapes: number[][],
    private readonly memory: Float32Array | undefined,
    private readonly file: string,
    readonly stats: FeatureTableStats,
    private readonly temporaryDir?: string,
  ) {}

  get width(): number {
    return this.partShapes.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Copies row `row` into `target` at `offset`. */
  private readRow(row: number, target: Float32Array, offset: number): void {
    const width = this.width;
    if (this.memory) {
      target.set(this.memory.subarray(row * width, (row + 1) * width), offset);
      return;
    }
    this.fd ??= openSync(this.file, 'r');
    const bytes = new Uint8Array(target.buffer, target.byteOffset + offset * 4, width * 4);
    readSync(this.fd, bytes, 0, bytes.length, row * width * 4);
  }

  /** The rows (item index, view) as one tensor per stored part, [n, ...shape]. */
  rows(rows: readonly { item: number; view: number }[]): tf.Tensor[] {
    const width = this.width;
    const flat = new Float32Array(rows.length * width);
    rows.forEach(({ item, view }, index) => {
      this.readRow(this.slots[item]! * this.views + view, flat, index * width);
    });
    if (this.partShapes.length === 1) {
      const tensor = tf.tensor(flat, [rows.length, ...this.partShapes[0]!]);
      // A head trained on the host reads the rows from here, not back from the backend.
      rememberHostValues(tensor, flat);
      return [tensor];
    }
    let column = 0;
    return this.partShapes.map((shape) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const part = new Float32Array(rows.length * size);
      for (let r = 0; r < rows.length; r += 1) {
        part.set(flat.subarray(r * width + column, r * width + column + size), r * size);
      }
      column += size;
      return tf.tensor(part, [rows.length, ...shape]);
    });
  }

  async dispose(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.temporaryDir) await fs.rm(this.temporaryDir, { recursive: true, force: true });
  }
}

function stat(item: ImageItem): { size: number; mtimeMs: number } {
  try {
    const info = statSync(item.path);
    return { size: info.size, mtimeMs: info.mtimeMs };
  } catch {
    return { size: -1, mtimeMs: -1 };
  }
}

async function readIndex(dir: string): Promise<IndexFile | undefined> {
  try {
    const index = JSON.parse(await fs.readFile(path.join(dir, INDEX_FILE), 'utf8')) as IndexFile;
    return index.format === CACHE_FORMAT ? index : undefined;
  } catch {
    return undefined;
  }
}

/** The cache folder's name: a hash of everything besides the images that decides the rows. */
function cacheKey(options: FeatureTableOptions): string {
  return createHash('sha256')
    .update(
      JSON.stringify({
        format: CACHE_FORMAT,
        ...options.identity,
        size: options.size,
        preprocessing: options.preprocessing,
        pool: options.pool,
        views: options.views,
        // Augmented views depend on the settings and the seed; plain views do not.
        ...(options.views > 1 ? { augmentation: options.augmentation, seed: options.seed } : {}),
      }),
    )
    .digest('hex')
    .slice(0, 24);
}

type Reusable = { entry: IndexEntry; row: number } | undefined;

/** For each item, its row in the previous cache file when the image is unchanged since. */
async function reusableRows(
  dir: string,
  items: readonly ImageItem[],
  stats: readonly { size: number; mtimeMs: number }[],
  width: number,
  views: number,
): Promise<Reusable[]> {
  const previous = await readIndex(dir);
  const previousRows = new Map<string, { entry: IndexEntry; row: number }>();
  if (previous && previous.width === width && previous.views === views) {
    previous.entries.forEach((entry, row) => previousRows.set(entry.path, { entry, row }));
  }
  return items.map((item, index) => {
    const found = previousRows.get(item.path);
    const now = stats[index]!;
    return found && found.entry.size === now.size && found.entry.mtimeMs === now.mtimeMs
      ? found
      : undefined;
  });
}

/** What a build writes: each item's rows (memory and file) and whether it decoded. */
class TableWriter {
  readonly memory: Float32Array | undefined;
  readonly ok: boolean[];
  readonly reasons: (string | undefined)[];
  readonly out: number;
  done = 0;

  constructor(
    readonly items: readonly ImageItem[],
    readonly tempFile: string,
    readonly width: number,
    readonly views: number,
    memoryBudgetBytes: number,
  ) {
    const inMemory = items.length * this.bytesPerItem <= memoryBudgetBytes;
    this.memory = inMemory ? new Float32Array(items.length * width * views) : undefined;
    this.ok = new Array<boolean>(items.length).fill(false);
    this.reasons = new Array<string | undefined>(items.length);
    this.out = openSync(tempFile, 'w');
  }

  get bytesPerItem(): number {
    return this.width * this.views * 4;
  }

  write(slot: number, values: Float32Array): void {
    if (this.memory) this.memory.set(values, slot * this.width * this.views);
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    writeSync(this.out, bytes, 0, values.byteLength, slot * this.bytesPerItem);
    this.ok[slot] = true;
  }

  index(stats: readonly { size: number; mtimeMs: number }[]): IndexFile {
    return {
      format: CACHE_FORMAT,
      width: this.width,
      views: this.views,
      entries: this.items.map((item, slot) => ({
        path: item.path,
        ...stats[slot]!,
        ok: this.ok[slot]!,
        ...(this.reasons[slot] ? { reason: this.reasons[slot] } : {}),
      })),
    };
  }
}

/** Copies the reusable rows from the previous cache file; answers how many items it covered. */
function copyCachedRows(
  writer: TableWriter,
  reuse: readonly Reusable[],
  oldFile: string,
  onSkip: FeatureTableOptions['onSkip'],
): number {
  const cachedSlots = reuse.flatMap((found, slot) => (found ? [slot] : []));
  if (!cachedSlots.length) return 0;
  const oldFd = openSync(oldFile, 'r');
  try {
    const buffer = new Float32Array(writer.width * writer.views);
    const bytes = new Uint8Array(buffer.buffer);
    for (const slot of cachedSlots) {
      const { entry, row } = reuse[slot]!;
      if (entry.ok) {
        readSync(oldFd, bytes, 0, writer.bytesPerItem, row * writer.bytesPerItem);
        writer.write(slot, buffer);
      } else {
        writer.reasons[slot] = entry.reason;
        onSkip(writer.items[slot]!, entry.reason ?? 'it could not be decoded');
      }
    }
  } finally {
    closeSync(oldFd);
  }
  return cachedSlots.length;
}

/** Decodes, augments and runs the frozen graph for the items not reused; answers the threads. */
async function computeMissing(
  engine: FeatureEngine,
  writer: TableWriter,
  reuse: readonly Reusable[],
  partShapes: number[][],
  options: FeatureTableOptions,
  profile: ExtractProfile,
): Promise<number> {
  const { views, items } = writer;
  const missing = items.flatMap((item, slot) => (reuse[slot] ? [] : [{ ...item, slot }]));
  const slotOf = (item: ImageItem) => (item as ImageItem & { slot: number }).slot;
  const partSizes = partShapes.map((shape) => shape.reduce((a, b) => a * b, 1));
  const store = (batch: DecodedBatch, values: Float32Array[]): void => {
    const row = new Float32Array(writer.width * views);
    batch.items.forEach((item, index) => {
      let column = 0;
      for (let view = 0; view < views; view += 1) {
        const example = index * views + view;
        values.forEach((part, p) => {
          const size = partSizes[p]!;
          row.set(part.subarray(example * size, (example + 1) * size), column);
          column += size;
        });
      }
      writer.write(slotOf(item), row);
    });
    writer.done += batch.items.length;
    options.onProgress(writer.done, items.length);
  };
  const settings: ViewSettings = {
    size: options.size,
    preprocessing: options.preprocessing,
    views,
    augmentation: options.augmentation,
    seed: options.seed,
    pool: options.pool,
  };
  return extractMissing(engine, missing, settings, options, {
    store,
    profile,
    onSkip: (item, reason) => {
      writer.reasons[slotOf(item)] = reason;
      writer.done += 1;
      options.onSkip(items[slotOf(item)]!, reason);
    },
  });
}

async function writeIndex(dir: string, index: IndexFile): Promise<void> {
  const file = path.join(dir, INDEX_FILE);
  await fs.writeFile(`${file}.tmp`, JSON.stringify(index));
  await fs.rename(`${file}.tmp`, file);
}

/**
 * Computes (or reuses from the cache) the frozen part's output for every item and view. Throws
 * CancelledError when cancelled; skipped images are reported and left out.
 */
export async function buildFeatureTable(
  engine: FeatureEngine,
  boundaryShapes: number[][],
  items: readonly ImageItem[],
  options: FeatureTableOptions,
): Promise<FeatureTable> {
  const started = Date.now();
  const { shape } = engine;
  if (shape.pool !== options.pool || shape.size.join() !== options.size.join()) {
    throw new Error('internal: the feature engine was built for another input size or pooling');
  }
  const partShapes = options.pool ? [[boundaryShapes[0]!.at(-1)!]] : boundaryShapes;
  const width = partShapes.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);
  const temporaryDir = options.cacheDir
    ? undefined
    : await fs.mkdtemp(path.join(os.tmpdir(), 'ts-features-'));
  const dir = options.cacheDir
    ? path.join(options.cacheDir, 'features', cacheKey(options))
    : temporaryDir!;
  mkdirSync(dir, { recursive: true });
  const stats = items.map(stat);
  const reuse = await reusableRows(dir, items, stats, width, options.views);
  const oldFile = path.join(dir, DATA_FILE);
  const tempFile = path.join(dir, `${DATA_FILE}.tmp-${process.pid}`);
  const writer = new TableWriter(items, tempFile, width, options.views, options.memoryBudgetBytes);
  const profile = emptyProfile();
  let reused = 0;
  let threads = 0;
  try {
    reused = copyCachedRows(writer, reuse, oldFile, options.onSkip);
    writer.done += reused;
    if (reused) options.onProgress(writer.done, items.length);
    threads = await computeMissing(engine, writer, reuse, partShapes, options, profile);
  } finally {
    closeSync(writer.out);
  }
  await fs.rename(tempFile, oldFile);
  await writeIndex(dir, writer.index(stats));
  // Keep only the items that decoded; their rows keep their slots in the file.
  const keptSlots = items.flatMap((_, slot) => (writer.ok[slot] ? [slot] : []));
  return new FeatureTable(
    keptSlots.map((slot) => items[slot]!),
    keptSlots,
    options.views,
    partShapes,
    writer.memory,
    oldFile,
    {
      location: writer.memory ? 'memory' : 'disk',
      bytes: keptSlots.length * writer.bytesPerItem,
      computedImages: items.length - reused,
      reusedImages: reused,
      seconds: (Date.now() - started) / 1000,
      threads,
      profile,
    },
    temporaryDir,
  );
}
