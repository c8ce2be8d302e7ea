import os from 'node:os';
import path from 'node:path';

/** Root of the repository (this file lives in e2e/). */
export const repoRoot = path.resolve(__dirname, '..');

/**
 * The shared, read-only fixtures: ../shared/fixtures beside the repository (CI clones it with
 * shared/ next to it), or wherever TRANSFER_STUDIO_FIXTURES points.
 */
export const fixturesDir = path.resolve(
  process.env.TRANSFER_STUDIO_FIXTURES ?? path.join(repoRoot, '..', 'shared', 'fixtures'),
);

export const fixtureModelsDir = path.join(fixturesDir, 'models');
export const hymenopteraTrainDir = path.join(fixturesDir, 'datasets', 'hymenoptera_data', 'train');

/**
 * Where the specs save their screenshots: docs/screenshots when
 * TRANSFER_STUDIO_SCREENSHOTS=docs (to refresh the pictures in the docs on purpose), else a
 * temp folder, so an ordinary test run never rewrites tracked files.
 */
export const screenshotsDir =
  process.env.TRANSFER_STUDIO_SCREENSHOTS === 'docs'
    ? path.join(repoRoot, 'docs', 'screenshots')
    : path.join(os.tmpdir(), 'transfer-studio-screenshots');
