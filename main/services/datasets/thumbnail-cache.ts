/**
 * Thumbnails kept on disk between launches: <dir>/<sha256 of path, size, mtime>.jpg. A
 * changed image gets a new key (its size or mtime changed), so stale thumbnails are never
 * served; they just age out. The folder is bounded: past `maxBytes` the oldest files go.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export const DEFAULT_THUMBNAIL_CACHE_BYTES = 200 * 1024 * 1024;
/** Pruning goes below the limit by this share, so it does not run again on the next write. */
const PRUNE_TO = 0.8;
/** Temp files older than this are leftovers of a crash (a live write takes milliseconds). */
const STALE_TEMP_MS = 60_000;

export class ThumbnailDiskCache {
  /** Bytes of thumbnails on disk; measured by the first prune. */
  private total = 0;
  private measured: Promise<void> | undefined;
  private pruning: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    readonly maxBytes = DEFAULT_THUMBNAIL_CACHE_BYTES,
  ) {}

  /** The cache key of an image file as it is now. */
  static key(filePath: string, size: number, mtimeMs: number): string {
    return createHash('sha256').update(`${filePath}\u0000${size}\u0000${mtimeMs}`).digest('hex');
  }

  fileOf(key: string): string {
    return path.join(this.dir, `${key}.jpg`);
  }

  /** The stored thumbnail, or null when there is none (or it cannot be read). */
  async read(key: string): Promise<Buffer | null> {
    try {
      return await fs.readFile(this.fileOf(key));
    } catch {
      return null;
    }
  }

  /**
   * Stores a thumbnail: written to a temp file and renamed, so a reader never sees half a
   * file and a crash leaves only a temp file that the next prune removes.
   */
  async write(key: string, body: Buffer): Promise<void> {
    await this.measure();
    await fs.mkdir(this.dir, { recursive: true });
    const temp = path.join(this.dir, `.${key}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(temp, body);
      await fs.rename(temp, this.fileOf(key));
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    this.total += body.length;
    if (this.total > this.maxBytes) await this.prune();
  }

  /** Measures the folder once (and trims it if a previous session left it too big). */
  measure(): Promise<void> {
    // A failed measurement leaves the total at what is known; writes still go ahead.
    this.measured ??= this.prune().catch(() => undefined);
    return this.measured;
  }

  /** Deletes the oldest thumbnails until the folder is well under the limit. */
  prune(): Promise<void> {
    this.pruning ??= this.pruneNow().finally(() => {
      this.pruning = undefined;
    });
    return this.pruning;
  }

  private async pruneNow(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      this.total = 0;
      return;
    }
    const now = Date.now();
    const files: { file: string; size: number; mtimeMs: number }[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      const stats = await fs.stat(file).catch(() => null);
      if (!stats?.isFile()) continue;
      if (name.endsWith('.tmp')) {
        if (now - stats.mtimeMs > STALE_TEMP_MS) await fs.rm(file, { force: true });
      } else if (name.endsWith('.jpg')) {
        files.push({ file, size: stats.size, mtimeMs: stats.mtimeMs });
      }
    }
    let total = files.reduce((sum, entry) => sum + entry.size, 0);
    if (total > this.maxBytes) {
      files.sort((a, b) => a.mtimeMs - b.mtimeMs);
      for (const entry of files) {
        if (total <= this.maxBytes * PRUNE_TO) break;
        await fs.rm(entry.file, { force: true });
        total -= entry.size;
      }
    }
    this.total = total;
  }
}
