import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeExportTarget } from './export-target';

let work: string;
beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-export-target-'));
});
afterAll(async () => {
  await fs.rm(work, { recursive: true, force: true });
});

describe('trust: describeExportTarget', () => {
  it('a new folder, or an empty one, is free', async () => {
    expect(await describeExportTarget(path.join(work, 'new', 'deeper'), true)).toEqual({
      status: 'free',
      outDir: path.join(work, 'new', 'deeper'),
    });
    await fs.mkdir(path.join(work, 'empty'));
    expect((await describeExportTarget(path.join(work, 'empty'), false)).status).toBe('free');
  });

  it('an earlier export (it has export-manifest.json) may be replaced after asking', async () => {
    const earlier = path.join(work, 'earlier');
    await fs.mkdir(earlier);
    await fs.writeFile(path.join(earlier, 'export-manifest.json'), '{"files":[]}');
    expect(await describeExportTarget(earlier, false)).toEqual({
      status: 'export',
      outDir: earlier,
      message: `${earlier} already holds an export; choose another folder or allow overwriting it.`,
    });
    // Its ZIP beside it counts too.
    const fresh = path.join(work, 'fresh');
    await fs.writeFile(`${fresh}.zip`, 'PK');
    expect((await describeExportTarget(fresh, true)).status).toBe('export');
    expect((await describeExportTarget(fresh, false)).status).toBe('free');
  });

  it('a folder of other files, a file, or a path through a file is blocked, with the reason', async () => {
    const photos = path.join(work, 'photos');
    await fs.mkdir(photos);
    await fs.writeFile(path.join(photos, 'cat.jpg'), 'x');
    expect(await describeExportTarget(photos, false)).toMatchObject({
      status: 'blocked',
      message: expect.stringMatching(/already holds files that are not an export/),
    });
    const file = path.join(work, 'file.txt');
    await fs.writeFile(file, 'x');
    expect((await describeExportTarget(file, false)).message).toBe(
      `${file} is a file, not a folder; choose a folder to export into.`,
    );
    expect((await describeExportTarget(path.join(file, 'sub'), false)).message).toMatch(
      /file\.txt is a file, not a folder/,
    );
  });
});
