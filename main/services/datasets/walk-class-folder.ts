/**
 * Lists every image below one class folder (nested folders belong to the class), following
 * symbolic links but never around in circles.
 */
import { promises as fs, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import type { DatasetProblem } from '../../../shared/domain';
import { classifyName, isIgnoredName } from './file-kinds';
import { problemFromFsError } from './fs-errors';

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
}

/** Deep enough for any real folder tree; a guard against pathological nesting. */
const MAX_DEPTH = 40;

/** Walks a class folder; returns how many images it found. */
export async function walkClassFolder(dir: string, context: WalkContext): Promise<number> {
  let realDir: string;
  try {
    realDir = await fs.realpath(dir);
  } catch (error) {
    context.problems.push(problemFromFsError(error, dir, 'folder', context.className));
    return 0;
  }
  return walk(dir, context, new Set([realDir]), 0);
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
  entries.sort((a, b) => compareNames(a.name, b.name));
  let found = 0;
  for (const entry of entries) {
    if (isIgnoredName(entry.name)) continue;
    const full = path.join(dir, entry.name);
    let stats: Stats | undefined;
    let isDir = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      try {
        stats = await fs.stat(full);
      } catch (error) {
        context.problems.push(problemFromFsError(error, full, 'file', context.className));
        continue;
      }
      isDir = stats.isDirectory();
    }
    if (isDir) {
      found += await enterFolder(full, context, ancestors, depth);
    } else if (entry.isFile() || stats?.isFile()) {
      found += await addFile(full, entry.name, context, stats);
    }
  }
  return found;
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
  if (ancestors.has(real) || depth >= MAX_DEPTH) {
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

async function addFile(
  full: string,
  name: string,
  context: WalkContext,
  known: Stats | undefined,
): Promise<number> {
  const kind = classifyName(name);
  if (kind.kind === 'other') return 0;
  if (kind.kind === 'unsupported') {
    context.problems.push({
      kind: 'unsupported',
      path: full,
      className: context.className,
      message: `“${name}” ${kind.reason}.`,
      action: 'Convert it to JPEG or PNG, or remove it from the folder.',
    });
    return 0;
  }
  let stats = known;
  if (!stats) {
    try {
      stats = await fs.stat(full);
    } catch (error) {
      context.problems.push(problemFromFsError(error, full, 'file', context.className));
      return 0;
    }
  }
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
