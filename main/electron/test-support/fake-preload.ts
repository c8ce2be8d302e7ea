/**
 * Runs the built preload bundle (dist/main/preload.cjs, rebuilt by the Vitest global setup)
 * against a stand-in for the 'electron' module, because no Electron binary runs here. The
 * stand-in records what the preload requires, exposes and sends, and hands the page what
 * contextBridge would: values copied, functions proxied, and a thrown Error reduced to its
 * message (Electron drops an Error's other properties; electron/electron#25596).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { StudioBridge } from '../../../shared/studio-api';

const bundlePath = path.resolve(__dirname, '../../../dist/main/preload.cjs');

type Listener = (event: { ports: MessagePort[] }, ...args: unknown[]) => void;

export interface LoadedPreload {
  /** window.studio as the page sees it, through the bridge's copying. */
  page: StudioBridge;
  /** The object the preload handed to exposeInMainWorld, before any copying. */
  exposed: unknown;
  exposedKeys: string[];
  required: string[];
  invocations: Array<{ channel: string; args: unknown[] }>;
  emit(channel: string, event: { ports: MessagePort[] }, ...args: unknown[]): void;
  /** What ipcRenderer.invoke answers when no `invoke` was given. */
  reply: { value: unknown };
}

/** Copies a value from the preload's world to the page's as contextBridge does. */
export function acrossBridge(value: unknown): unknown {
  if (value instanceof Error) return new Error(value.message);
  if (typeof value === 'function') {
    return (...args: unknown[]) => {
      let result: unknown;
      try {
        result = (value as (...a: unknown[]) => unknown)(...args.map(acrossBridge));
      } catch (error) {
        throw acrossBridge(error);
      }
      if (result instanceof Promise) {
        return result.then(acrossBridge, (error: unknown) => {
          throw acrossBridge(error);
        });
      }
      return acrossBridge(result);
    };
  }
  if (Array.isArray(value)) return value.map(acrossBridge);
  if (value !== null && typeof value === 'object') {
    // Objects from the page (a dropped File) are passed by reference to the preload in Electron
    // too as far as these tests care; everything else is a plain data copy.
    if (!(Object.getPrototypeOf(value) === Object.prototype)) return value;
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, acrossBridge(v)]),
    );
  }
  return value;
}

export function loadPreload(
  options: { invoke?: (channel: string, ...args: unknown[]) => Promise<unknown> } = {},
): LoadedPreload {
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
      return options.invoke ? options.invoke(channel, ...args) : reply.value;
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
    page: acrossBridge(exposed.get('studio')) as StudioBridge,
    exposed: exposed.get('studio'),
    exposedKeys: [...exposed.keys()],
    required,
    invocations,
    reply,
    emit(channel, event, ...args) {
      for (const listener of listeners.get(channel) ?? []) listener(event, ...args);
    },
  };
}
