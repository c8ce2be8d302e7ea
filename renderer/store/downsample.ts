/**
 * Largest-Triangle-Three-Buckets: picks `threshold` indices of a series that keep its visual
 * shape (peaks and dips survive, unlike plain averaging), so a chart of tens of thousands of
 * batches stays cheap to draw. Returns every index when the series is already small enough.
 */
export function lttbIndices(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  threshold: number,
): number[] {
  const length = xs.length;
  if (threshold >= length || threshold < 3) {
    return Array.from({ length }, (_, index) => index);
  }
  const picked = [0];
  const bucketSize = (length - 2) / (threshold - 2);
  let previous = 0;
  for (let bucket = 0; bucket < threshold - 2; bucket += 1) {
    // Average of the next bucket: the third corner of the triangle.
    const nextStart = Math.floor((bucket + 1) * bucketSize) + 1;
    const nextEnd = Math.min(Math.floor((bucket + 2) * bucketSize) + 1, length);
    let avgX = 0;
    let avgY = 0;
    for (let i = nextStart; i < nextEnd; i += 1) {
      avgX += xs[i] as number;
      avgY += ys[i] as number;
    }
    const count = Math.max(nextEnd - nextStart, 1);
    avgX /= count;
    avgY /= count;

    const start = Math.floor(bucket * bucketSize) + 1;
    const end = Math.floor((bucket + 1) * bucketSize) + 1;
    const px = xs[previous] as number;
    const py = ys[previous] as number;
    let best = start;
    let bestArea = -1;
    for (let i = start; i < end; i += 1) {
      const area = Math.abs(
        (px - avgX) * ((ys[i] as number) - py) - (px - (xs[i] as number)) * (avgY - py),
      );
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
    }
    picked.push(best);
    previous = best;
  }
  picked.push(length - 1);
  return picked;
}
