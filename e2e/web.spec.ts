/**
 * The whole flow in Chromium against the built web shell: add the hymenoptera train folder,
 * choose the fixture MobileNet v1 0.25, train 2 epochs while the chart grows, export, and
 * check the exported files on disk. Saves a screenshot of each screen for the README.
 */
import { expect, test } from '@playwright/test';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hymenopteraTrainDir, screenshotsDir } from './fixtures-path';
import { DatasetPage } from './pages/dataset-page';
import { ExportPage } from './pages/export-page';
import { ModelPage } from './pages/model-page';
import { StudioPage } from './pages/studio-page';
import { TrainPage } from './pages/train-page';
import { studioUrl } from './studio-env';

const screenshots = screenshotsDir;

test.describe('web shell in Chromium', () => {
  let exportRoot: string;

  test.beforeEach(async () => {
    exportRoot = await mkdtemp(path.join(os.tmpdir(), 'transfer-studio-export-'));
  });

  test.afterEach(async () => {
    await rm(exportRoot, { recursive: true, force: true });
  });

  test('adds a folder, trains MobileNet v1 0.25 for 2 epochs with a live chart, exports', async ({
    page,
  }) => {
    test.setTimeout(10 * 60_000);
    const studio = new StudioPage(page);
    const dataset = new DatasetPage(page);
    const model = new ModelPage(page);
    const train = new TrainPage(page);
    const exporter = new ExportPage(page);

    await studio.open(studioUrl());
    // The token left the address bar (the page keeps it for its WebSocket in sessionStorage).
    expect(new URL(page.url()).search).toBe('');
    expect(new URL(page.url()).hash).toBe('');

    // Dataset: a path typed in the field, checked by the server's scan.
    await dataset.addFolder(hymenopteraTrainDir);
    await expect(dataset.folders).toContainText(hymenopteraTrainDir, { timeout: 120_000 });
    await expect(dataset.classCards).toHaveCount(2);
    await expect(dataset.classCard('ants')).toContainText('124 images');
    await expect(dataset.classCard('bees')).toContainText('121 images');
    await expect(page.getByTestId('dataset-trainable')).toHaveText('Yes');
    await dataset.expectThumbnailsLoaded();
    await studio.screenshot(path.join(screenshots, 'dataset.png'));

    // Model: the fixture MobileNet, found in TRANSFER_STUDIO_MODELS.
    await studio.goTo('Model');
    await model.choose(/MobileNet v1 0\.25/);
    await expect(page.getByTestId('model-name')).toHaveText(/MobileNet v1 0\.25/);
    await expect(model.layerRows.first()).toBeVisible();
    // The block diagram: input, conv1 and 13 depthwise + pointwise blocks.
    await expect(model.layerRows).toHaveCount(15);
    await expect(model.freezeSummary).toContainText('frozen');
    await studio.screenshot(path.join(screenshots, 'model.png'));

    // Train: 2 epochs; the chart's point count must grow while it runs.
    await studio.goTo('Train');
    await train.field('epochs').fill('2');
    // Two epochs are few: a bolder step than the default shows a clearer curve.
    await train.field('learningRate').fill('0.01');
    await expect(train.startButton).toBeEnabled();
    await train.recordChartPoints();
    await train.startButton.click();
    await expect(train.status).toHaveText('Finished', { timeout: 8 * 60_000 });
    const points = await train.recordedChartPoints();
    const distinct = [...new Set(points)];
    expect(distinct.length, `chart point counts seen: ${points.join(',')}`).toBeGreaterThanOrEqual(
      2,
    );
    expect(points.every((value, i) => i === 0 || value >= (points[i - 1] as number))).toBe(true);
    await expect(train.chart).toHaveAttribute('data-epochs', '2');
    await expect(train.epochTime).toHaveText(/^\d+\.\d s$|^\d+(m \d\ds|s)$/);
    await expect(page.getByRole('table', { name: 'Epochs' }).locator('tbody tr')).toHaveCount(2);
    await expect(studio.backend).not.toHaveText(/checking|unknown/);
    await studio.screenshot(path.join(screenshots, 'train.png'));

    // Export into a fresh folder, then check the files on disk.
    await studio.goTo('Export');
    const outDir = path.join(exportRoot, 'ants-vs-bees');
    await exporter.exportTo(outDir);
    await expect(exporter.files.first()).toBeVisible({ timeout: 120_000 });
    const names = await readdir(outDir);
    expect(names).toContain('model.json');
    expect(names).toContain('metadata.json');
    expect(names.some((name) => name.endsWith('.bin'))).toBe(true);
    await expect(exporter.files.filter({ hasText: 'model.json' })).toHaveCount(1);
    const metadata = JSON.parse(await readFile(path.join(outDir, 'metadata.json'), 'utf8'));
    expect(metadata.labels).toEqual(['ants', 'bees']);
    const modelJson = JSON.parse(await readFile(path.join(outDir, 'model.json'), 'utf8'));
    const shards: string[] = modelJson.weightsManifest.flatMap(
      (group: { paths: string[] }) => group.paths,
    );
    for (const shard of shards) expect(names).toContain(shard);
    await studio.screenshot(path.join(screenshots, 'export.png'));
  });

  test('cancels a running training and says so', async ({ page }) => {
    test.setTimeout(5 * 60_000);
    const studio = new StudioPage(page);
    const dataset = new DatasetPage(page);
    const train = new TrainPage(page);
    await studio.open(studioUrl());
    await dataset.addFolder(hymenopteraTrainDir);
    await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });
    await studio.goTo('Train');
    // Without early stopping, so the run is certainly still going when Cancel is clicked.
    await train.openPanel('Advanced');
    await train.setSwitch('Early stopping', false);
    await train.field('epochs').fill('500');
    await train.startButton.click();
    // Cancel once the fit loop runs, so the worker is interrupted mid-run.
    await expect
      .poll(async () => Number(await train.chart.getAttribute('data-batches')), {
        timeout: 180_000,
      })
      .toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Cancel training' }).click();
    await expect(train.status).toHaveText('Cancelled', { timeout: 60_000 });
    await expect(train.startButton).toBeEnabled();
  });

  test('explains a folder that does not exist and keeps the field for fixing it', async ({
    page,
  }) => {
    const studio = new StudioPage(page);
    const dataset = new DatasetPage(page);
    await studio.open(studioUrl());
    const missing = path.join(exportRoot, 'no-such-folder');
    await dataset.addFolder(missing);
    await expect(dataset.error).toContainText(`There is no folder at ${missing}`);
    await expect(dataset.pathField).toHaveValue(missing);
    await expect(dataset.classCards).toHaveCount(0);
  });

  test('moves between tabs with the keyboard', async ({ page }) => {
    const studio = new StudioPage(page);
    await studio.open(studioUrl());
    await studio.tab('Dataset').focus();
    await page.keyboard.press('ArrowRight');
    await expect(studio.tab('Model')).toHaveAttribute('aria-selected', 'true');
    await expect(studio.tab('Model')).toBeFocused();
    await page.keyboard.press('End');
    await expect(studio.tab('Export')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowRight');
    await expect(studio.tab('Dataset')).toHaveAttribute('aria-selected', 'true');
  });
});
