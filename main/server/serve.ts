/**
 * Entry point of the web shell (`npm run serve` → dist/main/server.cjs): the studio's services
 * in plain Node, served to a browser on 127.0.0.1.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventSink } from '../../shared/contract';
import { resolveStudioPaths } from '../services/paths';
import { createStudioServices } from '../services/studio-services';
import { nodeWorkerLauncher } from '../services/training/node-worker-launcher';
import { openInBrowser } from './open-browser';
import { parseServeOptions, serveUsage } from './serve-options';
import { startWebShell } from './web-shell';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

async function main(): Promise<void> {
  const options = parseServeOptions(process.argv.slice(2), process.env);
  if (options.help) {
    process.stdout.write(serveUsage);
    return;
  }
  const paths = resolveStudioPaths(process.env);
  // The services need a sink before the server exists; events go to it once it listens.
  let sink: EventSink = () => {};
  const services = createStudioServices({
    paths,
    shell: 'web',
    version: readVersion(),
    emit: (event, payload) => sink(event, payload),
    launchWorker: nodeWorkerLauncher,
  });
  const shell = await startWebShell({
    handlers: services.handlers,
    thumbnails: services.thumbnails,
    staticDir: path.join(__dirname, '..', 'renderer'),
    port: options.port,
  });
  sink = shell.emit;
  process.stdout.write(
    `Transfer Studio is running. Open this address in your browser:\n\n  ${shell.url}\n\n` +
      `Data folder: ${paths.dataDir}\nModel folders: ${paths.modelsDirs.join(', ')}\n` +
      'Press Ctrl+C to stop.\n',
  );
  if (options.open) openInBrowser(shell.url);
  const stop = (): void => {
    void shell.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  const message =
    code === 'EADDRINUSE'
      ? 'That port is already in use: choose another with --port, or leave it out to get a free one.'
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`transfer-studio serve: ${message}\n`);
  process.exit(1);
});
