import type { ServerResponse } from 'node:http';
import { sendText } from './static-files';

/** What the route needs from the scan's thumbnail registry. */
export interface ThumbnailSource {
  render(id: string): Promise<{ contentType: string; body: Buffer } | null>;
}

export const THUMBNAIL_PREFIX = '/thumbnails/';

/**
 * Ids are opaque tokens issued by the scan, so anything shaped like a path is refused before
 * the registry is even asked: separators (plain or percent-encoded), `..`, absolute paths.
 */
export function parseThumbnailId(rawPath: string): string | null {
  if (!rawPath.startsWith(THUMBNAIL_PREFIX)) return null;
  const id = rawPath.slice(THUMBNAIL_PREFIX.length);
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}$/.test(id) || id.includes('..')) return null;
  return id;
}

export async function serveThumbnail(
  source: ThumbnailSource,
  rawPath: string,
  response: ServerResponse,
): Promise<void> {
  const id = parseThumbnailId(rawPath);
  if (!id) {
    sendText(
      response,
      400,
      'Invalid thumbnail id: thumbnails are addressed by the ids a scan issues, never by path.',
    );
    return;
  }
  let image: { contentType: string; body: Buffer } | null;
  try {
    image = await source.render(id);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    sendText(response, 500, `Could not render the thumbnail: ${reason}`);
    return;
  }
  if (!image) {
    sendText(
      response,
      404,
      'Unknown thumbnail id: scan the dataset again to get fresh thumbnails.',
    );
    return;
  }
  response.writeHead(200, {
    'Content-Type': image.contentType,
    'Content-Length': image.body.length,
    'Cache-Control': 'private, max-age=600',
  });
  response.end(image.body);
}
