/**
 * The Train screen's controls against the built web shell and the real training worker:
 * augmentation with its live preview, the learning-rate finder, pause / resume / cancel,
 * a second run extended by 2 epochs, and the GPU doctor. The tests share one page (serial),
 * so the dataset is scanned once and the last screenshot shows everything that happened.
 */
import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { hymenopteraTrainDir, screenshotsDir } from './fixtures-path';
import { DatasetPage } from './pages/dataset-page';
import { DiagnosticsPage } from './pages/diagnostics-page';
import { RunsPage } from './pages/runs-page';
import { StudioPage } from './pages/studio-page';
import { TrainPage } from './pages/train-page';
import { studioUrl } from './studio-env';

const screenshots = screenshotsDir;

test.describe.configure({ mode: 'serial' });

test.describe('Train controls in the web shell', () => {
  let page: Page;
  let studio: StudioPage;
  let train: TrainPage;
  /** Uncaught errors in the page (a chart that threw while drawing): each test expects none. */
  const pageErrors: string[] = [];

  test.beforeAll(async ({ browser }) => {
    test.setTimeout(3 * 60_000);
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    studio = new StudioPage(page);
    train = new TrainPage(page);
    const dataset = new DatasetPage(page);
    await studio.open(studioUrl());
    await dataset.addFolder(hymenopteraTrainDir);
    await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });
    // The fixture MobileNet v1 0.25 is preselected from TRANSFER_STUDIO_MODELS.
    await studio.goTo('Model');
    await expect(page.getByTestId('model-name')).toHaveText(/MobileNet v1 0\.25/, {
      timeout: 60_000,
    });
    await studio.goTo('Train');
  });

  test.afterEach(() => {
    expect(pageErrors, 'errors thrown in the page').toEqual([]);
  });

  test.afterAll(async () => {
    await page?.close();
  });

  test('starts from the recipe, so a novice can just press Start', async () => {
    await expect(train.field('epochs')).toHaveValue('50');
    await expect(train.field('learningRate')).toHaveValue('0.005');
    await expect(train.field('batchSize')).toHaveValue('32');
    await expect(train.startButton).toBeEnabled();
    await expect(train.pauseButton).toBeDisabled();
    await expect(train.cancelButton).toBeDisabled();
    await expect(train.extendButton).toBeDisabled();

    await train.openPanel('Advanced');
    await expect(page.getByRole('radio', { name: 'Adam' })).toBeChecked();
    await expect(page.getByLabel('Learning-rate schedule')).toHaveValue('cosine');
    await expect(page.getByRole('switch', { name: 'Early stopping' })).toBeChecked();
    // Fine-tuning fields appear only when the Model tab unfreezes base layers.
    await expect(train.field('fineTuneEpochs')).toHaveCount(0);
    await train.choose('SGD + momentum');
    await expect(train.field('momentum')).toHaveValue('0.9');
    await train.field('momentum').fill('2');
    await expect(page.getByRole('list', { name: 'Before you can train' })).toContainText(
      'Momentum must be a number from 0 to 0.999 (try 0.9).',
    );
    await expect(train.startButton).toBeDisabled();
    await train.choose('Adam');
    await expect(train.startButton).toBeEnabled();
  });

  test('previews augmented views of a dataset image as the settings change', async () => {
    await train.openPanel('Augmentation');
    // The recipe augments by default: flip, rotation, zoom and exposure, 4 cached views.
    await expect(train.augmentSwitch('Flip')).toBeChecked();
    await expect(train.augmentSwitch('Blur')).not.toBeChecked();
    await expect(train.cacheSentence).toContainText(
      '4 views per image (the original and 3 augmented) are computed once and cached',
    );
    const first = await train.previewSources(6);
    expect(first.every((src) => src.startsWith('data:image/jpeg;base64,'))).toBe(true);
    expect(new Set(first).size, 'six different views').toBe(6);

    // A stronger rotation renders new views (same seed, so only the strength differs).
    await train.augmentStrength('Rotation').fill('1');
    await expect
      .poll(async () => (await train.previewSources(6)).join() !== first.join(), {
        timeout: 60_000,
      })
      .toBe(true);

    // Switching every option off says what the cache does without augmentation.
    for (const option of ['Flip', 'Rotation', 'Zoom and crop', 'Exposure'] as const)
      await train.setSwitch(option, false);
    await expect(train.cacheSentence).toContainText('Augmentation is off');
    await expect(train.previewImages).toHaveCount(0);
    await train.setSwitch('Blur', true);
    await train.previewSources(6);

    await train.field('viewsPerImage').fill('3');
    await expect(train.cacheSentence).toContainText(
      '3 views per image (the original and 2 augmented) are computed once and cached',
    );

    // Back to the recipe's set for the runs below (and the screenshot).
    await train.setSwitch('Blur', false);
    for (const option of ['Flip', 'Rotation', 'Zoom and crop', 'Exposure'] as const)
      await train.setSwitch(option, true);
    await train.augmentStrength('Rotation').fill('0.3');
    await train.field('viewsPerImage').fill('4');
    await train.previewSources(6);
  });

  test('finds a learning rate, plots it and uses the suggestion', async () => {
    await train.openPanel('Learning-rate finder');
    await train.lrFindButton.click();
    await expect(train.lrPlot).toBeVisible({ timeout: 5 * 60_000 });
    expect(Number(await train.lrPlot.getAttribute('data-points'))).toBeGreaterThan(10);
    // uPlot drew the curve on a canvas (a throw while drawing fails the test in afterEach).
    await expect(train.lrPlot.locator('canvas')).toBeVisible();
    const suggested = Number(await train.lrPlot.getAttribute('data-suggested'));
    expect(suggested).toBeGreaterThan(0);
    await expect(train.lrSuggestion).toContainText('Suggested learning rate');
    await train.useSuggestionButton.click();
    const used = Number(await train.field('learningRate').inputValue());
    expect(Math.abs(used - suggested) / suggested).toBeLessThan(0.05);
    await expect(train.lrSuggestion.getByRole('button', { name: 'In use' })).toBeDisabled();
  });

  test('pauses, resumes and cancels a run', async () => {
    test.setTimeout(6 * 60_000);
    // Long enough that it is still running when paused: no early stopping, many epochs.
    await train.openPanel('Advanced');
    await train.setSwitch('Early stopping', false);
    await train.field('epochs').fill('1000');
    // Head epochs on cached features take milliseconds now: one image per step keeps the run
    // going long enough to pause it.
    await train.field('batchSize').fill('1');
    await train.startButton.click();
    await expect(train.status).toHaveText('Training');
    await expect.poll(() => train.batchesSeen(), { timeout: 180_000 }).toBeGreaterThan(0);

    await train.pauseButton.click();
    await expect(train.status).toHaveText('Paused', { timeout: 60_000 });
    // One count of epochs, said once (epochs done), not a second "Epoch N of M" beside it.
    await expect(train.epochsDone).toHaveText(/^\d+ of 1000$/);
    await expect(page.locator('.training-progress')).not.toContainText(/Epoch \d+ of/);
    await expect(train.resumeButton).toBeEnabled();
    await expect(train.startButton).toBeDisabled();
    await expect(train.cancelButton).toBeEnabled();
    const batchesWhenPaused = await train.batchesSeen();

    // Keyboard: focus the Resume button and press Enter.
    await train.resumeButton.focus();
    await page.keyboard.press('Enter');
    await expect(train.status).toHaveText('Training', { timeout: 60_000 });
    await expect
      .poll(() => train.batchesSeen(), { timeout: 120_000 })
      .toBeGreaterThan(batchesWhenPaused);

    await train.cancelButton.click();
    await expect(train.status).toHaveText('Cancelled', { timeout: 60_000 });
    await train.field('batchSize').fill('32');
    await expect(train.startButton).toBeEnabled();
    await expect(train.pauseButton).toBeDisabled();
    await expect(train.extendButton).toBeDisabled();
  });

  test('runs again and extends the finished run by 2 epochs', async () => {
    test.setTimeout(8 * 60_000);
    await train.setSwitch('Early stopping', true);
    await train.field('epochs').fill('2');
    await train.startButton.click();
    await expect(train.status).toHaveText('Finished', { timeout: 5 * 60_000 });
    await expect(train.epochsDone).toHaveText('2 of 2');
    await expect(train.chart).toHaveAttribute('data-epochs', '2');

    await expect(train.field('extendEpochs')).toHaveValue('2');
    await expect(train.extendButton).toBeEnabled();

    // Another folder loaded: Extend would not train on it, so it is not offered.
    const dataset = new DatasetPage(page);
    const valDir = path.join(path.dirname(hymenopteraTrainDir), 'val');
    await studio.goTo('Dataset');
    await dataset.addFolder(valDir);
    await expect(dataset.folders.getByRole('listitem')).toHaveCount(2, { timeout: 60_000 });
    await studio.goTo('Train');
    await expect(train.extendButton).toBeDisabled();
    await expect(page.getByTestId('extend-blocker')).toContainText(
      'Extend goes on training this run on its own images (hymenoptera_data/train)',
    );
    await studio.goTo('Dataset');
    await page.getByRole('button', { name: `Remove ${valDir}` }).click();
    await expect(dataset.folders.getByRole('listitem')).toHaveCount(1, { timeout: 60_000 });
    await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });
    await studio.goTo('Train');
    await expect(train.extendButton).toBeEnabled();

    // The finished run as the Runs table shows it before the extension.
    const runs = new RunsPage(page);
    await runs.open();
    const parentRow = runs.rows.filter({ hasText: 'hymenoptera_data/train' }).first();
    const parentId = await parentRow.getAttribute('data-run-id');
    const parentCells = await parentRow.locator('td').allTextContents();
    await studio.goTo('Train');

    await train.extendButton.click();
    // A new run continues from the saved model; its epochs are numbered 3 and 4.
    await expect(train.epochsDone).toHaveText('4 of 4', { timeout: 5 * 60_000 });
    await expect(train.status).toHaveText('Finished', { timeout: 60_000 });
    await expect(train.chart).toHaveAttribute('data-epochs', '4');
    await expect(page.getByRole('table', { name: 'Epochs' }).locator('tbody tr')).toHaveCount(4);
    await expect(page.getByTestId('run-backend')).not.toBeEmpty();

    // The finished run is unchanged; the extension is a new run that says what it continues.
    await runs.open();
    await expect(runs.row(parentId!).locator('td')).toHaveText(parentCells);
    const child = runs.rows.filter({ has: page.getByTestId('run-lineage') });
    await expect(child).toHaveCount(1);
    await expect(child.getByTestId('run-lineage')).toHaveText(
      /continues “hymenoptera_data\/train · head only \(base frozen\)” after its epoch 2/,
    );
    await expect(child.getByTestId('run-dataset')).toHaveText('hymenoptera_data/train');
    await expect(child.getByTestId('run-plan')).toContainText('head only (base frozen)');
    await expect(child.getByTestId('run-engine')).not.toHaveText('—');
    for (const width of [1280, 900]) {
      await page.setViewportSize({ width, height: 860 });
      await studio.screenshot(path.join(screenshots, `runs-lineage-${width}.png`));
    }
    await page.setViewportSize({ width: 1280, height: 860 });
    // Evaluate follows the new run.
    const childId = await child.getAttribute('data-run-id');
    await studio.goTo('Evaluate');
    await expect(page.getByLabel('Run', { exact: true })).toHaveValue(childId!);
    await studio.goTo('Train');

    // Everything open for the screenshot: settings, augmentation preview, finder, curves.
    await train.openPanel('Advanced');
    await train.openPanel('Augmentation');
    await train.previewSources(6);
    await train.openPanel('Learning-rate finder');
    await expect(train.lrPlot).toBeVisible();
    await studio.screenshot(path.join(screenshots, 'train-advanced.png'));
  });

  test('opens the GPU doctor from the status bar', async () => {
    const doctor = new DiagnosticsPage(page);
    await doctor.open();
    await expect(doctor.rows).toHaveCount(4);
    await expect(doctor.dialog.getByTestId('doctor-summary')).toContainText('Training runs on');
    // Exactly one backend is in use, and it loaded.
    const inUse = doctor.rows.filter({ hasText: 'In use' });
    await expect(inUse).toHaveCount(1);
    await expect(inUse).toHaveAttribute('data-state', 'loaded');
    // Every backend that did not load says why and what to do.
    const failed = doctor.rows.and(doctor.dialog.locator('[data-state="failed"]'));
    // ... in terms of the installed app: the developer commands are in the README.
    for (const row of await failed.all()) {
      await expect(row).toContainText('How to fix');
      await expect(row).not.toContainText(/npm rebuild|build-native-tf|scripts\//);
    }
    // Which engine computes features: one in use; an accelerator that did not load says why
    // and what to do (this machine has onnxruntime's CPU provider only).
    const engines = doctor.engineRows;
    await expect(engines.filter({ hasText: 'In use' })).toHaveCount(1);
    await expect(engines.filter({ hasText: 'In use' })).toHaveAttribute(
      'data-engine',
      'onnxruntime-cpu',
    );
    for (const row of await engines.and(doctor.dialog.locator('[data-state="failed"]')).all()) {
      await expect(row).toContainText('How to fix');
    }
    await doctor.dialog.getByRole('button', { name: 'Check again' }).click();
    await expect(doctor.dialog.getByRole('button', { name: 'Check again' })).toBeEnabled({
      timeout: 60_000,
    });
    await expect(doctor.rows).toHaveCount(4);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(screenshots, 'diagnostics.png') });
    await page.keyboard.press('Escape');
    await expect(doctor.dialog).toBeHidden();
    await expect(doctor.opener).toBeFocused();
  });
});
