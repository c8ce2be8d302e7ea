// Bundles the Node-side entry points (CLI, web shell, training worker and its feature threads,
// Electron main and preload) with esbuild. Packages stay external (they ship in node_modules),
// except in the sandboxed preload, which may only require 'electron' and so must be
// self-contained.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  outdir: 'dist/main',
  outExtension: { '.js': '.cjs' },
};

await build({
  ...common,
  packages: 'external',
  entryPoints: {
    cli: 'main/cli/cli.ts',
    server: 'main/server/serve.ts',
    worker: 'main/worker/worker-main.ts',
    // A thread of the worker: computes feature-cache batches on wasm/cpu (extraction-pool.ts).
    'feature-thread': 'main/worker/feature-thread.ts',
    'electron-main': 'main/electron/electron-main.ts',
  },
});

await build({
  ...common,
  external: ['electron'],
  entryPoints: { preload: 'main/electron/preload.ts' },
});
