import { describe, expect, it } from 'vitest';
import { findDuplicates, type HashedFile } from './find-duplicates';

const file = (
  name: string,
  className: string,
  split: HashedFile['split'],
  hash = 'h',
): HashedFile => ({
  path: `/data/${split}/${className}/${name}`,
  className,
  split,
  hash,
});

describe('findDuplicates', () => {
  it('keeps messages short when one picture is copied thousands of times', () => {
    // Every copy's message used to name every other copy: 4k copies made gigabytes of text.
    const group = Array.from({ length: 2000 }, (_, i) =>
      file(`copy-${i}.jpg`, i % 2 ? 'ants' : 'bees', 'train'),
    );
    const problems = findDuplicates(group);
    expect(problems).toHaveLength(2000);
    expect(problems.every((p) => p.kind === 'duplicate-across-classes')).toBe(true);
    expect(Math.max(...problems.map((p) => p.message.length))).toBeLessThan(400);
    expect(problems[0]?.message).toContain('and 1996 more');
  });

  it('leaves out test copies of training or validation images as leakage', () => {
    const problems = findDuplicates([
      file('a.jpg', 'ants', 'val'),
      file('a-test.jpg', 'ants', 'test'),
      file('b-test-1.jpg', 'ants', 'test', 'other'),
      file('b-test-2.jpg', 'ants', 'test', 'other'),
    ]);
    expect(problems.map((p) => [p.path, p.kind])).toEqual([
      ['/data/test/ants/a-test.jpg', 'duplicate-across-splits'],
      ['/data/test/ants/b-test-2.jpg', 'duplicate-in-class'],
    ]);
    expect(problems[0]?.message).toMatch(/identical to the validation image “a.jpg”/);
  });
});
