/**
 * Evaluation, "try it" and the run history in Chromium against a web shell of its own (so it
 * can be restarted): train on the hymenoptera train folder, open the confusion matrix, click a
 * cell and check its images against evaluation.json on disk, exclude one, retrain in one click,
 * compare both runs, try the model on two photos, restart the web shell and find the history.
 */
import { expect, test, type Page } from '@playwright/test';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  fixtureModelsDir,
  fixturesDir,
  hymenopteraTrainDir,
  screenshotsDir,
} from './fixtures-path';
import { DatasetPage } from './pages/dataset-page';
import { EvaluatePage } from './pages/evaluate-page';
import { ModelPage } from './pages/model-page';
import { PreviewPage } from './pages/preview-page';
import { RunsPage } from './pages/runs-page';
import { StudioPage } from './pages/studio-page';
import { TrainPage } from './pages/train-page';
import { startBuiltWebShell, type RunningWebShell } from './web-shell-process';

const screenshots = screenshotsDir;
const valDir = path.join(fixturesDir, 'datasets', 'hymenoptera_data', 'val');

interface StoredEvaluation {
  labels: string[];
  items: { path: string; label: number; predicted: number }[];
}

let dataDir: string;
let shell: RunningWebShell | undefined;

async function startShell(): Promise<RunningWebShell> {
  return startBuiltWebShell({
    ...process.env,
    TRANSFER_STUDIO_DATA: dataDir,
    TRANSFER_STUDIO_MODELS: fixtureModelsDir,
    PORT: '',
  });
}

/** Run folders on disk with their run.json, oldest first. */
async function runsOnDisk(): Promise<{ id: string; status: string; dir: string }[]> {
  const runsDir = path.join(dataDir, 'runs');
  const names = (await readdir(runsDir).catch(() => [] as string[])).sort();
  const runs = [];
  for (const name of names) {
    try {
      const summary = JSON.parse(await readFile(path.join(runsDir, name, 'run.json'), 'utf8'));
      runs.push({
        id: summary.id as string,
        status: summary.status as string,
        dir: path.join(runsDir, name),
      });
    } catch {
      // a folder being created
    }
  }
  return runs;
}

async function completedRuns(count: number): Promise<{ id: string; dir: string }[]> {
  await expect
    .poll(async () => (await runsOnDisk()).filter((run) => run.status === 'completed').length, {
      timeout: 8 * 60_000,
      message: `waiting for ${count} completed run(s)`,
    })
    .toBe(count);
  return (await runsOnDisk()).filter((run) => run.status === 'completed');
}

async function trainFirstRun(page: Page): Promise<void> {
  const studio = new StudioPage(page);
  const dataset = new DatasetPage(page);
  const model = new ModelPage(page);
  const train = new TrainPage(page);
  await dataset.addFolder(hymenopteraTrainDir);
  await expect(dataset.classCards).toHaveCount(2, { timeout: 120_000 });
  await studio.goTo('Model');
  await model.choose(/MobileNet v1 0\.25/);
  await studio.goTo('Train');
  await train.field('epochs').fill('8');
  await train.field('learningRate').fill('0.01');
  await expect(train.startButton).toBeEnabled();
  await train.startButton.click();
  await expect(train.status).toHaveText('Finished', { timeout: 8 * 60_000 });
}

test.describe('evaluate, try it, run history', () => {
  test.beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'transfer-studio-e2e-eval-'));
  });

  test.afterAll(async () => {
    await shell?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('confusion cell, exclude, retrain, compare, try it, history after a restart', async ({
    page,
  }) => {
    test.setTimeout(20 * 60_000);
    shell = await startShell();
    const studio = new StudioPage(page);
    const evaluate = new EvaluatePage(page);
    const runs = new RunsPage(page);
    const preview = new PreviewPage(page);
    await studio.open(shell.url);
    await trainFirstRun(page);
    const [first] = await completedRuns(1);

    // Evaluate: the metrics the worker stored, shown as numbers, table, matrix and diagram.
    await evaluate.open();
    const stored = JSON.parse(
      await readFile(path.join(first!.dir, 'evaluation.json'), 'utf8'),
    ) as StoredEvaluation;
    const correct = stored.items.filter((item) => item.label === item.predicted).length;
    const savedAccuracy = `${((correct / stored.items.length) * 100).toFixed(1)}%`;
    await expect(evaluate.accuracy).toHaveText(savedAccuracy);
    // The Train screen reports the saved model (the best epoch's weights when early stopping
    // kept them), not whichever epoch happened to run last.
    await studio.goTo('Train');
    await expect(page.getByText('Validation accuracy (saved model)')).toBeVisible();
    await expect(page.getByTestId('val-accuracy')).toHaveText(savedAccuracy);
    await evaluate.open();
    await expect(evaluate.perClassRows).toHaveCount(2);
    await expect(evaluate.reliability).toBeVisible();
    await expect(evaluate.ece).toHaveText(/^\d+\.\d%$/);

    // Click a cell (a mistake when there is one) and see exactly its images.
    const cellOf = (actual: number, predicted: number) =>
      stored.items.filter((item) => item.label === actual && item.predicted === predicted);
    const [actual, predicted] = [
      [0, 1],
      [1, 0],
      [0, 0],
    ].find(([a, p]) => cellOf(a!, p!).length > 0) ?? [0, 0];
    const expected = cellOf(actual!, predicted!).map((item) => path.basename(item.path));
    await expect(evaluate.cell(actual!, predicted!)).toContainText(String(expected.length));
    await evaluate.cell(actual!, predicted!).click();
    await expect(evaluate.cell(actual!, predicted!)).toHaveAttribute('aria-pressed', 'true');
    await expect(evaluate.galleryTotal).toHaveText(String(expected.length));
    await expect(evaluate.images).toHaveCount(expected.length);
    expect((await evaluate.imageNames()).sort()).toEqual([...expected].sort());
    for (const card of await evaluate.images.all()) {
      await expect(card).toHaveAttribute('data-true', stored.labels[actual!]!);
      await expect(card).toHaveAttribute('data-predicted', stored.labels[predicted!]!);
    }
    await evaluate.expectThumbnailsLoaded();

    // Exclude the first of them from the dataset: marked, remembered on disk, retrain offered.
    const excludedName = (await evaluate.imageNames())[0]!;
    await evaluate.image(excludedName).getByRole('button', { name: 'Exclude' }).click();
    await expect(evaluate.image(excludedName)).toContainText('Excluded');
    await expect(evaluate.changesBanner).toContainText('1 image excluded');
    const exclusionFiles = await readdir(path.join(dataDir, 'datasets'));
    const exclusions = JSON.parse(
      await readFile(path.join(dataDir, 'datasets', exclusionFiles[0]!), 'utf8'),
    ) as { paths: string[] };
    expect(exclusions.paths.map((p) => path.basename(p))).toEqual([excludedName]);
    await studio.screenshot(path.join(screenshots, 'evaluate.png'));

    // Retrain in one click; the Train tab follows the new run to its end.
    await evaluate.retrainButton.click();
    await expect(studio.tab('Train')).toHaveAttribute('aria-selected', 'true');
    const both = await completedRuns(2);
    const second = both.find((run) => run.id !== first!.id)!;
    await expect(new TrainPage(page).status).toHaveText('Finished', { timeout: 60_000 });
    const secondDataset = JSON.parse(await readFile(path.join(second.dir, 'dataset.json'), 'utf8'));
    expect(secondDataset.excluded).toBe(1);

    // Compare both runs: curves overlaid, and what changed between them.
    await runs.open();
    await expect(runs.rows).toHaveCount(2);
    await runs.rename(second.id, 'Without one image');
    await expect(runs.row(second.id)).toContainText('Without one image');
    await runs.tick(first!.id);
    await runs.tick(second.id);
    await runs.compare();
    await expect(runs.comparison.getByTestId('compare-val-accuracy')).toHaveAttribute(
      'data-lines',
      '2',
    );
    await expect(runs.setting('Excluded files')).toHaveClass(/differs/);
    await expect(runs.setting('Excluded files').locator('td')).toHaveText(['0', '1']);
    await expect(runs.setting('Validation images')).toHaveClass(/differs/);
    await studio.screenshot(path.join(screenshots, 'runs-compare.png'));

    // Try it: two photos the model never saw, one per class, each with its top-k bars.
    await runs.openRun(second.id);
    await runs.detail.getByRole('button', { name: 'Try it' }).click();
    await preview.open();
    const antPhoto = path.join(
      valDir,
      'ants',
      (await readdir(path.join(valDir, 'ants'))).sort()[0]!,
    );
    const beePhoto = path.join(
      valDir,
      'bees',
      (await readdir(path.join(valDir, 'bees'))).sort()[0]!,
    );
    await expect(studio.stepTick('Try it')).toHaveCount(0);
    await preview.choose([antPhoto, beePhoto]);
    await expect(preview.predictions).toHaveCount(2);
    for (const photo of [antPhoto, beePhoto]) {
      const card = preview.prediction(path.basename(photo));
      await expect(card.getByRole('list', { name: /^Top 2 for/ }).locator('li')).toHaveCount(2, {
        timeout: 120_000,
      });
      await expect(card).toHaveAttribute('data-top', /^(ants|bees)$/);
      await expect(card.locator('img')).toBeVisible();
    }
    await expect(studio.stepTick('Try it')).toBeVisible();
    await studio.screenshot(path.join(screenshots, 'try-it.png'));

    // Restart the web shell: the history, a run's curves and its evaluation are all still there.
    await shell.stop();
    shell = await startShell();
    await studio.open(shell.url);
    await runs.open();
    await expect(runs.rows).toHaveCount(2);
    await expect(runs.row(second.id)).toContainText('Without one image');
    await runs.openRun(first!.id);
    await expect(runs.detail.getByRole('img', { name: /^Accuracy/ })).toBeVisible();
    await runs.detail.getByRole('button', { name: 'Evaluation' }).click();
    await expect(evaluate.summary).toBeVisible({ timeout: 60_000 });
    await expect(evaluate.accuracy).toHaveText(
      `${((correct / stored.items.length) * 100).toFixed(1)}%`,
    );
    // The exclusion outlived the restart too.
    await evaluate.cell(actual!, predicted!).click();
    await expect(evaluate.image(excludedName)).toContainText('Excluded');
  });
});
