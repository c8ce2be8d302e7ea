#!/usr/bin/env node
// Entry point of the `transfer-studio` command: the CLI is built into dist/ by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'main', 'cli.cjs');
if (!fs.existsSync(cli)) {
  console.error(
    'transfer-studio is not built yet. Run `npm run build` in ' + path.dirname(__dirname),
  );
  process.exit(1);
}
require(cli);
