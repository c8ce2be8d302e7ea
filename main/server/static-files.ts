import { createReadStream } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * Maps a URL path onto a file inside `root`, or null when it would leave it (`..`, encoded
 * separators, NUL bytes) — the renderer's files are the only thing this route may serve.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relative.split('/').some((segment) => segment === '..')) return null;
  const resolved = path.resolve(root, relative);
  const rootWithSep = path.resolve(root) + path.sep;
  return resolved.startsWith(rootWithSep) ? resolved : null;
}

/**
 * The file for `urlPath` inside `root`, or null when any part of the way below the root is a
 * symbolic link: a link planted in the renderer folder must not expose the files it points at.
 */
async function followNoLinks(root: string, urlPath: string): Promise<string | null> {
  const realRoot = await realpath(root).catch(() => null);
  const filePath = realRoot ? resolveStaticPath(realRoot, urlPath) : null;
  if (!filePath) return null;
  const real = await realpath(filePath).catch(() => null);
  return real === filePath ? filePath : null;
}

/** Streams one file of the built renderer; answers 404 for anything else. */
export async function serveStatic(
  root: string,
  urlPath: string,
  response: ServerResponse,
  headOnly: boolean,
): Promise<void> {
  const filePath = await followNoLinks(root, urlPath);
  const info = filePath ? await lstat(filePath).catch(() => null) : null;
  if (!filePath || !info?.isFile()) {
    if (urlPath === '/' || urlPath === '/index.html') {
      sendText(
        response,
        503,
        'The UI is not built yet: run "npm run build", then start the server again.',
      );
      return;
    }
    sendText(response, 404, `Not found: ${urlPath}`);
    return;
  }
  const type = contentTypes[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
  response.writeHead(200, {
    'Content-Type': type,
    'Content-Length': info.size,
    // index.html names hashed assets, so only it must never be cached.
    'Cache-Control': filePath.endsWith('index.html') ? 'no-store' : 'private, max-age=3600',
  });
  if (headOnly) {
    response.end();
    return;
  }
  createReadStream(filePath)
    .on('error', () => response.destroy())
    .pipe(response);
}

export function sendText(response: ServerResponse, status: number, message: string): void {
  const body = Buffer.from(`${message}\n`, 'utf8');
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  response.end(body);
}
