/**
 * The gallery's view of an evaluation: the images of one confusion cell, the misclassified ones
 * by loss ("top losses"), or all, page by page, each with a thumbnail id (never a path for
 * <img>) and what the user did to it in this session (excluded, moved).
 */
import path from 'node:path';
import type { EvaluationFile, EvaluationImage } from '../../../shared/evaluation';
import { argMax, itemLoss } from '../../../shared/evaluation-metrics';

export interface ImageQuery {
  actual?: number | undefined;
  predicted?: number | undefined;
  filter: 'all' | 'misclassified' | 'correct';
  sort: 'loss' | 'confidence' | 'name';
  offset: number;
  limit: number;
}

export interface ImageContext {
  issueThumbnail(filePath: string): string;
  excluded: ReadonlySet<string>;
  /** Where a file was moved in this session, if it was. */
  movedTo(filePath: string): string | undefined;
}

export function queryImages(
  evaluation: Pick<EvaluationFile, 'items'>,
  query: ImageQuery,
  context: ImageContext,
): { total: number; images: EvaluationImage[] } {
  const rows = evaluation.items.map((item, index) => {
    const predicted = argMax(item.probabilities);
    return {
      index,
      item,
      predicted,
      confidence: item.probabilities[predicted] ?? 0,
      loss: itemLoss(item),
    };
  });
  const selected = rows.filter(
    (row) =>
      (query.actual === undefined || row.item.label === query.actual) &&
      (query.predicted === undefined || row.predicted === query.predicted) &&
      (query.filter === 'all' ||
        (query.filter === 'misclassified') === (row.predicted !== row.item.label)),
  );
  const byName = (a: (typeof rows)[number], b: (typeof rows)[number]) =>
    path.basename(a.item.path).localeCompare(path.basename(b.item.path)) || a.index - b.index;
  selected.sort((a, b) => {
    if (query.sort === 'loss') return b.loss - a.loss || byName(a, b);
    if (query.sort === 'confidence') return b.confidence - a.confidence || byName(a, b);
    return byName(a, b);
  });
  const page = selected.slice(query.offset, query.offset + query.limit);
  return {
    total: selected.length,
    images: page.map((row) => {
      const movedTo = context.movedTo(row.item.path);
      return {
        index: row.index,
        path: row.item.path,
        name: path.basename(row.item.path),
        // A moved file keeps its thumbnail through its new path.
        thumbnailId: context.issueThumbnail(movedTo ?? row.item.path),
        label: row.item.label,
        predicted: row.predicted,
        confidence: row.confidence,
        trueProbability: row.item.probabilities[row.item.label] ?? 0,
        loss: row.loss,
        excluded: context.excluded.has(row.item.path),
        ...(movedTo ? { movedTo } : {}),
      };
    }),
  };
}
