/**
 * Opaque thumbnail ids: the scan issues an id per file it wants shown, and the transports
 * (custom protocol, authenticated route) only ever accept those ids, never paths. Ids are
 * random, so they reveal nothing about the file and cannot be guessed or forged.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import sharp from 'sharp';
import { ThumbnailDiskCache } from './thumbnail-cache';

const ID_PATTERN = /^[0-9a-f]{32}$/;
export const THUMBNAIL_SIZE = 128;
/** Refuse to decode images above this many pixels for a thumbnail (the doctor flags them). */
const MAX_THUMBNAIL_INPUT_PIXELS = 100_000_000;

export interface ThumbnailRegistryOptions {
  /** Folder for thumbnails kept between launches; without it every request renders anew. */
  cacheDir?: string;
  /** Size limit of that folder (default 200 MB). */
  maxCacheBytes?: number;
}

export class ThumbnailRegistry {
  private readonly pathsById = new Map<string, string>();
  private readonly idsByPath = new Map<string, string>();
  private readonly cache: ThumbnailDiskCache | undefined;
  /** Renders in flight by cache key, so a grid asking twice at once renders once. */
  private readonly inFlight = new Map<string, Promise<Buffer | null>>();

  constructor(options: ThumbnailRegistryOptions = {}) {
    this.cache = options.cacheDir
      ? new ThumbnailDiskCache(options.cacheDir, options.maxCacheBytes)
      : undefined;
    // At startup: trim what earlier sessions left beyond the limit.
    void this.cache?.measure();
  }

  /** The id for a file; the same file keeps its id, so rescans do not grow the registry. */
  issue(filePath: string): string {
    const known = this.idsByPath.get(filePath);
    if (known) return known;
    const id = randomBytes(16).toString('hex');
    this.pathsById.set(id, filePath);
    this.idsByPath.set(filePath, id);
    return id;
  }

  /** The file behind an id this registry issued (for services that read the image itself). */
  pathOf(id: string): string | undefined {
    return this.has(id) ? this.pathsById.get(id) : undefined;
  }

  /** Whether this registry issued the id (transports may check before rendering). */
  has(id: unknown): boolean {
    return typeof id === 'string' && ID_PATTERN.test(id) && this.pathsById.has(id);
  }

  /**
   * A 128x128 JPEG thumbnail (EXIF orientation applied, centre-cropped) for an id this
   * registry issued; null for anything else, including paths, and for files that can no
   * longer be decoded. Made on first request, then read from the disk cache.
   */
  async render(id: string): Promise<{ contentType: string; body: Buffer } | null> {
    if (!this.has(id)) return null;
    const filePath = this.pathsById.get(id) as string;
    let stats: { size: number; mtimeMs: number };
    try {
      stats = await fs.stat(filePath);
    } catch {
      return null;
    }
    const key = ThumbnailDiskCache.key(filePath, stats.size, stats.mtimeMs);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.cachedOrRendered(filePath, key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const body = await pending;
    return body ? { contentType: 'image/jpeg', body } : null;
  }

  private async cachedOrRendered(filePath: string, key: string): Promise<Buffer | null> {
    const cached = await this.cache?.read(key);
    if (cached) return cached;
    const body = await renderThumbnail(filePath);
    // A full or read-only disk costs speed, never the thumbnail itself.
    if (body) await this.cache?.write(key, body).catch(() => undefined);
    return body;
  }
}

async function renderThumbnail(filePath: string): Promise<Buffer | null> {
  try {
    return await sharp(filePath, {
      limitInputPixels: MAX_THUMBNAIL_INPUT_PIXELS,
      failOn: 'none',
    })
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'cover' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: 80 })
      .toBuffer();
  } catch {
    return null;
  }
}
