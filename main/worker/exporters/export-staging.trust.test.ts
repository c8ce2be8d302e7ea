/**
 * Replacing an earlier export, and sweeping a failed one, touch only the files that export's
 * manifest lists: anything else in the folder is the user's, so the export refuses and names it.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXPORT_MANIFEST_FILE } from './export-manifest';
import { createStaging, finishStaging } from './export-staging';

let work: string;
let outDir: string;
beforeEach(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-staging-trust-'));
  outDir = path.join(work, 'E');
});
afterEach(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

/** An earlier export as the pipeline leaves it: files plus a manifest listing them. */
async function earlierExport(dir: string, names = ['model.json', 'weights.bin']): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const name of names) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), `old ${name}`);
  }
  const files = names.map((name) => ({ name, bytes: 1, sha256: '0'.repeat(64) }));
  await fs.writeFile(path.join(dir, EXPORT_MANIFEST_FILE), JSON.stringify({ files }));
}

/** A new export staged beside `outDir`, then finished. */
async function exportAgain(passed = true): Promise<string> {
  const staging = await createStaging(outDir, true);
  await fs.writeFile(path.join(staging, 'model.json'), 'new');
  await fs.writeFile(path.join(staging, EXPORT_MANIFEST_FILE), '{"files":[{"name":"model.json"}]}');
  return finishStaging(staging, outDir, passed);
}

async function tree(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true });
  return entries.map((e) => e.split(path.sep).join('/')).sort();
}

describe('trust: an export replaces only its own files', () => {
  it('overwriting an earlier export with foreign files refuses, naming them, and keeps everything', async () => {
    await earlierExport(outDir);
    await fs.writeFile(path.join(outDir, 'notes.txt'), 'n');
    await fs.mkdir(path.join(outDir, 'mydir'));
    await fs.writeFile(path.join(outDir, 'mydir', 'f'), 'x');
    const before = await tree(outDir);
    await expect(exportAgain()).rejects.toThrow(
      `${outDir} holds files that are not part of the earlier export (mydir, notes.txt); ` +
        'nothing was replaced. Move them out of the folder, or choose another folder.',
    );
    expect(await tree(outDir)).toEqual(before);
    expect(await fs.readFile(path.join(outDir, 'notes.txt'), 'utf8')).toBe('n');
    expect(await fs.readdir(work)).toEqual(['E']);
  });

  it('overwriting an earlier export that holds only its own files replaces it, leaving nothing behind', async () => {
    await earlierExport(outDir, ['model.json', 'sub/weights.bin']);
    expect(await exportAgain()).toBe(outDir);
    expect(await tree(outDir)).toEqual([EXPORT_MANIFEST_FILE, 'model.json']);
    expect(await fs.readFile(path.join(outDir, 'model.json'), 'utf8')).toBe('new');
    expect(await fs.readdir(work)).toEqual(['E']);
  });

  it('a file the user put inside a folder of the export is foreign too', async () => {
    await earlierExport(outDir, ['model.json', 'sub/weights.bin']);
    await fs.writeFile(path.join(outDir, 'sub', 'mine.txt'), 'm');
    await expect(exportAgain()).rejects.toThrow(
      /not part of the earlier export \(sub\/mine\.txt\)/,
    );
    expect(await fs.readFile(path.join(outDir, 'sub', 'mine.txt'), 'utf8')).toBe('m');
  });

  it('a <name>.failed folder with foreign files is not swept: the export refuses before writing', async () => {
    await earlierExport(`${outDir}.failed`);
    await fs.writeFile(path.join(`${outDir}.failed`, 'diagnosis.txt'), 'mine');
    await expect(exportAgain(false)).rejects.toThrow(
      /E\.failed holds files that are not part of the earlier export \(diagnosis\.txt\)/,
    );
    expect(await fs.readFile(path.join(`${outDir}.failed`, 'diagnosis.txt'), 'utf8')).toBe('mine');
    expect(await fs.readdir(work)).toEqual(['E.failed']);
  });

  it('a clean <name>.failed folder is swept when the next export finishes', async () => {
    await earlierExport(`${outDir}.failed`);
    await exportAgain(true);
    expect(await fs.readdir(work)).toEqual(['E']);
  });

  it('a manifest listing a path outside the folder is refused and the outside file kept', async () => {
    await fs.writeFile(path.join(work, 'outside.txt'), 'keep');
    await earlierExport(outDir);
    await fs.writeFile(
      path.join(outDir, EXPORT_MANIFEST_FILE),
      JSON.stringify({ files: [{ name: '../outside.txt' }, { name: 'model.json' }] }),
    );
    await expect(exportAgain()).rejects.toThrow(/lists "\.\.\/outside\.txt", which is outside/);
    expect(await fs.readFile(path.join(work, 'outside.txt'), 'utf8')).toBe('keep');
  });

  it('a manifest that cannot be read means nothing is replaced', async () => {
    await earlierExport(outDir);
    await fs.writeFile(path.join(outDir, EXPORT_MANIFEST_FILE), '{"truncated');
    await expect(exportAgain()).rejects.toThrow(/cannot be read, so which files .* is unknown/);
    expect(await tree(outDir)).toEqual([EXPORT_MANIFEST_FILE, 'model.json', 'weights.bin']);
  });

  it("a listed file reached through a symbolic link to the user's folder is not deleted", async () => {
    const photos = path.join(work, 'photos');
    await fs.mkdir(photos);
    await fs.writeFile(path.join(photos, 'w.bin'), 'precious');
    await earlierExport(outDir, ['model.json']);
    await fs.symlink(photos, path.join(outDir, 'sub'));
    await fs.writeFile(
      path.join(outDir, EXPORT_MANIFEST_FILE),
      JSON.stringify({ files: [{ name: 'model.json' }, { name: 'sub/w.bin' }] }),
    );
    await expect(exportAgain()).rejects.toThrow(/not part of the earlier export \(sub\)/);
    expect(await fs.readFile(path.join(photos, 'w.bin'), 'utf8')).toBe('precious');
  });
});
