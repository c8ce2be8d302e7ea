import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeToRgb } from './decode-image';
import { noiseJpeg } from './test-images';

const solid = (background: string, width = 40, height = 30) =>
  sharp({ create: { width, height, channels: 3, background } });

/** RGB of the pixel at (x, y) of a decoded square image. */
const pixel = (data: Buffer, size: number, x: number, y: number) => {
  const at = (y * size + x) * 3;
  return [data[at], data[at + 1], data[at + 2]] as number[];
};

const near = (actual: number[], expected: number[], tolerance: number) =>
  actual.every((value, index) => Math.abs(value - (expected[index] as number)) <= tolerance);

describe('decodeToRgb', () => {
  it.each([
    [
      'CMYK JPEG',
      () => solid('#ff8800').toColourspace('cmyk').jpeg({ quality: 100 }).toBuffer(),
      [255, 136, 0],
      40,
    ],
    ['16-bit PNG', () => solid('#ff0000').toColourspace('rgb16').png().toBuffer(), [255, 0, 0], 2],
    [
      'grayscale PNG',
      () => solid('#808080').toColourspace('b-w').png().toBuffer(),
      [128, 128, 128],
      3,
    ],
    ['palette PNG', () => solid('#00ff00').png({ palette: true }).toBuffer(), [0, 255, 0], 2],
    [
      'transparent RGBA PNG (flattened onto white)',
      () =>
        sharp({
          create: {
            width: 40,
            height: 30,
            channels: 4,
            background: { r: 0, g: 0, b: 0, alpha: 0 },
          },
        })
          .png()
          .toBuffer(),
      [255, 255, 255],
      2,
    ],
  ])('turns a %s into 8-bit sRGB', async (_name, make, expected, tolerance) => {
    const decoded = await decodeToRgb(await make(), 16);
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([16, 16, 3]);
    expect(decoded.data.length).toBe(16 * 16 * 3);
    const centre = pixel(decoded.data, 16, 8, 8);
    expect(near(centre, expected, tolerance), `${centre} vs ${expected}`).toBe(true);
  });

  it('applies the EXIF orientation', async () => {
    // Left half red, right half blue; orientation 6 means "rotate 90° clockwise to view",
    // which puts the red half on top.
    const width = 40;
    const height = 20;
    const raw = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y += 1) {
      for (let x = 0; x < width; x += 1) {
        raw.set(x < width / 2 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
      }
    }
    const jpeg = await sharp(raw, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 100 })
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);

    const { data } = await decodeToRgb(jpeg, 16, { fit: 'fill' });
    expect(near(pixel(data, 16, 8, 2), [255, 0, 0], 40)).toBe(true);
    expect(near(pixel(data, 16, 8, 13), [0, 0, 255], 40)).toBe(true);
  });

  it('takes the first frame of an animated GIF', async () => {
    const frames = await Promise.all(
      ['#ff0000', '#0000ff'].map((colour) => solid(colour).png().toBuffer()),
    );
    const gif = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer();
    const { data } = await decodeToRgb(gif, 8);
    expect(near(pixel(data, 8, 4, 4), [255, 0, 0], 10)).toBe(true);
  });

  it('centre-crops a wide image to a square by default', async () => {
    // Red | green | blue thirds: the crop keeps the green middle.
    const parts = await Promise.all(
      ['#ff0000', '#00ff00', '#0000ff'].map((colour) => solid(colour, 30, 30).png().toBuffer()),
    );
    const wide = await sharp({ create: { width: 90, height: 30, channels: 3, background: '#000' } })
      .composite(parts.map((input, index) => ({ input, left: index * 30, top: 0 })))
      .png()
      .toBuffer();
    const { data } = await decodeToRgb(wide, 12);
    expect(near(pixel(data, 12, 1, 6), [0, 255, 0], 10)).toBe(true);
    expect(near(pixel(data, 12, 10, 6), [0, 255, 0], 10)).toBe(true);
  });

  it('rejects a truncated image and one above the pixel limit', async () => {
    const jpeg = await noiseJpeg(200, 150);
    await expect(decodeToRgb(jpeg.subarray(0, jpeg.length >> 1), 16)).rejects.toThrow(
      /premature end/i,
    );
    await expect(decodeToRgb(jpeg, 16, { maxPixels: 1000 })).rejects.toThrow(/pixel limit/i);
  });
});
