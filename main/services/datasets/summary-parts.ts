/** Pieces of the DatasetSummary: per-class counts, overall layout, fingerprint. */
import { createHash } from 'node:crypto';
import type { ClassSummary, DatasetLayout } from '../../../shared/domain';
import type { DatasetFile, ScanOptions } from './dataset-types';
import type { RootListing } from './list-dataset';
import { compareNames, type ListedFile } from './walk-class-folder';

const DEFAULT_THUMBNAILS_PER_CLASS = 4;

export function summariseClasses(
  classNames: Set<string>,
  files: DatasetFile[],
  testFiles: { className: string }[],
  options: Pick<ScanOptions, 'thumbnails' | 'thumbnailsPerClass'>,
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

export function overallLayout(roots: RootListing[]): DatasetLayout {
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
export function fingerprint(
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
