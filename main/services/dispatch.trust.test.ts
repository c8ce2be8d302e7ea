/**
 * Bad requests through the one dispatcher every transport uses (IPC, WebSocket, CLI), against
 * the real services: each is refused with a code and a sentence that says what is wrong, and
 * nothing is created, moved or deleted — neither in the data folder nor where the studio runs.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchRequest } from './dispatch';
import { resolveStudioPaths } from './paths';
import { createStudioServices } from './studio-services';

let dataDir: string;
let handlers: ReturnType<typeof createStudioServices>['handlers'];
let sentinel: string;
const launches: string[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ts-dispatch-trust-'));
  sentinel = path.join(dataDir, 'mine', 'notes.txt');
  await mkdir(path.dirname(sentinel));
  await writeFile(sentinel, 'keep me');
  handlers = createStudioServices({
    paths: resolveStudioPaths({ TRANSFER_STUDIO_DATA: path.join(dataDir, 'data') }),
    shell: 'web',
    version: '0.0.0-test',
    emit: () => {},
    launchWorker: () => {
      launches.push('worker');
      throw new Error('no worker may start for a refused request');
    },
  }).handlers;
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const RUN = '20250102-134501-a1b2c3';
const ABSOLUTE = 'Give the full path of the folder';
const NOT_A_RUN = /is not a run id \(expected the form 20250102-134501-a1b2c3\)/;
const train = (extra: Record<string, unknown>) => ({
  datasetRoots: ['/data/ds'],
  model: { catalogId: 'mobilenet_v1_0.25_224' },
  freeze: { mode: 'feature-extractor', trainableLayers: [] },
  epochs: 1,
  learningRate: 0.001,
  batchSize: 8,
  ...extra,
});

type Row = [
  name: string,
  channel: unknown,
  payload: unknown,
  code: string,
  message: RegExp | string,
];
const rows: Row[] = [
  [
    'an unknown channel',
    'fs:delete',
    { path: '/' },
    'invalid-request',
    'Unknown request channel: fs:delete',
  ],
  ['a channel that is not a string', 42, {}, 'invalid-request', 'Unknown request channel: 42'],
  [
    'a payload that is not an object',
    'runs:get',
    'x',
    'invalid-request',
    /Invalid request for runs:get/,
  ],
  [
    'an unexpected key (strict schemas)',
    'runs:list',
    { all: true },
    'invalid-request',
    /Unrecognized key/,
  ],
  [
    'an export to a relative folder',
    'exports:run',
    { runId: RUN, format: 'tfjs', outDir: 'exports/x' },
    'invalid-request',
    ABSOLUTE,
  ],
  [
    'an export to "."',
    'exports:run',
    { runId: RUN, format: 'tfjs', outDir: '.' },
    'invalid-request',
    ABSOLUTE,
  ],
  [
    'an export target check on a relative folder',
    'exports:check-target',
    { outDir: 'out' },
    'invalid-request',
    ABSOLUTE,
  ],
  [
    'an export of an unknown format',
    'exports:run',
    { runId: RUN, format: 'exe', outDir: '/tmp/x' },
    'invalid-request',
    /format/,
  ],
  [
    'an export of a run id that climbs out',
    'exports:run',
    { runId: '../x', format: 'tfjs', outDir: '/tmp/ts-never' },
    'invalid-request',
    NOT_A_RUN,
  ],
  [
    'an export of a run that does not exist',
    'exports:run',
    { runId: RUN, format: 'tfjs', outDir: '/tmp/ts-never' },
    'not-found',
    /./,
  ],
  [
    'a scan of a relative folder',
    'datasets:scan',
    { paths: ['relative/dir'] },
    'invalid-request',
    ABSOLUTE,
  ],
  [
    'a scan of 65 folders',
    'datasets:scan',
    { paths: Array.from({ length: 65 }, (_, i) => `/d/${i}`) },
    'invalid-request',
    /Too big/,
  ],
  ['a scan of no folder', 'datasets:scan', { paths: [] }, 'invalid-request', /Too small/],
  [
    'a training on 3000 folders',
    'training:start',
    train({ datasetRoots: Array.from({ length: 3000 }, (_, i) => `/d/${i}`) }),
    'invalid-request',
    /datasetRoots: Too big: expected array to have <=64 items/,
  ],
  ['a training of -1 epochs', 'training:start', train({ epochs: -1 }), 'invalid-request', /epochs/],
  [
    'a training with a learning rate of 1e9',
    'training:start',
    train({ learningRate: 1e9 }),
    'invalid-request',
    /learningRate/,
  ],
  [
    'leaving out a file outside the dataset',
    'datasets:set-excluded',
    { roots: ['/tmp'], path: '/etc/passwd', excluded: true },
    'invalid-request',
    /is not inside any of the dataset's folders/,
  ],
  [
    'leaving out a relative path',
    'datasets:set-excluded',
    { roots: ['/tmp'], path: 'x.jpg', excluded: true },
    'invalid-request',
    ABSOLUTE,
  ],
  [
    'browsing folders never scanned',
    'datasets:images',
    { roots: ['/nonexistent'], className: 'x', offset: 0, limit: 10 },
    'not-found',
    /have not been scanned yet/,
  ],
  [
    'a page of 10000 images',
    'datasets:images',
    { roots: ['/tmp'], className: 'x', offset: 0, limit: 10000 },
    'invalid-request',
    /limit/,
  ],
  [
    'reading a run id that climbs out',
    'runs:get',
    { runId: '../../etc' },
    'invalid-request',
    NOT_A_RUN,
  ],
  ['deleting ".."', 'runs:delete', { runId: '..' }, 'invalid-request', NOT_A_RUN],
  ['deleting "../mine"', 'runs:delete', { runId: '../mine' }, 'invalid-request', NOT_A_RUN],
  [
    'renaming a run id that climbs out',
    'runs:rename',
    { runId: '../x', name: 'a' },
    'invalid-request',
    NOT_A_RUN,
  ],
  [
    'renaming to an empty name',
    'runs:rename',
    { runId: RUN, name: '   ' },
    'invalid-request',
    /name/,
  ],
  [
    'comparing 9 runs',
    'runs:compare',
    { runIds: Array.from({ length: 9 }, () => RUN) },
    'invalid-request',
    /Too big/,
  ],
  [
    'an evaluation of a run id that climbs out',
    'evaluation:get',
    { runId: '../x' },
    'invalid-request',
    NOT_A_RUN,
  ],
  [
    'evaluating a relative folder',
    'evaluation:folder',
    { runId: RUN, paths: ['eval'] },
    'invalid-request',
    ABSOLUTE,
  ],
  [
    'predicting a relative file',
    'preview:predict',
    { runId: RUN, images: [{ path: 'x.jpg' }] },
    'invalid-request',
    ABSOLUTE,
  ],
  [
    'predicting 17 images at once',
    'preview:predict',
    { runId: RUN, images: Array.from({ length: 17 }, () => ({ path: '/x.jpg' })) },
    'invalid-request',
    /Too big/,
  ],
  ['showing a relative file', 'files:show-in-folder', { path: 'x' }, 'invalid-request', ABSOLUTE],
  [
    'showing a file that does not exist',
    'files:show-in-folder',
    { path: '/nonexistent/file' },
    'not-found',
    '/nonexistent/file does not exist (was it moved or deleted?).',
  ],
  [
    'moving a relative file',
    'files:move-to-class',
    { runId: RUN, path: 'x.jpg', className: 'a' },
    'invalid-request',
    ABSOLUTE,
  ],
  [
    'undoing a move never made',
    'files:undo',
    { moveId: 'nope' },
    'not-found',
    /unknown to this session/,
  ],
  [
    'extending a run that does not exist',
    'training:extend',
    { runId: 'nope', epochs: 5 },
    'invalid-request',
    NOT_A_RUN,
  ],
  [
    'extending by 5000 epochs',
    'training:extend',
    { runId: RUN, epochs: 5000 },
    'invalid-request',
    /epochs/,
  ],
  [
    'a model download with a made-up key',
    'models:download',
    { id: '../../x' },
    'invalid-request',
    /catalogId/,
  ],
];

describe('trust: bad requests are refused in words and change nothing', () => {
  it.each(rows)('%s', async (_name, channel, payload, code, message) => {
    const before = await readdir(dataDir, { recursive: true });
    const answer = await dispatchRequest(handlers, channel, payload);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe(code);
    if (typeof message === 'string') expect(answer.error.message).toContain(message);
    else expect(answer.error.message).toMatch(message);
    expect(await readdir(dataDir, { recursive: true })).toEqual(before);
    expect(await readFile(sentinel, 'utf8')).toBe('keep me');
    expect(launches).toEqual([]);
  });

  it('nothing landed in the folder the studio runs in', () => {
    for (const name of ['exports', 'out', 'relative', 'eval', 'x.jpg'])
      expect(existsSync(path.join(process.cwd(), name)), name).toBe(false);
  });
});
