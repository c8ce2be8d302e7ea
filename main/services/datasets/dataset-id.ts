import { createHash } from 'node:crypto';
import path from 'node:path';

/** Resolves, de-duplicates and keeps the order of the roots a user picked. */
export function normaliseRoots(paths: string[]): string[] {
  return [...new Set(paths.map((root) => path.resolve(root)))];
}

/**
 * A dataset's id: a hash of its (resolved) root folders, so the same folders give the same
 * id across rescans and restarts even as images come and go (exclusions are keyed by it).
 */
export function datasetId(roots: string[]): string {
  const key = [...normaliseRoots(roots)].sort().join('\u0000');
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
