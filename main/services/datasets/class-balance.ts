/** Dataset-wide findings about classes: too few of them, too few images, imbalance. */
import type { DatasetProblem } from '../../../shared/domain';

export const MIN_IMAGES_PER_CLASS = 10;
export const IMBALANCE_RATIO = 3;

export interface ClassCount {
  name: string;
  train: number;
  val: number;
}

/**
 * The class weights training uses against imbalance: n_total / (n_classes * n_c) over the
 * training images, so every class contributes equally to the loss. Classes without training
 * images get weight 0.
 */
export function classWeights(trainCounts: number[]): number[] {
  const present = trainCounts.filter((count) => count > 0);
  const total = present.reduce((sum, count) => sum + count, 0);
  return trainCounts.map((count) => (count > 0 ? total / (present.length * count) : 0));
}

/** Largest over smallest class (by usable images), or undefined with fewer than two classes. */
export function imbalance(
  counts: ClassCount[],
): { ratio: number; largest: ClassCount; smallest: ClassCount } | undefined {
  const present = counts.filter((count) => count.train + count.val > 0);
  if (present.length < 2) return undefined;
  const size = (count: ClassCount) => count.train + count.val;
  const largest = present.reduce((a, b) => (size(b) > size(a) ? b : a));
  const smallest = present.reduce((a, b) => (size(b) < size(a) ? b : a));
  return { ratio: size(largest) / size(smallest), largest, smallest };
}

/** Problems of classProblems that make a dataset untrainable. */
export const BLOCKING_KINDS = new Set<DatasetProblem['kind']>([
  'too-few-classes',
  'no-training-images',
]);

export function classProblems(counts: ClassCount[]): DatasetProblem[] {
  const problems: DatasetProblem[] = [];
  const present = counts.filter((count) => count.train + count.val > 0);
  if (present.length < 2) {
    problems.push({
      kind: 'too-few-classes',
      path: '',
      message:
        present.length === 0
          ? 'No class has usable images, so there is nothing to train on.'
          : `Only one class (“${present[0]?.name}”) has usable images; a classifier needs at least two.`,
      action: 'Add a folder with one sub-folder of images per class (at least two classes).',
    });
  }
  for (const count of present) {
    if (count.train === 0) {
      problems.push({
        kind: 'no-training-images',
        path: '',
        className: count.name,
        message: `“${count.name}” has ${count.val} validation image${count.val === 1 ? '' : 's'} but no training images, so it cannot be learned.`,
        action: `Add training images of “${count.name}” (its folder under train/), or remove its validation folder.`,
      });
      continue;
    }
    const total = count.train + count.val;
    if (total < MIN_IMAGES_PER_CLASS) {
      problems.push({
        kind: 'few-images',
        path: '',
        className: count.name,
        message: `“${count.name}” has only ${total} usable image${total === 1 ? '' : 's'}; results will be unreliable below ${MIN_IMAGES_PER_CLASS}.`,
        action: `Add more images of “${count.name}” (a few dozen is a good start).`,
      });
    }
  }
  const found = imbalance(counts);
  if (found && found.ratio > IMBALANCE_RATIO) {
    const weights = classWeights(present.map((count) => count.train));
    const weightText = present
      .map((count, index) => `${count.name} ×${(weights[index] ?? 0).toFixed(2)}`)
      .join(', ');
    const { largest, smallest } = found;
    problems.push({
      kind: 'class-imbalance',
      path: '',
      className: smallest.name,
      message:
        `“${largest.name}” has ${found.ratio.toFixed(1)}× more images than “${smallest.name}” ` +
        `(${largest.train + largest.val} vs ${smallest.train + smallest.val}). Training weights ` +
        `the classes to compensate: ${weightText}.`,
      action: `Add images to “${smallest.name}” if you can; otherwise the weights keep it fair.`,
    });
  }
  return problems;
}
