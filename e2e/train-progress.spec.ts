/**
 * The Train screen while features are computed (the longest step of a run with a frozen base),
 * against the built web shell and the real training worker: one progress bar for the step with
 * a time-left estimate, "Time left" filled in, and Cancel stopping the extraction.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { hymenopteraTrainDir, screenshotsDir } from './fixtures-path';
import { DatasetPage } from './pages/dataset-page';
import { StudioPage } from './pages/studio-page';
import { TrainPage } from './pages/train-page';
import { studioUrl } from './studio-env';

/** A seed no other spec trains with: its augmented views are not in the feature cache yet. */
const FRESH_SEED = '7301';

test.describe('Train progress during feature extraction', () => {
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(3 * 60_000);
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const studio = new StudioPage(page);
    const dataset = new DatasetPage(page);
    await studio.open(studioUrl());
    await dataset.addFolder(hymenopteraTrainDir);
    await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });
    await studio.goTo('Model');
    await expect(page.getByTestId('model-name')).toHaveText(/MobileNet v1 0\.25/, {
      timeout: 60_000,
    });
    await studio.goTo('Train');
  });

  test.afterAll(async () => {
    await page?.close();
  });

  test('shows one bar for the step with a time-left estimate, and Cancel stops it', async () => {
    test.setTimeout(4 * 60_000);
    const train = new TrainPage(page);
    await train.openPanel('Advanced');
    await train.field('seed').fill(FRESH_SEED);
    await train.startButton.click();

    const progress = page.getByRole('region', { name: 'Training progress' });
    const eta = progress.getByTestId('phase-eta');
    await expect(eta).toHaveText(/^ · about \d+(s|m \d\ds) left$/, { timeout: 150_000 });
    await expect(progress.getByTestId('phase-progress')).toContainText(
      'Computing features of the training images',
    );
    // One bar while the features compute (the epochs' bar appears with the first epoch).
    await expect(progress.getByRole('progressbar')).toHaveCount(1);
    await expect(progress.getByTestId('time-left')).toHaveText(/^\d+(s|m \d\ds)$/);
    await expect(progress.getByText('Time left (this step)')).toBeVisible();
    await progress.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshotsDir, 'train-extraction-1280.png') });
    await page.setViewportSize({ width: 900, height: 860 });
    await progress.scrollIntoViewIfNeeded();
    await expect(eta).toBeVisible();
    await page.screenshot({ path: path.join(screenshotsDir, 'train-extraction-900.png') });
    await page.setViewportSize({ width: 1280, height: 860 });

    await train.cancelButton.click();
    await expect(train.status).toHaveText('Cancelled', { timeout: 30_000 });
    await expect(progress.getByTestId('phase-progress')).toHaveCount(0);
  });
});
