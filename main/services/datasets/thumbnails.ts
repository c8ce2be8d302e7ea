/**
 * Opaque thumbnail ids: the scan issues an id per file it wants shown, and the transports
 * (custom protocol, authenticated route) only ever accept those ids, never paths. Ids are
 * random, so they reveal nothing about the file and cannot be guessed or forged.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';

const ID_PATTERN = /^[0-9a-f]{32}$/;
export const THUMBNAIL_SIZE = 128;
/** Refuse to decode images above this many pixels for a thumbnail (the doctor flags them). */
const MAX_THUMBNAIL_INPUT_PIXELS = 100_000_000;

export class ThumbnailRegistry {
  private readonly pathsById = new Map<string, string>();
  private readonly idsByPath = new Map<string, string>();

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
   * longer be decoded.
   */
  async render(id: string): Promise<{ contentType: string; body: Buffer } | null> {
    if (!this.has(id)) return null;
    const filePath = this.pathsById.get(id) as string;
    try {
      const body = await sharp(filePath, {
        limitInputPixels: MAX_THUMBNAIL_INPUT_PIXELS,
        failOn: 'none',
      })
        .rotate()
        .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'cover' })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .jpeg({ quality: 80 })
        .toBuffer();
      return { contentType: 'image/jpeg', body };
    } catch {
      return null;
    }
  }
}
