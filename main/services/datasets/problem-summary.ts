/**
 * One plain-language line about a scanned dataset, for a banner or the CLI, e.g.
 * "3 files unreadable, 2 duplicates across train/val, bees has 1.9× more images than ants".
 */
import type { DatasetSummary, ProblemKind } from '../../../shared/domain';
import { imbalance } from './class-balance';

/** Below this ratio the line keeps quiet about class sizes. */
const MENTION_IMBALANCE = 1.5;

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** Kinds counted together under one phrase, in the order the line lists them. */
const PHRASES: [ProblemKind[], (n: number) => string][] = [
  [['vanished'], (n) => `${plural(n, 'file', 'files')} missing`],
  [
    ['unreadable', 'corrupt', 'truncated', 'empty-file'],
    (n) => `${plural(n, 'file', 'files')} unreadable`,
  ],
  [['unsupported'], (n) => `${plural(n, 'file', 'files')} in formats the studio cannot read`],
  [['too-small'], (n) => `${plural(n, 'image', 'images')} too small`],
  [['too-large'], (n) => `${plural(n, 'image', 'images')} too large`],
  [['duplicate-in-class'], (n) => `${plural(n, 'duplicate', 'duplicates')} within a class`],
  [['duplicate-across-classes'], (n) => `${plural(n, 'image', 'images')} filed under two classes`],
  [['duplicate-across-splits'], (n) => `${plural(n, 'duplicate', 'duplicates')} across train/val`],
  [['extension-mismatch'], (n) => `${plural(n, 'file', 'files')} with the wrong extension`],
  [['symlink-loop'], (n) => `${plural(n, 'link loop', 'link loops')}`],
  [['empty-folder'], (n) => `${plural(n, 'empty folder', 'empty folders')}`],
  [['outside-class'], (n) => `${plural(n, 'folder has', 'folders have')} images outside any class`],
];

export function summarizeProblems(summary: DatasetSummary): string {
  const counts = new Map<ProblemKind, number>();
  for (const problem of summary.problems) {
    counts.set(problem.kind, (counts.get(problem.kind) ?? 0) + 1);
  }
  const parts: string[] = [];
  for (const [kinds, phrase] of PHRASES) {
    const count = kinds.reduce((sum, kind) => sum + (counts.get(kind) ?? 0), 0);
    if (count > 0) parts.push(phrase(count));
  }
  const withImages = summary.classes.filter((c) => c.count > 0);
  if (withImages.length < 2) {
    parts.push(
      withImages.length === 0 ? 'no usable images' : `only one class (${withImages[0]?.name})`,
    );
  }
  const found = imbalance(
    summary.classes.map((c) => ({ name: c.name, train: c.trainCount, val: c.valCount })),
  );
  if (found && found.ratio >= MENTION_IMBALANCE) {
    parts.push(
      `${found.largest.name} has ${found.ratio.toFixed(1)}× more images than ${found.smallest.name}`,
    );
  }
  for (const c of withImages) {
    if (c.trainCount === 0) parts.push(`${c.name} has no training images`);
    else if (counts.has('few-images') && c.count < 10) parts.push(`${c.name} has only ${c.count}`);
  }
  return parts.length > 0 ? parts.join(', ') : 'No problems found';
}
