/**
 * The current project survives a reload (and so an app restart: it lives in the data folder,
 * not in the page): dataset folders, base model, freeze plan and training settings come back;
 * a dataset folder that vanished meanwhile is reported in words, and the rest still comes back.
 */
import { expect, test } from '@playwright/test';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hymenopteraTrainDir, screenshotsDir } from './fixtures-path';
import { DatasetPage } from './pages/dataset-page';
import { ModelPage } from './pages/model-page';
import { projectFile, StudioPage } from './pages/studio-page';
import { TrainPage } from './pages/train-page';
import { studioUrl } from './studio-env';

/** A small copy of the ants/bees photos in a folder of its own (which the test then deletes). */
async function smallDataset(): Promise<string> {
  const root = path.join(await mkdtemp(path.join(os.tmpdir(), 'ts-e2e-project-')), 'garden');
  for (const label of ['ants', 'bees']) {
    await mkdir(path.join(root, label), { recursive: true });
    const names = (await readdir(path.join(hymenopteraTrainDir, label))).sort().slice(0, 6);
    for (const name of names)
      await copyFile(path.join(hymenopteraTrainDir, label, name), path.join(root, label, name));
  }
  return root;
}

/** Waits until the saved project says `pattern` (the UI saves shortly after each change). */
async function savedProject(pattern: RegExp): Promise<void> {
  await expect
    .poll(async () => readFile(projectFile(), 'utf8').catch(() => ''), { timeout: 15_000 })
    .toMatch(pattern);
}

test('a reload brings the project back; a vanished folder is said in words', async ({ page }) => {
  test.setTimeout(4 * 60_000);
  const studio = new StudioPage(page);
  const dataset = new DatasetPage(page);
  const model = new ModelPage(page);
  const train = new TrainPage(page);
  const garden = await smallDataset();
  try {
    await studio.open(studioUrl());
    await dataset.addFolder(garden);
    await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });
    await expect(studio.stepTick('Dataset')).toBeVisible();
    // The recommended model is loaded from the start, but nobody chose it yet: no tick until
    // the user has looked at it.
    await studio.goTo('Train');
    await expect(page.getByTestId('training-plan')).toContainText('MobileNet v1 0.25', {
      timeout: 60_000,
    });
    await expect(studio.stepTick('Model')).toHaveCount(0);
    await studio.goTo('Model');
    await expect(studio.stepTick('Model')).toBeVisible();
    await expect(page.getByTestId('model-name')).toHaveText(/MobileNet v1 0\.25/, {
      timeout: 60_000,
    });
    await model.preset(/Fine-tune the top 2 blocks/).click();
    await studio.goTo('Train');
    await train.field('epochs').fill('7');
    await train.openPanel('Augmentation');
    await train.setSwitch('Flip', false);
    await savedProject(/"epochs": "7"/);
    await savedProject(/"flip": \{\s*"enabled": false/);

    await page.reload();
    await expect(page.getByRole('contentinfo')).toContainText('Connected');
    await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });
    await expect(dataset.folders).toContainText(garden);
    await studio.goTo('Model');
    await expect(page.getByTestId('model-name')).toHaveText(/MobileNet v1 0\.25/, {
      timeout: 60_000,
    });
    await expect(model.preset(/Fine-tune the top 2 blocks/)).toHaveAttribute(
      'aria-checked',
      'true',
    );
    await studio.goTo('Train');
    await expect(train.field('epochs')).toHaveValue('7');
    await expect(page.getByTestId('training-plan')).toContainText('top 2 blocks fine-tuned');
    await train.openPanel('Augmentation');
    await expect(train.augmentSwitch('Flip')).not.toBeChecked();

    // The folder goes away between two sessions: the studio says so and keeps the rest.
    await rm(path.dirname(garden), { recursive: true, force: true });
    await page.reload();
    await expect(page.getByRole('contentinfo')).toContainText('Connected');
    await expect(page.getByTestId('project-notice')).toContainText(
      `The dataset folder ${garden} from your last session is no longer there`,
    );
    await expect(dataset.classCards).toHaveCount(0);
    await studio.screenshot(path.join(screenshotsDir, 'project-folder-gone.png'));
    await studio.goTo('Train');
    await expect(train.field('epochs')).toHaveValue('7');
  } finally {
    await rm(path.dirname(garden), { recursive: true, force: true });
  }
});
