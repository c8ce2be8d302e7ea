/**
 * Lists every image below one class folder (nested folders belong to the class), following
 * symbolic links but never around in circles: a link to a folder that contains the one it sits
 * in (the class folder, the split folder, the dataset root or anything above it) is reported
 * at the link and not followed, so one link cannot pull the whole dataset into one class.
 * Special files (pipes, sockets, devices) are never opened.
 */
import { promises as fs, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import type { DatasetProblem } from '../../../shared/domain';
import { classifyName, isIgnoredName } from './file-kinds';
import { problemFromFsError } from './fs-errors';
import { mapPool } from './map-pool';

export interface ListedFile {
  /** Absolute path. */
  path: string;
  rootIndex: number;
  /** Path relative to its root, '/'-separated and NFC-normalised (stable across OSes). */
  rel: string;
  className: string;
  /** Split given by the folders; undefined where the scan generates it. */
  givenSplit?: 'train' | 'val' | 'test';
  size: number;
  mtimeMs: number;
}

/** Files and folders a scan visits at most (all roots together) before it stops. */
export const MAX_SCAN_ENTRIES = 2_000_000;

/** What is left of a scan's entry budget; `exhausted` once the stop was reported. */
export interface EntryBudget {
  left: number;
  exhausted: boolean;
}

export interface WalkContext {
  root: string;
  rootIndex: number;
  className: string;
  givenSplit?: 'train' | 'val' | 'test';
  files: ListedFile[];
  problems: DatasetProblem[];
  signal?: AbortSignal;
  /** Called once per image found (drives listing progress). */
  onFound(): void;
  budget: EntryBudget;
}

/** Stat calls in flight per folder while listing. */
const STAT_CONCURRENCY = 16;

/** Deep enough for any real folder tree; a guard against pathological nesting. */
const MAX_DEPTH = 40;

/** Walks a class folder; returns how many images it found. */
export async function walkClassFolder(dir: string, context: WalkContext): Promise<number> {
  let realDir: string;
  let realRoot: string;
  try {
    realDir = await fs.realpath(dir);
    realRoot = await fs.realpath(context.root);
  } catch (error) {
    context.problems.push(problemFromFsError(error, dir, 'folder', context.className));
    return 0;
  }
  return walk(dir, context, new Set([realRoot, realDir]), 0);
}

async function walk(
  dir: string,
  context: WalkContext,
  ancestors: Set<string>,
  depth: number,
): Promise<number> {
  context.signal?.throwIfAborted();
  let entries: Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    context.problems.push(problemFromFsError(error, dir, 'folder', context.className));
    return 0;
  }
  if (!spend(context, dir, entries.length)) return 0;
  entries.sort((a, b) => compareNames(a.name, b.name));
  // Stat calls dominate listing time on big folders, so a few run at once; results keep
  // name order, which keeps problems and files in a stable order.
  const resolved = await mapPool(
    entries.filter((entry) => !isIgnoredName(entry.name)),
    STAT_CONCURRENCY,
    (entry) => resolveEntry(dir, entry, context.className),
    context.signal,
  );
  let found = 0;
  for (const item of resolved) {
    if (item.type === 'problem') context.problems.push(item.problem);
    else if (item.type === 'dir') found += await enterFolder(item.full, context, ancestors, depth);
    else if (item.type === 'file') found += addFile(item.full, item.name, context, item.stats);
  }
  return found;
}

/** Takes `count` entries from the scan's budget; false (reported once) when it runs out. */
function spend(context: WalkContext, dir: string, count: number): boolean {
  const { budget } = context;
  if (budget.exhausted) return false;
  budget.left -= count;
  if (budget.left >= 0) return true;
  budget.exhausted = true;
  context.problems.push({
    kind: 'unreadable',
    path: dir,
    className: context.className,
    message:
      'The dataset folders hold too many files and folders (or a link leads into a huge tree); ' +
      'the scan stopped listing here, so some images are missing.',
    action: 'Choose smaller folders, or remove the link that leads out of the dataset.',
  });
  return false;
}

type ResolvedEntry =
  | { type: 'dir'; full: string }
  | { type: 'file'; full: string; name: string; stats?: Stats }
  | { type: 'problem'; problem: DatasetProblem }
  | { type: 'skip' };

/** What an entry is (links followed) and, for images, its size and time. */
async function resolveEntry(dir: string, entry: Dirent, className: string): Promise<ResolvedEntry> {
  const full = path.join(dir, entry.name);
  if (entry.isDirectory()) return { type: 'dir', full };
  const kind = classifyName(entry.name);
  if (!entry.isSymbolicLink() && (!entry.isFile() || kind.kind !== 'image')) {
    if (entry.isFile()) return { type: 'file', full, name: entry.name };
    return kind.kind === 'image' ? specialFile(full, className) : { type: 'skip' };
  }
  try {
    // stat, unlike open, never blocks on a pipe.
    const stats = await fs.stat(full);
    if (stats.isDirectory()) return { type: 'dir', full };
    if (stats.isFile()) return { type: 'file', full, name: entry.name, stats };
    return kind.kind === 'image' ? specialFile(full, className) : { type: 'skip' };
  } catch (error) {
    return { type: 'problem', problem: problemFromFsError(error, full, 'file', className) };
  }
}

/** A pipe, socket or device named like an image: reported, never opened (a pipe would hang). */
function specialFile(full: string, className: string): ResolvedEntry {
  return {
    type: 'problem',
    problem: {
      kind: 'unsupported',
      path: full,
      className,
      message: 'This is not a regular file (a pipe, socket or device); the scan did not open it.',
      action: 'Remove it from the dataset folder, or replace it with the image file.',
      excluded: true,
    },
  };
}

/** True when `folder` is `real` or lies inside it. */
function isWithin(folder: string, real: string): boolean {
  return folder === real || folder.startsWith(real.endsWith(path.sep) ? real : real + path.sep);
}

async function enterFolder(
  full: string,
  context: WalkContext,
  ancestors: Set<string>,
  depth: number,
): Promise<number> {
  let real: string;
  try {
    real = await fs.realpath(full);
  } catch (error) {
    context.problems.push(problemFromFsError(error, full, 'folder', context.className));
    return 0;
  }
  if ([...ancestors].some((folder) => isWithin(folder, real)) || depth >= MAX_DEPTH) {
    context.problems.push({
      kind: 'symlink-loop',
      path: full,
      className: context.className,
      message:
        depth >= MAX_DEPTH
          ? `Folders nest more than ${MAX_DEPTH} levels deep here, which usually means a link loop.`
          : 'This link points back to a folder that contains it (a symlink loop); the scan did not follow it.',
      action: 'Delete the link, or point it somewhere outside the dataset.',
    });
    return 0;
  }
  const next = new Set(ancestors);
  next.add(real);
  return walk(full, context, next, depth + 1);
}

function addFile(full: string, name: string, context: WalkContext, stats?: Stats): number {
  const kind = classifyName(name);
  if (kind.kind === 'other') return 0;
  if (kind.kind === 'unsupported') {
    context.problems.push({
      kind: 'unsupported',
      path: full,
      className: context.className,
      message: `“${name}” ${kind.reason}.`,
      action: 'Convert it to JPEG or PNG, or remove it from the folder.',
      excluded: true,
    });
    return 0;
  }
  if (!stats) return 0;
  context.files.push({
    path: full,
    rootIndex: context.rootIndex,
    rel: toRel(context.root, full),
    className: context.className,
    ...(context.givenSplit ? { givenSplit: context.givenSplit } : {}),
    size: stats.size,
    mtimeMs: Math.trunc(stats.mtimeMs),
  });
  context.onFound();
  return 1;
}

/** '/'-separated, NFC path below the root, so hashes agree between macOS, Linux and Windows. */
export function toRel(root: string, full: string): string {
  return path.relative(root, full).split(path.sep).join('/').normalize('NFC');
}

/** Code-point order: the same on every machine, unlike locale-aware comparison. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
