#!/usr/bin/env node
// `npm run bench`: the studio's performance benchmark (bench/README.md says what each row is).
// Not part of `npm test`. Sets up its PyTorch peer itself (bench/setup-peer.sh), runs every
// workload in child processes, prints a table, and writes bench/results/latest.json and the
// results section of bench/README.md.
//
//   npm run bench                 full run (about 20 min on 2 cores)
//   npm run bench -- --quick      no 100k scan, no plain-JS rows, fewer runs (results/quick.json)
//   npm run bench -- --no-peer    skip the PyTorch peer and its setup
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildRows, markdownTable, textTable } from '../bench/report.mjs';
import {
  buildMain,
  bundle,
  decodeWorkload,
  endToEnd,
  matmulPeak,
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
  },
});
const quick = values.quick;
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
const machine = {
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()} (${os.arch()})`,
  node: process.version,
  hostname: os.hostname(),
};

const peer = values['no-peer'] ? { error: 'skipped (--no-peer)' } : setupPeer(root);
const bundles = await bundle(root);
const matmul = peer.python
  ? await matmulPeak(root, peer.python)
  : { error: `no Python peer: ${peer.error}` };
const tfjs = await tfjsWorkloads(root, bundles, quick);
const pytorch = await pytorchWorkloads(root, peer.python, quick);
const decode = await decodeWorkload(root, bundles);
const scan = await scanWorkloads(root, quick);
const built = buildMain(root);
const e2e = [
  built.error ? { backend: 'auto', error: built.error } : await endToEnd(root, fixtures, 'auto'),
];
if (!quick && e2e[0].backend?.startsWith('tensorflow'))
  e2e.push(await endToEnd(root, fixtures, 'wasm'));

const results = {
  generatedAt: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  minutes: Number(((Date.now() - started) / 60000).toFixed(1)),
  machine: { ...machine, loadAverageBefore: loadBefore, loadAverageAfter: load() },
  backends: Object.fromEntries(
    [...tfjs, ...pytorch].filter((r) => r.description).map((r) => [r.backend, r.description]),
  ),
  matmul,
  tfjs,
  pytorch,
  decode,
  scan,
  e2e,
};
// The PyTorch peer must be the same network: same MACs and weight count as the TF.js cut.
results.architectureCheck = pytorch.map((run) => {
  const ours = tfjs.find((r) => r.modelKey === run.modelKey && r.model)?.model;
  const same =
    ours &&
    run.model &&
    ours.macsPerImage === run.model.macsPerImage &&
    ours.params === run.model.params;
  return {
    model: run.modelName,
    tfjs: ours && { macsPerImage: ours.macsPerImage, weights: ours.params },
    pytorch: run.model && { macsPerImage: run.model.macsPerImage, weights: run.model.params },
    same: Boolean(same),
  };
});
const rows = buildRows(results);
results.rows = rows;

const resultsDir = path.join(root, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const jsonFile = path.join(resultsDir, quick ? 'quick.json' : 'latest.json');
writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);

const backendLines = Object.entries(results.backends).map(([name, d]) => `  ${name}: ${d}`);
console.log(
  [
    '',
    `Transfer Studio benchmark (${results.mode}, ${results.minutes} min) on ${machine.cpu}, ` +
      `${machine.cores} cores, ${machine.memoryGiB} GiB; load average before ${loadBefore.join(' ')}, ` +
      `after ${results.machine.loadAverageAfter.join(' ')}`,
    '',
    textTable(rows),
    '',
    'Backends:',
    ...backendLines,
    `Matmul peak: ${matmul.kernel ?? matmul.error}`,
    ...results.architectureCheck.map(
      (c) =>
        `PyTorch ${c.model}: ${c.same ? 'same' : 'NOT the same'} MACs and weights as TF.js ` +
        `(${c.pytorch?.macsPerImage ?? '?'} MACs, ${c.pytorch?.weights ?? '?'} weights)`,
    ),
    `JSON: ${path.relative(root, jsonFile)}`,
  ].join('\n'),
);

if (!quick) {
  const readme = path.join(root, 'bench/README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:results:start -->';
  const end = '<!-- bench:results:end -->';
  const section = [
    start,
    `Measured ${results.generatedAt.slice(0, 16).replace('T', ' ')} UTC in ${results.minutes} min on ` +
      `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ` +
      `${machine.node}. Load average (1, 5, 15 min) before: ${loadBefore.join(', ')}; after: ` +
      `${results.machine.loadAverageAfter.join(', ')}.`,
    '',
    markdownTable(rows),
    '',
    'Backends:',
    '',
    ...Object.entries(results.backends).map(([name, d]) => `- ${name}: ${d}`),
    `- matrix-multiply peak: ${matmul.kernel ?? matmul.error}`,
    ...results.architectureCheck.map(
      (c) =>
        `- PyTorch ${c.model}: ${c.same ? 'same' : 'NOT the same'} MACs and weights as TF.js ` +
        `(${c.pytorch?.macsPerImage ?? '?'} MACs, ${c.pytorch?.weights ?? '?'} weights)`,
    ),
    end,
  ].join('\n');
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const updated =
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(readme, updated);
  // The repository's lint checks formatting; Prettier aligns the Markdown table.
  spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/prettier/bin/prettier.cjs'), '--write', readme],
    {
      stdio: 'ignore',
    },
  );
  console.log(`README: ${path.relative(root, readme)} (results section updated)`);
}
