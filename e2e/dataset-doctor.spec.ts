/**
 * The dataset doctor in Chromium against the built web shell: every bad file the issue names,
 * generated in a temp folder, reported with the right kind in the problems list; the findings
 * line; filtering; leaving a file out across a rescan; the virtualized image browser; a
 * vanished folder; and cancelling a scan of 20k files. Saves docs/screenshots/dataset-doctor.png
 * and dataset-browser.png.
 */
import { expect, test } from '@playwright/test';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  writeDoctorCases,
  writeManyJpegs,
  type DoctorCase,
} from '../main/services/datasets/doctor-cases';
import { writeClasses, writeJpeg } from '../main/services/datasets/test-images';
import { screenshotsDir } from './fixtures-path';
import { DatasetPage } from './pages/dataset-page';
import { StudioPage } from './pages/studio-page';
import { studioUrl } from './studio-env';

const screenshots = screenshotsDir;
const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const WASPS = 300;
const BIG_FILES = 20_000;

test.describe('dataset doctor', () => {
  let work: string;

  test.beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'transfer-studio-doctor-'));
  });

  test.afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('reports every bad file, filters, leaves out, browses, and notices a vanished folder', async ({
    page,
  }) => {
    test.setTimeout(5 * 60_000);
    const root = path.join(work, 'insects');
    // Root reads a chmod-000 file anyway, so the unreadable case cannot be produced as root
    // (the unit tests cover the same code path with a dangling link).
    if (runningAsRoot) console.info('unreadable-file case skipped: running as root');
    const cases: DoctorCase[] = await writeDoctorCases(root, { unreadable: !runningAsRoot });
    const more = path.join(work, 'more');
    await writeManyJpegs(path.join(more, 'wasps'), 'wasp', WASPS);

    const studio = new StudioPage(page);
    const dataset = new DatasetPage(page);
    await studio.open(studioUrl());
    await dataset.addFolder(root);
    await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });

    // The findings line at the top.
    await expect(dataset.findings).toContainText(/\d+ files unreadable/);
    await expect(dataset.findings).toContainText('2 duplicates across train/val');
    await expect(dataset.findings).toContainText('2 images filed under two classes');
    await expect(dataset.findings).toContainText('1 image too large');

    // Every case with the kind the doctor must report, and no problem for the good ones.
    await dataset.showAllProblems();
    for (const entry of cases) {
      const found = dataset.problemsFor(entry.file);
      await expect(found, entry.label).toHaveCount(entry.kinds.length);
      for (const kind of entry.kinds) {
        await expect(found.and(page.locator(`[data-kind="${kind}"]`)), entry.label).toHaveCount(1);
      }
    }
    await studio.screenshot(path.join(screenshots, 'dataset-doctor.png'));

    // Filter by kind: only truncated files (one in train, one in test).
    await dataset.kindFilter.selectOption('truncated');
    await expect(dataset.problems).toHaveCount(2);
    for (const kind of await dataset.problems.evaluateAll((items) =>
      items.map((item) => item.getAttribute('data-kind')),
    )) {
      expect(kind).toBe('truncated');
    }
    await dataset.kindFilter.selectOption('all');

    // Show in folder: the web shell cannot open a file manager, so it says where the file is.
    const pngNamed = path.join(root, 'train', 'ants', 'png-named.jpg');
    await page.getByRole('button', { name: `Show ${pngNamed} in its folder` }).click();
    await expect(page.getByTestId('file-notice')).toHaveText(
      `png-named.jpg is in ${path.dirname(pngNamed)}`,
    );

    // Leave the PNG named .jpg out; it stays out after a rescan.
    await page.getByRole('button', { name: `Leave out ${pngNamed}` }).click();
    await expect(page.getByText('1 file left out by you')).toBeVisible({ timeout: 60_000 });
    await dataset.rescanButton.click();
    await expect(dataset.rescanButton).toBeEnabled({ timeout: 60_000 });
    await expect(page.getByText('1 file left out by you')).toBeVisible();
    await page.getByText('1 file left out by you').click();
    await expect(dataset.excludedFiles).toContainText('png-named.jpg');

    // The browser of the first class shows problem badges and what was left out.
    await dataset.browse('ants');
    await expect(dataset.gridCell('png-named.jpg')).toContainText('left out');
    // Put it back from the browser (the doctor checks it again), then leave it out again.
    await dataset.browser.getByRole('button', { name: 'Put back png-named.jpg' }).click();
    await expect(dataset.gridCell('png-named.jpg')).not.toContainText('left out', {
      timeout: 60_000,
    });
    await expect(dataset.gridCell('png-named.jpg')).toContainText('extension mismatch');
    await dataset.browser.getByRole('button', { name: 'Leave out png-named.jpg' }).click();
    await expect(dataset.gridCell('png-named.jpg')).toContainText('left out', { timeout: 60_000 });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(screenshots, 'dataset-browser.png') });
    await page.keyboard.press('Escape');
    await expect(dataset.browser).toBeHidden();

    // A second folder with a big class, browsed in the virtualized grid. (Exclusions belong
    // to a set of folders, so this new set starts without the one above.)
    await dataset.addFolder(more);
    await expect(dataset.classCards).toHaveCount(3, { timeout: 120_000 });
    await dataset.browse('wasps');
    await expect(dataset.browser.getByTestId('image-browser-total')).toContainText(
      `${WASPS} files`,
    );
    await expect(dataset.gridCell('wasp-000.jpg')).toBeVisible();
    const rendered = await dataset.gridCells.count();
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(WASPS / 2);
    await expect(dataset.gridCell('wasp-000.jpg').locator('img')).toHaveJSProperty(
      'complete',
      true,
    );
    // Focus starts on the first file (not on ×): Space, as the dialog says, leaves it out and
    // the browser stays open; Space again puts it back.
    await expect(dataset.grid).toBeFocused();
    await expect(dataset.grid).toHaveAttribute('aria-activedescendant', 'browse-cell-0');
    await expect(dataset.gridCell('wasp-000.jpg').locator('img')).toHaveAttribute(
      'alt',
      'wasp-000.jpg',
    );
    await page.keyboard.press('Space');
    await expect(dataset.browser).toBeVisible();
    await expect(dataset.gridCell('wasp-000.jpg')).toContainText('left out');
    await page.keyboard.press('Space');
    await expect(dataset.gridCell('wasp-000.jpg')).not.toContainText('left out');
    // Keyboard: to the end, and the last file is rendered (the first is not).
    await page.keyboard.press('ArrowRight');
    await expect(dataset.grid).toHaveAttribute('aria-activedescendant', 'browse-cell-1');
    await page.keyboard.press('End');
    await expect(dataset.gridCell(`wasp-${WASPS - 1}.jpg`)).toBeVisible();
    await expect(dataset.gridCell('wasp-000.jpg')).toHaveCount(0);
    // Scrolling by wheel/scrollbar reaches the middle.
    await dataset.grid.evaluate((grid) => {
      grid.scrollTop = grid.scrollHeight / 2 - grid.clientHeight / 2;
    });
    await expect(dataset.gridCell('wasp-150.jpg')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dataset.browser).toBeHidden();

    // The second folder vanishes; the rescan says so and keeps the first one.
    await rm(more, { recursive: true, force: true });
    await dataset.rescanButton.click();
    await expect(dataset.rescanButton).toBeEnabled({ timeout: 60_000 });
    await dataset.showAllProblems();
    const vanished = dataset.problemsFor(more);
    await expect(vanished.and(page.locator('[data-kind="vanished"]'))).toHaveCount(1);
    await expect(vanished).toContainText('no longer exists');
    await expect(dataset.classCards).toHaveCount(2);
    await expect(dataset.folders).toContainText(root);
  });

  test('cancels a scan of 20k files from the UI and keeps the dataset it had', async ({ page }) => {
    test.setTimeout(5 * 60_000);
    const small = path.join(work, 'small');
    await writeClasses(small, { cats: 12, dogs: 12 });
    const big = path.join(work, 'big');
    const seed = await writeJpeg(path.join(work, 'seed.jpg'), 40, 40);
    for (const className of ['left', 'right']) {
      await mkdir(path.join(big, className), { recursive: true });
      for (let index = 0; index < BIG_FILES / 2; index += 1) {
        await copyFile(seed, path.join(big, className, `copy-${index}.jpg`));
      }
    }

    const studio = new StudioPage(page);
    const dataset = new DatasetPage(page);
    await studio.open(studioUrl());
    await dataset.addFolder(small);
    await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });

    await dataset.addFolder(big);
    await expect(dataset.scanProgress).toBeVisible();
    // Checking counts against the total of both folders (20k + the small one).
    await expect(dataset.scanProgress).toContainText(/Checking images[\d,]+ of 20,0\d\d files/, {
      timeout: 60_000,
    });
    await expect(dataset.scanProgress.getByTestId('scan-rate')).toContainText(/\d+ files\/s/);
    await expect(dataset.scanProgress.getByTestId('scan-eta')).toContainText(/left/);
    await expect(dataset.scanProgress.getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      /\d+/,
    );

    // The socket keeps answering while the scan runs: the Model tab loads its catalog.
    await studio.goTo('Model');
    await expect(page.getByText(/MobileNet v1 0\.25/).first()).toBeVisible();
    await studio.goTo('Dataset');
    await expect(dataset.scanProgress).toBeVisible();

    // Cancel with the keyboard.
    await dataset.cancelScanButton.focus();
    await page.keyboard.press('Enter');
    await expect(dataset.notice).toBeVisible({ timeout: 30_000 });
    await expect(dataset.scanProgress).toBeHidden();
    await expect(dataset.classCards).toHaveCount(2);
    await expect(dataset.classCard('cats')).toBeVisible();
    await expect(dataset.folders).not.toContainText(big);
    await expect(dataset.error).toHaveCount(0);
  });
});
