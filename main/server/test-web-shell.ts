/** Test helper: a real web shell over real services in a temp folder, without training. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveStudioPaths } from '../services/paths';
import { createStudioServices } from '../services/studio-services';
import { rawGet } from './test-http';
import { startWebShell, type WebShell } from './web-shell';

export interface TestWebShell {
  workDir: string;
  staticDir: string;
  shell: WebShell;
  origin: string;
  /** The session cookie the token login sets (`name=value`). */
  cookie: string;
}

/**
 * Writes a minimal renderer folder (index.html, assets/app.js) and a `secret.txt` beside it that
 * must never be served; `prepare` may plant more files before the shell starts.
 */
export async function startTestWebShell(
  prefix: string,
  prepare: (workDir: string, staticDir: string) => Promise<void> = async () => {},
): Promise<TestWebShell> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const staticDir = path.join(workDir, 'renderer');
  await mkdir(path.join(staticDir, 'assets'), { recursive: true });
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>studio</title>');
  await writeFile(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(path.join(workDir, 'secret.txt'), 'TOP-SECRET');
  await prepare(workDir, staticDir);
  // Real services; training is not exercised here, so the launcher refuses to start one.
  const services = createStudioServices({
    paths: resolveStudioPaths({ TRANSFER_STUDIO_DATA: path.join(workDir, 'data') }),
    shell: 'web',
    version: '9.9.9',
    emit: () => {},
    launchWorker: () => {
      throw new Error('no training in the web shell tests');
    },
  });
  const shell = await startWebShell({
    handlers: services.handlers,
    thumbnails: services.thumbnails,
    staticDir,
  });
  const login = await rawGet(shell.port, `/?token=${shell.token}`);
  const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  return { workDir, staticDir, shell, origin: `http://127.0.0.1:${shell.port}`, cookie };
}
