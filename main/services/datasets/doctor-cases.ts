/**
 * Every bad (and tricky but fine) file the issue names, written into a split-folders dataset
 * with the problem kinds the doctor must report for each. Used by the dataset doctor e2e and
 * checked against the real scan by doctor-cases.test.ts, so both agree on what is expected.
 */
import { chmodSync, copyFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ProblemKind } from '../../../shared/domain';
import {
  animatedGif,
  hugeHeaderPng,
  noiseJpeg,
  writeBytes,
  writeClasses,
  writeJpeg,
} from './test-images';

export interface DoctorCase {
  /** Absolute path of the file. */
  file: string;
  /** Problem kinds the doctor reports for it (empty: accepted without a problem). */
  kinds: ProblemKind[];
  /** What the case is, for test titles. */
  label: string;
}

export interface DoctorCaseOptions {
  /**
   * Write a chmod-000 file expected to be 'unreadable'. Root reads it regardless, so callers
   * running as root pass false.
   */
  unreadable: boolean;
}

/** Writes root/{train,val,test}/{ants,bees}/… with every case; returns the cases. */
export async function writeDoctorCases(
  root: string,
  options: DoctorCaseOptions,
): Promise<DoctorCase[]> {
  await writeClasses(path.join(root, 'train'), { ants: 12, bees: 12 });
  await writeClasses(path.join(root, 'val'), { ants: 4, bees: 4 });
  await writeClasses(path.join(root, 'test'), { ants: 2, bees: 2 });
  const at = (...parts: string[]) => path.join(root, ...parts);
  const ants = (name: string) => at('train', 'ants', name);
  const color = (background: string) =>
    sharp({ create: { width: 64, height: 48, channels: 3, background } });
  const cases: DoctorCase[] = [];
  const add = (file: string, kinds: ProblemKind[], label: string) =>
    cases.push({ file, kinds, label });

  const jpeg = await noiseJpeg(200, 150);
  add(
    writeBytes(ants('truncated.jpg'), jpeg.subarray(0, jpeg.length >> 1)),
    ['truncated'],
    'truncated JPEG',
  );
  add(writeBytes(ants('empty.jpg'), Buffer.alloc(0)), ['empty-file'], '0-byte file');
  add(
    writeBytes(ants('notes.jpg'), 'This is a note, not a photo.\n'.repeat(20)),
    ['unsupported'],
    'text named .jpg',
  );
  add(
    writeBytes(ants('png-named.jpg'), await color('#00ff00').png().toBuffer()),
    ['extension-mismatch'],
    'PNG named .jpg',
  );
  add(
    writeBytes(ants('cmyk.jpg'), await color('#ff8800').toColourspace('cmyk').jpeg().toBuffer()),
    [],
    'CMYK JPEG',
  );
  add(
    writeBytes(
      ants('deep-16bit.png'),
      await color('#ff0000').toColourspace('rgb16').png().toBuffer(),
    ),
    [],
    '16-bit PNG',
  );
  add(
    writeBytes(ants('grey.png'), await color('#808080').toColourspace('b-w').png().toBuffer()),
    [],
    'grayscale PNG',
  );
  const transparent = { r: 0, g: 0, b: 0, alpha: 0 };
  add(
    writeBytes(
      ants('rgba.png'),
      await sharp({ create: { width: 64, height: 48, channels: 4, background: transparent } })
        .png()
        .toBuffer(),
    ),
    [],
    'RGBA PNG',
  );
  add(writeBytes(ants('animated.gif'), await animatedGif()), [], 'animated GIF');
  add(
    writeBytes(
      ants('rotated.jpg'),
      await color('#0000ff').jpeg().withMetadata({ orientation: 6 }).toBuffer(),
    ),
    [],
    'EXIF-rotated JPEG',
  );
  add(
    writeBytes(ants('huge-header.png'), await hugeHeaderPng()),
    ['too-large'],
    '50000x50000 header',
  );
  symlinkSync(at('train', 'ants'), ants('loop'));
  add(ants('loop'), ['symlink-loop'], 'symlink loop');
  if (options.unreadable) {
    await writeJpeg(ants('locked.jpg'));
    chmodSync(ants('locked.jpg'), 0o000);
    add(ants('locked.jpg'), ['unreadable'], 'unreadable file');
  }
  add(await writeJpeg(ants('ñandú 🐜 photo.jpg')), [], 'unicode name');
  add(await writeJpeg(ants('ant photos 2.jpg')), [], 'name with spaces');

  const crossClass = await noiseJpeg();
  add(
    writeBytes(ants('both-classes.jpg'), crossClass),
    ['duplicate-across-classes'],
    'in two classes',
  );
  add(
    writeBytes(at('train', 'bees', 'both-classes-copy.jpg'), crossClass),
    ['duplicate-across-classes'],
    'in two classes (copy)',
  );
  const leaked = await writeJpeg(at('train', 'bees', 'leak.jpg'));
  add(leaked, [], 'training original of a val copy');
  copyFileSync(leaked, at('val', 'bees', 'leak-copy.jpg'));
  add(at('val', 'bees', 'leak-copy.jpg'), ['duplicate-across-splits'], 'train/val duplicate');

  add(
    writeBytes(at('test', 'ants', 'test-broken.jpg'), jpeg.subarray(0, jpeg.length >> 1)),
    ['truncated'],
    'truncated file in test/',
  );
  copyFileSync(at('train', 'bees', 'img-0.jpg'), at('test', 'bees', 'seen-in-training.jpg'));
  add(
    at('test', 'bees', 'seen-in-training.jpg'),
    ['duplicate-across-splits'],
    'test/train duplicate',
  );
  return cases;
}

/** Writes `count` distinct small JPEGs named <prefix>-000.jpg… into `dir`. */
export async function writeManyJpegs(dir: string, prefix: string, count: number): Promise<void> {
  const width = String(count - 1).length;
  for (let index = 0; index < count; index += 1) {
    await writeJpeg(path.join(dir, `${prefix}-${String(index).padStart(width, '0')}.jpg`), 40, 40);
  }
}
