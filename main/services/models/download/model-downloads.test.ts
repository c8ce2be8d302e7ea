import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventName, EventOf, EventSink } from '../../../../shared/contract';
import { findCatalogEntry } from '../../../../shared/catalog';
import { inspectModel, listCatalog, resolveModel } from '../model-store';
import { fixtureModelsDir, mobilenetV1Dir } from '../test-fixtures';
import { DOWNLOAD_RECORD, type DownloadRecord } from './download-model';
import { ModelDownloads } from './model-downloads';
import { sha256OfFile, startModelServer, type ModelServer } from './test-server';

const V1 = 'mobilenet_v1_0.25_224';
const V2 = 'mobilenet_v2_0.35_224';
type Progress = EventOf<'models:download-progress'>;

let server: ModelServer;
let dataDir: string;
let downloadsDir: string;
let events: Progress[];

const emit: EventSink = <E extends EventName>(event: E, payload: EventOf<E>) => {
  if (event === 'models:download-progress') events.push(payload as Progress);
};

function downloads(route: string, modelsDirs: string[] = []): ModelDownloads {
  return new ModelDownloads({
    modelsDirs: [...modelsDirs, downloadsDir],
    downloadsDir,
    emit,
    mirror: `${server.url}/${route}/`,
  });
}

/** Nothing of a failed download may stay where the studio looks, temp folders included. */
async function expectNothingLeft(): Promise<void> {
  expect(await fs.readdir(downloadsDir).catch(() => [])).toEqual([]);
  const items = await listCatalog([downloadsDir], downloadsDir);
  expect(items.filter((item) => item.localDir)).toEqual([]);
}

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-downloads-'));
  downloadsDir = path.join(dataDir, 'models');
  events = [];
  server.requests.length = 0;
});
afterEach(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('downloading a catalog model', () => {
  it('fetches model.json and every shard, checks the published sha256, and moves it into place', async () => {
    const item = await downloads('ok').download(V1);
    const dir = path.join(downloadsDir, V1);
    expect(item).toMatchObject({ id: V1, localDir: dir, downloaded: true });
    for (const name of await fs.readdir(mobilenetV1Dir)) {
      if (name === 'model.json' || name.startsWith('mobilenet_group')) {
        expect(await sha256OfFile(path.join(dir, name))).toBe(
          await sha256OfFile(path.join(mobilenetV1Dir, name)),
        );
      }
    }
    const record = JSON.parse(
      await fs.readFile(path.join(dir, DOWNLOAD_RECORD), 'utf8'),
    ) as DownloadRecord;
    expect(record).toMatchObject({
      checksum: 'catalog',
      bytes: findCatalogEntry(V1)!.sizeBytes,
      sha256: findCatalogEntry(V1)!.sha256,
    });
    // Progress only grows and ends complete; no temp folder remains.
    const received = events.map((event) => event.receivedBytes);
    expect(received).toEqual([...received].sort((a, b) => a - b));
    expect(events.at(-1)).toMatchObject({
      phase: 'done',
      receivedBytes: 1_956_860,
      totalBytes: 1_956_860,
    });
    expect(events.some((event) => event.phase === 'verifying')).toBe(true);
    expect(await fs.readdir(downloadsDir)).toEqual([V1]);
    // The downloaded copy is a working base model.
    const info = await inspectModel(await resolveModel({ catalogId: V1 }, [downloadsDir]));
    expect(info.totalParams).toBe(218_544);
  });

  it('never downloads a model again once it is in the cache', async () => {
    const manager = downloads('ok');
    await manager.download(V1);
    const requests = server.requests.length;
    expect(requests).toBe(56);
    const again = await manager.download(V1);
    expect(again.localDir).toBe(path.join(downloadsDir, V1));
    expect(server.requests.length).toBe(requests);
  });

  it('never downloads a model that is in the local models folder', async () => {
    const item = await downloads('ok', [fixtureModelsDir]).download(V1);
    expect(item.localDir).toBe(mobilenetV1Dir);
    expect(item.downloaded).toBe(false);
    expect(server.requests).toEqual([]);
  });

  it('records the digests of a model without a published checksum', async () => {
    const item = await downloads('ok').download(V2);
    const record = JSON.parse(
      await fs.readFile(path.join(item.localDir!, DOWNLOAD_RECORD), 'utf8'),
    ) as DownloadRecord;
    expect(record.checksum).toBe('recorded');
    expect(record.sha256.weights).toBe(
      await sha256OfFile(path.join(server.root, 'ok', V2, 'weights.bin')),
    );
    expect(findCatalogEntry(V2)!.sha256).toBeUndefined();
  });

  it('joins a second request for a model that is already downloading', async () => {
    const manager = downloads('ok');
    const [a, b] = await Promise.all([manager.download(V1), manager.download(V1)]);
    expect(a).toEqual(b);
    expect(server.requests.filter((r) => r.endsWith('model.json'))).toHaveLength(1);
  });
});

describe('a failed download says why and leaves nothing behind', () => {
  it('404', async () => {
    await expect(downloads('missing').download(V1)).rejects.toThrow(/404 Not Found/);
    expect(events.at(-1)).toMatchObject({ phase: 'failed' });
    expect(events.at(-1)!.message).toMatch(/404/);
    await expectNothingLeft();
  });

  it('a weight file that does not match the published checksum', async () => {
    await expect(downloads('tampered').download(V1)).rejects.toThrow(
      /weight files of MobileNet v1 0\.25 \(224\) is not the published file.*damaged or altered/,
    );
    await expectNothingLeft();
  });

  it('a connection that drops in the middle of a shard', async () => {
    await expect(downloads('drop').download(V1)).rejects.toThrow(
      new RegExp(
        `connection to 127\\.0\\.0\\.1:\\d+ dropped while downloading ${server.largestShard}`,
      ),
    );
    await expectNothingLeft();
  });

  it('no network (nothing listens there)', async () => {
    // A port that was free a moment ago: connecting to it is refused, as when offline.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const offline = new ModelDownloads({
      modelsDirs: [downloadsDir],
      downloadsDir,
      emit,
      mirror: `http://127.0.0.1:${port}/`,
    });
    await expect(offline.download(V1)).rejects.toThrow(/ECONNREFUSED.*offline/);
    await expectNothingLeft();
  });

  it('cancelled by the user half-way', async () => {
    const manager = downloads('slow');
    const pending = manager.download(V1).catch((error: unknown) => error);
    await expect
      .poll(() => events.some((e) => e.receivedBytes > 100_000), { timeout: 20_000 })
      .toBe(true);
    expect(manager.isDownloading(V1)).toBe(true);
    expect(manager.cancel(V1)).toBe(true);
    const error = await pending;
    expect(String(error)).toMatch(/cancelled; nothing was kept/);
    expect(events.at(-1)).toMatchObject({ phase: 'cancelled' });
    expect(manager.cancel(V1)).toBe(false);
    await expectNothingLeft();
  });

  it('a full disk (a 600 kB tmpfs; needs root to mount it)', async (context) => {
    const small = path.join(dataDir, 'small-disk');
    await fs.mkdir(small);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=600k', 'tmpfs', small], {
        stdio: 'ignore',
      });
    } catch {
      context.skip('mounting a small tmpfs needs root; a full disk cannot be made otherwise');
    }
    try {
      const manager = new ModelDownloads({
        modelsDirs: [small],
        downloadsDir: small,
        emit,
        mirror: `${server.url}/ok/`,
      });
      await expect(manager.download(V1)).rejects.toThrow(/disk is full.*needs about 2 MB free/);
      expect(await fs.readdir(small)).toEqual([]);
    } finally {
      execFileSync('umount', [small]);
    }
  });
});
