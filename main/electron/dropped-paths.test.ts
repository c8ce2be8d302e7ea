import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDroppedPaths, checkScanRequest } from './dropped-paths';

const fixtureTrain = path.resolve(
  __dirname,
  '../../../shared/fixtures/datasets/hymenoptera_data/train',
);

describe('checkDroppedPaths', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dropped-'));
    file = path.join(dir, 'one image.jpg');
    await writeFile(file, 'not really an image');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes real dataset folders', async () => {
    expect(await checkDroppedPaths([fixtureTrain, path.join(fixtureTrain, 'ants')])).toBeNull();
  });

  it('passes folders that vanished, which the scan reports as a dataset problem', async () => {
    expect(await checkDroppedPaths([path.join(dir, 'gone')])).toBeNull();
  });

  it('refuses a dropped file, naming it and saying what to drop instead', async () => {
    const error = await checkDroppedPaths([fixtureTrain, file]);
    expect(error?.code).toBe('invalid-request');
    expect(error?.message).toContain('"one image.jpg" is a file, not a folder');
    expect(error?.message).toContain('sub-folder per class');
    expect(error?.issues).toHaveLength(1);
  });

  it('refuses relative paths', async () => {
    const error = await checkDroppedPaths(['train/ants']);
    expect(error?.message).toContain('"train/ants" is not a full path');
  });
});

describe('checkScanRequest', () => {
  it('leaves malformed payloads to the contract validation of dispatch', async () => {
    expect(await checkScanRequest({ paths: 'not-an-array' })).toBeNull();
    expect(await checkScanRequest(null)).toBeNull();
  });

  it('checks the paths of a well-formed request', async () => {
    expect(await checkScanRequest({ paths: [fixtureTrain] })).toBeNull();
    expect((await checkScanRequest({ paths: [__filename] }))?.code).toBe('invalid-request');
    // A relative path does not match the contract (AbsolutePath): dispatch refuses it.
    expect(await checkScanRequest({ paths: ['relative'] })).toBeNull();
  });
});
