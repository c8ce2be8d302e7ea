import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir, writeJpeg } from './test-images';
import { ThumbnailRegistry } from './thumbnails';

let temp: { dir: string; cleanup(): void };
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

describe('ThumbnailRegistry', () => {
  it('renders a 128x128 JPEG for an id it issued', async () => {
    const file = await writeJpeg(path.join(temp.dir, 'wide.jpg'), 400, 200);
    const registry = new ThumbnailRegistry();
    const id = registry.issue(file);
    expect(registry.issue(file)).toBe(id);
    expect(registry.issue(path.join(temp.dir, 'other.jpg'))).not.toBe(id);
    const rendered = await registry.render(id);
    const meta = await sharp(rendered?.body).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 128, 128]);
  });

  it('refuses anything that is not an id it issued', async () => {
    const file = await writeJpeg(path.join(temp.dir, 'a.jpg'));
    const registry = new ThumbnailRegistry();
    const id = registry.issue(file);
    const foreign = new ThumbnailRegistry().issue(file);
    for (const attempt of [
      file,
      '../a.jpg',
      `${id}/../a.jpg`,
      '..%2Fa.jpg',
      encodeURIComponent(file),
      id.toUpperCase(),
      `${id} `,
      foreign,
      '',
      '0'.repeat(32),
    ]) {
      expect(await registry.render(attempt), attempt).toBeNull();
    }
    expect(await registry.render(id)).not.toBeNull();
  });

  it('returns null when the file behind an id is gone or broken', async () => {
    const registry = new ThumbnailRegistry();
    expect(await registry.render(registry.issue(path.join(temp.dir, 'missing.jpg')))).toBeNull();
  });
});
