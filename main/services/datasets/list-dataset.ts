/**
 * The listing phase: for each root, detect its layout (one folder per class, or
 * train/val/test folders holding one folder per class, or a folder that is itself one class)
 * and list its images. Roots are merged by class name afterwards.
 */
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import type { DatasetProblem } from '../../../shared/domain';
import { classifyName, isIgnoredName, splitOfFolder } from './file-kinds';
import { problemFromFsError } from './fs-errors';
import {
  compareNames,
  MAX_SCAN_ENTRIES,
  walkClassFolder,
  type EntryBudget,
  type ListedFile,
} from './walk-class-folder';

export type RootLayout = 'folder-per-class' | 'split-folders' | 'single-class' | 'unusable';

export interface RootListing {
  root: string;
  layout: RootLayout;
  /** Whether the root has a validation folder (then its split is given, not generated). */
  hasValFolder: boolean;
}

export interface Listing {
  roots: RootListing[];
  /** Images by extension, not yet checked, in a stable order. */
  files: ListedFile[];
  /** Every class folder seen, including empty ones. */
  classNames: Set<string>;
  problems: DatasetProblem[];
}

export interface ListOptions {
  signal?: AbortSignal;
  /** Most files and folders visited in all (default MAX_SCAN_ENTRIES). */
  maxEntries?: number;
  onFound(): void;
}

interface FolderEntry {
  name: string;
  full: string;
}

export async function listDataset(roots: string[], options: ListOptions): Promise<Listing> {
  const listing: Listing = { roots: [], files: [], classNames: new Set(), problems: [] };
  // One budget for the whole scan, so no folder tree (a link to /proc, a huge disk) can make
  // the listing run without end.
  const budget: EntryBudget = { left: options.maxEntries ?? MAX_SCAN_ENTRIES, exhausted: false };
  for (const [rootIndex, root] of roots.entries()) {
    options.signal?.throwIfAborted();
    listing.roots.push(await listRoot(root, rootIndex, listing, { ...options, budget }));
  }
  // A file reachable twice (overlapping roots, links) is listed once.
  const seen = new Set<string>();
  listing.files = listing.files.filter((file) => !seen.has(file.path) && seen.add(file.path));
  listing.files.sort(
    (a, b) =>
      compareNames(a.className, b.className) ||
      a.rootIndex - b.rootIndex ||
      compareNames(a.rel, b.rel),
  );
  return listing;
}

async function listRoot(
  root: string,
  rootIndex: number,
  listing: Listing,
  options: ListOptions & { budget: EntryBudget },
): Promise<RootListing> {
  const unusable: RootListing = { root, layout: 'unusable', hasValFolder: false };
  try {
    const stats = await fs.stat(root);
    if (!stats.isDirectory()) {
      const isArchive = /\.(zip|tar|tgz|gz|7z|rar)$/i.test(root);
      listing.problems.push({
        kind: 'unreadable',
        path: root,
        message: isArchive
          ? 'This is an archive, not a folder.'
          : 'This is a file, not a folder of images.',
        action: isArchive
          ? 'Extract the archive and add the extracted folder.'
          : 'Add the folder that contains one sub-folder per class.',
      });
      return unusable;
    }
  } catch (error) {
    listing.problems.push(problemFromFsError(error, root, 'folder'));
    return unusable;
  }
  const entries = await readEntries(root, listing.problems);
  if (!entries) return unusable;
  const { dirs, images } = entries;
  const walk = (dir: string, className: string, givenSplit?: 'train' | 'val' | 'test') => {
    listing.classNames.add(className);
    return walkClassFolder(dir, {
      root,
      rootIndex,
      className,
      ...(givenSplit ? { givenSplit } : {}),
      files: listing.files,
      problems: listing.problems,
      ...(options.signal ? { signal: options.signal } : {}),
      onFound: options.onFound,
      budget: options.budget,
    });
  };
  const emptyClass = (dir: string, className: string) =>
    listing.problems.push({
      kind: 'empty-folder',
      path: dir,
      className,
      message: `The class folder “${className}” has no images the studio can read.`,
      action: 'Add images to it (JPEG, PNG, WebP, GIF, TIFF or AVIF), or remove the folder.',
    });

  const splitDirs = dirs.filter((dir) => splitOfFolder(dir.name));
  if (splitDirs.some((dir) => splitOfFolder(dir.name) !== 'test')) {
    for (const splitDir of splitDirs) {
      const split = splitOfFolder(splitDir.name);
      const inner = await readEntries(splitDir.full, listing.problems);
      if (!inner) continue;
      reportLooseImages(splitDir.full, inner.images, listing.problems);
      for (const classDir of inner.dirs) {
        if ((await walk(classDir.full, classDir.name.normalize('NFC'), split)) === 0) {
          // An empty test folder does not matter for training.
          if (split !== 'test') emptyClass(classDir.full, classDir.name.normalize('NFC'));
        }
      }
    }
    const hasValFolder = splitDirs.some((dir) => splitOfFolder(dir.name) === 'val');
    return { root, layout: 'split-folders', hasValFolder };
  }
  if (dirs.length === 0) {
    if (images.length === 0) {
      listing.problems.push({
        kind: 'empty-folder',
        path: root,
        message: 'This folder has no images and no class folders.',
        action: 'Choose a folder with one sub-folder per class (e.g. cats/ and dogs/).',
      });
      return unusable;
    }
    // A folder of images with no sub-folders is one class, named after the folder.
    await walk(root, path.basename(root).normalize('NFC'));
    return { root, layout: 'single-class', hasValFolder: false };
  }
  reportLooseImages(root, images, listing.problems);
  for (const classDir of dirs) {
    const className = classDir.name.normalize('NFC');
    if ((await walk(classDir.full, className)) === 0) emptyClass(classDir.full, className);
  }
  return { root, layout: 'folder-per-class', hasValFolder: false };
}

/** Sub-folders and image files directly in a folder (links followed, clutter skipped). */
async function readEntries(
  dir: string,
  problems: DatasetProblem[],
): Promise<{ dirs: FolderEntry[]; images: FolderEntry[] } | undefined> {
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    problems.push(problemFromFsError(error, dir, 'folder'));
    return undefined;
  }
  const dirs: FolderEntry[] = [];
  const images: FolderEntry[] = [];
  for (const entry of entries.sort((a, b) => compareNames(a.name, b.name))) {
    if (isIgnoredName(entry.name)) continue;
    const full = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      // Broken or looping links at this level are reported by the class walk if they matter.
      isDir = await fs.stat(full).then(
        (stats) => stats.isDirectory(),
        () => false,
      );
    }
    if (isDir) dirs.push({ name: entry.name, full });
    else if (classifyName(entry.name).kind === 'image') images.push({ name: entry.name, full });
  }
  return { dirs, images };
}

function reportLooseImages(dir: string, images: FolderEntry[], problems: DatasetProblem[]): void {
  if (images.length === 0) return;
  const count = images.length === 1 ? `1 image lies` : `${images.length} images lie`;
  problems.push({
    kind: 'outside-class',
    path: dir,
    message: `${count} directly in this folder, outside any class folder, so they have no label and are not used.`,
    action: 'Move them into the folder of their class.',
  });
}
