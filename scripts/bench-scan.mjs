#!/usr/bin/env node
// Measures the dataset scan: files/s for listing only and for the full doctor check, and the
// peak RSS of each, each in a fresh process so the numbers do not mix.
//
//   node scripts/bench-scan.mjs DIR [DIR...]      (make DIRs with scripts/generate-dataset.mjs)
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const [mode, ...rest] = process.argv.slice(2);

if (mode === '--child') {
  const [bundle, check, ...roots] = rest;
  const { scanDataset } = await import(bundle);
  const started = performance.now();
  const { summary } = await scanDataset(roots, { check: check === 'check' });
  const seconds = (performance.now() - started) / 1000;
  const listed = summary.totalImages + summary.problems.filter((p) => p.excluded).length;
  console.log(
    JSON.stringify({
      mode: check,
      files: listed,
      usable: summary.totalImages,
      problems: summary.problems.length,
      seconds: Number(seconds.toFixed(2)),
      filesPerSecond: Math.round(listed / seconds),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} else {
  const roots = [mode, ...rest].filter(Boolean);
  if (roots.length === 0) {
    console.error('usage: bench-scan.mjs DIR [DIR...]');
    process.exit(2);
  }
  // Inside the repository, so the bundle's require('sharp') finds node_modules.
  const outDir = path.join(here, '..', 'node_modules', '.cache', 'bench-scan');
  mkdirSync(outDir, { recursive: true });
  const bundle = path.join(outDir, 'scan.cjs');
  await build({
    entryPoints: [path.join(here, '..', 'main/services/datasets/scan-dataset.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    outfile: bundle,
    logLevel: 'warning',
    absWorkingDir: path.join(here, '..'),
  });
  for (const check of ['list', 'check']) {
    process.stdout.write(
      execFileSync(
        process.execPath,
        [fileURLToPath(import.meta.url), '--child', bundle, check, ...roots],
        {
          encoding: 'utf8',
          cwd: path.join(here, '..'),
        },
      ),
    );
  }
}
