/**
 * Exact duplicates by content hash. The same picture twice in one class counts twice (one
 * copy is left out); in two classes it teaches contradictory labels (all copies left out);
 * in train and val it leaks the answer into validation (the val copies left out); in a test
 * folder and train/val it leaks into the test set (the test copies left out).
 */
import path from 'node:path';
import type { DatasetProblem } from '../../../shared/domain';

export interface HashedFile {
  path: string;
  className: string;
  split: 'train' | 'val' | 'test';
  hash: string;
}

/** Problems for duplicate copies; every problem here excludes its file. */
export function findDuplicates(files: readonly HashedFile[]): DatasetProblem[] {
  const groups = new Map<string, HashedFile[]>();
  for (const file of files) {
    const group = groups.get(file.hash);
    if (group) group.push(file);
    else groups.set(file.hash, [file]);
  }
  const problems: DatasetProblem[] = [];
  for (const group of groups.values()) {
    if (group.length > 1) problems.push(...groupProblems(group));
  }
  return problems;
}

const show = (file: HashedFile) =>
  `“${path.basename(file.path)}” (${file.className}, ${file.split})`;

/** Copies named in a message; a big group would otherwise make every message list them all. */
const NAMED_COPIES = 3;

function others(group: HashedFile[], file: HashedFile): string {
  const rest = group.filter((other) => other !== file);
  const named = rest.slice(0, NAMED_COPIES).map(show).join(', ');
  const more = rest.length - NAMED_COPIES;
  return more > 0 ? `${named} and ${more} more` : named;
}

function groupProblems(group: HashedFile[]): DatasetProblem[] {
  const classes = [...new Set(group.map((file) => file.className))];
  if (classes.length > 1) {
    return group.map((file) => ({
      kind: 'duplicate-across-classes' as const,
      path: file.path,
      className: file.className,
      message:
        `The same image is filed under ${classes.map((c) => `“${c}”`).join(' and ')} ` +
        `(${others(group, file)}). A picture with two ` +
        `labels confuses training, so every copy is left out.`,
      action: 'Delete the copy in the wrong class; the right one is used again on the next scan.',
      excluded: true,
    }));
  }
  const train = group.filter((file) => file.split === 'train');
  const val = group.filter((file) => file.split === 'val');
  const test = group.filter((file) => file.split === 'test');
  const problems: DatasetProblem[] = [];
  const keep = (train[0] ?? val[0] ?? test[0]) as HashedFile;
  if (train.length > 0) {
    for (const copy of val) {
      problems.push({
        kind: 'duplicate-across-splits',
        path: copy.path,
        className: copy.className,
        message:
          `This validation image is identical to the training image ${show(keep)}; ` +
          `validating on it would overstate accuracy, so it is left out of validation.`,
        action: 'Delete one of the two copies.',
        excluded: true,
      });
    }
  }
  if (keep.split !== 'test') {
    for (const copy of test) {
      problems.push({
        kind: 'duplicate-across-splits',
        path: copy.path,
        className: copy.className,
        message:
          `This test image is identical to the ${keep.split === 'train' ? 'training' : 'validation'} ` +
          `image ${show(keep)}; testing on it would overstate accuracy, so it is left out of the test set.`,
        action: 'Delete one of the two copies.',
        excluded: true,
      });
    }
  }
  const sameSide = { train, val, test }[keep.split];
  for (const copy of sameSide) {
    if (copy === keep) continue;
    problems.push({
      kind: 'duplicate-in-class',
      path: copy.path,
      className: copy.className,
      message: `Identical to ${show(keep)}; the extra copy is left out so the image does not count twice.`,
      action: 'Delete the extra copy.',
      excluded: true,
    });
  }
  return problems;
}
