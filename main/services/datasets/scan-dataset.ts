import { createHash } from 'node:crypto';
import type {
  ClassSummary,
  DatasetLayout,
  DatasetProblem,
  DatasetSummary,
} from '../../../shared/domain';
import { classProblems } from './class-balance';
import { datasetId, normaliseRoots } from './dataset-id';
import type { DatasetFile, ScanOptions, ScannedDataset, ScanProgress } from './dataset-types';
import { listDataset, type RootListing } from './list-dataset';
import { assignSplit } from './stable-split';
import { compareNames, type ListedFile } from './walk-class-folder';

const DEFAULT_VAL_RATIO = 0.2;
const DEFAULT_SEED = 42;
const DEFAULT_THUMBNAILS_PER_CLASS = 4;
/** Progress events are for people: at most about ten a second. */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Scans one or more dataset folders into classes, splits and problems. Roots are merged by
 * class name; a root that vanished or cannot be read becomes a problem and the others stay.
 */
export async function scanDataset(
  paths: string[],
  options: ScanOptions = {},
): Promise<ScannedDataset> {
  const roots = normaliseRoots(paths);
  const valRatio = options.valRatio ?? DEFAULT_VAL_RATIO;
  const seed = options.seed ?? DEFAULT_SEED;
  const exclusions = new Set(options.exclusions ?? []);
  const signal = options.signal;
  signal?.throwIfAborted();

  const listingProgress = throttledProgress('listing', options.onProgress);
  const listing = await listDataset(roots, {
    ...(signal ? { signal } : {}),
    onFound: listingProgress.tick,
  });
  listingProgress.flush();

  const problems: DatasetProblem[] = [...listing.problems];
  const listed = listing.files.filter((file) => !exclusions.has(file.path));
  const usable = listed;

  const { files, testFiles, trainable } = splitFiles(usable, listing.roots, valRatio, seed);
  const classes = summariseClasses(listing.classNames, files, testFiles, options);
  problems.push(
    ...classProblems(classes.map((c) => ({ name: c.name, train: c.trainCount, val: c.valCount }))),
  );

  const train = files.filter((file) => file.split === 'train').length;
  const givenSplit = listing.roots.some((root) => root.layout !== 'unusable')
    ? listing.roots.every((root) => root.layout === 'unusable' || root.hasValFolder)
    : false;
  const excluded = listing.files.filter((file) => exclusions.has(file.path));
  const summary: DatasetSummary = {
    id: datasetId(roots),
    roots,
    layout: overallLayout(listing.roots),
    classes,
    totalImages: files.length,
    split: {
      source: givenSplit ? 'folders' : 'generated',
      valRatio: givenSplit
        ? Math.min(
            0.9,
            Math.round(((files.length - train) / Math.max(1, files.length)) * 1000) / 1000,
          )
        : valRatio,
      train,
      val: files.length - train,
      ...(testFiles.length > 0 ? { test: testFiles.length } : {}),
    },
    problems,
    trainable: classes.filter((c) => c.count > 0).length >= 2,
    fingerprint: fingerprint(
      files.map((file, index) => ({ listed: trainable[index] as ListedFile, split: file.split })),
      excluded,
      valRatio,
      seed,
    ),
    ...(excluded.length > 0 ? { excluded: excluded.map((file) => file.path) } : {}),
  };
  return { summary, files, testFiles };
}

/** Given splits where a root has a val folder; the stable hash split everywhere else. */
function splitFiles(
  usable: ListedFile[],
  roots: RootListing[],
  valRatio: number,
  seed: number,
): Pick<ScannedDataset, 'files' | 'testFiles'> & { trainable: ListedFile[] } {
  const testFiles = usable
    .filter((file) => file.givenSplit === 'test')
    .map((file) => ({ path: file.path, className: file.className }));
  const trainable = usable.filter((file) => file.givenSplit !== 'test');
  const generated = trainable.filter((file) => !roots[file.rootIndex]?.hasValFolder);
  const sides = assignSplit(generated, valRatio, seed);
  const files: DatasetFile[] = trainable.map((file) => ({
    path: file.path,
    rel: file.rel,
    className: file.className,
    split: sides.get(file) ?? (file.givenSplit === 'val' ? 'val' : 'train'),
    size: file.size,
    mtimeMs: file.mtimeMs,
  }));
  // `trainable[i]` is the listing entry behind `files[i]`.
  return { files, testFiles, trainable };
}

function summariseClasses(
  classNames: Set<string>,
  files: DatasetFile[],
  testFiles: { className: string }[],
  options: ScanOptions,
): ClassSummary[] {
  const perClass = options.thumbnailsPerClass ?? DEFAULT_THUMBNAILS_PER_CLASS;
  const byName = new Map<string, ClassSummary>();
  for (const name of [...classNames].sort(compareNames)) {
    byName.set(name, { name, count: 0, trainCount: 0, valCount: 0, thumbnails: [] });
  }
  for (const file of files) {
    const entry = byName.get(file.className);
    if (!entry) continue;
    entry.count += 1;
    if (file.split === 'train') entry.trainCount += 1;
    else entry.valCount += 1;
    if (options.thumbnails && entry.thumbnails.length < perClass) {
      entry.thumbnails.push(options.thumbnails.issue(file.path));
    }
  }
  for (const file of testFiles) {
    const entry = byName.get(file.className);
    if (entry) entry.testCount = (entry.testCount ?? 0) + 1;
  }
  return [...byName.values()];
}

function overallLayout(roots: RootListing[]): DatasetLayout {
  const kinds = new Set(
    roots
      .filter((root) => root.layout !== 'unusable')
      .map((root) => (root.layout === 'split-folders' ? 'split-folders' : 'folder-per-class')),
  );
  if (kinds.size > 1) return 'mixed';
  return kinds.has('split-folders') ? 'split-folders' : 'folder-per-class';
}

/**
 * Changes whenever anything training would see changes: files, sizes, times, split,
 * exclusions. Built from paths relative to their root (with the root's position) rather
 * than absolute ones, so moving the whole dataset folder keeps its fingerprint.
 */
function fingerprint(
  files: { listed: ListedFile; split: string }[],
  excluded: ListedFile[],
  valRatio: number,
  seed: number,
): string {
  const hash = createHash('sha256');
  hash.update(`v1\u0000${valRatio}\u0000${seed}\u0000`);
  for (const { listed, split } of files) {
    hash.update(
      `${listed.rootIndex}\u0001${listed.rel}\u0001${listed.className}\u0001${split}\u0001` +
        `${listed.size}\u0001${listed.mtimeMs}\u0000`,
    );
  }
  hash.update('excluded\u0000');
  for (const file of excluded) hash.update(`${file.rootIndex}\u0001${file.rel}\u0000`);
  return hash.digest('hex').slice(0, 32);
}

function throttledProgress(
  phase: ScanProgress['phase'],
  onProgress: ScanOptions['onProgress'],
): { tick(): void; flush(total?: number): void } {
  let done = 0;
  let last = 0;
  return {
    tick() {
      done += 1;
      const now = Date.now();
      if (onProgress && now - last >= PROGRESS_INTERVAL_MS) {
        last = now;
        onProgress({ phase, done });
      }
    },
    flush(total?: number) {
      onProgress?.({ phase, done, ...(total !== undefined ? { total } : {}) });
    },
  };
}
