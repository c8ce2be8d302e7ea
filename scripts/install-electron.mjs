// `postinstall`: fetches the Electron binary, but never lets a failed download fail
// `npm install`. Electron's own install script (which would abort the whole install offline,
// behind a firewall or in CI) is not approved in package.json "allowScripts"; this runs it
// instead and, when it cannot download, says so: `npm start` then opens the web shell.
// ELECTRON_SKIP_BINARY_DOWNLOAD=1 skips it, as with Electron's own script.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

/** A download that hangs (a firewall that drops packets) must not hang the install. */
const LIMIT_MS = Number(process.env.TRANSFER_STUDIO_ELECTRON_INSTALL_LIMIT_MS ?? 5 * 60_000);

function fallBack(reason) {
  console.warn(
    `transfer-studio: the Electron binary could not be downloaded (${reason}). ` +
      '`npm start` will open the web shell in your browser instead. To get the desktop app ' +
      'later, run `node node_modules/electron/install.js` with internet access.',
  );
  process.exit(0);
}

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) process.exit(0);
let installScript;
try {
  const require = createRequire(path.join(process.cwd(), 'package.json'));
  installScript = require.resolve('electron/install.js');
} catch {
  fallBack('the electron package is not installed');
}
const child = spawn(process.execPath, [installScript], { stdio: ['ignore', 'inherit', 'pipe'] });
let stderr = '';
child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
child.on('exit', (code, signal) => {
  clearTimeout(timer);
  if (code === 0) process.exit(0);
  const firstLine = /(?:Error|RequestError|HTTPError)[^\n]*/.exec(stderr)?.[0]?.trim();
  fallBack(signal ? `no answer within ${LIMIT_MS / 1000} s` : (firstLine ?? `exit code ${code}`));
});
