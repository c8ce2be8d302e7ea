/**
 * Turns the model's probabilities on labelled images into the evaluation saved in the run folder
 * (evaluation.json): every item with its probabilities, plus the metrics computed from them.
 */
import { EvaluationFile, type EvaluationSource } from '../../../shared/evaluation';
import { argMax, computeMetrics } from '../../../shared/evaluation-metrics';

/** The saved evaluation (kept under this name for the training code that builds it). */
export const Evaluation = EvaluationFile;
export type Evaluation = EvaluationFile;

export interface EvaluationExtras {
  source?: EvaluationSource;
  skipped?: { path: string; reason: string }[];
}

/** Builds the evaluation from row-major probabilities [items.length, labels.length]. */
export function buildEvaluation(
  labels: string[],
  items: readonly { path: string; label: number }[],
  probabilities: Float32Array,
  extras: EvaluationExtras = {},
): Evaluation {
  const classes = labels.length;
  if (probabilities.length !== items.length * classes) {
    throw new Error(
      `The model gave ${probabilities.length} probabilities for ${items.length} images of ` +
        `${classes} classes; expected ${items.length * classes}.`,
    );
  }
  const rows = items.map((item, index) => {
    const row = Array.from(probabilities.subarray(index * classes, (index + 1) * classes));
    return { path: item.path, label: item.label, predicted: argMax(row), probabilities: row };
  });
  const metrics = computeMetrics(labels, rows);
  return {
    labels,
    accuracy: metrics.accuracy,
    confusion: metrics.confusion,
    items: rows,
    metrics,
    source: extras.source ?? { kind: 'validation', roots: [] },
    createdAt: new Date().toISOString(),
    ...(extras.skipped?.length ? { skipped: extras.skipped } : {}),
  };
}
