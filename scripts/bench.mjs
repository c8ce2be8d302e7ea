#!/usr/bin/env node
// `npm run bench`: the studio's performance benchmark (bench/README.md says what each row is).
// Not part of `npm test`. Sets up its PyTorch peer itself (bench/setup-peer.sh), runs every
// workload in child processes, prints a table, and writes bench/results/latest.json and the
// results section of bench/README.md.
//
//   npm run bench                  full run (about 25 min on 2 cores)
//   npm run bench -- --quick       no 100k scan, no plain-JS rows, fewer runs (results/quick.json)
//   npm run bench -- --no-peer     skip the PyTorch peer and its setup
//   npm run bench -- --report-only rebuild the table and README from results/latest.json
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { publish } from '../bench/publish.mjs';
import {
  buildMain,
  bundle,
  decodeWorkload,
  endToEnd,
  matmulPeak,
  ortWorkloads,
  pytorchWorkloads,
  scanWorkloads,
  setupPeer,
  tfjsWorkloads,
} from '../bench/workloads.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-peer': { type: 'boolean', default: false },
    'report-only': { type: 'boolean', default: false },
  },
});
const quick = values.quick;

if (values['report-only']) {
  const file = path.join(root, 'bench/results', quick ? 'quick.json' : 'latest.json');
  publish(root, JSON.parse(readFileSync(file, 'utf8')));
  process.exit(0);
}

const fixtures = process.env.TRANSFER_STUDIO_FIXTURES ?? path.resolve(root, '../shared/fixtures');
if (!existsSync(path.join(fixtures, 'models')) || !existsSync(path.join(fixtures, 'datasets'))) {
  console.error(
    `The bench needs the shared fixtures (models/ and datasets/) at ${fixtures}; ` +
      'set TRANSFER_STUDIO_FIXTURES to their folder.',
  );
  process.exit(2);
}

const load = () => os.loadavg().map((v) => Number(v.toFixed(2)));
const started = Date.now();
const loadBefore = load();

const peer = values['no-peer'] ? { error: 'skipped (--no-peer)' } : setupPeer(root);
const bundles = await bundle(root);
const matmul = peer.python
  ? await matmulPeak(root, peer.python)
  : { error: `no Python peer: ${peer.error}` };
const tfjs = await tfjsWorkloads(root, bundles, quick);
const ort = await ortWorkloads(root, bundles, quick);
const pytorch = await pytorchWorkloads(root, peer.python, quick);
const decode = await decodeWorkload(root, bundles);
const scan = await scanWorkloads(root, quick);
const built = buildMain(root);
const e2e = [
  built.error ? { backend: 'auto', error: built.error } : await endToEnd(root, fixtures, 'auto'),
];
if (!quick && e2e[0].backend?.startsWith('tensorflow')) {
  e2e.push(await endToEnd(root, fixtures, 'wasm'));
}
// Real-size work: 20k realistic photos in quick mode, 50k in a full run.
if (!built.error) e2e.push(await endToEnd(root, fixtures, 'auto', quick ? 20000 : 50000));

publish(root, {
  generatedAt: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  minutes: Number(((Date.now() - started) / 60000).toFixed(1)),
  machine: {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    loadAverageBefore: loadBefore,
    loadAverageAfter: load(),
  },
  backends: Object.fromEntries(
    [...tfjs, ...pytorch].filter((r) => r.description).map((r) => [r.backend, r.description]),
  ),
  matmul,
  tfjs,
  ort,
  pytorch,
  decode,
  scan,
  e2e,
});
