/**
 * The generated train/val split. Each file's side is decided by a hash of its path below the
 * root and the seed alone, never by its position in a list, so adding or removing images
 * never moves the others: a model's validation images stay unseen across rescans.
 */
import { createHash } from 'node:crypto';

/** A number in [0, 1) fixed by (relative path, seed). */
export function splitHash(rel: string, seed: number): number {
  const digest = createHash('sha256').update(`${seed}\u0000${rel}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

export interface SplitItem {
  rel: string;
  className: string;
}

/**
 * Splits per class (so each class keeps about `valRatio` of its images for validation): a
 * file goes to val when its hash is below the ratio. A class with at least two images always
 * gets one of each, by moving its lowest- (or highest-) hashed file; that correction is the
 * only case where adding an image can move another one, and only in classes that small.
 */
export function assignSplit<T extends SplitItem>(
  items: T[],
  valRatio: number,
  seed: number,
): Map<T, 'train' | 'val'> {
  const result = new Map<T, 'train' | 'val'>();
  const byClass = new Map<string, { item: T; hash: number }[]>();
  for (const item of items) {
    const hash = splitHash(item.rel, seed);
    const list = byClass.get(item.className) ?? [];
    list.push({ item, hash });
    byClass.set(item.className, list);
    result.set(item, hash < valRatio ? 'val' : 'train');
  }
  if (valRatio <= 0) return result;
  for (const list of byClass.values()) {
    if (list.length < 2) continue;
    const sides = list.map(({ item }) => result.get(item));
    if (!sides.includes('val')) {
      result.set(list.reduce((a, b) => (b.hash < a.hash ? b : a)).item, 'val');
    } else if (!sides.includes('train')) {
      result.set(list.reduce((a, b) => (b.hash > a.hash ? b : a)).item, 'train');
    }
  }
  return result;
}
