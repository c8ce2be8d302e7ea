export interface SeededRandom {
  /** The next number in [0, 1). */
  (): number;
  /**
   * Makes `count` draws exactly as `count` calls would, writing 1 to `out` where the draw is
   * below `p` and 0 elsewhere: one tight loop for dropout masks, which draw tens of thousands
   * of numbers per training step.
   */
  below(p: number, out: Uint8Array, count: number): void;
}

/** A small seeded generator (mulberry32): the same seed gives the same shuffles on every run. */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (() => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }) as SeededRandom;
  next.below = (p, out, count) => {
    // u / 2^32 < p  ⟺  u < p · 2^32, exactly (both sides scale by a power of two).
    const threshold = p * 4294967296;
    let s = state;
    for (let i = 0; i < count; i += 1) {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      out[i] = +((t ^ (t >>> 14)) >>> 0 < threshold);
    }
    state = s;
  };
  return next;
}

/** Fisher-Yates shuffle of 0..count-1 with the given generator. */
export function shuffledIndices(count: number, random: () => number): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  for (let i = count - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
