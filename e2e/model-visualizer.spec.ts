/**
 * The Model screen in Chromium against the built web shell: the block diagrams of both fixture
 * models with their totals, presets, per-block switches, the "freeze everything below here"
 * handle driven by keyboard and mouse, the BatchNorm policy, advanced mode, importing a model
 * folder (the Teachable Machine export, by the catalog's folder name and under a name of the
 * user's, with another feature layer and broken folders), the licences on the catalog cards,
 * and a download from a local mirror with progress, cancel and retry. Saves
 * docs/screenshots/model-v1.png and model-v2.png.
 */
import { expect, test, type Page } from '@playwright/test';
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startModelServer, type ModelServer } from '../main/services/models/download/test-server';
import { fixtureModelsDir, hymenopteraTrainDir, screenshotsDir } from './fixtures-path';
import { DatasetPage } from './pages/dataset-page';
import { ModelPage } from './pages/model-page';
import { StudioPage } from './pages/studio-page';
import { startBuiltWebShell, type RunningWebShell } from './web-shell-process';

const screenshots = screenshotsDir;
const teachableMachineDir = path.join(fixtureModelsDir, 'teachable_machine_mobilenet_v2_0.35');

let server: ModelServer;
let shell: RunningWebShell;
let dataDir: string;

test.beforeAll(async () => {
  server = await startModelServer();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'transfer-studio-model-e2e-'));
  // Its own shell: fixture models on disk, and a mirror on loopback for downloads (slow route,
  // so the progress bar and Cancel can be seen).
  shell = await startBuiltWebShell({
    ...process.env,
    TRANSFER_STUDIO_DATA: dataDir,
    TRANSFER_STUDIO_MODELS: fixtureModelsDir,
    TRANSFER_STUDIO_MODEL_MIRROR: `${server.url}/slow/`,
    PORT: '',
  });
});

test.afterAll(async () => {
  await shell?.stop();
  await server?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function openModelTab(page: Page, withDataset: boolean): Promise<ModelPage> {
  const studio = new StudioPage(page);
  await studio.open(shell.url);
  if (withDataset) {
    const dataset = new DatasetPage(page);
    await dataset.addFolder(hymenopteraTrainDir);
    await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });
  }
  await studio.goTo('Model');
  return new ModelPage(page);
}

test('MobileNet v1 0.25: block diagram, live totals, presets, handle, BatchNorm policy', async ({
  page,
}) => {
  test.setTimeout(5 * 60_000);
  const model = await openModelTab(page, true);
  await model.choose(/MobileNet v1 0\.25/);
  await expect(page.getByTestId('model-params')).toHaveText('218,544');
  await expect(page.getByTestId('model-macs')).toHaveText('40.8 M MACs');
  // Input, conv1 and the 13 depthwise + pointwise pairs, under the new head.
  await expect(model.blocks).toHaveCount(15);
  await expect(model.block('conv_dw_7 + conv_pw_7')).toContainText('Depthwise + pointwise');
  await expect(model.head).toContainText('2 classes');

  // Feature extractor: only the head trains (256 x 2 + 2).
  await expect(model.preset(/Feature extractor/)).toHaveAttribute('aria-checked', 'true');
  await expect(model.trainable).toHaveText('514');
  await expect(model.freezeSummary).toContainText('frozen');
  await model.waitForCalibration();
  await expect(page.getByTestId('calibration-backend')).not.toBeEmpty();

  // Train everything, then back: the totals follow at once.
  await model.preset(/Train everything/).click();
  await expect(model.trainable).toHaveText('213,586');
  await expect(model.backwardShare).toHaveText('100.0%');
  await model.preset(/Feature extractor/).click();
  await expect(model.trainable).toHaveText('514');

  // The handle, by keyboard: two steps down = the top two blocks train.
  await model.handle.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(model.handle).toHaveAttribute('aria-valuetext', '2 top blocks train');
  expect(await model.trainingBlocks()).toEqual([
    'conv_dw_13 + conv_pw_13',
    'conv_dw_12 + conv_pw_12',
  ]);
  await expect(model.trainable).toHaveText('104,066');
  await expect(model.preset(/Fine-tune the top 2/)).toHaveAttribute('aria-checked', 'true');

  // A block switch by keyboard: conv_dw_5 + conv_pw_5 joins; the plan becomes custom.
  await model.blockSwitch('conv_dw_5 + conv_pw_5').focus();
  await page.keyboard.press('Space');
  await expect(model.block('conv_dw_5 + conv_pw_5')).toHaveAttribute('data-state', 'trains');
  await expect(model.handle).toContainText('custom plan');
  // Blocks above the lowest trained one need a backward pass even when frozen.
  await expect(model.block('conv_dw_9 + conv_pw_9')).toHaveAttribute('data-backward', 'true');
  await expect(model.block('conv_dw_4 + conv_pw_4')).toHaveAttribute('data-backward', 'false');

  // The handle, by mouse: click the gap above the top block = feature extractor again.
  await model.preset(/Fine-tune the top 2/).click();
  await model.handle.dragTo(model.head, { targetPosition: { x: 20, y: 60 } });
  await expect(model.trainable).toHaveText('514');

  // BatchNorm that adapts trains every BN layer: the backward pass reaches the first one.
  await model.preset(/Fine-tune the top 2/).click();
  const before = Number((await model.backwardShare.textContent())?.replace('%', ''));
  await page.getByRole('radio', { name: /Let BatchNorm adapt/ }).check();
  await expect
    .poll(async () => Number((await model.backwardShare.textContent())?.replace('%', '')))
    .toBeGreaterThan(90);
  expect(before).toBeLessThan(20);
  await page.getByRole('radio', { name: /Keep the learned statistics/ }).check();

  await model.preset(/Fine-tune the top 2/).click();
  await page.getByRole('button', { name: 'Fine-tune one block more' }).click();
  await expect(model.handle).toHaveAttribute('aria-valuetext', '3 top blocks train');
  await new StudioPage(page).screenshot(path.join(screenshots, 'model-v1.png'));
});

/** Centre of the gap where the handle would sit with `frozen` blocks below it. */
async function gapCentre(page: Page, frozen: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator(`[data-gap="${frozen}"]`).boundingBox())!;
  return { x: box.x + 40, y: box.y + box.height / 2 };
}

test('the freeze handle follows a mouse drag and a touch drag across the whole network', async ({
  page,
}) => {
  test.setTimeout(3 * 60_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  const model = await openModelTab(page, false);
  await model.choose(/MobileNet v1 0\.25/);
  await expect(model.handle).toHaveAttribute('aria-valuenow', '14');

  // Mouse: four blocks down in one drag (the handle is re-rendered at every gap it passes).
  await model.handle.evaluate((handle) => handle.scrollIntoView({ block: 'center' }));
  const start = (await model.handle.boundingBox())!;
  await page.mouse.move(start.x + 40, start.y + start.height / 2);
  await page.mouse.down();
  const four = await gapCentre(page, 10);
  await page.mouse.move(four.x, four.y, { steps: 12 });
  await expect(model.handle).toHaveAttribute('aria-valuenow', '10');
  // Held at the bottom edge of the window, the screen scrolls down to the input.
  await page.mouse.move(four.x, 795, { steps: 6 });
  await expect(model.handle).toHaveAttribute('aria-valuenow', '0');
  await page.mouse.up();
  await expect(model.handle).toHaveAttribute('aria-valuetext', '14 top blocks train');

  // The keyboard passes the 14 block switches in one step to the plan's presets.
  const skip = page.getByRole('button', { name: 'Skip the blocks to the freeze plan' });
  await skip.focus();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(
    page.getByRole('radiogroup', { name: 'Presets' }).locator('[role="radio"]:focus'),
  ).toHaveCount(1);

  // Touch (Chromium's own touch events, which become pointer events of type "touch").
  const cdp = await page.context().newCDPSession(page);
  await model.handle.evaluate((handle) => handle.scrollIntoView({ block: 'center' }));
  const handleBox = (await model.handle.boundingBox())!;
  const from = { x: handleBox.x + 40, y: handleBox.y + handleBox.height / 2 };
  const to = await gapCentre(page, 3);
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', point?: { x: number; y: number }) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: point ? [{ x: point.x, y: point.y }] : [],
    });
  await touch('touchStart', from);
  for (let step = 1; step <= 10; step++)
    await touch('touchMove', { x: from.x, y: from.y + ((to.y - from.y) * step) / 10 });
  await touch('touchEnd');
  await expect(model.handle).toHaveAttribute('aria-valuenow', '3');
  await expect(model.handle).toHaveAttribute('aria-valuetext', '11 top blocks train');
});

test('Teachable Machine export imported from its folder: inverted residual blocks, advanced mode', async ({
  page,
}) => {
  test.setTimeout(5 * 60_000);
  const model = await openModelTab(page, false);
  await model.importFolder(teachableMachineDir);
  await expect(page.getByTestId('model-params')).toHaveText('410,208');
  await expect(page.getByTestId('model-macs')).toHaveText('58.0 M MACs');
  // Input, Conv1, expanded_conv, block_1 … block_16, Conv_1.
  await expect(model.blocks).toHaveCount(20);
  await expect(model.block('block_4')).toContainText('Inverted residual');
  await expect(model.block('block_4')).toContainText('skip');
  await expect(model.block('block_3')).not.toContainText('skip');
  await expect(page.getByLabel('Feature layer (where the base is cut)')).toHaveValue('out_relu');
  await expect(model.trainable).toHaveText('2,562');

  await model.preset(/Train everything/).click();
  await expect(model.trainable).toHaveText('398,690');

  // Advanced mode: single layers, but a residual block is not split unless the user insists.
  await model.preset(/Feature extractor/).click();
  await page.getByLabel('Advanced: toggle single layers').check();
  await page.getByRole('button', { name: 'Show the 9 layers of block_4' }).click();
  const project = page.getByRole('switch', { name: 'Train layer block_4_project', exact: true });
  await expect(project).toBeDisabled();
  await page.getByLabel('Allow splitting residual blocks').check();
  await project.check();
  await expect(model.block('block_4')).toHaveAttribute('data-state', 'partial');
  await page.getByLabel('Allow splitting residual blocks').uncheck();
  await expect(page.getByText(/residual block block_4 would be split/)).toBeVisible();
  await page.getByLabel('Allow splitting residual blocks').check();
  await page.getByRole('button', { name: 'Hide the 9 layers of block_4' }).click();
  await page.getByLabel('Advanced: toggle single layers').uncheck();

  await model.waitForCalibration();
  await model.preset(/Fine-tune the top 2/).click();
  await page.getByRole('button', { name: 'Fine-tune one block more' }).click();
  await expect(model.handle).toHaveAttribute('aria-valuetext', '3 top blocks train');
  await new StudioPage(page).screenshot(path.join(screenshots, 'model-v2.png'));
});

test('imports a model folder by path: proposed feature layer, another layer, broken folders refused', async ({
  page,
}) => {
  test.setTimeout(5 * 60_000);
  // The Teachable Machine export under a name of the user's (links to the fixture's files), so
  // the studio proposes the feature layer itself rather than taking the catalog's.
  const importDir = await mkdtemp(path.join(os.tmpdir(), 'transfer-studio-import-e2e-'));
  const exportDir = path.join(importDir, 'my-teachable-machine-model');
  const notAModel = path.join(importDir, 'holiday photos');
  const shardMissing = path.join(importDir, 'copied-without-weights');
  await Promise.all([mkdir(exportDir), mkdir(notAModel), mkdir(shardMissing)]);
  for (const name of await readdir(teachableMachineDir)) {
    await symlink(path.join(teachableMachineDir, name), path.join(exportDir, name));
  }
  await writeFile(path.join(notAModel, 'notes.txt'), 'not a model');
  await copyFile(
    path.join(teachableMachineDir, 'model.json'),
    path.join(shardMissing, 'model.json'),
  );
  try {
    const model = await openModelTab(page, false);
    await expect(model.catalogLicense(/MobileNet v1 0\.25/)).toHaveText(
      'License: Apache-2.0 (Google, tensorflow/models MobileNet weights)',
    );
    await expect(model.catalogLicense(/MobileNetV2 0\.35/)).toContainText('License: Apache-2.0');

    await model.importFolder(exportDir);
    await expect(page.getByTestId('model-params')).toHaveText('410,208');
    await expect(model.featureLayer).toHaveValue('out_relu');
    await expect(model.featureLayer.locator('option:checked')).toHaveText('out_relu (recommended)');
    await expect(page.getByText('Proposed: the last layer before pooling.')).toBeVisible();
    await expect(model.blocks).toHaveCount(20);
    await expect(model.trainable).toHaveText('2,562');

    // A layer lower down: the base ends at block_15, so block_16 and Conv_1 leave the diagram
    // and the head sits on 56 channels (56 x 2 + 2 trainable).
    await model.featureLayer.selectOption('block_15_add');
    await expect(page.getByTestId('model-params')).toHaveText('199,120');
    await expect(page.getByTestId('model-macs')).toHaveText('48.1 M MACs');
    await expect(model.blocks).toHaveCount(18);
    await expect(model.block('block_15')).toBeVisible();
    await expect(model.block('block_16')).toHaveCount(0);
    await expect(model.trainable).toHaveText('114');
    await expect(page.getByText('A layer lower in the network')).toBeVisible();
    await model.preset(/Train everything/).click();
    await expect(model.trainable).toHaveText('189,282');

    // Back to the proposal.
    await model.featureLayer.selectOption('out_relu');
    await expect(model.blocks).toHaveCount(20);
    await expect(page.getByTestId('model-params')).toHaveText('410,208');

    // Broken folders: refused with what went wrong and what to do.
    await model.importFolder(notAModel);
    await expect(model.modelError).toContainText(`${notAModel} holds no model.json`);
    await expect(model.modelError).toContainText('Choose the folder of a TF.js layers model');
    await expect(model.blocks).toHaveCount(0);
    await model.importFolder(shardMissing);
    await expect(model.modelError).toContainText(
      `The weight file weights.bin listed in ${path.join(shardMissing, 'model.json')} is missing`,
    );
    await expect(model.modelError).toContainText('Copy the whole model folder again');
  } finally {
    await rm(importDir, { recursive: true, force: true });
  }
});

test('downloads a catalog model from a mirror with progress; cancel leaves nothing, retry completes', async ({
  page,
}) => {
  test.setTimeout(5 * 60_000);
  // A second shell whose only models folder is its own cache, so v1 0.25 must be downloaded.
  const emptyData = await mkdtemp(path.join(os.tmpdir(), 'transfer-studio-download-e2e-'));
  const downloading = await startBuiltWebShell({
    ...process.env,
    TRANSFER_STUDIO_DATA: emptyData,
    TRANSFER_STUDIO_MODELS: '',
    TRANSFER_STUDIO_MODEL_MIRROR: `${server.url}/slow/`,
    PORT: '',
  });
  try {
    const studio = new StudioPage(page);
    await studio.open(downloading.url);
    await studio.goTo('Model');
    const model = new ModelPage(page);
    const download = page.getByRole('button', { name: /Download MobileNet v1 0\.25/ });
    await download.click();
    const progress = page.getByRole('progressbar', { name: /Downloading MobileNet v1 0\.25/ });
    await expect
      .poll(async () => Number((await progress.getAttribute('aria-valuenow')) ?? 0))
      .toBeGreaterThan(5);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'cancelled' })).toBeVisible();
    expect(
      (await readdir(path.join(emptyData, 'models'))).filter((n) => !n.startsWith('.')),
    ).toEqual([]);

    await page.getByRole('button', { name: /Download MobileNet v1 0\.25/ }).click();
    await expect(model.catalogItem(/MobileNet v1 0\.25/)).toBeEnabled({ timeout: 120_000 });
    await expect(page.getByText('Downloaded')).toBeVisible();
    expect(await readdir(path.join(emptyData, 'models'))).toEqual(['mobilenet_v1_0.25_224']);
    await model.choose(/MobileNet v1 0\.25/);
    await expect(model.blocks).toHaveCount(15);
  } finally {
    await downloading.stop();
    await rm(emptyData, { recursive: true, force: true });
  }
});

test('a download without a network says why inside its card, address and folder whole', async ({
  page,
}) => {
  test.setTimeout(3 * 60_000);
  const offlineData = await mkdtemp(path.join(os.tmpdir(), 'transfer-studio-offline-e2e-'));
  // Nothing listens on port 9 of loopback: the download fails as it does offline.
  const offline = await startBuiltWebShell({
    ...process.env,
    TRANSFER_STUDIO_DATA: offlineData,
    TRANSFER_STUDIO_MODELS: fixtureModelsDir,
    TRANSFER_STUDIO_MODEL_MIRROR: 'http://127.0.0.1:9/a/rather/long/mirror/path/for/models/',
    PORT: '',
  });
  try {
    await page.setViewportSize({ width: 900, height: 800 });
    const studio = new StudioPage(page);
    await studio.open(offline.url);
    await studio.goTo('Model');
    await page.getByRole('button', { name: /^Show \d+ more models/ }).click();
    await page
      .getByRole('button', { name: /^Download / })
      .first()
      .click();
    const error = page.locator('.catalog-error').first();
    await expect(error).toBeVisible({ timeout: 60_000 });
    await expect(error).toContainText('failed');
    // The address to download by hand and the folder to put it in, both whole.
    await expect(error).toContainText('https://storage.googleapis.com/');
    await expect(error).toContainText(path.join(offlineData, 'models'));
    const card = page.locator('.catalog-item-wrap', { has: error });
    const [errorBox, cardBox] = [(await error.boundingBox())!, (await card.boundingBox())!];
    expect(errorBox.x + errorBox.width).toBeLessThanOrEqual(cardBox.x + cardBox.width);
    expect(await error.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    expect(await card.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'model-offline-900.png') });
  } finally {
    await offline.stop();
    await rm(offlineData, { recursive: true, force: true });
  }
});
