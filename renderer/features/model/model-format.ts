/** Number formats of the Model screen: compute, parameters, seconds, memory. */

/** Multiply-accumulates, e.g. "40.8 M MACs". */
export function formatMacs(macs: number): string {
  if (macs >= 1e9) return `${(macs / 1e9).toFixed(2)} G MACs`;
  if (macs >= 1e6) return `${(macs / 1e6).toFixed(macs >= 1e8 ? 0 : 1)} M MACs`;
  if (macs >= 1e3) return `${(macs / 1e3).toFixed(0)} k MACs`;
  return `${Math.round(macs)} MACs`;
}

/** Parameters in short form: 1,234 / 12.3 k / 1.25 M. */
export function formatParams(count: number): string {
  if (count >= 1e6) return `${(count / 1e6).toFixed(2)} M`;
  if (count >= 1e4) return `${(count / 1e3).toFixed(1)} k`;
  return count.toLocaleString('en-US');
}

/** An estimated duration: "0.4 s", "12 s", "3 min 20 s". */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 1) return `${seconds.toFixed(seconds < 0.1 ? 2 : 1)} s`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Bytes as MB/GB for the memory estimate. */
export function formatMemory(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

const KIND_LABELS: Record<string, string> = {
  input: 'Input image',
  convolution: 'Convolution',
  'depthwise-separable': 'Depthwise + pointwise',
  'inverted-bottleneck': 'Inverted bottleneck',
  'inverted-residual': 'Inverted residual',
  residual: 'Residual block',
  dense: 'Dense',
  other: 'Layers',
};

export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}
