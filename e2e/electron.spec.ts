/**
 * The Electron app end to end: the same flow as the web e2e (add the hymenoptera train folder,
 * choose MobileNet v1 0.25, train 2 epochs, watch the chart grow, export), plus the security
 * checks of the shell. Native dialogs are stubbed through electronApp.evaluate. The whole file
 * is skipped, with a how-to, where no Electron binary is installed.
 */
import {
  _electron as electron,
  expect,
  test,
  type ElectronApplication,
  type Page,
} from '@playwright/test';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fixtureModelsDir, hymenopteraTrainDir, repoRoot } from './fixtures-path';
import { DatasetPage } from './pages/dataset-page';
import { ExportPage } from './pages/export-page';
import { ModelPage } from './pages/model-page';
import { StudioPage } from './pages/studio-page';
import { TrainPage } from './pages/train-page';

const modelsDir = fixtureModelsDir;
const trainFolder = hymenopteraTrainDir;

const HOW_TO_GET_ELECTRON = [
  'No Electron binary is installed, so the Electron e2e tests are skipped.',
  'To run them, on a machine with internet access:',
  '  npm rebuild electron        (runs electron/install.js, which downloads the binary)',
  '  npx electron --version      (should print v41.7.1)',
  'or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron 41 build (the folder that',
  'holds the electron executable). On Linux without a display, run under xvfb-run.',
].join('\n');

/** The Electron executable, or why there is none (require('electron') returns its path). */
function findElectronBinary(): { path: string } | { missing: string } {
  const requireFromRoot = createRequire(path.join(repoRoot, 'package.json'));
  try {
    const binary: unknown = requireFromRoot('electron');
    if (typeof binary === 'string' && existsSync(binary)) return { path: binary };
    return { missing: `require('electron') names ${String(binary)}, which does not exist.` };
  } catch (error) {
    return { missing: error instanceof Error ? error.message : String(error) };
  }
}

const binary = findElectronBinary();
if ('missing' in binary) console.log(`[electron e2e] ${binary.missing}\n${HOW_TO_GET_ELECTRON}`);

interface Studio {
  app: ElectronApplication;
  page: Page;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts the app with its own data folder and the fixture models. */
async function launchStudio(): Promise<Studio> {
  if (!('path' in binary)) throw new Error('unreachable: the file is skipped without Electron');
  for (const built of [
    'dist/main/electron-main.cjs',
    'dist/main/preload.cjs',
    'dist/renderer/index.html',
  ]) {
    if (!existsSync(path.join(repoRoot, built))) {
      throw new Error(`${built} is missing: run "npm run build" before the Electron e2e tests.`);
    }
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-electron-e2e-'));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  Object.assign(env, { TRANSFER_STUDIO_MODELS: modelsDir, TRANSFER_STUDIO_DATA: dataDir });
  // Chromium refuses to run as root with its OS sandbox (containers); the renderer sandbox
  // (no Node, contextIsolation) is a webPreference and stays on.
  const args = process.getuid?.() === 0 ? ['--no-sandbox', '.'] : ['.'];
  const app = await electron.launch({ executablePath: binary.path, args, cwd: repoRoot, env });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return {
    app,
    page,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Makes the next native folder dialog answer with `folder` (electron's dialog, in main). */
async function stubFolderDialog(app: ElectronApplication, folder: string): Promise<void> {
  await app.evaluate(({ dialog }, chosen) => {
    dialog.showOpenDialog = (async () => ({
      canceled: false,
      filePaths: [chosen],
    })) as typeof dialog.showOpenDialog;
  }, folder);
}

test.describe('Electron app', () => {
  test.skip('missing' in binary, 'No Electron binary installed (see the how-to printed above).');
  let studio: Studio;
  test.beforeEach(async () => {
    studio = await launchStudio();
  });
  test.afterEach(async () => {
    await studio?.close();
  });

  test('adds a folder, trains MobileNet v1 0.25 for 2 epochs with a live chart, exports', async () => {
    test.setTimeout(10 * 60_000);
    const { app, page } = studio;
    const shell = new StudioPage(page);
    const dataset = new DatasetPage(page);
    const model = new ModelPage(page);
    const train = new TrainPage(page);
    const exporter = new ExportPage(page);

    // Dataset: "Add folder…" opens the native dialog (stubbed in main).
    await stubFolderDialog(app, trainFolder);
    await page.getByRole('button', { name: 'Add folder…' }).click();
    await expect(dataset.folders).toContainText(trainFolder, { timeout: 120_000 });
    await expect(dataset.classCards).toHaveCount(2);
    await expect(dataset.classCard('ants')).toContainText('124 images');
    await expect(dataset.classCard('bees')).toContainText('121 images');
    // Thumbnails come through the studio-thumb: protocol and decode as real images.
    await expect(dataset.classCards.locator('img').first()).toHaveAttribute(
      'src',
      /^studio-thumb:\/\//,
    );
    await dataset.expectThumbnailsLoaded();

    // Model: the fixture MobileNet, found through TRANSFER_STUDIO_MODELS.
    await shell.goTo('Model');
    await model.choose(/MobileNet v1 0\.25/);
    await expect(model.layerRows.first()).toBeVisible();

    // Train 2 epochs; the chart's point count must grow while it runs.
    await shell.goTo('Train');
    await train.field('epochs').fill('2');
    await train.field('learningRate').fill('0.01');
    await expect(train.startButton).toBeEnabled();
    await train.recordChartPoints();
    await train.startButton.click();
    await expect(train.status).toHaveText('Finished', { timeout: 8 * 60_000 });
    const points = await train.recordedChartPoints();
    expect(
      new Set(points).size,
      `chart point counts seen: ${points.join(',')}`,
    ).toBeGreaterThanOrEqual(2);
    expect(points.every((value, i) => i === 0 || value >= (points[i - 1] as number))).toBe(true);
    await expect(train.chart).toHaveAttribute('data-epochs', '2');
    await expect(page.getByRole('table', { name: 'Epochs' }).locator('tbody tr')).toHaveCount(2);

    // Export to a folder chosen in the (stubbed) native dialog.
    const exportDir = path.join(studio.dataDir, 'exported-model');
    await shell.goTo('Export');
    await stubFolderDialog(app, exportDir);
    await page.getByRole('button', { name: 'Choose…' }).click();
    await expect(exporter.folderField).toHaveValue(exportDir);
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await expect(exporter.files.first()).toBeVisible({ timeout: 120_000 });
    const names = readdirSync(exportDir);
    expect(names).toContain('model.json');
    expect(names).toContain('metadata.json');
  });

  test('refuses navigation to another origin', async () => {
    const { app, page } = studio;
    const appUrl = page.url();
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    // main records the next will-navigate, after the app's own handler (registered first) ran.
    await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents;
      (globalThis as { nextNavigation?: Promise<string> }).nextNavigation = new Promise(
        (resolve) => {
          contents.once('will-navigate', (_event, url) => setImmediate(() => resolve(url)));
        },
      );
    });
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    expect(
      await app.evaluate(() => (globalThis as { nextNavigation?: Promise<string> }).nextNavigation),
    ).toBe('https://example.com/');
    expect(
      await app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows()[0]!.webContents.getURL(),
      ),
    ).toBe(appUrl);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });

  test('denies window.open and permission requests', async () => {
    const { app, page } = studio;
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(await page.evaluate(() => window.open('about:blank') === null)).toBe(true);
    expect(app.windows()).toHaveLength(1);
    expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');
  });

  test('exposes only window.studio, without Node or ipcRenderer', async () => {
    const surface = await studio.page.evaluate(() => {
      const api = (window as unknown as { studio: Record<string, unknown> }).studio;
      return {
        keys: Object.keys(api).sort(),
        shell: api.shell,
        hasIpc: 'ipcRenderer' in api || 'ipcRenderer' in window,
        hasRequire: typeof (window as unknown as { require?: unknown }).require !== 'undefined',
        hasProcess: typeof (window as unknown as { process?: unknown }).process !== 'undefined',
      };
    });
    expect(surface).toEqual({
      keys: ['pathForFile', 'pickFolders', 'request', 'shell', 'subscribe', 'thumbnailUrl'],
      shell: 'electron',
      hasIpc: false,
      hasRequire: false,
      hasProcess: false,
    });
  });

  test('rejects IPC calls with a bad payload or channel with a clear error', async () => {
    const imageFile = path.join(
      trainFolder,
      'ants',
      readdirSync(path.join(trainFolder, 'ants'))[0]!,
    );
    const errors = await studio.page.evaluate(async (droppedFile) => {
      // The preload answers with data ({ ok, result } or { ok: false, error: { code, message } }):
      // contextBridge would strip a thrown Error's code.
      type Outcome = { ok: true } | { ok: false; error: { code: string; message: string } };
      const api = (
        window as unknown as {
          studio: { request(channel: string, payload: unknown): Promise<Outcome> };
        }
      ).studio;
      const messageOf = (promise: Promise<Outcome>) =>
        promise.then((outcome) =>
          outcome.ok ? 'resolved' : `${outcome.error.code}: ${outcome.error.message}`,
        );
      return {
        badPayload: await messageOf(api.request('datasets:scan', { paths: 'not-a-list' })),
        extraField: await messageOf(api.request('runs:get', { runId: 'x', evil: true })),
        unknownChannel: await messageOf(api.request('fs:read', { path: '/etc/passwd' })),
        fileDropped: await messageOf(api.request('datasets:scan', { paths: [droppedFile] })),
      };
    }, imageFile);
    expect(errors.badPayload).toMatch(
      /^invalid-request: Invalid request for datasets:scan: paths: /,
    );
    expect(errors.extraField).toMatch(/^invalid-request: Invalid request for runs:get: /);
    expect(errors.unknownChannel).toBe('invalid-request: Unknown request channel: fs:read.');
    expect(errors.fileDropped).toMatch(/^\w[\w-]*: .*is a file, not a folder/);
  });

  test('enforces the Content-Security-Policy and serves only issued thumbnails', async () => {
    const result = await studio.page.evaluate(async () => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.head.append(script);
      let evalBlocked = false;
      try {
        (0, eval)('1');
      } catch {
        evalBlocked = true;
      }
      const loads = (src: string) =>
        new Promise<boolean>((resolve) => {
          const image = new Image();
          image.onload = () => resolve(true);
          image.onerror = () => resolve(false);
          image.src = src;
        });
      return {
        inlineRan: (window as unknown as { injected?: boolean }).injected === true,
        evalBlocked,
        unknownThumbnail: await loads('studio-thumb://thumb/0123456789abcdef0123456789abcdef'),
        pathThumbnail: await loads('studio-thumb://thumb/%2Fetc%2Fpasswd'),
        remoteImage: await loads('https://example.com/image.png'),
      };
    });
    expect(result).toEqual({
      inlineRan: false,
      evalBlocked: true,
      unknownThumbnail: false,
      pathThumbnail: false,
      remoteImage: false,
    });
  });
});
