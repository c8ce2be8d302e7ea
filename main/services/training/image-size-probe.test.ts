import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { hymenopteraItems } from './test-jobs';
import { decideImageSize, PROBE_SAMPLE, shorterSides } from './image-size-probe';

describe('image size probe', () => {
  it('reads a sample of real photos and auto picks the size their detail supports', async () => {
    const paths = hymenopteraItems('train').map((item) => item.path);
    const sides = await shorterSides(paths);
    // 64 of 245 (the GIF placeholder's header reads too).
    expect(sides).toHaveLength(PROBE_SAMPLE);
    const decided = await decideImageSize('auto', [224, 224], paths);
    expect(decided.inputSize).toEqual([352, 352]);
    expect(decided.reason).toMatch(
      /^352 px \(auto: the images' median shorter side is 3\d\d px\)$/,
    );
    expect((await decideImageSize('native', [224, 224], paths)).inputSize).toEqual([224, 224]);
    expect((await decideImageSize(288, [224, 224], paths)).inputSize).toEqual([288, 288]);
  });

  it('small images keep the native size; unreadable files are left out of the sample', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-size-probe-'));
    try {
      const files = await Promise.all(
        [0, 1, 2].map(async (i) => {
          const file = path.join(dir, `small-${i}.png`);
          await sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } })
            .png()
            .toFile(file);
          return file;
        }),
      );
      const broken = path.join(dir, 'broken.jpg');
      await fs.writeFile(broken, 'not an image');
      expect(await shorterSides([...files, broken, path.join(dir, 'gone.jpg')])).toEqual([
        48, 48, 48,
      ]);
      const decided = await decideImageSize('auto', [224, 224], [...files, broken]);
      expect(decided.inputSize).toEqual([224, 224]);
      expect(decided.reason).toMatch(/median shorter side is 48 px, so the base's own size/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
