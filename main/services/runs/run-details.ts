/**
 * Reads everything the run history shows about one run folder: summary, settings (config.json),
 * what it was trained on (dataset.json), its epochs, which artefacts exist, and for a run that
 * failed the worker's last words about it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TrainConfig, type RunSummary } from '../../../shared/domain';
import { RunDataset, type RunDetails } from '../../../shared/evaluation';
import { RUN_FILES, epochsOf, readMetricsLines } from './run-files';

/** Phases whose messages explain a failed run. */
const FAILURE_PHASES = new Set(['failed', 'skipped-image', 'freeze']);
const FAILURE_LOG_LINES = 6;

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/** config.json of a run, or null when it is missing or does not fit this version's schema. */
export async function readRunConfig(runDir: string): Promise<TrainConfig | null> {
  const parsed = TrainConfig.safeParse(await readJson(path.join(runDir, RUN_FILES.config)));
  return parsed.success ? parsed.data : null;
}

export async function readRunDataset(runDir: string): Promise<RunDataset | null> {
  const parsed = RunDataset.safeParse(await readJson(path.join(runDir, RUN_FILES.dataset)));
  return parsed.success ? parsed.data : null;
}

export async function readRunDetails(summary: RunSummary): Promise<RunDetails> {
  const dir = summary.dir;
  const lines = await readMetricsLines(dir);
  const failureLog =
    summary.status === 'failed'
      ? lines
          .filter((line) => line.type === 'phase' && FAILURE_PHASES.has(line.phase))
          .map((line) => (line.type === 'phase' ? (line.message ?? line.phase) : ''))
          .slice(-FAILURE_LOG_LINES)
      : [];
  return {
    summary,
    config: await readRunConfig(dir),
    dataset: await readRunDataset(dir),
    epochs: epochsOf(lines),
    hasEvaluation: await exists(path.join(dir, RUN_FILES.evaluation)),
    hasModel: await exists(path.join(dir, RUN_FILES.modelDir, 'model.json')),
    failureLog,
  };
}
