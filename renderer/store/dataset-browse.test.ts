/* eslint-disable no-restricted-imports -- an integration test, run in Node: it drives the
   renderer's client and store against the real web shell and services, never shipped in the UI. */
/**
 * The dataset screen's store over the real web shell: browsing a class page by page (and
 * leaving a file out from the browser), and cancelling a big scan while the socket keeps
 * answering other requests.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJpeg } from '../../main/services/datasets/test-images';
import { BROWSE_PAGE_SIZE, browseImageAt } from './dataset-browse-slice';
import { SCAN_CANCELLED_NOTICE } from './dataset-slice';
import {
  copyHymenopteraSample,
  startStudioHarness,
  until,
  type StudioHarness,
} from './test-support/studio-harness';

const BIG_FILES = 4000;

describe('dataset browser and scan cancel over the web shell', () => {
  let harness: StudioHarness;
  let sample: string;
  let big: string;

  beforeAll(async () => {
    harness = await startStudioHarness({
      prefix: 'ts-browse-',
      launchWorker: () => {
        throw new Error('not used: no training here');
      },
    });
    sample = path.join(harness.workDir, 'sample');
    await copyHymenopteraSample(sample, 6);
    // A big folder made fast: one tiny JPEG copied into two classes.
    big = path.join(harness.workDir, 'big');
    const seed = await writeJpeg(path.join(harness.workDir, 'seed.jpg'), 40, 40);
    for (const className of ['ants', 'wasps']) {
      await mkdir(path.join(big, className), { recursive: true });
      for (let index = 0; index < BIG_FILES / 2; index += 1) {
        await copyFile(seed, path.join(big, className, `copy-${index}.jpg`));
      }
    }
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('browses a class page by page and leaves a file out from the browser', async () => {
    const { store } = harness;
    expect(await store.getState().addDatasetFolders([sample])).toBe(true);
    await store.getState().openBrowse('ants');
    let state = store.getState();
    expect(state.browseTotal).toBe(6);
    const first = browseImageAt(state.browsePages, 0);
    expect(first?.thumbnailId).toMatch(/^[0-9a-f]{32}$/);
    expect(first?.problemKinds).toEqual([]);
    expect(first?.excluded).toBe(false);

    await store.getState().toggleBrowseExcluded(first!);
    state = store.getState();
    expect(browseImageAt(state.browsePages, 0)?.excluded).toBe(true);
    expect(state.dataset?.excluded).toEqual([first?.path]);
    expect(state.dataset?.classes.find((c) => c.name === 'ants')?.count).toBe(5);
    // Still listed in the browser (total unchanged), so it can be put back.
    expect(state.browseTotal).toBe(6);
    await store.getState().toggleBrowseExcluded(browseImageAt(state.browsePages, 0)!);
    expect(browseImageAt(store.getState().browsePages, 0)?.excluded).toBe(false);
    store.getState().closeBrowse();
    expect(store.getState().browseClass).toBeNull();
  });

  it('loads only the pages in view of a big class', async () => {
    const { store } = harness;
    const added = await store.getState().addDatasetFolders([big]);
    expect(added, store.getState().scanError ?? '').toBe(true);
    await store.getState().openBrowse('wasps');
    expect(store.getState().browseTotal).toBe(BIG_FILES / 2);
    await store.getState().loadBrowseRange(1500, 1530);
    const pages = Object.keys(store.getState().browsePages).map(Number);
    expect(pages).toEqual([0, Math.floor(1500 / BROWSE_PAGE_SIZE)]);
    expect(browseImageAt(store.getState().browsePages, 1510)?.relativePath).toMatch(
      /^wasps\/copy-\d+\.jpg$/,
    );
    store.getState().closeBrowse();
    await store.getState().removeDatasetRoot(big);
    expect(store.getState().datasetRoots).toEqual([sample]);
  });

  it('cancels a big scan, keeps the dataset, and answers other requests meanwhile', async () => {
    const { store, api } = harness;
    const before = store.getState().dataset;
    expect(before).not.toBeNull();
    // A fresh copy of the big folder, so nothing of it is in the doctor's cache yet.
    const fresh = path.join(harness.workDir, 'big-fresh');
    await mkdir(path.join(fresh, 'wasps'), { recursive: true });
    for (let index = 0; index < BIG_FILES; index += 1) {
      await copyFile(
        path.join(big, 'ants', `copy-${index % (BIG_FILES / 2)}.jpg`),
        path.join(fresh, 'wasps', `copy-${index}.jpg`),
      );
    }
    const adding = store.getState().addDatasetFolders([fresh]);
    await until(store, (s) => s.scanProgress?.phase === 'checking' && s.scanProgress.done > 0);

    // The socket answers while the scan runs.
    const info = await api.request('app:info', {});
    expect(info.shell).toBe('web');
    expect(store.getState().scanStatus).toBe('loading');

    await store.getState().cancelScan();
    expect(await adding).toBe(false);
    const after = store.getState();
    expect(after.scanNotice).toBe(SCAN_CANCELLED_NOTICE);
    expect(after.scanError).toBeNull();
    expect(after.scanStatus).toBe('ready');
    expect(after.datasetRoots).toEqual([sample]);
    expect(after.dataset).toBe(before);
  });
});
