/**
 * The Electron main process: one window, a menu, the thumbnail protocol and the IPC wiring
 * around the same services the web shell uses. Nothing heavy runs here: scans are async
 * streaming code and training runs in a utility process.
 */
import { app, dialog, session, shell, type BrowserWindow } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import type { EventSink } from '../../shared/contract';
import { resolveStudioPaths } from '../services/paths';
import { createStudioServices } from '../services/studio-services';
import { installAppMenu } from './app-menu';
import { createAppWindow, hardenSession, rendererIndex } from './app-window';
import { checkScanRequest } from './dropped-paths';
import { pickFolders, PickFoldersRequest } from './folder-dialog';
import { IpcChannel } from './ipc-channels';
import { isTrustedSender } from './security-policy';
import { registerThumbnailScheme, serveThumbnails } from './thumbnail-protocol';
import { sendStudioEvent, serveShellCommand, serveStudioRequests } from './typed-ipc';
import { createUtilityWorkerLauncher } from './utility-worker-launcher';

// The bundle lives in dist/main; the renderer build in dist/renderer.
const bundleDir = __dirname;
const rendererDir = path.join(bundleDir, '..', 'renderer');
const preloadPath = path.join(bundleDir, 'preload.cjs');
const workerPath = path.join(bundleDir, 'worker.cjs');
const iconPath = path.join(bundleDir, '..', '..', 'assets', 'icon.png');
/** How long quitting waits for training workers to end. */
const QUIT_STOP_LIMIT_MS = 5000;

app.setName('Transfer Studio');
// A test (or a user) that points the studio at its own data folder also gets its own
// Chromium profile, and with it its own single-instance lock.
if (process.env.TRANSFER_STUDIO_DATA) {
  app.setPath('userData', path.join(path.resolve(process.env.TRANSFER_STUDIO_DATA), 'electron'));
}
registerThumbnailScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  runApp();
}

function runApp(): void {
  let window: BrowserWindow | null = null;
  const trustedContents = new Set<number>();
  const liveWindow = (): BrowserWindow | null => (window && !window.isDestroyed() ? window : null);

  app.on('second-instance', () => {
    const current = liveWindow();
    if (!current) return;
    if (current.isMinimized()) current.restore();
    current.focus();
  });
  app.on('window-all-closed', () => app.quit());
  // A safety net for any web contents, including ones this file never creates.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  function openWindow(): void {
    const index = rendererIndex(rendererDir);
    if (!fs.existsSync(index)) {
      dialog.showErrorBox(
        'Transfer Studio cannot start',
        `The user interface is not built (${index} is missing). Run "npm run build" and start again.`,
      );
      app.quit();
      return;
    }
    const created = createAppWindow({
      rendererDir,
      preloadPath,
      ...(fs.existsSync(iconPath) ? { iconPath } : {}),
    });
    const contentsId = created.webContents.id;
    trustedContents.add(contentsId);
    created.on('closed', () => {
      trustedContents.delete(contentsId);
      window = null;
    });
    created.webContents.on('render-process-gone', (_event, details) => {
      console.error(`The window's renderer ended (${details.reason}, code ${details.exitCode}).`);
    });
    window = created;
    void created.loadFile(index).catch((error: unknown) => {
      console.error('Could not load the user interface:', error);
    });
  }

  async function start(): Promise<void> {
    hardenSession(session.defaultSession, rendererDir);
    const workers = createUtilityWorkerLauncher({
      workerPath,
      metricsTarget: () => liveWindow()?.webContents ?? null,
    });
    app.on('will-quit', () => workers.dispose());
    const emit: EventSink = (event, payload) => {
      const current = liveWindow();
      if (current) sendStudioEvent(current.webContents, event, payload);
    };
    const services = createStudioServices({
      paths: resolveStudioPaths(process.env, app.getPath('userData')),
      shell: 'electron',
      version: app.getVersion(),
      emit,
      launchWorker: workers.launch,
      revealInFolder: (filePath) => shell.showItemInFolder(filePath),
    });
    serveThumbnails(services.thumbnails);
    stopTrainingOnQuit(services.supervisor);

    const isTrusted = (sender: Parameters<typeof isTrustedSender>[0]): boolean =>
      isTrustedSender(sender, { webContentsIds: trustedContents, rendererDir });
    serveStudioRequests(services.handlers, {
      isTrusted,
      precheck: async (channel, payload) =>
        channel === 'datasets:scan' ? checkScanRequest(payload) : null,
    });
    serveShellCommand(IpcChannel.pickFolders, PickFoldersRequest, { isTrusted }, (request) =>
      pickFolders(liveWindow(), request),
    );
    installAppMenu({
      addFolders: () => {
        void pickFolders(liveWindow(), { title: 'Add dataset folders', multiple: true }).then(
          (paths) => {
            if (paths) emit('app:folders-chosen', { paths });
          },
        );
      },
    });
    openWindow();
  }

  /**
   * Ends running trainings before the app goes, so their runs are recorded as ended rather than
   * left "running". Bounded, so a worker that does not die cannot keep the app open.
   */
  function stopTrainingOnQuit(supervisor: { stopAll(): Promise<void> }): void {
    let stopping = false;
    app.on('before-quit', (event) => {
      if (stopping) return;
      stopping = true;
      event.preventDefault();
      const bounded = new Promise<void>((resolve) => setTimeout(resolve, QUIT_STOP_LIMIT_MS));
      void Promise.race([supervisor.stopAll(), bounded])
        .catch((error: unknown) => console.error('Stopping the training workers failed:', error))
        .finally(() => app.quit());
    });
  }

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      dialog.showErrorBox('Transfer Studio could not start', message);
      app.exit(1);
    });
}
