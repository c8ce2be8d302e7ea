import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hymenopteraItems } from '../../services/training/test-jobs';
import { decodeImageInto } from './decode-image';
import { imageBatches, type ImageBatch, type ImageItem } from './image-batches';

const MINUS_ONE_TO_ONE = { scale: 1 / 127.5, offset: -1 };
let tempDir: string;

beforeAll(async () => {
  tempDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-images-'));
});
afterAll(async () => {
  await fs.rm(tempDir, { recursive: true, force: true });
});

describe('decodeImageInto', () => {
  it('decodes a real JPEG to 224x224 RGB scaled to [-1, 1]', async () => {
    const [first] = hymenopteraItems('train', 1);
    const pixels = new Float32Array(224 * 224 * 3);
    await decodeImageInto(first!.path, [224, 224], MINUS_ONE_TO_ONE, pixels, 0);
    const min = pixels.reduce((a, b) => Math.min(a, b), Infinity);
    const max = pixels.reduce((a, b) => Math.max(a, b), -Infinity);
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThanOrEqual(1);
    expect(max - min).toBeGreaterThan(1); // a photo, not a flat colour
    // Same pixels as sharp's own cover-resize of the file, scaled.
    const reference = await sharp(first!.path)
      .rotate()
      .removeAlpha()
      .resize(224, 224, { fit: 'cover' })
      .raw()
      .toBuffer();
    expect(pixels[1000]).toBeCloseTo(reference[1000]! / 127.5 - 1, 5);
  });

  it('turns grayscale with alpha and EXIF rotation into upright RGB', async () => {
    // 40 wide x 20 high, stored as 20x40 with orientation 6 (rotate 90° clockwise to display).
    const file = path.join(tempDir, 'rotated.jpg');
    const left = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    await sharp({ create: { width: 20, height: 40, channels: 3, background: '#fff' } })
      .composite([{ input: left, top: 0, left: 0 }])
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toFile(file);
    const grayAlpha = path.join(tempDir, 'gray.png');
    await sharp({
      create: {
        width: 8,
        height: 8,
        channels: 4,
        background: { r: 200, g: 200, b: 200, alpha: 0.5 },
      },
    })
      .toColourspace('b-w')
      .png()
      .toFile(grayAlpha);
    const out = new Float32Array(2 * 2 * 3);
    await decodeImageInto(grayAlpha, [2, 2], { scale: 1, offset: 0 }, out, 0);
    expect(out[0]).toBe(out[1]);
    expect(out[1]).toBe(out[2]);
    // Upright: the black square (top of the stored image) is now on the right.
    const upright = new Float32Array(20 * 40 * 3);
    await decodeImageInto(file, [20, 40], { scale: 1, offset: 0 }, upright, 0);
    const at = (x: number, y: number) => upright[(y * 40 + x) * 3]!;
    expect(at(35, 10)).toBeLessThan(40);
    expect(at(5, 10)).toBeGreaterThan(215);
  });
});

describe('imageBatches', () => {
  it('streams batches in order and skips a file that does not decode, with its reason', async () => {
    const corrupt = path.join(tempDir, 'corrupt.jpg');
    await fs.writeFile(corrupt, Buffer.from('this is not a jpeg at all'));
    const real = hymenopteraItems('val', 3);
    const items: ImageItem[] = [real[0]!, { path: corrupt, label: 1 }, ...real.slice(1)];
    const skipped: string[] = [];
    const seen: ImageItem[] = [];
    const sizes: number[] = [];
    for await (const batch of imageBatches(items, {
      size: [32, 32],
      preprocessing: MINUS_ONE_TO_ONE,
      batchSize: 2,
      onSkip: (item, reason) => skipped.push(`${path.basename(item.path)}: ${reason}`),
    })) {
      expect(batch.pixels.length).toBe(batch.items.length * 32 * 32 * 3);
      seen.push(...batch.items);
      sizes.push(batch.items.length);
    }
    expect(seen).toEqual(items.filter((item) => item.path !== corrupt));
    expect(sizes).toEqual([1, 2, 2, 1]);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(/^corrupt\.jpg: /);
  });

  it('keeps the pixels of each image with its item after compaction', async () => {
    const items = hymenopteraItems('val', 2);
    const alone: Float32Array[] = [];
    for (const item of items) {
      const pixels = new Float32Array(16 * 16 * 3);
      await decodeImageInto(item.path, [16, 16], MINUS_ONE_TO_ONE, pixels, 0);
      alone.push(pixels);
    }
    const withGap = [
      items[0]!,
      { path: path.join(tempDir, 'missing.jpg'), label: 0 },
      ...items.slice(1),
    ];
    const batches: ImageBatch[] = [];
    for await (const batch of imageBatches(withGap, {
      size: [16, 16],
      preprocessing: MINUS_ONE_TO_ONE,
      batchSize: 8,
    })) {
      batches.push(batch);
    }
    expect(batches).toHaveLength(1);
    const stride = 16 * 16 * 3;
    alone.forEach((pixels, index) => {
      expect(Array.from(batches[0]!.pixels.subarray(index * stride, (index + 1) * stride))).toEqual(
        Array.from(pixels),
      );
    });
  });
});
