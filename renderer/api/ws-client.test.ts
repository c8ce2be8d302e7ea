/* eslint-disable no-restricted-imports -- an integration test, run in Node: it drives the
   renderer's client and store against the real web shell and services, never shipped in the UI. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { resolveStudioPaths } from '../../main/services/paths';
import { createStudioServices } from '../../main/services/studio-services';
import { startWebShell, type WebShell } from '../../main/server/web-shell';
import { StudioRequestError } from './request-error';
import {
  createWebSocketApi,
  webSocketUrlFor,
  type ConnectionState,
  type SocketLike,
  type WebSocketApi,
} from './ws-client';

/** The browser client, run in Node against the real web shell and services (`ws` as the socket). */
function connectClient(shell: WebShell): WebSocketApi {
  return createWebSocketApi({
    url: `ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`,
    httpBase: `http://127.0.0.1:${shell.port}/`,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    reconnectMs: 60_000,
  });
}

describe('WebSocket client against the web shell', () => {
  let workDir: string;
  let shell: WebShell;
  let client: WebSocketApi;
  let services: ReturnType<typeof createStudioServices>;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'ts-ws-client-'));
    services = createStudioServices({
      paths: resolveStudioPaths({ TRANSFER_STUDIO_DATA: workDir }),
      shell: 'web',
      version: '1.2.3',
      emit: (event, payload) => shell.emit(event, payload),
      launchWorker: () => {
        throw new Error('not used: this test does not train');
      },
    });
    shell = await startWebShell({
      handlers: services.handlers,
      thumbnails: services.thumbnails,
      staticDir: workDir,
    });
    client = connectClient(shell);
  });

  afterAll(async () => {
    client?.close();
    await shell?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it('sends requests and returns validated responses', async () => {
    const info = await client.request('app:info', {});
    expect(info).toMatchObject({ shell: 'web', version: '1.2.3', dataDir: workDir });
  });

  it('rejects with the service error, its code and the field issues', async () => {
    const failure = await client
      .request('datasets:scan', { paths: [] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StudioRequestError);
    expect((failure as StudioRequestError).code).toBe('invalid-request');
    expect((failure as StudioRequestError).issues.join()).toContain('paths');
  });

  it('delivers valid events and drops events that do not match their schema', async () => {
    const received: unknown[] = [];
    const unsubscribe = client.subscribe('datasets:scan-progress', (payload) =>
      received.push(payload),
    );
    shell.emit('datasets:scan-progress', { phase: 'checking', done: -5 } as never);
    shell.emit('datasets:scan-progress', { phase: 'checking', done: 2, total: 4 });
    // A request round trip orders us after both events.
    await client.request('app:info', {});
    expect(received).toEqual([{ phase: 'checking', done: 2, total: 4 }]);
    unsubscribe();
    shell.emit('datasets:scan-progress', { phase: 'checking', done: 3, total: 4 });
    await client.request('app:info', {});
    expect(received).toHaveLength(1);
  });

  it('builds thumbnail URLs on the page origin, ids encoded', () => {
    expect(client.thumbnailUrl('a b')).toBe(`http://127.0.0.1:${shell.port}/thumbnails/a%20b`);
  });

  it('fails pending requests clearly when the server goes away', async () => {
    // A handler that never answers keeps the request pending while the server stops.
    const hanging = { ...services.handlers, 'runs:list': () => new Promise<never>(() => {}) };
    const doomed = await startWebShell({
      handlers: hanging,
      thumbnails: services.thumbnails,
      staticDir: workDir,
    });
    const second = connectClient(doomed);
    const states: ConnectionState[] = [];
    second.onConnectionChange((state) => states.push(state));
    await second.request('app:info', {});
    const pending = second.request('runs:list', {}).catch((error: unknown) => error);
    await doomed.close();
    const failure = await pending;
    expect(failure).toBeInstanceOf(StudioRequestError);
    expect((failure as StudioRequestError).code).toBe('disconnected');
    expect((failure as Error).message).toContain('still running');
    expect(states).toEqual(['open', 'closed']);
    second.close();
  });
});

describe('webSocketUrlFor', () => {
  it('targets /ws on the page host and forwards a token left in the address', () => {
    const base = { protocol: 'http:', host: '127.0.0.1:5000' };
    expect(webSocketUrlFor({ ...base, search: '', href: 'http://127.0.0.1:5000/' })).toBe(
      'ws://127.0.0.1:5000/ws',
    );
    expect(
      webSocketUrlFor({ ...base, search: '?token=abc', href: 'http://127.0.0.1:5000/?token=abc' }),
    ).toBe('ws://127.0.0.1:5000/ws?token=abc');
  });
});
