import { median, type DatasetProblem, type DatasetSummary } from '../../../shared/domain';
import { sharedCheckCache } from './check-cache';
import { checkFiles } from './check-files';
import { DEFAULT_LIMITS } from './check-image';
import { BLOCKING_KINDS, classProblems } from './class-balance';
import { datasetId, normaliseRoots } from './dataset-id';
import type { BrowseEntry, DatasetFile, ScanOptions, ScannedDataset } from './dataset-types';
import { findDuplicates } from './find-duplicates';
import { listDataset, type RootListing } from './list-dataset';
import { summarizeProblems } from './problem-summary';
import { throttledProgress } from './scan-progress';
import { assignSplit } from './stable-split';
import { fingerprint, overallLayout, summariseClasses } from './summary-parts';
import type { ListedFile } from './walk-class-folder';

const DEFAULT_VAL_RATIO = 0.2;
const DEFAULT_SEED = 42;

/**
 * Scans one or more dataset folders into classes, splits and problems. Roots are merged by
 * class name; a root that vanished or cannot be read becomes a problem and the others stay.
 * Two phases: listing (walk the folders), then checking (the doctor decodes every file's
 * header and stream, finds duplicates); problem files are left out of `files`.
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
    ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
    onFound: listingProgress.tick,
  });
  listingProgress.flush();

  const problems: DatasetProblem[] = [...listing.problems];
  const listed = listing.files.filter((file) => !exclusions.has(file.path));
  let candidates = listed.filter((file) => file.givenSplit !== 'test');
  // Test folders are never trained on, but their files are checked like the others and
  // compared with train/val, since a test image seen in training inflates the test score.
  let testListed = listed.filter((file) => file.givenSplit === 'test');
  let hashes: Map<ListedFile, string> | undefined;
  let shorterSides: Map<ListedFile, number> | undefined;
  const undecodable = new Set<string>();

  if (options.check !== false) {
    const toCheck = [...candidates, ...testListed];
    const progress = throttledProgress('checking', options.onProgress, toCheck.length);
    progress.flush();
    const checked = await checkFiles(toCheck, {
      limits: { ...DEFAULT_LIMITS, ...options.limits },
      cache: options.cache ?? sharedCheckCache,
      ...(options.concurrency ? { concurrency: options.concurrency } : {}),
      ...(signal ? { signal } : {}),
      onChecked: progress.tick,
    });
    progress.flush();
    problems.push(...checked.problems);
    for (const problem of checked.problems) if (problem.excluded) undecodable.add(problem.path);
    const usable = checked.usable.map(({ file }) => file);
    candidates = usable.filter((file) => file.givenSplit !== 'test');
    testListed = usable.filter((file) => file.givenSplit === 'test');
    hashes = new Map(checked.usable.map(({ file, hash }) => [file, hash]));
    shorterSides = new Map(checked.usable.map(({ file, shorterSide }) => [file, shorterSide]));
  }

  const sides = splitSides(candidates, listing.roots, valRatio, seed);
  if (hashes) {
    const found = hashes;
    const hashed = (file: ListedFile, split: 'train' | 'val' | 'test') => ({
      path: file.path,
      className: file.className,
      split,
      hash: found.get(file) ?? '',
    });
    const duplicates = findDuplicates([
      ...candidates.map((file) => hashed(file, sides.get(file) ?? 'train')),
      ...testListed.map((file) => hashed(file, 'test')),
    ]);
    problems.push(...duplicates);
    const dropped = new Set(duplicates.map((problem) => problem.path));
    candidates = candidates.filter((file) => !dropped.has(file.path));
    testListed = testListed.filter((file) => !dropped.has(file.path));
  }

  const files: DatasetFile[] = candidates.map((file) => ({
    path: file.path,
    rel: file.rel,
    className: file.className,
    split: sides.get(file) ?? 'train',
    size: file.size,
    mtimeMs: file.mtimeMs,
  }));
  const testFiles = testListed.map((file) => ({ path: file.path, className: file.className }));
  const classes = summariseClasses(listing.classNames, files, testFiles, options);
  problems.push(
    ...classProblems(classes.map((c) => ({ name: c.name, train: c.trainCount, val: c.valCount }))),
  );

  const train = files.filter((file) => file.split === 'train').length;
  const usableRoots = listing.roots.filter((root) => root.layout !== 'unusable');
  const givenSplit = usableRoots.length > 0 && usableRoots.every((root) => root.hasValFolder);
  const excluded = listing.files.filter((file) => exclusions.has(file.path));
  const summary: DatasetSummary = {
    id: datasetId(roots),
    roots,
    layout: overallLayout(listing.roots),
    classes,
    totalImages: files.length,
    split: {
      source: givenSplit ? 'folders' : 'generated',
      valRatio: givenSplit ? roundedShare(files.length - train, files.length) : valRatio,
      train,
      val: files.length - train,
      ...(testFiles.length > 0 ? { test: testFiles.length } : {}),
    },
    problems,
    trainable: !problems.some((problem) => BLOCKING_KINDS.has(problem.kind)),
    fingerprint: fingerprint(
      candidates.map((file) => ({ listed: file, split: sides.get(file) ?? 'train' })),
      excluded,
      valRatio,
      seed,
    ),
    ...(excluded.length > 0 ? { excluded: excluded.map((file) => file.path) } : {}),
  };
  summary.findings = summarizeProblems(summary);
  const typical = median(
    files.flatMap((file, index) => {
      const side = file.split === 'train' ? shorterSides?.get(candidates[index]!) : undefined;
      return side ? [side] : [];
    }),
  );
  if (typical) summary.medianShorterSide = typical;
  const entries = listing.files.map((file) => browseEntry(file, sides, undecodable));
  return { summary, files, testFiles, entries };
}

/** What the image browser shows of a listed file (see dataset-images.ts). */
function browseEntry(
  file: ListedFile,
  sides: Map<ListedFile, 'train' | 'val'>,
  undecodable: Set<string>,
): BrowseEntry {
  const split = file.givenSplit ?? sides.get(file);
  return {
    path: file.path,
    rel: file.rel,
    className: file.className,
    ...(split ? { split } : {}),
    decodable: !undecodable.has(file.path),
  };
}

/** Given splits where a root has a val folder; the stable hash split everywhere else. */
function splitSides(
  files: ListedFile[],
  roots: RootListing[],
  valRatio: number,
  seed: number,
): Map<ListedFile, 'train' | 'val'> {
  const generated = files.filter((file) => !roots[file.rootIndex]?.hasValFolder);
  const sides = assignSplit(generated, valRatio, seed);
  for (const file of files) {
    if (!sides.has(file)) sides.set(file, file.givenSplit === 'val' ? 'val' : 'train');
  }
  return sides;
}

/** The summary schema caps the ratio at 0.9; a given split can be anything. */
function roundedShare(part: number, whole: number): number {
  return Math.min(0.9, Math.round((part / Math.max(1, whole)) * 1000) / 1000);
}
