/**
 * The window at the sizes a newcomer uses (1280, 900 and 800 px wide) on every screen, with a
 * 50-class dataset made of real photos: only the screen area scrolls, never sideways; the
 * header, stat rows and status bar stay whole; axe-core finds nothing; the confusion matrix
 * of 50 classes fits the window. Saves a screenshot of each screen at 1280 and 900 px.
 */
import { expect, test, type Page } from '@playwright/test';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fixtureModelsDir, fixturesDir, screenshotsDir } from './fixtures-path';
import { expectNoAxeViolations, expectUsableFrame } from './layout-checks';
import { DatasetPage } from './pages/dataset-page';
import { EvaluatePage } from './pages/evaluate-page';
import { ModelPage } from './pages/model-page';
import { StudioPage } from './pages/studio-page';
import { TrainPage } from './pages/train-page';
import { startBuiltWebShell, type RunningWebShell } from './web-shell-process';

const kinds = ['Alpine', 'Garden', 'Meadow', 'Desert', 'Coastal'];
const plants = [
  'anemone',
  'bluebell',
  'columbine',
  'forget-me-not',
  'globe thistle',
  'hellebore',
  'lady slipper orchid',
  'poppy',
  'snapdragon',
  'yellow iris',
];
/** 50 class names, some long, as a flower set has. */
const classNames = plants.flatMap((plant) => kinds.map((kind) => `${kind} ${plant}`));
const perClass = 7;

let root: string;
let dataDir: string;
let setDir: string;
let shell: RunningWebShell;

/** 50 class folders of 7 distinct hymenoptera photos each (real images, none shared). */
async function makeManyClassSet(): Promise<void> {
  const photos: string[] = [];
  for (const split of ['train', 'val'])
    for (const kind of ['ants', 'bees']) {
      const dir = path.join(fixturesDir, 'datasets', 'hymenoptera_data', split, kind);
      for (const name of (await readdir(dir)).sort()) photos.push(path.join(dir, name));
    }
  for (const [index, name] of classNames.entries()) {
    const dir = path.join(setDir, name);
    await mkdir(dir, { recursive: true });
    for (const photo of photos.slice(index * perClass, (index + 1) * perClass))
      await copyFile(photo, path.join(dir, path.basename(photo)));
  }
}

test.beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'transfer-studio-layout-'));
  dataDir = path.join(root, 'data');
  setDir = path.join(root, 'flowers');
  await makeManyClassSet();
  shell = await startBuiltWebShell({
    ...process.env,
    TRANSFER_STUDIO_DATA: dataDir,
    TRANSFER_STUDIO_MODELS: fixtureModelsDir,
    PORT: '',
  });
});

test.afterAll(async () => {
  await shell?.stop();
  await rm(root, { recursive: true, force: true });
});

const widths = [1280, 900, 800];

/** Checks the frame and axe at each width; pictures at 1280 and 900 px. */
async function checkScreen(page: Page, name: string): Promise<void> {
  for (const width of widths) {
    await page.setViewportSize({ width, height: 800 });
    await expectUsableFrame(page, name);
    // The window as the user sees it: header, the top of the screen, status bar.
    if (width !== 800)
      await page.screenshot({ path: path.join(screenshotsDir, `layout-${name}-${width}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await expectNoAxeViolations(page, name);
}

/** 50 classes: the matrix spans its card, fits it at 1280 px, names whole on hover. */
async function expectMatrixFits(page: Page): Promise<void> {
  const matrix = page.getByRole('table', { name: 'Confusion matrix' });
  const card = page.locator('section.card', { has: matrix });
  const screenBox = (await page.locator('.screen').boundingBox())!;
  const cardBox = (await card.boundingBox())!;
  expect(cardBox.width).toBeGreaterThan(screenBox.width - 60);
  expect(
    await matrix.evaluate((table) => table.scrollWidth <= table.parentElement!.clientWidth),
  ).toBe(true);
  const longest = classNames.reduce((a, b) => (b.length > a.length ? b : a));
  await expect(matrix.getByRole('columnheader', { name: longest })).toHaveAttribute(
    'title',
    longest,
  );
  await expect(matrix.getByRole('rowheader', { name: longest })).toHaveAttribute('title', longest);
  await expect(page.getByTestId('confusion-scale')).toBeVisible();
}

test('every screen at 1280, 900 and 800 px with 50 classes', async ({ page }) => {
  test.setTimeout(15 * 60_000);
  const studio = new StudioPage(page);
  const dataset = new DatasetPage(page);
  const model = new ModelPage(page);
  const train = new TrainPage(page);
  const evaluate = new EvaluatePage(page);
  await studio.open(shell.url);
  await dataset.addFolder(setDir);
  await expect(dataset.classCards).toHaveCount(classNames.length, { timeout: 180_000 });
  await checkScreen(page, 'dataset');

  await studio.goTo('Model');
  await model.choose(/MobileNet v1 0\.25/);
  await checkScreen(page, 'model');

  await studio.goTo('Train');
  await train.field('epochs').fill('2');
  await expect(train.startButton).toBeEnabled();
  await train.startButton.click();
  await expect(train.status).toHaveText('Finished', { timeout: 10 * 60_000 });
  await checkScreen(page, 'train');

  await evaluate.open();
  await expect(evaluate.cell(49, 49)).toBeVisible();
  await checkScreen(page, 'evaluate');
  await expectMatrixFits(page);

  // A click on a mistake brings its images into view and says what they are.
  const [actual, predicted] = await page
    .locator('[data-testid^="confusion-cell-"]')
    .evaluateAll((cells) => {
      const mistake = cells.find((cell) => {
        const [, a, p] = cell.getAttribute('data-testid')!.match(/(\d+)-(\d+)$/)!;
        return a !== p && cell.textContent !== '';
      });
      return mistake!.getAttribute('data-testid')!.split('-').slice(-2).map(Number);
    });
  const gallery = page.getByTestId('image-gallery');
  await expect(gallery).not.toBeInViewport();
  await evaluate.cell(actual!, predicted!).click();
  await expect(gallery.getByRole('heading', { level: 2 })).toBeInViewport();
  const sorted = [...classNames].sort();
  await expect(page.getByTestId('gallery-announcement')).toHaveText(
    new RegExp(`^Showing \\d+ images?: ${sorted[actual!]} mistaken for ${sorted[predicted!]}$`),
  );

  // "Show in folder" far down the gallery: the web shell's answer shows in the window.
  const first = evaluate.images.first();
  const name = await first.getAttribute('data-name');
  await first.getByRole('button', { name: 'Show in folder' }).click();
  await expect(page.getByTestId('file-notice')).toBeInViewport();
  await expect(page.getByTestId('file-notice')).toContainText(`${name} is in `);

  await page.getByRole('tab', { name: 'Try it' }).click();
  await checkScreen(page, 'try-it');
  await studio.goTo('Export');
  await checkScreen(page, 'export');
  await page.getByRole('button', { name: /^Runs/ }).click();
  await checkScreen(page, 'runs');
});
