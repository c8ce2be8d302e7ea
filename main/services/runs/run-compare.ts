/**
 * The settings of several runs side by side, so "what changed between them" is one glance: a
 * curated list of the settings people tune (with readable values), then every other config
 * field flattened, so settings added later show up without touching this file.
 */
import type { RunDetails, SettingRow } from '../../../shared/evaluation';

type Getter = (run: RunDetails) => unknown;

function percent(value: number | undefined): string {
  return value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

function seconds(ms: number | undefined): string {
  if (ms === undefined) return '—';
  const total = Math.round(ms / 1000);
  return total < 60
    ? `${total}s`
    : `${Math.floor(total / 60)}m ${String(total % 60).padStart(2, '0')}s`;
}

function freezeText(run: RunDetails): string {
  const freeze = run.config?.freeze;
  if (!freeze) return '—';
  if (freeze.mode === 'feature-extractor' || freeze.trainableLayers.length === 0) {
    return 'base frozen (head only)';
  }
  const n = freeze.trainableLayers.length;
  return `${n} base layer${n === 1 ? '' : 's'} fine-tuned: ${freeze.trainableLayers.join(', ')}`;
}

const CURATED: [string, Getter][] = [
  ['Status', (r) => r.summary.status],
  ['Base model', (r) => r.summary.baseModel],
  ['Dataset', (r) => r.summary.dataset?.name],
  ['What trained', (r) => r.summary.plan ?? freezeText(r)],
  ['Continues', (r) => r.summary.continuedFrom?.name],
  ['Engine', (r) => r.summary.backend],
  ['Val. accuracy (saved model)', (r) => percent(r.summary.finalValAccuracy)],
  ["Best epoch's val. accuracy", (r) => percent(r.summary.bestValAccuracy)],
  ['Epochs done', (r) => `${r.summary.epochsDone} of ${r.summary.epochsPlanned}`],
  ['Duration', (r) => seconds(r.summary.durationMs)],
  ['Classes', (r) => r.summary.labels.join(', ')],
  ['Dataset folders', (r) => r.dataset?.roots.join(', ') ?? r.config?.datasetRoots.join(', ')],
  ['Dataset fingerprint', (r) => r.dataset?.fingerprint.slice(0, 12)],
  ['Training images', (r) => r.dataset?.train],
  ['Validation images', (r) => r.dataset?.val],
  ['Excluded files', (r) => r.dataset?.excluded],
  ['Freeze plan', freezeText],
];

/** Config fields the curated rows already show. */
const SHOWN = new Set(['datasetRoots', 'freeze', 'name']);

function text(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'number') return String(Number(value.toPrecision(6)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Flattens nested objects to dotted keys; arrays stay whole (their order matters). */
function flatten(value: unknown, prefix: string, into: Map<string, unknown>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) {
      flatten(inner, prefix ? `${prefix}.${key}` : key, into);
    }
  } else {
    into.set(prefix, value);
  }
}

export function compareSettings(runs: readonly RunDetails[]): SettingRow[] {
  const rows: SettingRow[] = CURATED.map(([setting, get]) => {
    const values = runs.map((run) => text(get(run)));
    return { setting, values, differs: new Set(values).size > 1 };
  });
  const flat = runs.map((run) => {
    const map = new Map<string, unknown>();
    if (run.config) {
      for (const [key, value] of Object.entries(run.config)) {
        if (!SHOWN.has(key)) flatten(value, key, map);
      }
    }
    return map;
  });
  const keys = [...new Set(flat.flatMap((map) => [...map.keys()]))];
  for (const key of keys) {
    const values = flat.map((map) => text(map.get(key)));
    rows.push({ setting: key, values, differs: new Set(values).size > 1 });
  }
  return rows;
}
