import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileMoves, folderOf } from './file-moves';

let root: string;
const labels = ['ants', 'bees', 'wasps'];

async function write(rel: string, text = rel): Promise<string> {
  const file = path.join(root, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  return file;
}

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-moves-'));
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('FileMoves', () => {
  it('moves into the sibling class folder of the same split, keeping a name that is taken', async () => {
    const file = await write('val/ants/a.jpg', 'the ant');
    await write('val/bees/a.jpg', 'a bee with the same name');
    const moves = new FileMoves();
    const record = await moves.move({ path: file, className: 'bees', roots: [root], labels });
    expect(record.to).toBe(path.join(root, 'val', 'bees', 'a (2).jpg'));
    expect(await fs.readFile(record.to, 'utf8')).toBe('the ant');
    expect(await fs.readFile(path.join(root, 'val/bees/a.jpg'), 'utf8')).toBe(
      'a bee with the same name',
    );
    expect(moves.movedTo(file)).toBe(record.to);
    await moves.undo(record.moveId);
    expect(await fs.readFile(file, 'utf8')).toBe('the ant');
    expect(moves.movedTo(file)).toBeUndefined();
  });

  it('creates a missing class folder and removes it again on undo', async () => {
    const file = await write('train/ants/x.png');
    const moves = new FileMoves();
    const record = await moves.move({ path: file, className: 'wasps', roots: [root], labels });
    expect(record).toMatchObject({ createdFolder: true, to: path.join(root, 'train/wasps/x.png') });
    await moves.undo(record.moveId);
    await expect(fs.access(path.join(root, 'train/wasps'))).rejects.toThrow();
  });

  it('follows a file moved twice and undoes step by step', async () => {
    const file = await write('ants/y.jpg');
    const moves = new FileMoves();
    const first = await moves.move({ path: file, className: 'bees', roots: [root], labels });
    const second = await moves.move({ path: file, className: 'wasps', roots: [root], labels });
    expect(second.from).toBe(first.to);
    expect(moves.movedTo(file)).toBe(second.to);
    await moves.undo(second.moveId);
    expect(moves.movedTo(file)).toBe(first.to);
    await moves.undo(first.moveId);
    await fs.access(file);
  });

  it('refuses moves outside the dataset, to unknown classes, and undo over a new file', async () => {
    const moves = new FileMoves();
    const loose = await write('loose.jpg');
    await expect(
      moves.move({ path: loose, className: 'bees', roots: [root], labels }),
    ).rejects.toThrow(/not inside a class folder/);
    const outside = path.join(os.tmpdir(), 'not-in-the-dataset.jpg');
    await expect(
      moves.move({ path: outside, className: 'bees', roots: [root], labels }),
    ).rejects.toThrow(/not inside a class folder/);
    const file = await write('ants/z.jpg');
    await expect(
      moves.move({
        path: file,
        className: '../escape',
        roots: [root],
        labels: [...labels, '../escape'],
      }),
    ).rejects.toThrow(/not one of this run's classes/);
    await expect(
      moves.move({ path: file, className: 'ants', roots: [root], labels }),
    ).rejects.toThrow(/already in "ants"/);
    const record = await moves.move({ path: file, className: 'bees', roots: [root], labels });
    await write('ants/z.jpg', 'a new file in the old place');
    await expect(moves.undo(record.moveId)).rejects.toThrow(/exists again/);
    await expect(moves.undo('unknown')).rejects.toThrow(/unknown to this session/);
  });

  it('tells the folder of an existing file only', async () => {
    const file = await write('ants/w.jpg');
    expect(await folderOf(file)).toBe(path.join(root, 'ants'));
    await expect(folderOf(path.join(root, 'nope.jpg'))).rejects.toThrow(/does not exist/);
  });
});
