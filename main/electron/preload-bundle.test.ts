/**
 * Runs the built preload bundle (dist/main/preload.cjs, rebuilt by the Vitest global setup)
 * against a stand-in for the 'electron' module, because no Electron binary runs here. The
 * stand-in records what the preload exposes and sends; everything else (zod validation, the
 * training stream, a real MessageChannel) is the real code. The Electron e2e covers the same
 * ground inside real Electron where a binary exists.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StudioApi } from '../../shared/studio-api';

const bundlePath = path.resolve(__dirname, '../../dist/main/preload.cjs');

type Listener = (event: { ports: MessagePort[] }, ...args: unknown[]) => void;

interface LoadedPreload {
  api: StudioApi;
  exposedKeys: string[];
  required: string[];
  invocations: Array<{ channel: string; args: unknown[] }>;
  emit(channel: string, event: { ports: MessagePort[] }, ...args: unknown[]): void;
  reply: { value: unknown };
}

function loadPreload(): LoadedPreload {
  const listeners = new Map<string, Listener[]>();
  const invocations: LoadedPreload['invocations'] = [];
  const required: string[] = [];
  const exposed = new Map<string, unknown>();
  const reply = { value: { ok: true, result: null } as unknown };
  const ipcRenderer = {
    on(channel: string, listener: Listener) {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
    },
    async invoke(channel: string, ...args: unknown[]) {
      invocations.push({ channel, args });
      return reply.value;
    },
  };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer,
    webUtils: {
      getPathForFile: (file: { fakePath?: string }) => file.fakePath ?? '',
    },
  };
  const fakeRequire = (name: string): unknown => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`A sandboxed preload cannot require "${name}"`);
  };
  const module = { exports: {} };
  const code = readFileSync(bundlePath, 'utf8');
  new Function('require', 'module', 'exports', '__filename', '__dirname', code)(
    fakeRequire,
    module,
    module.exports,
    bundlePath,
    path.dirname(bundlePath),
  );
  return {
    api: exposed.get('studio') as StudioApi,
    exposedKeys: [...exposed.keys()],
    required,
    invocations,
    reply,
    emit(channel, event, ...args) {
      for (const listener of listeners.get(channel) ?? []) listener(event, ...args);
    },
  };
}

/** Every value reachable from the exposed API, to look for anything IPC-shaped. */
function reachable(root: unknown): unknown[] {
  const seen = new Set<unknown>();
  const queue = [root];
  while (queue.length) {
    const value = queue.shift();
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) continue;
    if (seen.has(value)) continue;
    seen.add(value);
    for (const key of Object.getOwnPropertyNames(value)) {
      if (key === 'prototype' || key === 'caller' || key === 'arguments') continue;
      queue.push((value as Record<string, unknown>)[key]);
    }
  }
  return [...seen];
}

describe('the preload bundle', () => {
  let preload: LoadedPreload;
  beforeEach(() => {
    preload = loadPreload();
  });

  it('requires nothing but electron, as a sandboxed preload must', () => {
    expect([...new Set(preload.required)]).toEqual(['electron']);
  });

  it('exposes exactly window.studio with the StudioApi members and no IPC object', () => {
    expect(preload.exposedKeys).toEqual(['studio']);
    expect(Object.keys(preload.api).sort()).toEqual(
      ['pathForFile', 'pickFolders', 'request', 'shell', 'subscribe', 'thumbnailUrl'].sort(),
    );
    expect(preload.api.shell).toBe('electron');
    const values = reachable(preload.api);
    expect(
      values.some((value) => value !== null && typeof value === 'object' && 'invoke' in value),
    ).toBe(false);
  });

  it('refuses an unknown channel without sending anything', async () => {
    const request = preload.api.request as (channel: string, payload: unknown) => Promise<unknown>;
    await expect(request('fs:readFile', { path: '/etc/passwd' })).rejects.toThrow(
      'Unknown request channel: fs:readFile',
    );
    expect(preload.invocations).toEqual([]);
  });

  it('sends a request on the one request channel and returns the result', async () => {
    preload.reply.value = { ok: true, result: { cancelled: true } };
    await expect(preload.api.request('training:cancel', { runId: 'r1' })).resolves.toEqual({
      cancelled: true,
    });
    expect(preload.invocations).toEqual([
      { channel: 'studio:request', args: ['training:cancel', { runId: 'r1' }] },
    ]);
  });

  it("turns main's error reply into a rejection with its message", async () => {
    preload.reply.value = {
      ok: false,
      error: { code: 'invalid-request', message: 'Invalid request for runs:get: runId: Too small' },
    };
    await expect(preload.api.request('runs:get', { runId: '' })).rejects.toThrow(
      'Invalid request for runs:get: runId: Too small',
    );
  });

  it('delivers validated events to subscribers until they unsubscribe', () => {
    const received: unknown[] = [];
    const unsubscribe = preload.api.subscribe('datasets:scan-progress', (payload) =>
      received.push(payload),
    );
    preload.emit('studio:event', { ports: [] }, 'datasets:scan-progress', {
      phase: 'listing',
      done: 2,
    });
    preload.emit('studio:event', { ports: [] }, 'datasets:scan-progress', { phase: 'bogus' });
    preload.emit('studio:event', { ports: [] }, 'not-an-event', {});
    unsubscribe();
    preload.emit('studio:event', { ports: [] }, 'datasets:scan-progress', {
      phase: 'listing',
      done: 3,
    });
    expect(received).toEqual([{ phase: 'listing', done: 2 }]);
  });

  it('refuses to subscribe to an unknown event', () => {
    const subscribe = preload.api.subscribe as (event: string, handler: () => void) => unknown;
    expect(() => subscribe('ipc:anything', () => {})).toThrow('Unknown event: ipc:anything');
  });

  it('feeds a run’s training port straight to subscribers', async () => {
    const progress: unknown[] = [];
    preload.api.subscribe('training:progress', (payload) => progress.push(payload));
    const channel = new MessageChannel();
    preload.emit('training-port', { ports: [channel.port2] }, { runId: 'run-1' });
    const batch = { epoch: 0, batch: 0, batches: 3, loss: 0.69, accuracy: 0.5 };
    channel.port1.postMessage({ type: 'batch', batch });
    await new Promise<void>((resolve) => {
      const unsubscribe = preload.api.subscribe('training:progress', () => {
        unsubscribe();
        resolve();
      });
    });
    expect(progress).toEqual([{ runId: 'run-1', batch }]);
    channel.port1.close();
  });

  it('maps ids to thumbnail URLs and non-disk files to null', () => {
    expect(preload.api.thumbnailUrl('abc123')).toBe('studio-thumb://thumb/abc123');
    expect(preload.api.pathForFile({} as File)).toBeNull();
    expect(preload.api.pathForFile({ fakePath: '/data/ants' } as unknown as File)).toBe(
      '/data/ants',
    );
  });
});
