import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventSink, RequestHandlers } from '../../shared/contract';
import { EXPORT_ZIP_PATH, MAX_FRAME_BYTES, WS_PATH } from '../../shared/web-protocol';
import { serveExportZip } from './export-zip-route';
import { RequestGuard, type Refusal } from './request-guard';
import { sendText, serveStatic } from './static-files';
import { serveThumbnail, THUMBNAIL_PREFIX, type ThumbnailSource } from './thumbnail-route';
import { serveSocket } from './ws-channel';

export interface WebShellOptions {
  handlers: RequestHandlers;
  thumbnails: ThumbnailSource;
  /** Folder of the built renderer (dist/renderer). */
  staticDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Fixed token for tests; a fresh random one otherwise. */
  token?: string;
}

export interface WebShell {
  /** Address to open, token included. */
  url: string;
  token: string;
  port: number;
  /** Sends an event to every connected page; hand this to the services as their sink. */
  emit: EventSink;
  close(): Promise<void>;
}

const securityHeaders = (port: number): Record<string, string> => ({
  'Content-Security-Policy': [
    "default-src 'self'",
    "img-src 'self' data: blob:",
    // uPlot and React set inline style attributes.
    "style-src 'self' 'unsafe-inline'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/**
 * Where to send the page after trading the token for a cookie: the same path, but only ever a
 * path on this server. `//evil.example/x` (or `/\\evil.example`) would be read by the browser as
 * another host, so anything but one slash followed by a path character goes to `/`.
 */
export function localRedirect(rawPath: string): string {
  return /^\/(?![/\\])/.test(rawPath) ? rawPath : '/';
}

function refuseUpgrade(socket: Duplex, refusal: Refusal): void {
  const reason = refusal.status === 401 ? 'Unauthorized' : 'Forbidden';
  const body = `${refusal.message}\n`;
  socket.end(
    `HTTP/1.1 ${refusal.status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Starts the web shell: a loopback HTTP server that serves the renderer and thumbnails and
 * carries the studio contract over a WebSocket, all behind the per-launch token and the
 * Host/Origin checks of RequestGuard.
 */
export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  const guard = new RequestGuard(token, () => port);
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(securityHeaders(port)))
      response.setHeader(name, value);
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      response.setHeader('Allow', 'GET, HEAD');
      sendText(response, 405, `Method ${method} is not allowed.`);
      return;
    }
    const refusal = guard.check(request);
    if (refusal) {
      sendText(response, refusal.status, refusal.message);
      return;
    }
    // Raw path on purpose: URL parsing would resolve "..", hiding traversal attempts.
    const rawPath = (request.url ?? '/').split('?')[0] ?? '/';
    if (guard.matches(guard.queryToken(request))) {
      // Trade the token in the query for a cookie (page, assets, thumbnails) and hand it to
      // the page in the fragment, which no request carries: the page keeps it for its
      // WebSocket and clears the address bar (renderer/api/page-token.ts).
      response.writeHead(302, {
        'Set-Cookie': guard.sessionCookie(),
        Location: `${localRedirect(rawPath)}#token=${encodeURIComponent(token)}`,
        'Cache-Control': 'no-store',
      });
      response.end();
      return;
    }
    if (rawPath === EXPORT_ZIP_PATH) {
      await serveExportZip(guard, request, response);
      return;
    }
    if (rawPath.startsWith(THUMBNAIL_PREFIX)) {
      await serveThumbnail(options.thumbnails, rawPath, response);
      return;
    }
    await serveStatic(options.staticDir, rawPath, response, method === 'HEAD');
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, `Internal error: ${String(error)}`);
      else response.destroy();
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const rawPath = (request.url ?? '/').split('?')[0];
    if (rawPath !== WS_PATH) {
      refuseUpgrade(socket, { status: 403, message: `No WebSocket endpoint at ${rawPath}.` });
      return;
    }
    const refusal = guard.checkSocket(request);
    if (refusal) {
      refuseUpgrade(socket, refusal);
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      serveSocket(ws, options.handlers);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  const emit: EventSink = (event, payload) => {
    const frame = JSON.stringify({ type: 'event', event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  };

  async function close(): Promise<void> {
    for (const ws of sockets) ws.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  return { url: `http://127.0.0.1:${port}/?token=${token}`, token, port, emit, close };
}
