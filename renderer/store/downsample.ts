/**
 * Min/max per pixel bucket (the "M4" reduction): splits the x range into `buckets` equal
 * columns, one per pixel of the plot, and keeps in each the first, lowest, highest and last
 * point. A line drawn through those looks, pixel for pixel, like the line through every
 * point: the noise envelope of batch loss survives, which picking one point per bucket (or
 * averaging) flattens. O(n), so a 100,000-point series reduces in well under a frame.
 *
 * `xs` must be non-decreasing. Returns indices in increasing order; every index when the
 * series is already small enough to draw as is.
 */
export function minMaxIndices(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  buckets: number,
  length = xs.length,
): number[] {
  const count = Math.max(1, Math.floor(buckets));
  if (length <= count * 4) return Array.from({ length }, (_, index) => index);
  const x0 = xs[0] as number;
  const span = (xs[length - 1] as number) - x0;
  const bucketOf = (x: number) =>
    span > 0 ? Math.min(count - 1, Math.floor(((x - x0) / span) * count)) : 0;
  const picked: number[] = [];
  let i = 0;
  while (i < length) {
    const bucket = bucketOf(xs[i] as number);
    const first = i;
    let low = i;
    let high = i;
    i += 1;
    while (i < length && bucketOf(xs[i] as number) === bucket) {
      const y = ys[i] as number;
      if (y < (ys[low] as number)) low = i;
      if (y > (ys[high] as number)) high = i;
      i += 1;
    }
    const last = i - 1;
    // At most four indices, already close to sorted: order them and skip repeats.
    const corners = [first, low, high, last].sort((a, b) => a - b);
    for (const index of corners) if (picked[picked.length - 1] !== index) picked.push(index);
  }
  return picked;
}
