/**
 * The one application window and the session-wide hardening around it: sandboxed renderer
 * without Node, a Content-Security-Policy on every page, no navigation away from the app,
 * no new windows, no webviews, and permissions denied unless the studio needs them.
 */
import { BrowserWindow, session, type Session } from 'electron';
import path from 'node:path';
import {
  CONTENT_SECURITY_POLICY,
  isMediaRequestAllowed,
  isNavigationAllowed,
  isPermissionAllowed,
} from './security-policy';

export interface AppWindowOptions {
  rendererDir: string;
  preloadPath: string;
  iconPath?: string;
}

/** Applies the CSP and permission policy to a session (once, before any page loads). */
export function hardenSession(ses: Session, rendererDir: string): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    // Our own pages get the CSP; thumbnails and other subresources keep their headers.
    if (details.resourceType === 'mainFrame' || details.resourceType === 'subFrame') {
      headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    }
    callback({ responseHeaders: headers });
  });
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    if (permission === 'media') {
      const { mediaTypes } = details as { mediaTypes?: string[] };
      callback(isMediaRequestAllowed(mediaTypes, details.requestingUrl, rendererDir));
      return;
    }
    callback(isPermissionAllowed(permission, details.requestingUrl, rendererDir));
  });
  ses.setPermissionCheckHandler((contents, permission, _origin, details) => {
    if (!contents) return false;
    if (permission === 'media') {
      const { mediaType } = details as { mediaType?: string };
      return isMediaRequestAllowed(mediaType ? [mediaType] : [], contents.getURL(), rendererDir);
    }
    return isPermissionAllowed(permission, contents.getURL(), rendererDir);
  });
  ses.setDevicePermissionHandler(() => false);
}

export function createAppWindow(options: AppWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Transfer Studio',
    backgroundColor: '#f7f7f8',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      session: session.defaultSession,
    },
  });

  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url, options.rendererDir)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isNavigationAllowed(url, options.rendererDir)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isNavigationAllowed(event.url, options.rendererDir)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.once('ready-to-show', () => window.show());
  return window;
}

/** The page the window shows: the Vite-built renderer. */
export function rendererIndex(rendererDir: string): string {
  return path.join(rendererDir, 'index.html');
}
