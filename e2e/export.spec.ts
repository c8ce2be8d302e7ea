/**
 * Export from the UI, then use the export the way a web developer would: train MobileNet v1 0.25
 * on ants vs bees, export TF.js (with its ZIP) and watch the proof run, answer the overwrite
 * question both ways, export ONNX; then open a separate page in the same Chromium, load the
 * exported folder with the web page its README gives (a fresh copy of plain @tensorflow/tfjs, the
 * labels from metadata.json as ml5 reads them) and check that it predicts the studio's label on
 * a real image.
 *
 * The check page is served entirely by page.route from disk under its own made-up origin, so the
 * app's server, token and Content-Security-Policy are untouched.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { fixturesDir, repoRoot, screenshotsDir } from './fixtures-path';
import { DatasetPage } from './pages/dataset-page';
import { ExportPage } from './pages/export-page';
import { ModelPage } from './pages/model-page';
import { StudioPage } from './pages/studio-page';
import { TrainPage } from './pages/train-page';
import { studioEnv } from './studio-env';

const CHECK_ORIGIN = 'https://export-check.test';
const hymenopteraDir = path.join(fixturesDir, 'datasets', 'hymenoptera_data');

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
  const runsDir = path.join(studioEnv('STUDIO_DATA_DIR'), 'runs');
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

/**
 * Serves the web page from the export's README (the CDN script swapped for the local tf.min.js:
 * the test has no internet), the export folder's files, and photo.jpg.
 */
async function serveReadmePage(page: Page, exportDir: string, image: string): Promise<void> {
  const readme = await readFile(path.join(exportDir, 'README.md'), 'utf8');
  const html = /```html\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!html) throw new Error('the README has no html block');
  const cdn = 'https://cdn.jsdelivr.net/npm/@tensorflow/tfjs@4/dist/tf.min.js';
  expect(html).toContain(cdn);
  const tfjs = path.join(repoRoot, 'node_modules/@tensorflow/tfjs/dist/tf.min.js');
  await page.route(`${CHECK_ORIGIN}/**`, async (route) => {
    const name = path.basename(new URL(route.request().url()).pathname);
    if (name === '') {
      await route.fulfill({ contentType: 'text/html', body: html.replace(cdn, '/tf.min.js') });
      return;
    }
    const file =
      name === 'tf.min.js' ? tfjs : name === 'photo.jpg' ? image : path.join(exportDir, name);
    const body = await readFile(file).catch(() => undefined);
    await route.fulfill(
      body
        ? { body, contentType: contentTypes[path.extname(file)] ?? 'application/octet-stream' }
        : { status: 404, body: 'not found' },
    );
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
    await studio.open(studioEnv('STUDIO_URL'));
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
    // The proof's difference in percent a person reads (0.01% allowed), not "0.00e+0".
    await expect(exporter.maxDiff).toHaveText(/^(none|less than 0\.001%|0\.00\d+%)$/);
    await expect(page.getByTestId('export-changed')).toHaveText('0 of 153');
    await expect(exporter.readmePath).toHaveText(path.join(tfjsDir, 'README.md'));
    await expect(page.getByTestId('export-zip')).toContainText(`${tfjsDir}.zip`);
    for (const name of ['model.json', 'weights.bin', 'metadata.json', 'README.md']) {
      await expect(exporter.files.filter({ hasText: name })).toHaveCount(1);
    }
    expect((await stat(`${tfjsDir}.zip`)).size).toBeGreaterThan(100_000);
    await studio.screenshot(path.join(screenshotsDir, 'export-proof.png'));

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

    // ONNX with the folder field left empty: the default folder, shown before the click.
    await exporter.chooseFormat('ONNX');
    await expect(exporter.format('ONNX')).toBeChecked();
    await exporter.zipToggle.uncheck();
    await exporter.folderField.fill('');
    const exportsDir = path.join(studioEnv('STUDIO_DATA_DIR'), 'exports');
    await expect(exporter.target).toHaveText(new RegExp(`^${exportsDir}/.+-onnx$`));
    const onnxDir = (await exporter.target.textContent())!;
    await exporter.startExport();
    await expect(exporter.summary).toContainText('ONNX export', { timeout: 180_000 });
    await expect(exporter.verdict).toHaveText('Proof passed');
    await expect(page.getByTestId('export-folder')).toHaveText(onnxDir);
    await expect(exporter.files.filter({ hasText: 'model.onnx' })).toHaveCount(1);
    expect((await stat(path.join(onnxDir, 'model.onnx'))).size).toBeGreaterThan(100_000);

    // ...and downloaded by the browser as a ZIP (through the token-guarded server).
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      exporter.downloadButton.click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${path.basename(onnxDir)}.zip`);
    const zip = await readFile((await download.path())!);
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
    for (const name of ['model.onnx', 'labels.json', 'README.md', 'export-manifest.json'])
      expect(zip.includes(`${path.basename(onnxDir)}/${name}`)).toBe(true);

    // The web page in the export's README, in the same Chromium with a fresh tfjs, loads the
    // TF.js export and predicts the studio's label on a real image.
    const evaluation = await studioEvaluation(tfjsDir);
    const item = evaluation.items.find(
      (candidate) => /\.jpe?g$/i.test(candidate.path) && Math.max(...candidate.probabilities) > 0.9,
    );
    expect(item, 'a validation image the studio is confident about').toBeDefined();
    const checkPage = await context.newPage();
    await serveReadmePage(checkPage, tfjsDir, item!.path);
    // The README's page prints "label<TAB>probability" lines, best first.
    const result = checkPage.locator('#result');
    await expect(result).toHaveText(/\t/, { timeout: 120_000 });
    const [topLabel] = ((await result.textContent()) ?? '').split('\n')[0]!.split('\t');
    const studioLabel = evaluation.labels[item!.predicted];
    expect(topLabel).toBe(studioLabel);

    // The same tfjs, fed the pixels the studio decoded (sharp, cover, x / 127.5 - 1, at the size
    // the run chose: 'auto' gives these ~370-px photos 352 px), gives the studio's probabilities.
    const exported = JSON.parse(await readFile(path.join(tfjsDir, 'metadata.json'), 'utf8'));
    const size: number = exported.imageSize;
    expect(size).toBe(352);
    const { data } = await sharp(item!.path)
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .resize(size, size, { fit: 'cover' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const browser = await checkPage.evaluate(
      async ({ pixels, size: side }) => {
        const tf = (window as unknown as { tf: typeof import('@tensorflow/tfjs') }).tf;
        const model = await tf.loadLayersModel('model.json');
        const output = tf.tidy(() =>
          model.predict(tf.tensor4d(pixels, [1, side, side, 3])),
        ) as import('@tensorflow/tfjs').Tensor;
        const metadata = await (await fetch('metadata.json')).json();
        return {
          backend: tf.getBackend(),
          labels: metadata.labels as string[],
          imageSize: metadata.imageSize as number,
          probabilities: Array.from(await output.data()),
        };
      },
      { pixels: Array.from(data, (v) => v / 127.5 - 1), size },
    );
    console.info(`fresh tfjs in Chromium ran on the ${browser.backend} backend`);
    expect(browser.labels).toEqual(evaluation.labels);
    expect(browser.imageSize).toBe(size);
    for (const [index, probability] of browser.probabilities.entries()) {
      expect(probability).toBeCloseTo(item!.probabilities[index]!, 4);
    }
    await checkPage.close();
  } finally {
    await rm(exportRoot, { recursive: true, force: true });
  }
});
