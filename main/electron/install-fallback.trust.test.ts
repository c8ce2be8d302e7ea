/**
 * `npm install` where the Electron binary cannot be downloaded (offline, firewalled, CI): the
 * project's postinstall (scripts/install-electron.mjs) must exit 0 and say that `npm start` opens
 * the web shell, where Electron's own install script, which npm used to run, fails the install.
 * The download is pointed at a closed loopback port with an empty cache, so it really fails.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const projectDir = path.resolve(__dirname, '../..');
const cache = mkdtempSync(path.join(os.tmpdir(), 'ts-electron-cache-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

/** Runs a script as npm would, with every way to reach a real download closed. */
function runOffline(script: string) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ELECTRON_MIRROR: 'http://127.0.0.1:9/',
    electron_config_cache: cache,
    force_no_cache: 'true',
  };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  return spawnSync(process.execPath, [script], {
    cwd: projectDir,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

const electronScript = createRequire(path.join(projectDir, 'package.json')).resolve(
  'electron/install.js',
);
const electronInstalled = runOffline(electronScript).status === 0;

describe.skipIf(electronInstalled)('trust: installing without the Electron download', () => {
  it("Electron's own install script fails there (what broke `npm install`)", () => {
    expect(runOffline(electronScript).status).not.toBe(0);
  });

  it('the postinstall exits 0 and says the web shell opens instead', () => {
    const result = runOffline(path.join(projectDir, 'scripts/install-electron.mjs'));
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/Electron binary could not be downloaded/);
    expect(result.stderr).toMatch(/`npm start` will open the web shell/);
  });
});
