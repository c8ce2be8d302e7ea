import { mkdirSync, renameSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chooseImageSize, DatasetSummary } from '../../../shared/domain';
import type { ScanProgress } from './dataset-types';
import { scanDataset } from './scan-dataset';
import { HYMENOPTERA, makeTempDir, writeClasses, writeJpeg } from './test-images';
import { ThumbnailRegistry } from './thumbnails';

let temp: { dir: string; cleanup(): void };
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

const kinds = (summary: DatasetSummary) => summary.problems.map((problem) => problem.kind).sort();
const counts = (summary: DatasetSummary) =>
  Object.fromEntries(summary.classes.map((c) => [c.name, [c.trainCount, c.valCount]]));

describe('scanDataset layouts', () => {
  it('reads folder-per-class with nested folders and skips OS clutter silently', async () => {
    const root = path.join(temp.dir, 'pets');
    await writeClasses(root, { cats: 12, dogs: 10 });
    await writeJpeg(path.join(root, 'cats', 'holiday', '2024', 'deep.jpg'));
    writeFileSync(path.join(root, '.DS_Store'), 'x');
    writeFileSync(path.join(root, 'cats', 'Thumbs.db'), 'x');
    writeFileSync(path.join(root, 'cats', 'desktop.ini'), 'x');
    writeFileSync(path.join(root, 'cats', '._img-0.jpg'), 'AppleDouble junk');
    writeFileSync(path.join(root, 'dogs', 'notes.txt'), 'not an image, ignored');
    await writeJpeg(path.join(root, '__MACOSX', 'cats', 'img-0.jpg'));
    await writeJpeg(path.join(root, '.hidden', 'img.jpg'));

    const { summary, files } = await scanDataset([root]);

    expect(DatasetSummary.parse(summary)).toEqual(summary);
    expect(summary.layout).toBe('folder-per-class');
    expect(summary.classes.map((c) => [c.name, c.count])).toEqual([
      ['cats', 13],
      ['dogs', 10],
    ]);
    expect(summary.problems).toEqual([]);
    expect(summary.trainable).toBe(true);
    expect(summary.split.source).toBe('generated');
    expect(summary.split.train + summary.split.val).toBe(23);
    expect(files.some((file) => file.path.endsWith(path.join('holiday', '2024', 'deep.jpg')))).toBe(
      true,
    );
    expect(
      files.every((file) => !file.path.includes('__MACOSX') && !file.path.includes('.hidden')),
    ).toBe(true);
    // Every class keeps at least one image on each side.
    for (const c of summary.classes) {
      expect(c.trainCount).toBeGreaterThan(0);
      expect(c.valCount).toBeGreaterThan(0);
    }
  });

  it('keeps the split given by train/valid/test folders; test is listed, never trained on', async () => {
    const root = path.join(temp.dir, 'data');
    await writeClasses(path.join(root, 'train'), { a: 4, b: 3 });
    await writeClasses(path.join(root, 'valid'), { a: 2, b: 1 });
    await writeClasses(path.join(root, 'test'), { a: 1, b: 2 });

    const { summary, files, testFiles } = await scanDataset([root]);

    expect(summary.layout).toBe('split-folders');
    expect(summary.split).toMatchObject({ source: 'folders', train: 7, val: 3, test: 3 });
    expect(counts(summary)).toEqual({ a: [4, 2], b: [3, 1] });
    expect(summary.classes.map((c) => c.testCount)).toEqual([1, 2]);
    expect(testFiles).toHaveLength(3);
    expect(files.every((file) => !file.path.includes(`${path.sep}test${path.sep}`))).toBe(true);
    expect(
      files.filter((file) => file.split === 'val').every((f) => f.path.includes('valid')),
    ).toBe(true);
  });

  it('generates the split for a train folder without a val folder', async () => {
    const root = path.join(temp.dir, 'data');
    await writeClasses(path.join(root, 'train'), { a: 10, b: 10 });
    const { summary } = await scanDataset([root], { valRatio: 0.3 });
    expect(summary.layout).toBe('split-folders');
    expect(summary.split.source).toBe('generated');
    expect(summary.split.valRatio).toBe(0.3);
    expect(summary.split.val).toBeGreaterThan(0);
    expect(summary.split.train).toBeGreaterThan(summary.split.val);
  });

  it('merges several roots by class name and reports the mixed layout', async () => {
    const first = path.join(temp.dir, 'one');
    const second = path.join(temp.dir, 'two');
    await writeClasses(first, { cats: 3, dogs: 2 });
    await writeClasses(path.join(second, 'train'), { dogs: 2, birds: 2 });
    await writeClasses(path.join(second, 'val'), { dogs: 1, birds: 1 });

    const { summary } = await scanDataset([first, second, first]);

    expect(summary.roots).toEqual([first, second]);
    expect(summary.layout).toBe('mixed');
    expect(summary.classes.map((c) => [c.name, c.count])).toEqual([
      ['birds', 3],
      ['cats', 3],
      ['dogs', 5],
    ]);
  });

  it('treats a folder of loose images as one class named after it', async () => {
    const ants = path.join(temp.dir, 'ants');
    const bees = path.join(temp.dir, 'bees');
    for (let i = 0; i < 3; i += 1) {
      await writeJpeg(path.join(ants, `a${i}.jpg`));
      await writeJpeg(path.join(bees, `b${i}.jpg`));
    }
    const { summary } = await scanDataset([ants, bees]);
    expect(summary.classes.map((c) => [c.name, c.count])).toEqual([
      ['ants', 3],
      ['bees', 3],
    ]);
    expect(summary.trainable).toBe(true);
  });

  it('reads the hymenoptera fixture with its given split, the GIF and the spaced name included', async () => {
    const { summary, files } = await scanDataset([HYMENOPTERA]);
    expect(summary.layout).toBe('split-folders');
    expect(summary.split.source).toBe('folders');
    expect(counts(summary)).toEqual({ ants: [124, 70], bees: [121, 83] });
    // Every file decodes, the GIF placeholder too, and nothing is duplicated.
    expect(summary.problems).toEqual([]);
    expect(files.some((file) => file.path.endsWith('ant photos.jpg'))).toBe(true);
    expect(files.some((file) => file.path.endsWith('imageNotFound.gif'))).toBe(true);
    // The training photos' median shorter side (what the 'auto' image size follows: 352 px).
    expect(summary.medianShorterSide).toBe(369);
    expect(chooseImageSize('auto', 224, summary.medianShorterSide).size).toBe(352);
  });

  it('measures the median shorter side of training images only; a listing alone has none', async () => {
    const root = temp.dir;
    const write = async (dir: string, count: number, width: number, height: number) => {
      for (let i = 0; i < count; i += 1) {
        await writeJpeg(path.join(root, dir, `img-${i}.jpg`), width, height);
      }
    };
    await write('train/small', 3, 64, 48);
    await write('train/wide', 2, 300, 100);
    await write('val/small', 2, 900, 900);
    await write('val/wide', 2, 900, 900);
    const { summary } = await scanDataset([root]);
    expect(summary.medianShorterSide).toBe(48);
    expect(chooseImageSize('auto', 224, summary.medianShorterSide).size).toBe(224);
    expect((await scanDataset([root], { check: false })).summary.medianShorterSide).toBe(undefined);
  });
});

describe('scanDataset problems', () => {
  it('reports a vanished root and keeps the others', async () => {
    const good = path.join(temp.dir, 'good');
    await writeClasses(good, { a: 2, b: 2 });
    const gone = path.join(temp.dir, 'gone');
    const { summary } = await scanDataset([good, gone]);
    expect(summary.problems).toEqual([
      expect.objectContaining({ kind: 'vanished', path: gone }),
      ...summary.problems.slice(1),
    ]);
    expect(summary.classes.map((c) => c.count)).toEqual([2, 2]);
    expect(summary.trainable).toBe(true);
  });

  it('reports a file given as a root, empty class folders and too few classes', async () => {
    const root = path.join(temp.dir, 'data');
    await writeClasses(root, { only: 12 });
    mkdirSync(path.join(root, 'empty'));
    const archive = path.join(temp.dir, 'photos.zip');
    writeFileSync(archive, 'PK');

    const { summary } = await scanDataset([root, archive]);

    expect(kinds(summary)).toEqual(['empty-folder', 'too-few-classes', 'unreadable']);
    const unreadable = summary.problems.find((p) => p.kind === 'unreadable');
    expect(unreadable?.action).toMatch(/Extract/);
    expect(summary.classes.map((c) => [c.name, c.count])).toEqual([
      ['empty', 0],
      ['only', 12],
    ]);
    expect(summary.trainable).toBe(false);
  });

  it('reports an empty root, loose images outside classes, RAW files and few images', async () => {
    const empty = path.join(temp.dir, 'empty');
    mkdirSync(empty);
    const root = path.join(temp.dir, 'data');
    await writeClasses(root, { a: 3, b: 12 });
    await writeJpeg(path.join(root, 'loose.jpg'));
    writeFileSync(path.join(root, 'a', 'IMG_0001.CR2'), 'raw bytes');

    const { summary } = await scanDataset([empty, root]);

    expect(kinds(summary)).toEqual([
      'class-imbalance',
      'empty-folder',
      'few-images',
      'outside-class',
      'unsupported',
    ]);
    const raw = summary.problems.find((p) => p.kind === 'unsupported');
    expect(raw).toMatchObject({ className: 'a', path: path.join(root, 'a', 'IMG_0001.CR2') });
    expect(raw?.message).toMatch(/RAW/);
    expect(summary.problems.find((p) => p.kind === 'few-images')?.className).toBe('a');
    expect(summary.problems.find((p) => p.kind === 'class-imbalance')?.message).toMatch(/4\.0×/);
  });

  it('does not follow a symlink loop', async () => {
    const root = path.join(temp.dir, 'data');
    await writeClasses(root, { a: 2, b: 2 });
    symlinkSync(path.join(root, 'a'), path.join(root, 'a', 'again'));
    symlinkSync('self.jpg', path.join(root, 'b', 'self.jpg'));

    const { summary } = await scanDataset([root]);

    const loops = summary.problems.filter((p) => p.kind === 'symlink-loop');
    expect(loops.map((p) => path.basename(p.path)).sort()).toEqual(['again', 'self.jpg']);
    expect(summary.classes.map((c) => c.count)).toEqual([2, 2]);
  });

  it('can be cancelled', async () => {
    await writeClasses(temp.dir, { a: 2, b: 2 });
    const controller = new AbortController();
    controller.abort();
    await expect(scanDataset([temp.dir], { signal: controller.signal })).rejects.toThrow(/abort/i);
  });
});

describe('scanDataset split, fingerprint, exclusions, thumbnails, progress', () => {
  it('keeps existing files on their side when images are added', async () => {
    const root = path.join(temp.dir, 'data');
    await writeClasses(root, { a: 30, b: 30 });
    const before = await scanDataset([root]);
    for (let i = 0; i < 20; i += 1) await writeJpeg(path.join(root, 'a', `new-${i}.jpg`));
    await writeClasses(path.join(root), { c: 15 });
    const after = await scanDataset([root]);

    const sideAfter = new Map(after.files.map((file) => [file.path, file.split]));
    for (const file of before.files) expect(sideAfter.get(file.path)).toBe(file.split);
    expect(after.files).toHaveLength(95);
    // A different seed gives a different split.
    const reseeded = await scanDataset([root], { seed: 7 });
    expect(reseeded.files.map((f) => f.split)).not.toEqual(after.files.map((f) => f.split));
  });

  it('splits close to the requested ratio per class', async () => {
    const root = path.join(temp.dir, 'data');
    await writeClasses(root, { a: 60, b: 40 });
    const { summary } = await scanDataset([root], { valRatio: 0.25 });
    for (const c of summary.classes) {
      expect(c.valCount / c.count).toBeGreaterThan(0.1);
      expect(c.valCount / c.count).toBeLessThan(0.4);
    }
  });

  it('fingerprints files, times, exclusions and split, and survives moving the folder', async () => {
    const root = path.join(temp.dir, 'data');
    const [first] = await writeClasses(root, { a: 3, b: 3 });
    const base = (await scanDataset([root])).summary;
    expect((await scanDataset([root])).summary.fingerprint).toBe(base.fingerprint);

    const excluded = await scanDataset([root], { exclusions: [first as string] });
    expect(excluded.summary.fingerprint).not.toBe(base.fingerprint);
    expect(excluded.summary.excluded).toEqual([first]);
    expect(excluded.files.map((f) => f.path)).not.toContain(first);
    expect(excluded.summary.classes[0]?.count).toBe(2);

    expect((await scanDataset([root], { valRatio: 0.5 })).summary.fingerprint).not.toBe(
      base.fingerprint,
    );

    utimesSync(first as string, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const touched = (await scanDataset([root])).summary;
    expect(touched.fingerprint).not.toBe(base.fingerprint);

    const moved = path.join(temp.dir, 'moved');
    renameSync(root, moved);
    const afterMove = (await scanDataset([moved])).summary;
    expect(afterMove.fingerprint).toBe(touched.fingerprint);
    expect(afterMove.id).not.toBe(touched.id);
  });

  it('issues opaque thumbnail ids that render as 128px JPEGs', async () => {
    const root = path.join(temp.dir, 'data');
    await writeClasses(root, { a: 6, b: 2 });
    const registry = new ThumbnailRegistry();
    const { summary } = await scanDataset([root], { thumbnails: registry });
    const [a, b] = summary.classes;
    expect(a?.thumbnails).toHaveLength(4);
    expect(b?.thumbnails).toHaveLength(2);
    for (const id of [...(a?.thumbnails ?? []), ...(b?.thumbnails ?? [])]) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(id).not.toContain('img');
    }
    const rendered = await registry.render(a?.thumbnails[0] as string);
    expect(rendered?.contentType).toBe('image/jpeg');
    expect(rendered?.body.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    const again = await scanDataset([root], { thumbnails: registry });
    expect(again.summary.classes[0]?.thumbnails).toEqual(a?.thumbnails);
  });

  it('reports listing progress', async () => {
    await writeClasses(temp.dir, { a: 3, b: 3 });
    const events: ScanProgress[] = [];
    await scanDataset([temp.dir], { onProgress: (progress) => events.push(progress) });
    expect(events.filter((e) => e.phase === 'listing').at(-1)).toEqual({
      phase: 'listing',
      done: 6,
    });
  });
});
