import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { EpochMetrics, RunSummary, TrainConfig } from '../../../shared/domain';
import type { RunDataset } from '../../../shared/evaluation';
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
  /** Folders of runs created at an explicit place (CLI --out), by id. */
  private readonly placed = new Map<string, string>();

  constructor(readonly runsDir: string) {}

  /**
   * Creates a run folder. `meta.dir` puts it at an exact location (the CLI's --out), which must
   * not exist yet or be empty, instead of a new folder under runsDir; such a run is still found
   * by this store, and listed if it lies directly under runsDir.
   */
  async create(
    config: TrainConfig,
    meta: {
      baseModel: string;
      labels: string[];
      dir?: string;
      dataset?: RunDataset;
      plan?: string;
      continuedFrom?: RunSummary['continuedFrom'];
    },
  ): Promise<RunSummary> {
    const startedAt = new Date();
    const id = newRunId(startedAt);
    let dir: string;
    if (meta.dir) {
      dir = path.resolve(meta.dir);
      await fs.mkdir(path.dirname(dir), { recursive: true });
      const existing = await fs.readdir(dir).catch(() => undefined);
      if (existing?.length) {
        throw new ServiceError(
          'conflict',
          `${dir} already exists and is not empty; choose a new folder for the run.`,
        );
      }
      await fs.mkdir(dir, { recursive: true });
      this.placed.set(id, dir);
    } else {
      await fs.mkdir(this.runsDir, { recursive: true });
      dir = this.dirOf(id);
      // mkdir without recursive fails on an existing folder: two runs never share one.
      await fs.mkdir(dir);
    }
    const dataset = meta.dataset && {
      name: datasetName(meta.dataset.roots),
      roots: meta.dataset.roots,
      fingerprint: meta.dataset.fingerprint,
    };
    const summary: RunSummary = {
      id,
      dir,
      name: config.name?.trim() || defaultRunName(meta.baseModel, dataset?.name, meta.plan),
      status: 'running',
      startedAt: startedAt.toISOString(),
      baseModel: meta.baseModel,
      labels: meta.labels,
      epochsPlanned: config.epochs,
      epochsDone: 0,
      ...(dataset ? { dataset } : {}),
      ...(meta.plan ? { plan: meta.plan } : {}),
      ...(meta.continuedFrom ? { continuedFrom: meta.continuedFrom } : {}),
    };
    await writeJsonAtomic(path.join(dir, RUN_FILES.config), config);
    if (meta.dataset) await writeJsonAtomic(path.join(dir, RUN_FILES.dataset), meta.dataset);
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
    for (const name of names) {
      const dir = path.join(this.runsDir, name);
      try {
        summaries.push(await this.reconcile(await this.readAt(dir)));
      } catch {
        // Not a run, a folder being created, or one damaged by hand: not worth failing the list.
      }
    }
    return summaries.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  async get(runId: string): Promise<{ summary: RunSummary; epochs: EpochMetrics[] }> {
    const summary = await this.readSummary(runId);
    const epochs = epochsOf(await readMetricsLines(summary.dir));
    return { summary: await this.reconcile(summary), epochs };
  }

  /** run.json of a run, with a clear not-found error. */
  async readSummary(runId: string): Promise<RunSummary> {
    const dir = this.dirOf(runId);
    try {
      return await this.readAt(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        // A run placed under runsDir with a name of its own (CLI --out) by another process.
        const found = (await this.list()).find((summary) => summary.id === runId);
        if (found) return found;
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

  /** Gives a run a new name (run.json only; the folder keeps its id). */
  async rename(runId: string, name: string): Promise<RunSummary> {
    const trimmed = name.trim();
    if (!trimmed) {
      throw new ServiceError('invalid-request', 'A run name cannot be empty; type a name.');
    }
    const summary = await this.readSummary(runId);
    const renamed = { ...summary, name: trimmed };
    await writeRunSummary(summary.dir, renamed);
    return renamed;
  }

  /**
   * Deletes a run folder with everything in it. A run that still trains (in this process or,
   * by its owner file, in another live one) is refused: cancel it first.
   */
  async delete(runId: string, isTraining: (runId: string) => boolean): Promise<void> {
    const summary = await this.readSummary(runId);
    const current = await this.reconcile(summary);
    if (isTraining(runId) || current.status === 'running') {
      throw new ServiceError(
        'conflict',
        `Run "${summary.name}" is still training; cancel it before deleting it.`,
      );
    }
    // Only a folder that really is a run (it has run.json) is removed.
    await fs.access(path.join(summary.dir, RUN_FILES.summary));
    await fs.rm(summary.dir, { recursive: true, force: true });
    this.placed.delete(runId);
  }

  /** run.json of the run in `dir`, its `dir` set to where it actually is (folders can move). */
  private async readAt(dir: string): Promise<RunSummary> {
    return { ...(await readRunSummary(dir)), dir };
  }

  /**
   * Records that the run in `runDir` ended without its worker saying so (crash, kill, cancel by
   * force). The epochs already in metrics.jsonl stay; the summary counts them.
   */
  async finishWithoutWorker(
    runDir: string,
    status: 'failed' | 'cancelled',
    reason: string,
  ): Promise<RunSummary> {
    const current = await this.readAt(runDir);
    const epochs = epochsOf(await readMetricsLines(runDir));
    const finishedAt = new Date();
    const summary: RunSummary = {
      ...current,
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
    };
    await writeRunSummary(runDir, summary);
    return summary;
  }

  /**
   * Folder of a run id under runsDir (or where create() placed it); refuses ids that are not
   * plain run ids, so no request can reach outside the runs folder.
   */
  dirOf(runId: string): string {
    if (!isRunId(runId)) {
      throw new ServiceError(
        'invalid-request',
        `"${runId}" is not a run id (expected the form 20250102-134501-a1b2c3).`,
      );
    }
    return this.placed.get(runId) ?? path.join(this.runsDir, runId);
  }

  /**
   * A run still marked 'running' whose owning studio process is gone was cut short by a crash or
   * a forced quit: it is recorded as failed, once, so that it never shows as running forever.
   */
  private async reconcile(summary: RunSummary): Promise<RunSummary> {
    if (summary.status !== 'running') return summary;
    const dir = summary.dir;
    let owner: z.infer<typeof Owner> | undefined;
    try {
      owner = Owner.parse(JSON.parse(await fs.readFile(path.join(dir, RUN_FILES.owner), 'utf8')));
    } catch {
      owner = undefined;
    }
    if (owner && (owner.hostname !== os.hostname() || isProcessAlive(owner.pid))) return summary;
    return this.finishWithoutWorker(
      dir,
      'failed',
      'The studio stopped while this run was training (it quit or crashed), so the run did not ' +
        'finish. The epochs completed before that are kept; start a new run to train again.',
    );
  }
}

/** Folder names that say which split a folder is, not what it holds. */
const SPLIT_NAME = /^(train|training|val|valid|validation|test)$/i;

/**
 * A dataset's name for people: its folder name ("ants-bees"), with its parent's for a split
 * folder ("hymenoptera_data/train"), or the names of its folders joined.
 */
export function datasetName(roots: string[]): string {
  return roots
    .map((root) => {
      const name = path.basename(root) || root;
      return SPLIT_NAME.test(name) ? `${path.basename(path.dirname(root))}/${name}` : name;
    })
    .join(' + ');
}

/** Runs are told apart by what they trained on and how: "ants-bees · top 2 blocks fine-tuned". */
function defaultRunName(baseModel: string, dataset?: string, plan?: string): string {
  return [dataset ?? baseModel, plan].filter(Boolean).join(' · ');
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
