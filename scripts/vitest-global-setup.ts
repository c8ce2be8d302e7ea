import { execFileSync } from 'node:child_process';

/**
 * Tests that start the real training worker run the bundled dist/main/worker.cjs, so the
 * Node-side bundles are rebuilt (esbuild, about a second) before any test file runs.
 */
export function setup(): void {
  execFileSync(process.execPath, ['scripts/build-main.mjs'], { stdio: 'inherit' });
}
