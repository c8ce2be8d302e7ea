/**
 * Where the real test fixtures live (models, datasets): ../shared/fixtures beside the
 * checkout, or TRANSFER_STUDIO_FIXTURES. Used by tests only; fixtures are never copied here.
 */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

export const fixturesDir = path.resolve(
  process.env.TRANSFER_STUDIO_FIXTURES ?? path.join(__dirname, '../../../../shared/fixtures'),
);
export const fixtureModelsDir = path.join(fixturesDir, 'models');
export const mobilenetV1Dir = path.join(fixtureModelsDir, 'mobilenet_v1_0.25_224');
export const teachableMachineDir = path.join(
  fixtureModelsDir,
  'teachable_machine_mobilenet_v2_0.35',
);
export const hymenopteraDir = path.join(fixturesDir, 'datasets', 'hymenoptera_data');

/**
 * Copies the first `perClass` JPEGs (by name) of each class of the hymenoptera training set
 * into `<root>/ants` and `<root>/bees`: a small real dataset the test may change (the fixture
 * itself is read-only).
 */
export async function copyHymenopteraSample(root: string, perClass: number): Promise<void> {
  for (const label of ['ants', 'bees']) {
    const from = path.join(hymenopteraDir, 'train', label);
    await mkdir(path.join(root, label), { recursive: true });
    const names = (await readdir(from)).filter((n) => /\.jpe?g$/i.test(n)).sort();
    for (const name of names.slice(0, perClass)) {
      await copyFile(path.join(from, name), path.join(root, label, name));
    }
  }
}
