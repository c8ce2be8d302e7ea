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

/** How long stopping the training workers may take before the server exits anyway. */
const STOP_LIMIT_MS = 5000;

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
  let stopping = false;
  const stop = (): void => {
    // A second Ctrl+C while trainings are stopping ends the server at once.
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write('Stopping: trainings in progress end as cancelled…\n');
    // Like the Electron app on quit: workers end (their runs recorded as cancelled) before
    // the server goes, so no worker keeps writing into a run the studio calls finished.
    const bounded = new Promise<void>((resolve) => setTimeout(resolve, STOP_LIMIT_MS).unref());
    void Promise.race([services.supervisor.stopAll(), bounded])
      .catch((error: unknown) =>
        process.stderr.write(`Stopping the trainings failed: ${String(error)}\n`),
      )
      .then(() => shell.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
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
