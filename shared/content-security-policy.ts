/**
 * The renderer's Content-Security-Policy, one rule for both shells. Electron loads the page
 * from file://, where response headers never apply, so the build also writes it into
 * index.html as a <meta> tag (vite.config.ts); the web shell and Electron's header set it
 * too. Scripts only from the app's own files (no inline, no eval); images from the app, Vite's
 * inlined data: assets and the thumbnail protocol; the WebSocket only to loopback (the web
 * shell's own header narrows it to its port); nothing may be framed, posted or fetched from
 * elsewhere. Inline styles stay allowed because React and uPlot set element styles and cannot
 * run script through them.
 */

/** Scheme of Electron's thumbnail protocol (main/electron/thumbnail-protocol.ts). */
export const THUMBNAIL_SCHEME = 'studio-thumb';

export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  `img-src 'self' data: blob: ${THUMBNAIL_SCHEME}:`,
  "font-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "worker-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
