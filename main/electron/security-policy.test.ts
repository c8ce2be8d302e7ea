import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  isAppPageUrl,
  isMediaRequestAllowed,
  isNavigationAllowed,
  isPermissionAllowed,
  isTrustedSender,
} from './security-policy';

const rendererDir = path.resolve('/opt/transfer-studio/dist/renderer');
const indexUrl = pathToFileURL(path.join(rendererDir, 'index.html')).href;

describe('trust: isAppPageUrl', () => {
  it('accepts the renderer index, with a hash or query', () => {
    expect(isAppPageUrl(indexUrl, rendererDir)).toBe(true);
    expect(isAppPageUrl(`${indexUrl}#/train`, rendererDir)).toBe(true);
    expect(isAppPageUrl(`${indexUrl}?x=1`, rendererDir)).toBe(true);
  });

  it.each([
    ['a web page', 'https://example.com/'],
    ['localhost http', 'http://127.0.0.1:5173/index.html'],
    ['another local file', pathToFileURL('/etc/passwd').href],
    ['a sibling folder with the same prefix', pathToFileURL(`${rendererDir}-evil/index.html`).href],
    ['the folder itself', pathToFileURL(rendererDir).href],
    ['a traversal', `${pathToFileURL(rendererDir).href}/../main/electron-main.cjs`],
    ['an encoded traversal', `${pathToFileURL(rendererDir).href}/%2E%2E/secret.txt`],
    ['a file URL with a remote host', 'file://evil.example/share/index.html'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['about:blank', 'about:blank'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_label, url) => {
    expect(isAppPageUrl(url, rendererDir)).toBe(false);
    expect(isNavigationAllowed(url, rendererDir)).toBe(false);
  });
});

describe('trust: isTrustedSender', () => {
  const trusted = { webContentsIds: new Set([7]), rendererDir };

  it('trusts the main frame of the app window on the app page', () => {
    expect(
      isTrustedSender({ webContentsId: 7, frameUrl: indexUrl, isMainFrame: true }, trusted),
    ).toBe(true);
  });

  it('refuses other windows, sub-frames, foreign pages and vanished frames', () => {
    expect(
      isTrustedSender({ webContentsId: 8, frameUrl: indexUrl, isMainFrame: true }, trusted),
    ).toBe(false);
    expect(
      isTrustedSender({ webContentsId: 7, frameUrl: indexUrl, isMainFrame: false }, trusted),
    ).toBe(false);
    expect(
      isTrustedSender(
        { webContentsId: 7, frameUrl: 'https://example.com/', isMainFrame: true },
        trusted,
      ),
    ).toBe(false);
    expect(isTrustedSender({ webContentsId: 7, frameUrl: null, isMainFrame: true }, trusted)).toBe(
      false,
    );
  });
});

describe('trust: permissions', () => {
  it('allows clipboard writes for the app page only', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', indexUrl, rendererDir)).toBe(true);
    expect(
      isPermissionAllowed('clipboard-sanitized-write', 'https://example.com', rendererDir),
    ).toBe(false);
  });

  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'unknown'])(
    'denies %s',
    (permission) => {
      expect(isPermissionAllowed(permission, indexUrl, rendererDir)).toBe(false);
    },
  );
});

describe('trust: webcam (media) requests', () => {
  it('allows video only, from the app page only', () => {
    expect(isMediaRequestAllowed(['video'], indexUrl, rendererDir)).toBe(true);
    expect(isMediaRequestAllowed(['audio'], indexUrl, rendererDir)).toBe(false);
    expect(isMediaRequestAllowed(['video', 'audio'], indexUrl, rendererDir)).toBe(false);
    expect(isMediaRequestAllowed([], indexUrl, rendererDir)).toBe(false);
    expect(isMediaRequestAllowed(undefined, indexUrl, rendererDir)).toBe(false);
    expect(isMediaRequestAllowed(['video'], 'https://example.com', rendererDir)).toBe(false);
  });
});

describe('trust: CONTENT_SECURITY_POLICY', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it('runs only the app own scripts: no inline script, no eval', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'none'"]);
  });

  it('lets images come from the app and the thumbnail protocol only', () => {
    expect(directives.get('img-src')).toContain("'self'");
    expect(directives.get('img-src')).toContain('studio-thumb:');
    expect(directives.get('img-src')).not.toContain('*');
    expect(directives.get('img-src')).not.toContain('file:');
  });

  it('forbids plugins, frames and form posts', () => {
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-src')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
  });
});
