/** The evaluation as text for the terminal: the same numbers the Evaluate screen shows. */
import path from 'node:path';
import type { EvaluationFile, EvaluationMetrics } from '../../../shared/evaluation';
import { topLosses } from '../../../shared/evaluation-metrics';
import { formatTable } from '../cli-context';

const pct = (value: number | null): string =>
  value === null ? '—' : `${(value * 100).toFixed(1)}%`;
const num = (value: number): string => value.toFixed(3);

export function formatMetrics(labels: readonly string[], metrics: EvaluationMetrics): string {
  const lines: string[] = [];
  lines.push(
    `accuracy ${pct(metrics.accuracy)} (${metrics.correct} of ${metrics.count})   ` +
      `log loss ${num(metrics.logLoss)}   ` +
      `ECE ${pct(metrics.calibration.ece)} (10 bins, MCE ${pct(metrics.calibration.mce)})`,
    '',
  );
  const rows = metrics.perClass.map((c) => [
    c.label,
    num(c.precision),
    num(c.recall),
    num(c.f1),
    c.support,
  ]);
  rows.push([
    'macro avg',
    num(metrics.macro.precision),
    num(metrics.macro.recall),
    num(metrics.macro.f1),
    metrics.count,
  ]);
  rows.push([
    'weighted avg',
    num(metrics.weighted.precision),
    num(metrics.weighted.recall),
    num(metrics.weighted.f1),
    metrics.count,
  ]);
  lines.push(formatTable(['class', 'precision', 'recall', 'F1', 'support'], rows), '');
  lines.push('confusion (rows: true class, columns: predicted)');
  lines.push(
    formatTable(
      ['', ...labels],
      metrics.confusion.map((row, index) => [labels[index] ?? String(index), ...row]),
    ),
    '',
  );
  lines.push('reliability (images by confidence: how often right vs. how sure)');
  const bins = metrics.calibration.bins.filter((bin) => bin.count > 0);
  lines.push(
    formatTable(
      ['confidence', 'images', 'accuracy', 'mean confidence', 'gap'],
      bins.map((bin) => [
        `(${bin.lower.toFixed(1)}, ${bin.upper.toFixed(1)}]`,
        bin.count,
        pct(bin.accuracy),
        pct(bin.confidence),
        pct(Math.abs((bin.accuracy ?? 0) - (bin.confidence ?? 0))),
      ]),
    ),
  );
  return lines.join('\n');
}

/** The `count` misclassified images with the highest loss. */
export function formatTopLosses(evaluation: EvaluationFile, count: number): string {
  const indices = topLosses(evaluation.items).slice(0, count);
  if (indices.length === 0) return 'No image was misclassified.';
  const rows = indices.map((index) => {
    const item = evaluation.items[index]!;
    return [
      path.basename(item.path),
      evaluation.labels[item.label] ?? item.label,
      evaluation.labels[item.predicted] ?? item.predicted,
      pct(item.probabilities[item.predicted] ?? 0),
      path.dirname(item.path),
    ];
  });
  return formatTable(['image', 'true', 'predicted', 'confidence', 'folder'], rows);
}
