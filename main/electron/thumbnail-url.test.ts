import { describe, expect, it } from 'vitest';
import { isThumbnailId, parseThumbnailUrl, thumbnailUrlFor } from './thumbnail-url';

describe('trust: thumbnail URLs', () => {
  it('round-trips the ids the registry issues (32 hex characters)', () => {
    const id = '0f3a9c4be21d7788aa55ff0011223344';
    expect(thumbnailUrlFor(id)).toBe(`studio-thumb://thumb/${id}`);
    expect(parseThumbnailUrl(thumbnailUrlFor(id))).toBe(id);
  });

  it('keeps the case of an id, which a host would lose', () => {
    expect(parseThumbnailUrl(thumbnailUrlFor('AbC-123_x'))).toBe('AbC-123_x');
  });

  it('ignores a query string (cache busting)', () => {
    expect(parseThumbnailUrl('studio-thumb://thumb/abc123?v=2')).toBe('abc123');
  });

  it.each([
    ['another scheme', 'file:///etc/passwd'],
    ['https', 'https://thumb/abc'],
    ['another host', 'studio-thumb://evil/abc'],
    ['the id as host', 'studio-thumb://abc'],
    ['no id', 'studio-thumb://thumb/'],
    ['a nested path', 'studio-thumb://thumb/a/b'],
    ['an encoded traversal', 'studio-thumb://thumb/..%2F..%2Fetc%2Fpasswd'],
    ['an encoded absolute path', 'studio-thumb://thumb/%2Fhome%2Fuser%2Fcat.jpg'],
    ['a dot-dot id', 'studio-thumb://thumb/%2E%2E'],
    ['credentials', 'studio-thumb://user:pw@thumb/abc'],
    ['a port', 'studio-thumb://thumb:8080/abc'],
    ['broken percent-encoding', 'studio-thumb://thumb/%E0%A4%A'],
    ['spaces', 'studio-thumb://thumb/a%20b'],
    ['not a URL', 'abc'],
  ])('refuses %s', (_label, url) => {
    expect(parseThumbnailUrl(url)).toBeNull();
  });

  it('accepts only token-shaped ids', () => {
    expect(isThumbnailId('abc')).toBe(true);
    expect(isThumbnailId('')).toBe(false);
    expect(isThumbnailId('..')).toBe(false);
    expect(isThumbnailId('a/b')).toBe(false);
    expect(isThumbnailId('x'.repeat(201))).toBe(false);
    expect(isThumbnailId(42)).toBe(false);
  });
});
