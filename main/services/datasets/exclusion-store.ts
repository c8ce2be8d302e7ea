/**
 * Files a user chose to leave out, remembered per dataset (by dataset id) as one small JSON
 * file each in a folder of the data dir, written atomically so a crash never loses the list.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

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

  /** The excluded paths of a dataset; empty when none were saved or the file is unreadable. */
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
