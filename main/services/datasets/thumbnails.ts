/**
 * Opaque thumbnail ids: the scan issues an id per file it wants shown, and the transports
 * (custom protocol, authenticated route) only ever accept those ids, never paths.
 */
export class ThumbnailRegistry {
  issue(_filePath: string): string {
    throw new Error('ThumbnailRegistry: not implemented yet');
  }
  /** A JPEG thumbnail for an id this registry issued; null for anything else. */
  async render(_id: string): Promise<{ contentType: string; body: Buffer } | null> {
    return null;
  }
}
