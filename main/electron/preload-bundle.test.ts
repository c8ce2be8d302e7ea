/**
 * Runs the built preload bundle (dist/main/preload.cjs, rebuilt by the Vitest global setup)
 * against a stand-in for the 'electron' module (test-support/fake-preload.ts), because no
 * Electron binary runs here. Everything else (zod validation, the training stream, a real
 * MessageChannel) is the real code. The Electron e2e covers the same ground inside real
 * Electron where a binary exists.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { acrossBridge, loadPreload, type LoadedPreload } from './test-support/fake-preload';

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
    expect(Object.keys(preload.page).sort()).toEqual(
      ['pathForFile', 'pickFolders', 'request', 'shell', 'subscribe', 'thumbnailUrl'].sort(),
    );
    expect(preload.page.shell).toBe('electron');
    const values = reachable(preload.exposed);
    expect(
      values.some((value) => value !== null && typeof value === 'object' && 'invoke' in value),
    ).toBe(false);
  });

  it('refuses an unknown channel without sending anything', async () => {
    const request = preload.page.request as (channel: string, payload: unknown) => Promise<unknown>;
    await expect(request('fs:readFile', { path: '/etc/passwd' })).resolves.toEqual({
      ok: false,
      error: { code: 'invalid-request', message: 'Unknown request channel: fs:readFile.' },
    });
    expect(preload.invocations).toEqual([]);
  });

  it('sends a request on the one request channel and returns the result', async () => {
    preload.reply.value = { ok: true, result: { cancelled: true } };
    await expect(preload.page.request('training:cancel', { runId: 'r1' })).resolves.toEqual({
      ok: true,
      result: { cancelled: true },
    });
    expect(preload.invocations).toEqual([
      { channel: 'studio:request', args: ['training:cancel', { runId: 'r1' }] },
    ]);
  });

  it("hands main's error reply to the page whole: code, message and issues", async () => {
    const error = {
      code: 'invalid-request',
      message: 'Invalid request for runs:get: runId: Too small',
      issues: ['runId: Too small'],
    };
    preload.reply.value = { ok: false, error };
    await expect(preload.page.request('runs:get', { runId: '' })).resolves.toEqual({
      ok: false,
      error,
    });
    preload.reply.value = { ok: false, error: { code: 'failed', message: 'No dialog' } };
    await expect(
      preload.page.pickFolders({ title: 'Import a model folder', multiple: false }),
    ).resolves.toEqual({ ok: false, error: { code: 'failed', message: 'No dialog' } });
  });

  it('answers a request that cannot reach main as a failed one, with the reason', async () => {
    const broken = loadPreload({
      invoke: async () => {
        throw new Error("Error invoking remote method 'studio:request': reply was never sent");
      },
    });
    const outcome = await broken.page.request('runs:list', {});
    expect(outcome).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(!outcome.ok && outcome.error.message).toMatch(
      /^The request could not be sent to Transfer Studio \(.*reply was never sent\)\.$/,
    );
  });

  it('models the bridge: a thrown Error reaches the page with its message only', async () => {
    // Why the preload answers with data: this is what contextBridge does to a rejection.
    const thrower = acrossBridge(async () => {
      throw Object.assign(new Error('Taken'), { code: 'conflict' });
    }) as () => Promise<never>;
    const error = await thrower().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Taken');
    expect((error as { code?: string }).code).toBeUndefined();
  });

  it('delivers validated events to subscribers until they unsubscribe', () => {
    const received: unknown[] = [];
    const unsubscribe = preload.page.subscribe('datasets:scan-progress', (payload) =>
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
    const subscribe = preload.page.subscribe as (event: string, handler: () => void) => unknown;
    expect(() => subscribe('ipc:anything', () => {})).toThrow('Unknown event: ipc:anything');
  });

  it('feeds a run’s training port straight to subscribers', async () => {
    const progress: unknown[] = [];
    preload.page.subscribe('training:progress', (payload) => progress.push(payload));
    const channel = new MessageChannel();
    preload.emit('training-port', { ports: [channel.port2] }, { runId: 'run-1' });
    const batch = { epoch: 0, batch: 0, batches: 3, loss: 0.69, accuracy: 0.5 };
    channel.port1.postMessage({ type: 'batch', batch });
    await new Promise<void>((resolve) => {
      const unsubscribe = preload.page.subscribe('training:progress', () => {
        unsubscribe();
        resolve();
      });
    });
    expect(progress).toEqual([{ runId: 'run-1', batch }]);
    channel.port1.close();
  });

  it('maps ids to thumbnail URLs and non-disk files to null', () => {
    expect(preload.page.thumbnailUrl('abc123')).toBe('studio-thumb://thumb/abc123');
    expect(preload.page.pathForFile({} as File)).toBeNull();
    expect(preload.page.pathForFile({ fakePath: '/data/ants' } as unknown as File)).toBe(
      '/data/ants',
    );
  });
});
