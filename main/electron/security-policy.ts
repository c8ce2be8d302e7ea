/**
 * The Electron shell's security decisions as pure functions, so they are unit-tested without
 * Electron: which URLs are the app's own pages, which IPC senders are trusted, which
 * permissions a page gets, and the Content-Security-Policy of the renderer.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RENDERER_CSP } from '../../shared/content-security-policy';

/** The renderer's CSP (shared/content-security-policy.ts), also sent as a header. */
export const CONTENT_SECURITY_POLICY = RENDERER_CSP;

/** True when `url` is a file:// URL of a file inside `rendererDir` (the built renderer). */
export function isAppPageUrl(url: string, rendererDir: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) {
    return false;
  }
  let filePath: string;
  try {
    filePath = fileURLToPath(parsed);
  } catch {
    return false;
  }
  const relative = path.relative(path.resolve(rendererDir), path.resolve(filePath));
  return relative !== '' && relative.split(path.sep)[0] !== '..' && !path.isAbsolute(relative);
}

/** What main knows about the frame that sent an IPC message. */
export interface IpcSender {
  webContentsId: number;
  /** URL of the sending frame; null when the frame is gone (navigated or destroyed). */
  frameUrl: string | null;
  isMainFrame: boolean;
}

/**
 * An IPC sender is trusted only when it is the main frame of one of the app's own windows
 * showing one of the app's own pages: not an iframe, not a page that navigated elsewhere.
 */
export function isTrustedSender(
  sender: IpcSender,
  trusted: { webContentsIds: ReadonlySet<number>; rendererDir: string },
): boolean {
  return (
    trusted.webContentsIds.has(sender.webContentsId) &&
    sender.isMainFrame &&
    sender.frameUrl !== null &&
    isAppPageUrl(sender.frameUrl, trusted.rendererDir)
  );
}

/**
 * Permissions the app's pages may use. The studio needs no camera, microphone, location,
 * notifications or device access; copying text (e.g. a run's folder path) is the one thing.
 */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionAllowed(
  permission: string,
  requestingUrl: string,
  rendererDir: string,
): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppPageUrl(requestingUrl, rendererDir);
}

/**
 * The one media request the studio makes: the webcam of "Try it" (video only, never the
 * microphone), from the app's own page. Frames stay in the renderer until sent for prediction.
 */
export function isMediaRequestAllowed(
  mediaTypes: readonly string[] | undefined,
  requestingUrl: string,
  rendererDir: string,
): boolean {
  return (
    Array.isArray(mediaTypes) &&
    mediaTypes.length > 0 &&
    mediaTypes.every((type) => type === 'video') &&
    isAppPageUrl(requestingUrl, rendererDir)
  );
}

/**
 * Navigation inside the window is allowed only to the app's own pages (a reload); any other
 * origin (web pages, other local files, javascript:, data:) is refused.
 */
export function isNavigationAllowed(url: string, rendererDir: string): boolean {
  return isAppPageUrl(url, rendererDir);
}
