/**
 * The metrics of an evaluation, as pure functions of (true label, probabilities) pairs, shared by
 * the worker (which stores them), the services (older files without them) and the CLI.
 *
 * Conventions (scikit-learn's, with zero_division=0): a class nobody predicted has precision 0, a
 * class with no images has recall 0, F1 is 0 when precision + recall is 0. Calibration uses
 * Guo et al. (2017): confidence is the top probability, 10 equal-width bins (lower, upper],
 * ECE = sum over bins of (n_bin / N) * |accuracy_bin - confidence_bin|.
 */
import type {
  AveragedMetrics,
  ClassMetrics,
  EvaluationItem,
  EvaluationMetrics,
  ReliabilityBin,
} from './evaluation';

/** Probabilities are clipped here before taking the log, as the training loss does. */
export const LOSS_EPSILON = 1e-7;
export const CALIBRATION_BINS = 10;

type Scored = Pick<EvaluationItem, 'label' | 'probabilities'>;

/** Index of the largest probability (the first one on a tie, like argMax). */
export function argMax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Cross-entropy of the true class for one image. */
export function itemLoss(item: Scored): number {
  const p = item.probabilities[item.label] ?? 0;
  return -Math.log(Math.min(1 - LOSS_EPSILON, Math.max(LOSS_EPSILON, p)));
}

/** confusion[true][predicted] counts. */
export function confusionMatrix(
  classCount: number,
  pairs: readonly { label: number; predicted: number }[],
): number[][] {
  const matrix = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  for (const { label, predicted } of pairs) {
    const row = matrix[label];
    if (row && predicted >= 0 && predicted < classCount) row[predicted]! += 1;
  }
  return matrix;
}

const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);

/** Per-class precision, recall, F1 and support from a confusion matrix. */
export function classMetrics(labels: readonly string[], confusion: number[][]): ClassMetrics[] {
  return labels.map((label, c) => {
    const truePositives = confusion[c]?.[c] ?? 0;
    const support = (confusion[c] ?? []).reduce((sum, n) => sum + n, 0);
    const predictedCount = confusion.reduce((sum, row) => sum + (row[c] ?? 0), 0);
    const precision = ratio(truePositives, predictedCount);
    const recall = ratio(truePositives, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    return { label, precision, recall, f1, support, predictedCount };
  });
}

function average(perClass: readonly ClassMetrics[], weighted: boolean): AveragedMetrics {
  const weights = perClass.map((c) => (weighted ? c.support : 1));
  const total = weights.reduce((sum, w) => sum + w, 0);
  const mean = (key: 'precision' | 'recall' | 'f1') =>
    ratio(
      perClass.reduce((sum, c, i) => sum + c[key] * weights[i]!, 0),
      total,
    );
  return { precision: mean('precision'), recall: mean('recall'), f1: mean('f1') };
}

/** Bin of a confidence: (0, 0.1] -> 0, …, (0.9, 1] -> 9; 0 itself goes to the first bin. */
export function binOf(confidence: number, bins = CALIBRATION_BINS): number {
  // The small tolerance keeps an upper edge in its bin despite rounding (0.7 * 10 = 7.000…01).
  return Math.min(bins - 1, Math.max(0, Math.ceil(confidence * bins - 1e-9) - 1));
}

/** Reliability diagram bins plus ECE and MCE. */
export function calibration(
  items: readonly Scored[],
  bins = CALIBRATION_BINS,
): { ece: number; mce: number; bins: ReliabilityBin[] } {
  const sums = Array.from({ length: bins }, () => ({ count: 0, confidence: 0, correct: 0 }));
  for (const item of items) {
    const predicted = argMax(item.probabilities);
    const confidence = item.probabilities[predicted] ?? 0;
    const bin = sums[binOf(confidence, bins)]!;
    bin.count += 1;
    bin.confidence += confidence;
    if (predicted === item.label) bin.correct += 1;
  }
  let ece = 0;
  let mce = 0;
  const result = sums.map((bin, index) => {
    const lower = index / bins;
    const upper = (index + 1) / bins;
    if (bin.count === 0) return { lower, upper, count: 0, confidence: null, accuracy: null };
    const confidence = bin.confidence / bin.count;
    const accuracy = bin.correct / bin.count;
    const gap = Math.abs(accuracy - confidence);
    ece += (bin.count / items.length) * gap;
    mce = Math.max(mce, gap);
    return { lower, upper, count: bin.count, confidence, accuracy };
  });
  return { ece, mce, bins: result };
}

/** Every metric of an evaluation from its labels and scored items. */
export function computeMetrics(
  labels: readonly string[],
  items: readonly Scored[],
): EvaluationMetrics {
  const predicted = items.map((item) => argMax(item.probabilities));
  const confusion = confusionMatrix(
    labels.length,
    items.map((item, i) => ({ label: item.label, predicted: predicted[i]! })),
  );
  const correct = items.filter((item, i) => item.label === predicted[i]).length;
  const perClass = classMetrics(labels, confusion);
  return {
    count: items.length,
    correct,
    accuracy: ratio(correct, items.length),
    logLoss: ratio(
      items.reduce((sum, item) => sum + itemLoss(item), 0),
      items.length,
    ),
    perClass,
    macro: average(perClass, false),
    weighted: average(perClass, true),
    confusion,
    calibration: calibration(items),
  };
}

/** Indices of the wrongly classified items, highest loss first ("top losses"). */
export function topLosses(items: readonly Scored[]): number[] {
  return items
    .map((item, index) => ({ index, wrong: argMax(item.probabilities) !== item.label }))
    .filter((entry) => entry.wrong)
    .map((entry) => ({ index: entry.index, loss: itemLoss(items[entry.index]!) }))
    .sort((a, b) => b.loss - a.loss || a.index - b.index)
    .map((entry) => entry.index);
}
