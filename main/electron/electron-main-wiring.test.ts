/**
 * Loads the built main bundle (dist/main/electron-main.cjs) with a stand-in for the 'electron'
 * module (test-support/fake-electron.ts), because no Electron binary runs here, and checks the
 * wiring against the real services: the window's security settings, navigation and window.open
 * refusals, the CSP header, permission denial, IPC sender checks and payload validation, a real
 * dataset scan over IPC, the thumbnail protocol serving real JPEGs, and the menu. The Electron
 * e2e covers the same ground inside real Electron where a binary exists.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatasetSummary } from '../../shared/domain';
import { hymenopteraDir, fixtureModelsDir } from '../services/models/test-fixtures';
import {
  createFakeElectron,
  FakeBrowserWindow,
  type FakeElectron,
} from './test-support/fake-electron';

const bundle = path.resolve(__dirname, '../../dist/main/electron-main.cjs');
const trainDir = path.join(hymenopteraDir, 'train');

describe('the Electron main bundle, wired to the real services', () => {
  let root: string;
  let fake: FakeElectron;
  let window: FakeBrowserWindow;
  let indexUrl: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'electron-main-'));
    // The bundle finds the renderer beside itself: <root>/dist/main -> <root>/dist/renderer.
    const bundleDir = path.join(root, 'dist', 'main');
    mkdirSync(bundleDir, { recursive: true });
    mkdirSync(path.join(root, 'dist', 'renderer'), { recursive: true });
    writeFileSync(
      path.join(root, 'dist', 'renderer', 'index.html'),
      '<!doctype html><title>t</title>',
    );
    indexUrl = pathToFileURL(path.join(root, 'dist', 'renderer', 'index.html')).href;
    process.env.TRANSFER_STUDIO_DATA = path.join(root, 'data');
    process.env.TRANSFER_STUDIO_MODELS = fixtureModelsDir;
    fake = createFakeElectron({ userData: path.join(root, 'default-user-data') });

    const realRequire = createRequire(bundle);
    const requireForBundle = (name: string): unknown =>
      name === 'electron' ? fake.electron : realRequire(name);
    const module = { exports: {} };
    new Function(
      'require',
      'module',
      'exports',
      '__filename',
      '__dirname',
      readFileSync(bundle, 'utf8'),
    )(
      requireForBundle,
      module,
      module.exports,
      path.join(bundleDir, 'electron-main.cjs'),
      bundleDir,
    );
    fake.becomeReady();
    await vi.waitFor(() => expect(FakeBrowserWindow.created).toHaveLength(1));
    window = FakeBrowserWindow.created[0]!;
    await vi.waitFor(() => expect(window.loadedFile).not.toBeNull());
  });

  afterAll(() => {
    process.env = savedEnv;
    rmSync(root, { recursive: true, force: true });
  });

  const asApp = () => ({ contents: window.webContents });

  it('registers the thumbnail scheme as privileged and keeps its profile in the data folder', () => {
    expect(fake.electron.protocol.privileged).toEqual([
      { scheme: 'studio-thumb', privileges: { standard: true, secure: true } },
    ]);
    expect(fake.app.getPath('userData')).toBe(path.join(root, 'data', 'electron'));
  });

  it('opens one sandboxed, isolated window on the built renderer with the preload beside the bundle', () => {
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: path.join(root, 'dist', 'main', 'preload.cjs'),
    });
    expect(window.loadedFile).toBe(path.join(root, 'dist', 'renderer', 'index.html'));
  });

  it('refuses navigation away from the app and denies window.open', () => {
    const contents = window.webContents;
    expect(contents.emitPreventable('will-navigate', 'https://example.com/')).toBe(true);
    expect(contents.emitPreventable('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.emitPreventable('will-navigate', indexUrl)).toBe(false);
    expect(contents.emitPreventable('will-attach-webview')).toBe(true);
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({
      action: 'deny',
    });
  });

  it('puts the Content-Security-Policy on pages, not on images', async () => {
    const page = await fake.headersFor({
      resourceType: 'mainFrame',
      url: indexUrl,
      responseHeaders: {},
    });
    expect(
      (page.responseHeaders as Record<string, string[]>)['Content-Security-Policy']?.[0],
    ).toContain("script-src 'self'");
    const image = await fake.headersFor({
      resourceType: 'image',
      url: 'studio-thumb://thumb/x',
      responseHeaders: {},
    });
    expect(image.responseHeaders).toEqual({});
  });

  it('denies permission requests such as the camera', async () => {
    const granted = await new Promise<boolean>((resolve) =>
      fake.permission.request?.(window.webContents, 'media', resolve, { requestingUrl: indexUrl }),
    );
    expect(granted).toBe(false);
  });

  it('answers a request from the app window with the real services', async () => {
    const reply = (await fake.invoke('studio:request', asApp(), 'app:info', {})) as {
      ok: boolean;
      result: { shell: string; dataDir: string; modelsDirs: string[] };
    };
    expect(reply.ok).toBe(true);
    expect(reply.result.shell).toBe('electron');
    expect(reply.result.dataDir).toBe(path.join(root, 'data'));
    expect(reply.result.modelsDirs[0]).toBe(fixtureModelsDir);
  });

  it('refuses requests from other senders: another window, a sub-frame, a foreign page', async () => {
    const other = new FakeBrowserWindow({});
    for (const sender of [
      { contents: other.webContents, frameUrl: indexUrl },
      { contents: window.webContents, isMainFrame: false },
      { contents: window.webContents, frameUrl: 'https://example.com/' },
      { contents: window.webContents, frameUrl: null },
    ]) {
      expect(await fake.invoke('studio:request', sender, 'app:info', {})).toMatchObject({
        ok: false,
        error: { code: 'unauthorized' },
      });
    }
  });

  it('rejects bad payloads, unknown channels and dropped files with clear messages', async () => {
    const bad = (await fake.invoke('studio:request', asApp(), 'datasets:scan', { paths: 'x' })) as {
      error: { message: string };
    };
    expect(bad.error.message).toMatch(/^Invalid request for datasets:scan: paths: /);
    expect(await fake.invoke('studio:request', asApp(), 'fs:read', {})).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', message: 'Unknown request channel: fs:read' },
    });
    const image = path.join(trainDir, 'ants', '0013035.jpg');
    const dropped = (await fake.invoke('studio:request', asApp(), 'datasets:scan', {
      paths: [image],
    })) as {
      error: { message: string };
    };
    expect(dropped.error.message).toContain('"0013035.jpg" is a file, not a folder');
  });

  it('scans a dropped folder and serves its thumbnails, and only those, over studio-thumb:', async () => {
    const reply = (await fake.invoke('studio:request', asApp(), 'datasets:scan', {
      paths: [trainDir],
    })) as {
      ok: boolean;
      result: DatasetSummary;
    };
    expect(reply.ok).toBe(true);
    expect(reply.result.classes.map((c) => c.name).sort()).toEqual(['ants', 'bees']);
    const progress = window.webContents.sent.filter((s) => s.args[0] === 'datasets:scan-progress');
    expect(progress.length).toBeGreaterThan(0);

    const serve = fake.protocolHandlers.get('studio-thumb')!;
    const id = reply.result.classes[0]!.thumbnails[0]!;
    const response = await serve({ method: 'GET', url: `studio-thumb://thumb/${id}` } as Request);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 128, 128]);

    const unknown = await serve({
      method: 'GET',
      url: `studio-thumb://thumb/${'0'.repeat(32)}`,
    } as Request);
    expect(unknown.status).toBe(404);
    const byPath = await serve({
      method: 'GET',
      url: `studio-thumb://thumb/${encodeURIComponent(path.join(trainDir, 'ants', '0013035.jpg'))}`,
    } as Request);
    expect(byPath.status).toBe(400);
  });

  it('answers pickFolders with the native dialog, and null when cancelled', async () => {
    fake.electron.dialog.nextFolders = [trainDir];
    expect(
      await fake.invoke('shell:pick-folders', asApp(), {
        title: 'Add image folders',
        multiple: true,
      }),
    ).toEqual({ ok: true, result: [trainDir] });
    fake.electron.dialog.nextFolders = null;
    expect(
      await fake.invoke('shell:pick-folders', asApp(), {
        title: 'Add image folders',
        multiple: true,
      }),
    ).toEqual({ ok: true, result: null });
    expect(await fake.invoke('shell:pick-folders', asApp(), { title: 42 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
  });

  it('sends folders chosen with the menu\'s "Add folder…" to the window', async () => {
    fake.electron.dialog.nextFolders = [trainDir];
    fake.menuItem('Add folder…')?.click?.();
    await vi.waitFor(() =>
      expect(window.webContents.sent).toContainEqual({
        channel: 'studio:event',
        args: ['app:folders-chosen', { paths: [trainDir] }],
      }),
    );
  });

  it('stops the training workers before quitting, then quits', async () => {
    let prevented = false;
    const quitsBefore = fake.app.quitCalls;
    fake.app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await vi.waitFor(() => expect(fake.app.quitCalls).toBe(quitsBefore + 1));
    // The second before-quit (from that quit) goes through.
    prevented = false;
    fake.app.emit('before-quit', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });
});
