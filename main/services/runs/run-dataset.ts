import type { DatasetSummary } from '../../../shared/domain';
import type { RunDataset } from '../../../shared/evaluation';

/** What a run records about its dataset (dataset.json), from the scan it was started with. */
export function runDatasetOf(id: string, summary: DatasetSummary, labels: string[]): RunDataset {
  const classes = summary.classes.filter((c) => labels.includes(c.name));
  return {
    id,
    fingerprint: summary.fingerprint,
    roots: summary.roots,
    layout: summary.layout,
    splitSource: summary.split.source,
    train: classes.reduce((sum, c) => sum + c.trainCount, 0),
    val: classes.reduce((sum, c) => sum + c.valCount, 0),
    excluded: summary.excluded?.length ?? 0,
    classes: classes.map((c) => ({ name: c.name, train: c.trainCount, val: c.valCount })),
  };
}
