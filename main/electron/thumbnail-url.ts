/**
 * URLs of the `studio-thumb:` protocol. The id travels in the path, not the host, because a
 * standard scheme lower-cases its host and ids may be case-sensitive.
 */
import { THUMBNAIL_SCHEME } from '../../shared/content-security-policy';

export { THUMBNAIL_SCHEME };
const HOST = 'thumb';

/** Ids are opaque tokens issued by a scan; anything else never reaches the registry. */
const ID_PATTERN = /^[A-Za-z0-9._~-]{1,200}$/;

export function isThumbnailId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value) && value !== '.' && value !== '..';
}

export function thumbnailUrlFor(id: string): string {
  return `${THUMBNAIL_SCHEME}://${HOST}/${encodeURIComponent(id)}`;
}

/**
 * The thumbnail id a request URL names, or null when the URL is not exactly
 * `studio-thumb://thumb/<id>` (other hosts, extra path segments, credentials, ports, or ids
 * outside the token alphabet are refused before the registry is asked).
 */
export function parseThumbnailUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${THUMBNAIL_SCHEME}:` || parsed.hostname !== HOST) return null;
  if (parsed.port || parsed.username || parsed.password) return null;
  const match = /^\/([^/]+)$/.exec(parsed.pathname);
  if (!match) return null;
  let id: string;
  try {
    id = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  return isThumbnailId(id) ? id : null;
}
