/**
 * Test helpers: real image files written with sharp into throw-away folders. Used only by
 * the *.test.ts files next to it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
