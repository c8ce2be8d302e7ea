// `npm start`: opens the desktop app when an Electron binary is present, otherwise the web
// shell (same UI and services in the browser). Uses the local fixture models as the default
// models folder in a development checkout that has ../shared/fixtures beside it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const env = { ...process.env };
const fixtureModels = path.resolve(root, '..', 'shared', 'fixtures', 'models');
if (!env.TRANSFER_STUDIO_MODELS && existsSync(fixtureModels)) {
  env.TRANSFER_STUDIO_MODELS = fixtureModels;
  console.log(`Using local base models from ${fixtureModels}`);
}

function electronBinary() {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const wantWeb = process.argv.includes('--web');
const binary = wantWeb ? null : electronBinary();
const child = binary
  ? spawn(binary, [root], { stdio: 'inherit', env })
  : spawn(process.execPath, [path.join(root, 'dist', 'main', 'server.cjs'), '--open'], {
      stdio: 'inherit',
      env,
    });
if (!binary && !wantWeb) {
  console.log(
    'No Electron binary found (it downloads on `npm install` with internet access); ' +
      'starting the web shell instead. See README → Troubleshooting.',
  );
}
child.on('exit', (code) => process.exit(code ?? 0));
