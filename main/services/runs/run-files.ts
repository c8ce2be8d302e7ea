/**
 * The layout of a run folder, shared by the run store (main) and the training worker, which
 * writes into it directly so that a crash of either process loses at most the epoch in flight.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BatchMetrics, EpochMetrics, RunSummary } from '../../../shared/domain';
import { writeJsonAtomic } from './atomic-file';

export const RUN_FILES = {
  config: 'config.json',
  summary: 'run.json',
  metrics: 'metrics.jsonl',
  /** Trained model: one TF.js layers model (model.json + weights.bin) and metadata.json. */
  modelDir: 'model',
  /** The best model so far (lowest validation loss), rewritten while the run trains. */
  checkpointDir: 'checkpoint',
  /** Predictions of the trained model on the validation images (written at the end). */
  evaluation: 'evaluation.json',
  /** Which process owns a running run; lets a later launch tell a crashed run from a live one. */
  owner: 'owner.json',
  /** What the run was trained on: dataset fingerprint, folders, split counts, exclusions. */
  dataset: 'dataset.json',
  /** Evaluations on other labelled folders, one <dataset id>.json each. */
  evaluationsDir: 'evaluations',
} as const;

/**
 * One line of metrics.jsonl. Batch and epoch points carry the contract's metrics; `phase` lines
 * record what the worker did (backend, feature extraction throughput, skipped images).
 * `numTensors` is the live tensor count after the step, kept so that leaks show in the file.
 */
export const MetricsLine = z.discriminatedUnion('type', [
  z.object({ type: z.literal('batch'), time: z.string(), ...BatchMetrics.shape }),
  z.object({
    type: z.literal('epoch'),
    time: z.string(),
    numTensors: z.number().int().optional(),
    ...EpochMetrics.shape,
  }),
  z.object({
    type: z.literal('phase'),
    time: z.string(),
    phase: z.string(),
    message: z.string().optional(),
    imagesPerSecond: z.number().optional(),
  }),
]);
export type MetricsLine = z.infer<typeof MetricsLine>;

/** Parses metrics.jsonl, skipping lines that do not parse (a crash can cut the last one short). */
export function parseMetricsLines(text: string): MetricsLine[] {
  const lines: MetricsLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      continue;
    }
    const parsed = MetricsLine.safeParse(value);
    if (parsed.success) lines.push(parsed.data);
  }
  return lines;
}

/** The epoch points of a metrics file, last one winning when an epoch number repeats. */
export function epochsOf(lines: MetricsLine[]): EpochMetrics[] {
  const byEpoch = new Map<number, EpochMetrics>();
  for (const line of lines) {
    if (line.type !== 'epoch') continue;
    const { type: _type, time: _time, numTensors: _numTensors, ...metrics } = line;
    byEpoch.set(metrics.epoch, metrics);
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** What the worker saves beside the trained model so that it can be used without the studio. */
export const ModelMetadata = z.object({
  labels: z.array(z.string()).min(1),
  imageSize: z.number().int().positive(),
  inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  preprocessing: z.object({ scale: z.number(), offset: z.number() }),
  baseModel: z.string(),
  featureLayer: z.string(),
  runId: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type ModelMetadata = z.infer<typeof ModelMetadata>;

/** Reads and validates run.json of a run folder. */
export async function readRunSummary(runDir: string): Promise<RunSummary> {
  const text = await fs.readFile(path.join(runDir, RUN_FILES.summary), 'utf8');
  return RunSummary.parse(JSON.parse(text));
}

export async function writeRunSummary(runDir: string, summary: RunSummary): Promise<void> {
  await writeJsonAtomic(path.join(runDir, RUN_FILES.summary), RunSummary.parse(summary));
}

/** Reads metrics.jsonl of a run folder; a missing file is an empty run. */
export async function readMetricsLines(runDir: string): Promise<MetricsLine[]> {
  try {
    return parseMetricsLines(await fs.readFile(path.join(runDir, RUN_FILES.metrics), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
