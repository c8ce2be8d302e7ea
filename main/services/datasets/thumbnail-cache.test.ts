import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ThumbnailDiskCache } from './thumbnail-cache';
import { makeTempDir, noiseJpeg, writeJpeg } from './test-images';
import { ThumbnailRegistry } from './thumbnails';

let temp: { dir: string; cleanup(): void };
let cacheDir: string;
beforeEach(() => {
  temp = makeTempDir('ts-thumbs-');
  cacheDir = path.join(temp.dir, 'data', 'cache', 'thumbnails');
});
afterEach(() => temp.cleanup());

const cachedFiles = () => (existsSync(cacheDir) ? readdirSync(cacheDir).sort() : []);
const keyOf = (file: string) => {
  const stats = statSync(file);
  return ThumbnailDiskCache.key(file, stats.size, stats.mtimeMs);
};

describe('thumbnails cached on disk', () => {
  it('renders on first request, stores <sha256>.jpg, then serves the stored file', async () => {
    const file = await writeJpeg(path.join(temp.dir, 'images', 'cat.jpg'), 300, 200);
    const registry = new ThumbnailRegistry({ cacheDir });
    const id = registry.issue(file);
    expect(cachedFiles()).toEqual([]);

    const first = await registry.render(id);
    expect(cachedFiles()).toEqual([`${keyOf(file)}.jpg`]);
    expect(keyOf(file)).toMatch(/^[0-9a-f]{64}$/);
    const stored = path.join(cacheDir, `${keyOf(file)}.jpg`);
    const meta = await sharp(stored).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 128, 128]);

    // Replace the stored thumbnail by a different real JPEG: a second request must return
    // exactly those bytes, which proves it read the file instead of rendering again.
    const marker = await sharp({
      create: { width: 128, height: 128, channels: 3, background: '#ff00ff' },
    })
      .jpeg()
      .toBuffer();
    expect(marker.equals(first?.body as Buffer)).toBe(false);
    writeFileSync(stored, marker);
    const again = await registry.render(id);
    expect(again?.body.equals(marker)).toBe(true);

    // A fresh registry (the next launch) finds it too.
    const next = new ThumbnailRegistry({ cacheDir });
    expect((await next.render(next.issue(file)))?.body.equals(marker)).toBe(true);
  });

  it('gives a changed image a new key and a fresh thumbnail', async () => {
    const file = await writeJpeg(path.join(temp.dir, 'images', 'dog.jpg'), 200, 200);
    const registry = new ThumbnailRegistry({ cacheDir });
    const id = registry.issue(file);
    const before = await registry.render(id);
    const oldKey = keyOf(file);

    // New content (a plain red picture) with a later mtime.
    writeFileSync(
      file,
      await sharp({ create: { width: 150, height: 150, channels: 3, background: '#ff0000' } })
        .jpeg()
        .toBuffer(),
    );
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    expect(keyOf(file)).not.toBe(oldKey);

    const after = await registry.render(id);
    expect(after?.body.equals(before?.body as Buffer)).toBe(false);
    const { dominant } = await sharp(after?.body).stats();
    expect(dominant.r).toBeGreaterThan(200);
    expect(dominant.g).toBeLessThan(60);
    expect(cachedFiles()).toEqual([`${keyOf(file)}.jpg`, `${oldKey}.jpg`].sort());
  });

  it('renders a broken file as null and stores nothing', async () => {
    const file = path.join(temp.dir, 'broken.jpg');
    writeFileSync(file, (await noiseJpeg()).subarray(0, 40));
    const registry = new ThumbnailRegistry({ cacheDir });
    expect(await registry.render(registry.issue(file))).toBeNull();
    expect(cachedFiles().filter((name) => name.endsWith('.jpg'))).toEqual([]);
  });

  it('renders once when the same thumbnail is asked for twice at once', async () => {
    const file = await writeJpeg(path.join(temp.dir, 'twice.jpg'), 400, 400);
    const registry = new ThumbnailRegistry({ cacheDir });
    const id = registry.issue(file);
    const [a, b] = await Promise.all([registry.render(id), registry.render(id)]);
    expect(a?.body).toBe(b?.body);
    expect(cachedFiles()).toHaveLength(1);
  });

  it('drops the oldest thumbnails when the folder grows past its limit', async () => {
    const files = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        writeJpeg(path.join(temp.dir, 'many', `img-${index}.jpg`), 160, 160),
      ),
    );
    // Noise thumbnails are about 6-8 KB each: a 30 KB limit holds only a few.
    const limit = 30_000;
    const registry = new ThumbnailRegistry({ cacheDir, maxCacheBytes: limit });
    for (const [index, file] of files.entries()) {
      await registry.render(registry.issue(file));
      // Distinct, increasing mtimes so "oldest" is well defined.
      const stored = path.join(cacheDir, `${keyOf(file)}.jpg`);
      const time = new Date(Date.UTC(2024, 0, 1, 0, 0, index));
      if (existsSync(stored)) utimesSync(stored, time, time);
    }
    const left = cachedFiles();
    const total = left.reduce((sum, name) => sum + statSync(path.join(cacheDir, name)).size, 0);
    expect(total).toBeLessThanOrEqual(limit);
    expect(left.length).toBeGreaterThan(0);
    expect(left.length).toBeLessThan(files.length);
    // The newest one survived; the first one was pruned.
    expect(left).toContain(`${keyOf(files.at(-1) as string)}.jpg`);
    expect(left).not.toContain(`${keyOf(files[0] as string)}.jpg`);
  });

  it('trims an oversized folder left by an earlier session at startup, and stale temp files', async () => {
    const first = new ThumbnailRegistry({ cacheDir });
    const files = await Promise.all(
      Array.from({ length: 5 }, (_, index) =>
        writeJpeg(path.join(temp.dir, 'old', `img-${index}.jpg`), 160, 160),
      ),
    );
    for (const file of files) await first.render(first.issue(file));
    const leftover = path.join(cacheDir, '.abc.123.tmp');
    writeFileSync(leftover, 'half a thumbnail');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(leftover, old, old);

    const sizes = cachedFiles().map((name) => statSync(path.join(cacheDir, name)).size);
    const limit = Math.max(...sizes) * 2;
    const cache = new ThumbnailDiskCache(cacheDir, limit);
    await cache.measure();
    const left = cachedFiles();
    expect(left).not.toContain('.abc.123.tmp');
    const total = left.reduce((sum, name) => sum + statSync(path.join(cacheDir, name)).size, 0);
    expect(total).toBeLessThanOrEqual(limit);
    expect(left.length).toBeGreaterThan(0);
  });
});
