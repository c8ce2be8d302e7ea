/* eslint-disable no-restricted-imports -- a test, run in Node: it wires the real main-side IPC
   and services to the real preload bundle and this client, which the app never does in-process. */
/**
 * The Electron request path end to end without an Electron binary: the real services behind
 * main's typed IPC (with a stand-in 'electron' module), the built preload bundle behind a
 * stand-in contextBridge that copies values as Electron does (a thrown Error keeps only its
 * message), and the renderer's client over what the page receives. A failed request must reach
 * the renderer as a StudioRequestError with main's code, as it does over the WebSocket.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeWebContents, type FakeElectron } from '../../main/electron/test-support/fake-electron';
import { loadPreload } from '../../main/electron/test-support/fake-preload';
import { fixtureModelsDir, teachableMachineDir } from '../../main/services/models/test-fixtures';
import { resolveStudioPaths } from '../../main/services/paths';
import { createStudioServices } from '../../main/services/studio-services';
import type { StudioApi } from '../../shared/studio-api';
import { createStudioStore } from '../store/studio-store';
import { createPreloadApi } from './preload-client';
import { StudioRequestError } from './request-error';

const fake: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { createFakeElectron: create } =
    await import('../../main/electron/test-support/fake-electron');
  Object.assign(fake, create({ userData: '/tmp/unused' }));
  return fake.electron;
});

const { serveShellCommand, serveStudioRequests } = await import('../../main/electron/typed-ipc');
const { PickFoldersRequest, pickFolders } = await import('../../main/electron/folder-dialog');
const { IpcChannel } = await import('../../main/electron/ipc-channels');
const { isTrustedSender } = await import('../../main/electron/security-policy');

/** The rejection of a request, as the renderer's code catches it. */
async function failureOf(promise: Promise<unknown>): Promise<StudioRequestError> {
  const error = await promise.then(
    () => {
      throw new Error('the request succeeded');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StudioRequestError);
  return error as StudioRequestError;
}

describe('Electron requests: main → preload → contextBridge → renderer client', () => {
  let workDir: string;
  let window: FakeWebContents;
  let api: StudioApi;
  const stops: Array<() => void> = [];

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(os.tmpdir(), 'ts-preload-client-'));
    const rendererDir = path.join(workDir, 'renderer');
    const services = createStudioServices({
      paths: resolveStudioPaths({
        TRANSFER_STUDIO_DATA: path.join(workDir, 'data'),
        TRANSFER_STUDIO_MODELS: fixtureModelsDir,
      }),
      shell: 'electron',
      version: '0.0.1',
      emit: () => {},
      launchWorker: () => {
        throw new Error('not used: nothing trains here');
      },
    });
    window = new FakeWebContents();
    window.url = pathToFileURL(path.join(rendererDir, 'index.html')).href;
    const isTrusted = (sender: Parameters<typeof isTrustedSender>[0]) =>
      isTrustedSender(sender, { webContentsIds: new Set([window.id]), rendererDir });
    stops.push(serveStudioRequests(services.handlers, { isTrusted }));
    stops.push(
      serveShellCommand(IpcChannel.pickFolders, PickFoldersRequest, { isTrusted }, (request) =>
        pickFolders(null, request),
      ),
    );
    const preload = loadPreload({
      invoke: (channel, ...args) => fake.invoke(channel, { contents: window }, ...args),
    });
    api = createPreloadApi(preload.page);
  });

  afterAll(async () => {
    for (const stop of stops) stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('answers a request with the validated result', async () => {
    const catalog = await api.request('models:list', {});
    expect(catalog.find((item) => item.id === 'mobilenet_v1_0.25_224')).toMatchObject({
      localDir: path.join(fixtureModelsDir, 'mobilenet_v1_0.25_224'),
      license: expect.stringMatching(/^Apache-2\.0/),
    });
  });

  it("a failed request arrives with main's code and message", async () => {
    const missing = await failureOf(api.request('runs:get', { runId: '20250101-000000-abcdef' }));
    expect(missing.code).toBe('not-found');
    expect(missing.message).toMatch(/20250101-000000-abcdef/);

    const notAModel = await failureOf(
      api.request('models:inspect', { ref: { path: path.join(workDir, 'renderer') } }),
    );
    expect(notAModel.code).toBe('not-found');
    expect(notAModel.message).toMatch(/There is no file or folder at|holds no model\.json/);
  });

  it('an invalid payload arrives as invalid-request with the failing fields', async () => {
    const error = await failureOf(
      api.request('datasets:scan', { paths: 'not-a-list' } as unknown as { paths: string[] }),
    );
    expect(error.code).toBe('invalid-request');
    expect(error.message).toMatch(/^Invalid request for datasets:scan: paths: /);
    expect(error.issues).toEqual([expect.stringMatching(/^paths: /)]);
  });

  it('a request from a frame that is not the app arrives as unauthorized', async () => {
    const stranger = loadPreload({
      invoke: (channel, ...args) =>
        fake.invoke(channel, { contents: window, frameUrl: 'https://example.com/' }, ...args),
    });
    const error = await failureOf(createPreloadApi(stranger.page).request('runs:list', {}));
    expect(error.code).toBe('unauthorized');
  });

  it('"Import model folder…" in Electron: the native dialog, then the proposed feature layer', async () => {
    const store = createStudioStore(api);
    fake.electron.dialog.nextFolders = [teachableMachineDir];
    await store.getState().importModelFolder();
    const state = store.getState();
    expect(state.modelError).toBeNull();
    expect(state.modelPathInput).toBe(teachableMachineDir);
    expect(state.modelInfo).toMatchObject({ featureLayer: 'out_relu', totalParams: 410_208 });

    // Cancelling the dialog changes nothing.
    fake.electron.dialog.nextFolders = null;
    await store.getState().importModelFolder();
    expect(store.getState().modelInfo?.featureLayer).toBe('out_relu');

    // A folder without model.json: the reason, in words.
    fake.electron.dialog.nextFolders = [workDir];
    await store.getState().importModelFolder();
    expect(store.getState().modelError).toMatch(/holds no model\.json/);
  });
});
