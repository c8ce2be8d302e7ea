/**
 * Where the real test fixtures live (models, datasets): ../shared/fixtures beside the
 * checkout, or TRANSFER_STUDIO_FIXTURES. Used by tests only; fixtures are never copied here.
 */
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
