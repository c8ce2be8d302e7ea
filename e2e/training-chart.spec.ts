/**
 * The Train screen's numbers and chart on a two-phase run (head, then the top block
 * fine-tuned), against the built web shell and the real worker: the plan is said in the Model
 * screen's words, the chart marks where fine-tuning starts and explains it, the batch line
 * reaches the last epoch, and hovering never shows an empty readout.
 */
import { expect, test } from '@playwright/test';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hymenopteraTrainDir, screenshotsDir } from './fixtures-path';
import { DatasetPage } from './pages/dataset-page';
import { ModelPage } from './pages/model-page';
import { StudioPage } from './pages/studio-page';
import { TrainPage } from './pages/train-page';
import { studioUrl } from './studio-env';

test('a two-phase run: plan in one wording, the switch to fine-tuning marked, full batch line', async ({
  page,
}) => {
  test.setTimeout(8 * 60_000);
  const studio = new StudioPage(page);
  const dataset = new DatasetPage(page);
  const model = new ModelPage(page);
  const train = new TrainPage(page);
  // A small set, so that cached head epochs end faster than the UI's batch interval.
  const root = path.join(await mkdtemp(path.join(os.tmpdir(), 'ts-e2e-chart-')), 'ants-bees');
  for (const label of ['ants', 'bees']) {
    await mkdir(path.join(root, label), { recursive: true });
    const names = (await readdir(path.join(hymenopteraTrainDir, label))).sort().slice(0, 20);
    for (const name of names)
      await copyFile(path.join(hymenopteraTrainDir, label, name), path.join(root, label, name));
  }
  try {
    await studio.open(studioUrl());
    await dataset.addFolder(root);
    await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });
    await studio.goTo('Model');
    await expect(page.getByTestId('model-name')).toHaveText(/MobileNet v1 0\.25/, {
      timeout: 60_000,
    });
    // The size the base sees the images at, with why.
    await expect(page.getByTestId('image-size-reason')).toHaveText(
      /^auto: the images' median shorter side is \d+ px/,
    );
    const top = model.preset(/Fine-tune the top \d+ blocks/);
    const blocks = Number((await top.getAttribute('aria-label'))!.match(/top (\d+) blocks/)![1]);
    await top.click();
    await studio.goTo('Train');
    // The Model screen's "Fine-tune top k" is k blocks here too, not a count of layers.
    await expect(page.getByTestId('training-plan')).toContainText(
      `top ${blocks} blocks fine-tuned`,
    );
    await expect(page.getByTestId('training-plan')).not.toContainText('layers');

    // Augmentation amounts in the user's units, not bare percentages of a slider.
    await train.openPanel('Augmentation');
    const amount = (option: string) =>
      page.locator(`[data-augment="${option}"]`).getByTestId('augment-amount');
    await expect(amount('flip')).toHaveText('50% mirrored');
    await expect(amount('rotation')).toHaveText('±9°');
    await expect(amount('zoom')).toHaveText('up to 1.20×');
    await expect(train.augmentStrength('Flip')).toHaveAttribute(
      'aria-valuetext',
      '50% mirrored (strong)',
    );

    await train.openPanel('Advanced');
    await train.setSwitch('Early stopping', false);
    await train.field('epochs').fill('3');
    await train.field('fineTuneEpochs').fill('2');
    await train.startButton.click();
    await expect(train.status).toHaveText('Finished', { timeout: 6 * 60_000 });
    await expect(train.epochsDone).toHaveText('5 of 5');
    await expect(train.chart).toHaveAttribute('data-epochs', '5');
    // Every epoch has batch points: the batch line ends with the last epoch.
    await expect(train.chart).toHaveAttribute('data-batch-until', '5');
    await expect(train.chart).toHaveAttribute('data-fine-tune-from', '3');
    // Each epoch's time, not thousands of "images/s" on cached features.
    const epochTable = page.getByRole('table', { name: 'Epochs' });
    await expect(epochTable.locator('thead')).toContainText('Took');
    await expect(epochTable.locator('thead')).not.toContainText('Images/s');
    await expect(page.getByTestId('phase-switch-note')).toContainText(
      'from epoch 4, base layers change too',
    );

    // Hovering the loss chart: every readout has a value (a dash where a series has none).
    const loss = train.chart.locator('[data-metric="loss"]');
    const plot = loss.locator('.u-over');
    const box = (await plot.boundingBox())!;
    for (const share of [0.1, 0.5, 0.97]) {
      await page.mouse.move(box.x + box.width * share, box.y + box.height / 2);
      const values = await loss.locator('.u-legend .u-value').allTextContents();
      expect(values.length).toBeGreaterThan(1);
      for (const value of values) expect(value.trim()).not.toBe('');
    }
    await studio.screenshot(path.join(screenshotsDir, 'train-two-phase.png'));
  } finally {
    await rm(path.dirname(root), { recursive: true, force: true });
  }
});
