/**
 * Export from the UI, then use the export the way a web developer would: train MobileNet v1 0.25
 * on ants vs bees, export TF.js (with its ZIP) and watch the proof run, answer the overwrite
 * question both ways, export ONNX; then open a separate page in the same Chromium, load the
 * exported folder with a fresh copy of plain @tensorflow/tfjs (and the labels from metadata.json,
 * as ml5 does) and check that it predicts the studio's label on a real image.
 *
 * The check page is served entirely by page.route from disk under its own made-up origin, so the
 * app's server, token and Content-Security-Policy are untouched.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { fixturesDir, repoRoot } from './fixtures-path';
import { DatasetPage } from './pages/dataset-page';
import { ExportPage } from './pages/export-page';
import { ModelPage } from './pages/model-page';
import { StudioPage } from './pages/studio-page';
import { TrainPage } from './pages/train-page';

const CHECK_ORIGIN = 'https://export-check.test';
const hymenopteraDir = path.join(fixturesDir, 'datasets', 'hymenoptera_data');

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e through playwright.config.ts.`);
  return value;
}

interface EvaluatedItem {
  path: string;
  label: number;
  predicted: number;
  probabilities: number[];
}

/** The studio's own evaluation of the exported run (its validation predictions). */
async function studioEvaluation(
  exportDir: string,
): Promise<{ labels: string[]; items: EvaluatedItem[] }> {
  const manifest = JSON.parse(await readFile(path.join(exportDir, 'export-manifest.json'), 'utf8'));
  const runsDir = path.join(env('STUDIO_DATA_DIR'), 'runs');
  for (const name of await readdir(runsDir)) {
    const summary = JSON.parse(
      await readFile(path.join(runsDir, name, 'run.json'), 'utf8').catch(() => '{}'),
    );
    if (summary.id === manifest.source.runId) {
      return JSON.parse(await readFile(path.join(runsDir, name, 'evaluation.json'), 'utf8'));
    }
  }
  throw new Error(`run ${manifest.source.runId} not found in ${runsDir}`);
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.bin': 'application/octet-stream',
};

/** Serves the check page: tf.min.js from node_modules, the export folder, one image. */
async function serveCheckPage(page: Page, exportDir: string, image: string): Promise<void> {
  const files: Record<string, string> = {
    '/tf.min.js': path.join(repoRoot, 'node_modules/@tensorflow/tfjs/dist/tf.min.js'),
    '/image.jpg': image,
  };
  await page.route(`${CHECK_ORIGIN}/**`, async (route) => {
    const { pathname } = new URL(route.request().url());
    if (pathname === '/') {
      await route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><title>export check</title><script src="/tf.min.js"></script>',
      });
      return;
    }
    const file = pathname.startsWith('/model/')
      ? path.join(exportDir, path.basename(pathname))
      : files[pathname];
    if (!file) {
      await route.fulfill({ status: 404, body: 'not found' });
      return;
    }
    await route.fulfill({
      body: await readFile(file),
      contentType: contentTypes[path.extname(file)] ?? 'application/octet-stream',
    });
  });
  await page.goto(`${CHECK_ORIGIN}/`);
}

test('exports TF.js and ONNX from the UI; a fresh tfjs in Chromium predicts the studio label', async ({
  page,
  context,
}) => {
  test.setTimeout(12 * 60_000);
  const exportRoot = await mkdtemp(path.join(os.tmpdir(), 'transfer-studio-export-e2e-'));
  try {
    const studio = new StudioPage(page);
    const dataset = new DatasetPage(page);
    const model = new ModelPage(page);
    const train = new TrainPage(page);
    const exporter = new ExportPage(page);

    // Train on the fixture's own train/val folders, so the proof runs its 153 validation images.
    await studio.open(env('STUDIO_URL'));
    await dataset.addFolder(hymenopteraDir);
    await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });
    await studio.goTo('Model');
    await model.choose(/MobileNet v1 0\.25/);
    await studio.goTo('Train');
    await train.field('epochs').fill('2');
    await train.field('learningRate').fill('0.01');
    await train.startButton.click();
    await expect(train.status).toHaveText('Finished', { timeout: 8 * 60_000 });

    // TF.js with a ZIP: progress while the proof runs, then the proof's numbers.
    await studio.goTo('Export');
    await expect(exporter.format('TensorFlow.js')).toBeChecked();
    await exporter.zipToggle.check();
    const tfjsDir = path.join(exportRoot, 'ants-vs-bees');
    await exporter.exportTo(tfjsDir);
    await expect(exporter.progress).toBeVisible();
    await expect(exporter.verdict).toHaveText('Proof passed', { timeout: 180_000 });
    await expect(exporter.progress).toBeHidden();
    expect(Number(await exporter.maxDiff.textContent())).toBeLessThanOrEqual(1e-4);
    await expect(page.getByTestId('export-changed')).toHaveText('0 of 153');
    await expect(exporter.readmePath).toHaveText(path.join(tfjsDir, 'README.md'));
    await expect(page.getByTestId('export-zip')).toContainText(`${tfjsDir}.zip`);
    for (const name of ['model.json', 'weights.bin', 'metadata.json', 'README.md']) {
      await expect(exporter.files.filter({ hasText: name })).toHaveCount(1);
    }
    expect((await stat(`${tfjsDir}.zip`)).size).toBeGreaterThan(100_000);
    await studio.screenshot(path.join(repoRoot, 'docs', 'screenshots', 'export-proof.png'));

    // The same folder again: the studio asks; "Keep it" leaves the export alone.
    const firstManifest = await readFile(path.join(tfjsDir, 'export-manifest.json'), 'utf8');
    await exporter.startExport();
    await expect(exporter.overwriteDialog).toBeVisible();
    await expect(exporter.overwriteDialog).toContainText(`${tfjsDir} already holds an export`);
    await exporter.overwriteDialog.getByRole('button', { name: 'Keep it' }).click();
    await expect(exporter.overwriteDialog).toBeHidden();
    expect(await readFile(path.join(tfjsDir, 'export-manifest.json'), 'utf8')).toBe(firstManifest);
    // ...and "Replace" exports again, proven again.
    await exporter.startExport();
    await exporter.overwriteDialog.getByRole('button', { name: 'Replace' }).click();
    await expect(exporter.verdict).toHaveText('Proof passed', { timeout: 180_000 });
    expect(await readFile(path.join(tfjsDir, 'export-manifest.json'), 'utf8')).not.toBe(
      firstManifest,
    );

    // ONNX into another folder.
    await exporter.chooseFormat('ONNX');
    await expect(exporter.format('ONNX')).toBeChecked();
    await exporter.zipToggle.uncheck();
    const onnxDir = path.join(exportRoot, 'ants-vs-bees-onnx');
    await exporter.exportTo(onnxDir);
    await expect(exporter.summary).toContainText('ONNX export', { timeout: 180_000 });
    await expect(exporter.verdict).toHaveText('Proof passed');
    await expect(exporter.files.filter({ hasText: 'model.onnx' })).toHaveCount(1);

    // A fresh tfjs in the same Chromium loads the TF.js export and predicts the studio's label.
    const evaluation = await studioEvaluation(tfjsDir);
    const item = evaluation.items.find(
      (candidate) => /\.jpe?g$/i.test(candidate.path) && Math.max(...candidate.probabilities) > 0.9,
    );
    expect(item, 'a validation image the studio is confident about').toBeDefined();
    const checkPage = await context.newPage();
    await serveCheckPage(checkPage, tfjsDir, item!.path);
    // The same pixels the studio decoded (sharp, cover, x / 127.5 - 1), for a numeric check.
    const { data } = await sharp(item!.path)
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .resize(224, 224, { fit: 'cover' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const studioPixels = Array.from(data, (v) => v / 127.5 - 1);
    const browser = await checkPage.evaluate(async (pixels) => {
      const tf = (window as unknown as { tf: typeof import('@tensorflow/tfjs') }).tf;
      await tf.ready();
      // As ml5 and Teachable Machine's loader do: model.json, and labels from metadata.json.
      const model = await tf.loadLayersModel('/model/model.json');
      const metadata = await (await fetch('/model/metadata.json')).json();
      const image = new Image();
      image.src = '/image.jpg';
      await image.decode();
      // The browser's own decoding: cover-crop to 224 x 224 on a canvas.
      const canvas = document.createElement('canvas');
      canvas.width = 224;
      canvas.height = 224;
      const context2d = canvas.getContext('2d')!;
      context2d.imageSmoothingQuality = 'high';
      const scale = Math.max(224 / image.naturalWidth, 224 / image.naturalHeight);
      const width = image.naturalWidth * scale;
      const height = image.naturalHeight * scale;
      context2d.drawImage(image, (224 - width) / 2, (224 - height) / 2, width, height);
      const fromCanvas = tf.tidy(() =>
        model.predict(tf.browser.fromPixels(canvas).toFloat().div(127.5).sub(1).expandDims(0)),
      ) as import('@tensorflow/tfjs').Tensor;
      const fromStudioPixels = tf.tidy(() =>
        model.predict(tf.tensor4d(pixels, [1, 224, 224, 3])),
      ) as import('@tensorflow/tfjs').Tensor;
      const canvasProbabilities = Array.from(await fromCanvas.data());
      return {
        backend: tf.getBackend(),
        labels: metadata.labels as string[],
        imageSize: metadata.imageSize as number,
        canvasLabel: metadata.labels[canvasProbabilities.indexOf(Math.max(...canvasProbabilities))],
        studioPixelProbabilities: Array.from(await fromStudioPixels.data()),
      };
    }, studioPixels);
    console.info(`fresh tfjs in Chromium ran on the ${browser.backend} backend`);
    expect(browser.labels).toEqual(evaluation.labels);
    expect(browser.imageSize).toBe(224);
    const studioLabel = evaluation.labels[item!.predicted];
    expect(browser.canvasLabel).toBe(studioLabel);
    for (const [index, probability] of browser.studioPixelProbabilities.entries()) {
      expect(probability).toBeCloseTo(item!.probabilities[index]!, 4);
    }
    await checkPage.close();
  } finally {
    await rm(exportRoot, { recursive: true, force: true });
  }
});
