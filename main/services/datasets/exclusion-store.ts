/**
 * Files a user chose to leave out, remembered per dataset folder (by the id of that one root)
 * as one small JSON file each in a folder of the data dir, written atomically so a crash never
 * loses the list. Keying by root, not by the set of roots, means adding or removing another
 * folder keeps every choice made so far.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { datasetId, normaliseRoots } from './dataset-id';

const ExclusionFile = z.object({
  version: z.literal(1),
  datasetId: z.string(),
  paths: z.array(z.string()),
});

const DATASET_ID = /^[0-9a-f]{8,64}$/;

export class ExclusionStore {
  /** Serialises writes so two quick clicks never lose one of the updates. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly dir: string) {}

  /**
   * The excluded paths of a dataset made of these roots: each root's own list (only paths
   * still inside it), plus any list saved for the whole set by earlier versions.
   */
  async forRoots(roots: string[]): Promise<string[]> {
    const resolved = normaliseRoots(roots);
    const lists = await Promise.all([
      ...resolved.map(async (root) =>
        (await this.get(datasetId([root]))).filter((file) => isInside(root, file)),
      ),
      resolved.length > 1 ? this.get(datasetId(resolved)) : Promise.resolve([]),
    ]);
    return [...new Set(lists.flat())].sort();
  }

  /**
   * Leaves a file out (or takes it back) in the list of the root that holds it; returns the
   * dataset's whole list after the change, or null when the file is in none of the roots.
   */
  async setExcluded(
    roots: string[],
    filePath: string,
    excluded: boolean,
  ): Promise<string[] | null> {
    const resolved = normaliseRoots(roots);
    const target = path.resolve(filePath);
    const root = resolved
      .filter((candidate) => isInside(candidate, target))
      .sort((a, b) => b.length - a.length)[0];
    if (!root) return null;
    if (excluded) await this.exclude(datasetId([root]), target);
    else {
      await this.include(datasetId([root]), target);
      if (resolved.length > 1) await this.include(datasetId(resolved), target);
    }
    return this.forRoots(resolved);
  }

  /** The excluded paths saved under one id; empty when none were saved or the file is unreadable. */
  async get(datasetId: string): Promise<string[]> {
    const file = this.fileOf(datasetId);
    try {
      const parsed = ExclusionFile.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
      return parsed.success && parsed.data.datasetId === datasetId ? parsed.data.paths : [];
    } catch {
      return [];
    }
  }

  /** Leaves a file out of the dataset (idempotent); returns the new list. */
  exclude(datasetId: string, filePath: string): Promise<string[]> {
    return this.update(datasetId, (paths) =>
      paths.includes(filePath) ? paths : [...paths, filePath],
    );
  }

  /** Takes a file back into the dataset (idempotent); returns the new list. */
  include(datasetId: string, filePath: string): Promise<string[]> {
    return this.update(datasetId, (paths) => paths.filter((entry) => entry !== filePath));
  }

  /** Replaces the whole list. */
  set(datasetId: string, paths: string[]): Promise<string[]> {
    return this.update(datasetId, () => [...new Set(paths)]);
  }

  private update(datasetId: string, change: (paths: string[]) => string[]): Promise<string[]> {
    const run = async () => {
      const paths = change(await this.get(datasetId)).sort();
      await fs.mkdir(this.dir, { recursive: true });
      const target = this.fileOf(datasetId);
      const temp = `${target}.${process.pid}.tmp`;
      await fs.writeFile(temp, JSON.stringify({ version: 1, datasetId, paths }, null, 2));
      await fs.rename(temp, target);
      return paths;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private fileOf(datasetId: string): string {
    // Ids come from datasetId(); anything else could name a path outside the folder.
    if (!DATASET_ID.test(datasetId))
      throw new Error(`Not a dataset id: ${JSON.stringify(datasetId)}`);
    return path.join(this.dir, `${datasetId}.exclusions.json`);
  }
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
