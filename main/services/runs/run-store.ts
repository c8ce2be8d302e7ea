import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { EpochMetrics, RunSummary, TrainConfig } from '../../../shared/domain';
import { ServiceError } from '../service-error';
import { writeJsonAtomic } from './atomic-file';
import {
  RUN_FILES,
  epochsOf,
  readMetricsLines,
  readRunSummary,
  writeRunSummary,
} from './run-files';
import { isRunId, newRunId } from './run-id';

const Owner = z.object({ pid: z.number().int(), hostname: z.string(), startedAt: z.string() });

/**
 * Runs on disk: one folder per run under runsDir with config.json, run.json (the summary),
 * metrics.jsonl (every batch and epoch point) and model/ (the trained TF.js model).
 *
 * The training worker writes into the folder itself (metrics, model, run.json after each epoch);
 * this store creates runs, reads them back, and records how a run ended when its worker could
 * not (crash, kill).
 */
export class RunStore {
  constructor(readonly runsDir: string) {}

  async create(
    config: TrainConfig,
    meta: { baseModel: string; labels: string[] },
  ): Promise<RunSummary> {
    await fs.mkdir(this.runsDir, { recursive: true });
    const startedAt = new Date();
    const id = newRunId(startedAt);
    const dir = this.dirOf(id);
    // mkdir without recursive fails on an existing folder: two runs never share one.
    await fs.mkdir(dir);
    const summary: RunSummary = {
      id,
      dir,
      name:
        config.name?.trim() ||
        `${meta.baseModel} · ${startedAt.toISOString().slice(0, 16).replace('T', ' ')}`,
      status: 'running',
      startedAt: startedAt.toISOString(),
      baseModel: meta.baseModel,
      labels: meta.labels,
      epochsPlanned: config.epochs,
      epochsDone: 0,
    };
    await writeJsonAtomic(path.join(dir, RUN_FILES.config), config);
    await writeJsonAtomic(path.join(dir, RUN_FILES.owner), {
      pid: process.pid,
      hostname: os.hostname(),
      startedAt: summary.startedAt,
    });
    await writeRunSummary(dir, summary);
    return summary;
  }

  /** Every readable run, newest first. Folders that are not runs are left out. */
  async list(): Promise<RunSummary[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.runsDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const summaries: RunSummary[] = [];
    for (const name of names.filter(isRunId).sort().reverse()) {
      try {
        summaries.push(await this.reconcile(await readRunSummary(this.dirOf(name))));
      } catch {
        // A folder being created, or damaged by hand: not listable, and not worth failing the list.
      }
    }
    return summaries;
  }

  async get(runId: string): Promise<{ summary: RunSummary; epochs: EpochMetrics[] }> {
    const dir = this.dirOf(runId);
    const summary = await this.readSummary(runId);
    const epochs = epochsOf(await readMetricsLines(dir));
    return { summary: await this.reconcile(summary), epochs };
  }

  /** run.json of a run, with a clear not-found error. */
  async readSummary(runId: string): Promise<RunSummary> {
    const dir = this.dirOf(runId);
    try {
      return await readRunSummary(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new ServiceError('not-found', `No run ${runId} in ${this.runsDir}.`);
      }
      throw new ServiceError(
        'failed',
        `The summary of run ${runId} (${path.join(dir, RUN_FILES.summary)}) cannot be read: ${
          (error as Error).message
        }`,
      );
    }
  }

  /** Merges `patch` into run.json (atomically) and returns the new summary. */
  async update(runId: string, patch: Partial<RunSummary>): Promise<RunSummary> {
    const summary = { ...(await this.readSummary(runId)), ...patch };
    await writeRunSummary(this.dirOf(runId), summary);
    return summary;
  }

  /**
   * Records that a run ended without its worker saying so (crash, kill, cancel by force). The
   * epochs already in metrics.jsonl stay; the summary counts them.
   */
  async finishWithoutWorker(
    runId: string,
    status: 'failed' | 'cancelled',
    reason: string,
  ): Promise<RunSummary> {
    const current = await this.readSummary(runId);
    const epochs = epochsOf(await readMetricsLines(this.dirOf(runId)));
    const finishedAt = new Date();
    return this.update(runId, {
      status,
      finishedAt: finishedAt.toISOString(),
      durationMs: Math.max(0, finishedAt.getTime() - Date.parse(current.startedAt)),
      epochsDone: epochs.length,
      ...(epochs.length
        ? {
            bestValAccuracy: Math.max(...epochs.map((e) => e.valAccuracy)),
            finalValAccuracy: epochs[epochs.length - 1]!.valAccuracy,
          }
        : {}),
      ...(status === 'failed' ? { error: reason } : {}),
    });
  }

  /** Folder of a run id; refuses ids that are not plain run ids (no traversal). */
  dirOf(runId: string): string {
    if (!isRunId(runId)) {
      throw new ServiceError(
        'invalid-request',
        `"${runId}" is not a run id (expected the form 20250102-134501-a1b2c3).`,
      );
    }
    return path.join(this.runsDir, runId);
  }

  /**
   * A run still marked 'running' whose owning studio process is gone was cut short by a crash or
   * a forced quit: it is recorded as failed, once, so that it never shows as running forever.
   */
  private async reconcile(summary: RunSummary): Promise<RunSummary> {
    if (summary.status !== 'running') return summary;
    const dir = this.dirOf(summary.id);
    let owner: z.infer<typeof Owner> | undefined;
    try {
      owner = Owner.parse(JSON.parse(await fs.readFile(path.join(dir, RUN_FILES.owner), 'utf8')));
    } catch {
      owner = undefined;
    }
    if (owner && (owner.hostname !== os.hostname() || isProcessAlive(owner.pid))) return summary;
    return this.finishWithoutWorker(
      summary.id,
      'failed',
      'The studio stopped while this run was training (it quit or crashed), so the run did not ' +
        'finish. The epochs completed before that are kept; start a new run to train again.',
    );
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
