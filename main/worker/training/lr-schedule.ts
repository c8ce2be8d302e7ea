/**
 * Learning-rate schedules, evaluated per batch from the fraction of the phase done, so a
 * schedule looks the same whatever the batch count. Each phase of a run (head training, fine
 * tuning, an extension) runs its own schedule from its own base rate.
 */
import type { LrSchedule } from '../../../shared/domain';

/** Step decay: the rate is divided by 10 at half and at three quarters of the phase. */
const STEP_POINTS = [0.5, 0.75];
/** One-cycle (fastai): warm up over the first 25%, from base/25, then anneal to base/1e4. */
const ONE_CYCLE_WARMUP = 0.25;
const ONE_CYCLE_START_DIV = 25;
const ONE_CYCLE_END_DIV = 1e4;
/** Cosine decays to this fraction of the base rate, not to zero (a zero step is wasted). */
const COSINE_FLOOR = 0.01;

const cosineBetween = (from: number, to: number, t: number): number =>
  to + ((from - to) * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, t))))) / 2;

/**
 * The learning rate at `step` of `totalSteps` (0-based) for a phase whose base rate is `base`.
 */
export function learningRateAt(
  schedule: LrSchedule,
  base: number,
  step: number,
  totalSteps: number,
): number {
  const t = totalSteps > 1 ? step / (totalSteps - 1) : 0;
  switch (schedule) {
    case 'constant':
      return base;
    case 'step':
      return base * 0.1 ** STEP_POINTS.filter((point) => t >= point).length;
    case 'cosine':
      return cosineBetween(base, base * COSINE_FLOOR, t);
    case 'one-cycle':
      if (t < ONE_CYCLE_WARMUP) {
        return cosineBetween(base / ONE_CYCLE_START_DIV, base, t / ONE_CYCLE_WARMUP);
      }
      return cosineBetween(
        base,
        base / ONE_CYCLE_END_DIV,
        (t - ONE_CYCLE_WARMUP) / (1 - ONE_CYCLE_WARMUP),
      );
  }
}
