/* eslint-disable no-restricted-imports -- test support, run in Node only: it drives the
   renderer's client and store against the real web shell, services and training worker. */
/**
 * One setup for the store's integration tests: real studio services behind the real web shell
 * on 127.0.0.1, the renderer's WebSocket client and a store wired to it by the bridge, all in
 * a temp folder that close() removes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import {
  copyHymenopteraSample,
  fixtureModelsDir,
  hymenopteraDir,
} from '../../../main/services/models/test-fixtures';
import { resolveStudioPaths } from '../../../main/services/paths';
import { createStudioServices, type StudioServices } from '../../../main/services/studio-services';
import { nodeWorkerLauncher } from '../../../main/services/training/node-worker-launcher';
import type { WorkerLauncher } from '../../../main/services/training/worker-launcher';
import { startWebShell, type WebShell } from '../../../main/server/web-shell';
import { createWebSocketApi, type SocketLike, type WebSocketApi } from '../../api/ws-client';
import { connectBridge } from '../bridge';
import { createStudioStore, type StudioStore } from '../studio-store';

export { copyHymenopteraSample, fixtureModelsDir, hymenopteraDir };

export type StudioState = ReturnType<StudioStore['getState']>;

/** Waits until the store satisfies `check` (state changes arrive over the socket). */
export function until(store: StudioStore, check: (state: StudioState) => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (check(store.getState())) return resolve();
    const unsubscribe = store.subscribe((state) => {
      if (check(state)) {
        unsubscribe();
        resolve();
      }
    });
  });
}

export interface StudioHarness {
  /** The temp folder: the studio's data folder is `dataDir` inside it, the rest is the test's. */
  workDir: string;
  dataDir: string;
  services: StudioServices;
  shell: WebShell;
  api: WebSocketApi;
  store: StudioStore;
  state(): StudioState;
  /** Closes the client, stops any training, closes the shell and removes the temp folder. */
  close(): Promise<void>;
}

export interface StudioHarnessOptions {
  /** Name prefix of the temp folder. */
  prefix: string;
  /** Use the fixture models folder (default); false: only the studio's own download cache. */
  fixtureModels?: boolean;
  launchWorker?: WorkerLauncher;
  /** Environment variables set while the services are created (read once, at creation). */
  serviceEnv?: Record<string, string>;
}

export async function startStudioHarness(options: StudioHarnessOptions): Promise<StudioHarness> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), options.prefix));
  const dataDir = path.join(workDir, 'data');
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(options.serviceEnv ?? {})) {
    saved.set(name, process.env[name]);
    process.env[name] = value;
  }
  // Events go to the shell, which starts after the services that emit them.
  const target: { shell?: WebShell } = {};
  let services: StudioServices;
  try {
    services = createStudioServices({
      paths: resolveStudioPaths({
        TRANSFER_STUDIO_DATA: dataDir,
        ...(options.fixtureModels === false ? {} : { TRANSFER_STUDIO_MODELS: fixtureModelsDir }),
      }),
      shell: 'web',
      version: '0.0.1',
      emit: (event, payload) => target.shell?.emit(event, payload),
      launchWorker: options.launchWorker ?? nodeWorkerLauncher,
    });
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  const shell = await startWebShell({
    handlers: services.handlers,
    thumbnails: services.thumbnails,
    staticDir: workDir,
  });
  const api = createWebSocketApi({
    url: `ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`,
    httpBase: `http://127.0.0.1:${shell.port}/`,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
  });
  const store = createStudioStore(api);
  connectBridge(api, store);
  target.shell = shell;
  return {
    workDir,
    dataDir,
    services,
    shell,
    api,
    store,
    state: () => store.getState(),
    async close() {
      api.close();
      await services.supervisor.stopAll();
      await shell.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
