/**
 * The datasets:* handlers on real generated folders: paging through a class from the last
 * scan (with thumbnails issued per page), exclusions seen by the browser, and cancelling a
 * running scan while other requests are still answered.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSchemas, type EventOf, type EventSink } from '../../../shared/contract';
import { CheckCache } from './check-cache';
import { createDatasetHandlers, SCAN_CANCELLED } from './dataset-handlers';
import { ExclusionStore } from './exclusion-store';
import { makeTempDir, noiseJpeg, writeClasses, writeJpeg } from './test-images';
import { ThumbnailRegistry } from './thumbnails';

let temp: { dir: string; cleanup(): void };
let small: string;
let big: string;
const BIG_FILES = 3000;

beforeAll(async () => {
  temp = makeTempDir('ts-handlers-');
  small = path.join(temp.dir, 'small');
  await writeClasses(small, { apples: 25, pears: 3 });
  const broken = await noiseJpeg(120, 120);
  writeFileSync(path.join(small, 'apples', 'zz-broken.jpg'), broken.subarray(0, 200));
  // A big folder made fast: one tiny JPEG copied many times.
  big = path.join(temp.dir, 'big');
  const seed = await writeJpeg(path.join(temp.dir, 'seed.jpg'), 40, 40);
  for (const className of ['one', 'two']) {
    mkdirSync(path.join(big, className), { recursive: true });
    for (let index = 0; index < BIG_FILES / 2; index += 1) {
      copyFileSync(seed, path.join(big, className, `copy-${index}.jpg`));
    }
  }
});
afterAll(() => temp.cleanup());

function setup() {
  const events: EventOf<'datasets:scan-progress'>[] = [];
  const listeners: ((event: EventOf<'datasets:scan-progress'>) => void)[] = [];
  const emit: EventSink = (name, payload) => {
    if (name !== 'datasets:scan-progress') return;
    const event = payload as EventOf<'datasets:scan-progress'>;
    events.push(event);
    for (const listener of listeners) listener(event);
  };
  const thumbnails = new ThumbnailRegistry();
  const handlers = createDatasetHandlers({
    thumbnails,
    exclusions: new ExclusionStore(path.join(temp.dir, `data-${Math.random()}`)),
    emit,
    scanOptions: { cache: new CheckCache() },
  });
  return {
    handlers,
    thumbnails,
    events,
    onEvent: (fn: (typeof listeners)[0]) => listeners.push(fn),
  };
}

const page = (roots: string[], className: string, offset: number, limit: number) => ({
  roots,
  className,
  offset,
  limit,
});

describe('datasets:images', () => {
  it('pages through a class of the last scan, with thumbnails for the page only', async () => {
    const { handlers, thumbnails } = setup();
    await handlers['datasets:scan']({ paths: [small] });
    const first = await handlers['datasets:images'](page([small], 'apples', 0, 10));
    requestSchemas['datasets:images'].response.parse(first);
    expect(first.total).toBe(26);
    expect(first.items).toHaveLength(10);
    const middle = await handlers['datasets:images'](page([small], 'apples', 10, 10));
    const last = await handlers['datasets:images'](page([small], 'apples', 20, 10));
    expect(last.items).toHaveLength(6);
    // The pages tile the class: every file once, in the scan's stable order.
    const names = [...first.items, ...middle.items, ...last.items].map((item) => item.name);
    const expected = [...Array.from({ length: 25 }, (_, i) => `img-${i}.jpg`), 'zz-broken.jpg'];
    expect([...names].sort()).toEqual(expected.sort());
    const again = await handlers['datasets:images'](page([small], 'apples', 0, 26));
    expect(again.items.map((item) => item.name)).toEqual(names);
    const broken = last.items.find((item) => item.name === 'zz-broken.jpg');
    expect(broken).toMatchObject({
      relativePath: 'apples/zz-broken.jpg',
      excluded: false,
      problemKinds: ['truncated'],
    });
    expect(broken?.thumbnailId).toBeUndefined();
    const good = first.items[0];
    expect(good?.problemKinds).toEqual([]);
    expect(['train', 'val']).toContain(good?.split);
    const thumb = await thumbnails.render(good?.thumbnailId as string);
    expect((await sharp(thumb?.body).metadata()).width).toBe(128);
  });

  it('shows what the user left out, and answers an unknown class with an empty page', async () => {
    const { handlers } = setup();
    await handlers['datasets:scan']({ paths: [small] });
    const target = path.join(small, 'pears', 'img-1.jpg');
    await handlers['datasets:set-excluded']({ roots: [small], path: target, excluded: true });
    const pears = await handlers['datasets:images'](page([small], 'pears', 0, 50));
    expect(pears.items.map((item) => [item.name, item.excluded])).toEqual([
      ['img-0.jpg', false],
      ['img-1.jpg', true],
      ['img-2.jpg', false],
    ]);
    expect(await handlers['datasets:images'](page([small], 'plums', 0, 50))).toEqual({
      total: 0,
      items: [],
    });
  });

  it('asks for a scan first when these folders were not scanned last', async () => {
    const { handlers } = setup();
    await expect(handlers['datasets:images'](page([small], 'apples', 0, 10))).rejects.toThrow(
      /scan them first/,
    );
  });
});

describe('datasets:cancel-scan', () => {
  it('stops a running scan, keeps the previous dataset, answers others meanwhile, reports files/s and ETA', async () => {
    const { handlers, events, onEvent } = setup();
    await handlers['datasets:scan']({ paths: [small] });
    expect(await handlers['datasets:cancel-scan']({})).toEqual({ cancelled: false });

    let settled = false;
    const answeredDuringScan: number[] = [];
    const checking = new Promise<void>((resolve) =>
      onEvent((event) => {
        // Once the rate is measurable, so the event can be checked for files/s and ETA.
        if (event.phase === 'checking' && event.filesPerSecond !== undefined) resolve();
      }),
    );
    const scan = handlers['datasets:scan']({ paths: [big] }).finally(() => {
      settled = true;
    });
    scan.catch(() => undefined);
    await checking;
    // Another request while the big scan runs: answered, and the scan is still going.
    const other = await handlers['datasets:images'](page([small], 'pears', 0, 5));
    answeredDuringScan.push(other.total);
    expect(settled).toBe(false);

    expect(await handlers['datasets:cancel-scan']({})).toEqual({ cancelled: true });
    await expect(scan).rejects.toThrow(SCAN_CANCELLED);
    expect(answeredDuringScan).toEqual([3]);
    // The big scan never finished, so the browser still holds the small dataset.
    const still = await handlers['datasets:images'](page([small], 'apples', 0, 1));
    expect(still.total).toBe(26);
    const checked = events.filter((event) => event.phase === 'checking');
    expect(checked.at(-1)?.total).toBe(BIG_FILES);
    expect(checked.at(-1)?.done).toBeLessThan(BIG_FILES);
    const measured = checked.find((event) => event.filesPerSecond !== undefined);
    expect(measured?.filesPerSecond).toBeGreaterThan(0);
    // At the measured rate, the files left take about (total - done) / rate seconds.
    const expectedEta = (BIG_FILES - (measured?.done ?? 0)) / (measured?.filesPerSecond ?? 1);
    expect(Math.abs((measured?.etaSeconds ?? -10) - expectedEta)).toBeLessThanOrEqual(1);
    expect(measured?.etaSeconds).toBeGreaterThan(0);
  });
});
