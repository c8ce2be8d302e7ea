/** Human-readable sizes, durations and numbers for the screens. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

export function formatPercent(fraction: number | undefined | null): string {
  return fraction === undefined || fraction === null || !Number.isFinite(fraction)
    ? '—'
    : `${(fraction * 100).toFixed(1)}%`;
}

/**
 * A small difference between two probabilities, in percentage points a person can read:
 * "none" for exactly 0, "less than 0.001%" below what two decimals of a percent can show.
 */
export function formatProbabilityDifference(difference: number | null): string {
  if (difference === null || !Number.isFinite(difference)) return 'not measured';
  if (difference === 0) return 'none';
  const points = difference * 100;
  return points < 0.001 ? 'less than 0.001%' : `${Number(points.toPrecision(2))}%`;
}

/**
 * How long epoch `index` of `epochs` took. elapsedMs counts from the start of the job that
 * trained it, so an extension's first epoch (which starts again from 0) counts from 0.
 */
export function epochDurationMs(
  epochs: readonly { elapsedMs: number }[],
  index: number,
): number | null {
  const epoch = epochs[index];
  if (!epoch) return null;
  const before = epochs[index - 1];
  return epoch.elapsedMs - (before && before.elapsedMs <= epoch.elapsedMs ? before.elapsedMs : 0);
}

/** A duration that may be short: "0.4 s" below ten seconds, else as formatDuration. */
export function formatShortDuration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : formatDuration(ms);
}

export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

export function formatShape(shape: (number | null)[]): string {
  return `[${shape.map((dim) => (dim === null ? '?' : dim)).join(', ')}]`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}
