/**
 * Evaluation of a trained run: what the model predicts on labelled images (the run's validation
 * split, or another labelled folder), the metrics derived from it, and the run-history and
 * "try it" shapes that travel with them. Runtime schemas with their inferred types, like
 * domain.ts; pure TypeScript.
 */
import { z } from 'zod';
import { AbsolutePath } from './absolute-path';
import { EpochMetrics, RunSummary, TrainConfig } from './domain';

/** One labelled image and the model's probabilities for it (row order = labels). */
export const EvaluationItem = z.object({
  path: z.string(),
  label: z.number().int().nonnegative(),
  predicted: z.number().int().nonnegative(),
  probabilities: z.array(z.number()),
});
export type EvaluationItem = z.infer<typeof EvaluationItem>;

/** Precision, recall and F1 of one class (one-vs-rest), with its support. */
export const ClassMetrics = z.object({
  label: z.string(),
  precision: z.number().min(0).max(1),
  recall: z.number().min(0).max(1),
  f1: z.number().min(0).max(1),
  /** Images whose true class is this one. */
  support: z.number().int().nonnegative(),
  /** Images the model assigned to this class. */
  predictedCount: z.number().int().nonnegative(),
});
export type ClassMetrics = z.infer<typeof ClassMetrics>;

export const AveragedMetrics = z.object({
  precision: z.number(),
  recall: z.number(),
  f1: z.number(),
});
export type AveragedMetrics = z.infer<typeof AveragedMetrics>;

/**
 * One bin of a reliability diagram: the images whose confidence (top probability) falls in
 * (lower, upper], their mean confidence and how many of them were right.
 */
export const ReliabilityBin = z.object({
  lower: z.number(),
  upper: z.number(),
  count: z.number().int().nonnegative(),
  /** Mean top probability in the bin; null when the bin is empty. */
  confidence: z.number().nullable(),
  /** Fraction right in the bin; null when the bin is empty. */
  accuracy: z.number().nullable(),
});
export type ReliabilityBin = z.infer<typeof ReliabilityBin>;

export const EvaluationMetrics = z.object({
  count: z.number().int().nonnegative(),
  correct: z.number().int().nonnegative(),
  accuracy: z.number(),
  /** Mean cross-entropy of the true class (probabilities clipped at 1e-7, as in training). */
  logLoss: z.number(),
  perClass: z.array(ClassMetrics),
  macro: AveragedMetrics,
  /** Averages weighted by support. */
  weighted: AveragedMetrics,
  /** confusion[true][predicted] counts. */
  confusion: z.array(z.array(z.number().int().nonnegative())),
  calibration: z.object({
    /** Expected calibration error: sum over bins of (count / N) * |accuracy - confidence|. */
    ece: z.number(),
    /** Largest |accuracy - confidence| over non-empty bins. */
    mce: z.number(),
    bins: z.array(ReliabilityBin),
  }),
});
export type EvaluationMetrics = z.infer<typeof EvaluationMetrics>;

export const EvaluationSource = z.object({
  kind: z.enum(['validation', 'folder']),
  /** Dataset folders the images came from. */
  roots: z.array(z.string()),
});
export type EvaluationSource = z.infer<typeof EvaluationSource>;

export const SkippedImage = z.object({ path: z.string(), reason: z.string() });

/**
 * evaluation.json of a run folder (and evaluations/<id>.json for other folders). The first four
 * fields are what the first version wrote; `metrics` is recomputed from `items` when missing.
 */
export const EvaluationFile = z.object({
  labels: z.array(z.string()),
  accuracy: z.number(),
  confusion: z.array(z.array(z.number().int().nonnegative())),
  items: z.array(EvaluationItem),
  metrics: EvaluationMetrics.optional(),
  source: EvaluationSource.optional(),
  createdAt: z.string().optional(),
  skipped: z.array(SkippedImage).optional(),
});
export type EvaluationFile = z.infer<typeof EvaluationFile>;

/** Which evaluation of a run: its own validation split, or a folder evaluated later. */
export const EvaluationId = z
  .string()
  .regex(/^(validation|[0-9a-f]{8,64})$/, 'an evaluation id is "validation" or a dataset id');

/** What the Evaluate screen shows about one evaluation (images come page by page). */
export const EvaluationReport = z.object({
  runId: z.string(),
  runName: z.string(),
  evaluationId: z.string(),
  labels: z.array(z.string()),
  source: EvaluationSource,
  /** The run's dataset folders (for "exclude from the dataset"). */
  datasetRoots: z.array(z.string()),
  createdAt: z.string().optional(),
  metrics: EvaluationMetrics,
  misclassified: z.number().int().nonnegative(),
  skipped: z.array(SkippedImage),
});
export type EvaluationReport = z.infer<typeof EvaluationReport>;

/** One evaluated image as the gallery shows it: a thumbnail id, never a path for <img>. */
export const EvaluationImage = z.object({
  /** Position in the evaluation's items (stable id within the evaluation). */
  index: z.number().int().nonnegative(),
  /** Where the file is on disk (shown as text, used for actions). */
  path: z.string(),
  name: z.string(),
  thumbnailId: z.string(),
  label: z.number().int().nonnegative(),
  predicted: z.number().int().nonnegative(),
  /** Probability of the predicted class. */
  confidence: z.number(),
  /** Probability of the true class. */
  trueProbability: z.number(),
  loss: z.number(),
  /** Left out of the dataset (exclusion list of the run's dataset). */
  excluded: z.boolean(),
  /** Where it was moved in this session (files:move-to-class), if it was. */
  movedTo: z.string().optional(),
});
export type EvaluationImage = z.infer<typeof EvaluationImage>;

export const ImageFilter = z.enum(['all', 'misclassified', 'correct']);
export const ImageSort = z.enum(['loss', 'confidence', 'name']);

/** dataset.json of a run folder: what the run was trained on. */
export const RunDataset = z.object({
  id: z.string(),
  fingerprint: z.string(),
  roots: z.array(z.string()),
  layout: z.string(),
  splitSource: z.string(),
  train: z.number().int().nonnegative(),
  val: z.number().int().nonnegative(),
  excluded: z.number().int().nonnegative(),
  classes: z.array(
    z.object({
      name: z.string(),
      train: z.number().int().nonnegative(),
      val: z.number().int().nonnegative(),
    }),
  ),
});
export type RunDataset = z.infer<typeof RunDataset>;

/** Everything the history shows about one run. */
export const RunDetails = z.object({
  summary: RunSummary,
  /** config.json; null when it is missing or from another version. */
  config: TrainConfig.nullable(),
  dataset: RunDataset.nullable(),
  epochs: z.array(EpochMetrics),
  hasEvaluation: z.boolean(),
  hasModel: z.boolean(),
  /** Last lines the worker wrote about a failure (metrics.jsonl phases), for a crashed run. */
  failureLog: z.array(z.string()),
});
export type RunDetails = z.infer<typeof RunDetails>;

/** One setting compared across runs: its value in each run, in the order asked. */
export const SettingRow = z.object({
  setting: z.string(),
  values: z.array(z.string()),
  differs: z.boolean(),
});
export type SettingRow = z.infer<typeof SettingRow>;

/** An image to predict: a file on disk (Electron, CLI) or JPEG/PNG bytes (browser, webcam). */
export const PreviewInput = z.union([
  z.object({ path: AbsolutePath }).strict(),
  z
    .object({
      name: z.string().max(300),
      /** Base64 image bytes; the renderer downscales first, so 2 MB is plenty. */
      base64: z.string().min(4).max(2_800_000),
    })
    .strict(),
]);
export type PreviewInput = z.infer<typeof PreviewInput>;

export const Prediction = z.object({
  name: z.string(),
  /** For inputs given as paths: a thumbnail id to show them. */
  thumbnailId: z.string().optional(),
  /** Top-k classes, most probable first. */
  top: z.array(z.object({ label: z.string(), probability: z.number() })),
  /** Why this image could not be classified (it is skipped, the others are not). */
  error: z.string().optional(),
});
export type Prediction = z.infer<typeof Prediction>;
