/**
 * The `studio-thumb:` protocol: serves the thumbnails a scan issued, by id only. A page can
 * never name a file path through it, and an id the registry did not issue gets a 404.
 */
import { protocol } from 'electron';
import type { ThumbnailRegistry } from '../services/datasets/thumbnails';
import { parseThumbnailUrl, THUMBNAIL_SCHEME } from './thumbnail-url';

/**
 * Must run before the app is ready. Standard + secure makes the scheme behave like https for
 * the page (no mixed-content block, proper URL parsing); it gets no fetch, CORS or
 * service-worker privileges because only <img> elements use it.
 */
export function registerThumbnailScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: THUMBNAIL_SCHEME, privileges: { standard: true, secure: true } },
  ]);
}

function refuse(status: number, text: string): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** Answers thumbnail requests from the registry (after app ready). */
export function serveThumbnails(thumbnails: ThumbnailRegistry): void {
  protocol.handle(THUMBNAIL_SCHEME, async (request) => {
    if (request.method !== 'GET') return refuse(405, 'Thumbnails are read-only.');
    const id = parseThumbnailUrl(request.url);
    if (id === null) return refuse(400, 'Not a thumbnail URL.');
    const image = await thumbnails.render(id).catch(() => null);
    if (!image) return refuse(404, 'No such thumbnail.');
    return new Response(new Uint8Array(image.body), {
      status: 200,
      headers: {
        'content-type': image.contentType,
        'cache-control': 'private, max-age=3600',
        'x-content-type-options': 'nosniff',
      },
    });
  });
}
