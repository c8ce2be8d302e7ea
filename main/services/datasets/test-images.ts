/**
 * Test helpers: real image files written with sharp into throw-away folders. Used by the
 * *.test.ts files next to it and by the dataset doctor e2e (through doctor-cases.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';

const FIXTURES =
  process.env.TRANSFER_STUDIO_FIXTURES ?? path.join(__dirname, '../../../../shared/fixtures');
export const HYMENOPTERA = path.join(FIXTURES, 'datasets', 'hymenoptera_data');

/** A fresh temporary folder and a function that deletes it. */
export function makeTempDir(prefix = 'ts-dataset-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A small JPEG of random noise (so no two are byte-identical unless copied). */
export async function noiseJpeg(width = 48, height = 48): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .jpeg({ quality: 70 })
    .toBuffer();
}

export async function writeJpeg(file: string, width = 48, height = 48): Promise<string> {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await noiseJpeg(width, height));
  return file;
}

/** Writes `counts[class]` noise JPEGs into dir/<class>/img-<n>.jpg; returns the paths. */
export async function writeClasses(dir: string, counts: Record<string, number>): Promise<string[]> {
  const written: string[] = [];
  for (const [className, count] of Object.entries(counts)) {
    for (let index = 0; index < count; index += 1) {
      written.push(await writeJpeg(path.join(dir, className, `img-${index}.jpg`)));
    }
  }
  return written;
}

/** Writes `data` to `file`, creating its folder; returns the path. */
export function writeBytes(file: string, data: Buffer | string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, data);
  return file;
}

/** A real 64x64 PNG whose IHDR is rewritten to claim 50000x50000 (CRC fixed up). */
export async function hugeHeaderPng(): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123456' } })
      .png()
      .toBuffer(),
  );
  png.writeUInt32BE(50_000, 16);
  png.writeUInt32BE(50_000, 20);
  png.writeUInt32BE(zlib.crc32(png.subarray(12, 29)), 29);
  return png;
}

/** A three-frame animated GIF (red, green, blue). */
export async function animatedGif(): Promise<Buffer> {
  const frames = await Promise.all(
    ['#ff0000', '#00ff00', '#0000ff'].map((background) =>
      sharp({ create: { width: 64, height: 48, channels: 3, background } })
        .png()
        .toBuffer(),
    ),
  );
  return sharp(frames, { join: { animated: true } })
    .gif()
    .toBuffer();
}
