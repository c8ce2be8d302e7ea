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
