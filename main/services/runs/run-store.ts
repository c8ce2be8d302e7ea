import type { EpochMetrics, RunSummary, TrainConfig } from '../../../shared/domain';

/**
 * Runs on disk: one folder per run under runsDir with config.json, run.json (the summary),
 * metrics.jsonl (every batch and epoch point) and model/ (the trained TF.js model).
 */
export class RunStore {
  constructor(readonly runsDir: string) {}
  /**
   * Creates a run folder. `meta.dir` puts it at an exact location (the CLI's --out) instead of
   * a new folder under runsDir; such a run is still listed if it lies under runsDir.
   */
  async create(
    _config: TrainConfig,
    _meta: { baseModel: string; labels: string[]; dir?: string },
  ): Promise<RunSummary> {
    throw new Error('RunStore.create: not implemented yet');
  }
  async list(): Promise<RunSummary[]> {
    return [];
  }
  async get(_runId: string): Promise<{ summary: RunSummary; epochs: EpochMetrics[] }> {
    throw new Error('RunStore.get: not implemented yet');
  }
  /** Folder of a run id; refuses ids that are not plain run ids (no traversal). */
  dirOf(_runId: string): string {
    throw new Error('RunStore.dirOf: not implemented yet');
  }
}
