import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fixtureModelsDir } from './fixtures-path';
import { startBuiltWebShell } from './web-shell-process';

/**
 * Starts the built web shell once for the browser specs, with a fresh data folder and the
 * fixture models, and hands its address to the tests through the environment.
 */
// eslint-disable-next-line no-restricted-exports -- Playwright loads a global setup's default export.
export default async function globalSetup(): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'transfer-studio-e2e-'));
  const shell = await startBuiltWebShell({
    ...process.env,
    TRANSFER_STUDIO_DATA: dataDir,
    TRANSFER_STUDIO_MODELS: fixtureModelsDir,
    PORT: '',
  });
  const url = new URL(shell.url);
  process.env.STUDIO_URL = shell.url;
  process.env.STUDIO_ORIGIN = url.origin;
  process.env.STUDIO_TOKEN = url.searchParams.get('token') ?? '';
  process.env.STUDIO_DATA_DIR = dataDir;
  return async () => {
    await shell.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
