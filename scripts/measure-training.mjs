// Measures the default recipe from the CLI, as a user would run it: each run in a fresh data
// folder (cold feature cache), on the hymenoptera fixture, per base model, backend and seed.
// Prints one JSON line per run and a summary table, with the machine's load average (the
// machine is shared, so timings are only comparable at similar load).
//   node scripts/measure-training.mjs [--models v2,v1] [--seeds 1,2,3] [--backends wasm,auto]
//                                     [--extra "--augment off"] [--cache on|off]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = process.env.TRANSFER_STUDIO_FIXTURES ?? path.resolve(root, '../shared/fixtures');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const models = {
  v1: 'mobilenet_v1_0.25_224',
  v2: path.join(fixtures, 'models/teachable_machine_mobilenet_v2_0.35'),
};
const modelKeys = option('--models', 'v2,v1').split(',');
const seeds = option('--seeds', '1,2,3').split(',');
const backends = option('--backends', 'wasm').split(',');
const extra = option('--extra', '').split(' ').filter(Boolean);
const cache = option('--cache', 'on');
const dataset = path.join(fixtures, 'datasets/hymenoptera_data');

const results = [];
for (const backend of backends) {
  for (const key of modelKeys) {
    for (const seed of seeds) {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ts-measure-'));
      const load = os.loadavg()[0];
      const started = performance.now();
      let lines = [];
      try {
        const out = execFileSync(
          process.execPath,
          [
            path.join(root, 'dist/main/cli.cjs'),
            'train',
            dataset,
            '--model',
            models[key],
            '--seed',
            seed,
            '--json',
            ...extra,
          ],
          {
            encoding: 'utf8',
            maxBuffer: 256 * 1024 * 1024,
            env: {
              ...process.env,
              TRANSFER_STUDIO_DATA: dataDir,
              TRANSFER_STUDIO_MODELS: path.join(fixtures, 'models'),
              TRANSFER_STUDIO_BACKEND: backend === 'auto' ? '' : backend,
              TRANSFER_STUDIO_FEATURE_CACHE: cache,
              TF_CPP_MIN_LOG_LEVEL: '2',
            },
          },
        );
        lines = out
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line));
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
      const summary = lines.find((line) => line.type === 'summary');
      const epochs = lines.filter((line) => line.event === 'training:epoch').map((l) => l.metrics);
      const phase = (name) =>
        lines.find((line) => line.event === 'training:status' && line.phase === name)?.message;
      const result = {
        model: key,
        backend: summary.backend,
        seed: Number(seed),
        status: summary.status,
        valAccuracy: summary.finalValAccuracy,
        bestEpochValAccuracy: summary.bestValAccuracy,
        epochs: summary.epochsDone,
        wallSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        cliWallSeconds: Number(summary.wallSeconds.toFixed(1)),
        trainFeatures: phase('features-train-done'),
        valFeatures: phase('features-val-done'),
        meanEpochMs: Math.round(
          epochs.slice(1).reduce((sum, e, i) => sum + (e.elapsedMs - epochs[i].elapsedMs), 0) /
            Math.max(1, epochs.length - 1),
        ),
        loadBefore: Number(load.toFixed(2)),
        loadAfter: Number(os.loadavg()[0].toFixed(2)),
      };
      results.push(result);
      console.log(JSON.stringify(result));
    }
  }
}
console.table(
  results.map((r) => ({
    model: r.model,
    backend: r.backend?.slice(0, 24),
    seed: r.seed,
    'val acc': r.valAccuracy?.toFixed(3),
    'best epoch acc': r.bestEpochValAccuracy?.toFixed(3),
    epochs: r.epochs,
    'wall s': r.wallSeconds,
    'epoch ms': r.meanEpochMs,
    load: `${r.loadBefore}→${r.loadAfter}`,
  })),
);
