/** The doctor's checking phase over all listed files: bounded concurrency, cached, cancellable. */
import os from 'node:os';
import type { DatasetProblem } from '../../../shared/domain';
import { CheckCache } from './check-cache';
import { checkImage, type CheckLimits, type CheckResult } from './check-image';
import { mapPool } from './map-pool';
import type { ListedFile } from './walk-class-folder';

export interface CheckFilesOptions {
  limits: CheckLimits;
  cache: CheckCache;
  concurrency?: number;
  signal?: AbortSignal;
  onChecked(): void;
}

export interface CheckedFiles {
  /** Files that decode, each with its content hash and shorter side in pixels. */
  usable: { file: ListedFile; hash: string; shorterSide: number }[];
  problems: DatasetProblem[];
}

/** libvips has its own thread pool; a few files in flight keep both disk and CPU busy. */
export function defaultConcurrency(): number {
  return Math.max(2, Math.min(8, os.availableParallelism() * 2));
}

export async function checkFiles(
  files: ListedFile[],
  options: CheckFilesOptions,
): Promise<CheckedFiles> {
  const results = await mapPool(
    files,
    options.concurrency ?? defaultConcurrency(),
    async (file): Promise<CheckResult> => {
      const key = CheckCache.key(file, options.limits);
      let result = options.cache.get(key);
      if (!result) {
        result = await checkImage(file.path, options.limits);
        options.cache.set(key, result);
      }
      options.onChecked();
      return result;
    },
    options.signal,
  );
  const checked: CheckedFiles = { usable: [], problems: [] };
  results.forEach((result, index) => {
    const file = files[index] as ListedFile;
    if (result.ok) {
      checked.usable.push({
        file,
        hash: result.hash,
        shorterSide: Math.min(result.width, result.height),
      });
      if (result.warning) {
        checked.problems.push({
          ...result.warning,
          path: file.path,
          className: file.className,
          excluded: false,
        });
      }
    } else {
      checked.problems.push({
        ...result.finding,
        path: file.path,
        className: file.className,
        excluded: true,
      });
    }
  });
  return checked;
}
