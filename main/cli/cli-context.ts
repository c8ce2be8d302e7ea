import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EventName, EventOf, EventSink } from '../../shared/contract';
import { resolveStudioPaths } from '../services/paths';
import { createStudioServices, type StudioServices } from '../services/studio-services';
import { nodeWorkerLauncher } from '../services/training/node-worker-launcher';

type Listener = (event: EventName, payload: unknown) => void;

/** The services as the CLI uses them: same code as the app, events delivered to listeners. */
export interface CliContext {
  services: StudioServices;
  onEvent(listener: Listener): () => void;
}

export function createCliContext(): CliContext {
  const listeners = new Set<Listener>();
  const emit: EventSink = <E extends EventName>(event: E, payload: EventOf<E>) => {
    for (const listener of listeners) listener(event, payload);
  };
  const services = createStudioServices({
    paths: resolveStudioPaths(process.env),
    shell: 'web',
    version: packageVersion(),
    emit,
    launchWorker: nodeWorkerLauncher,
  });
  return {
    services,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i += 1) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'transfer-studio') return pkg.version ?? '0.0.0';
    } catch {
      // not here; look one folder up
    }
    dir = path.dirname(dir);
  }
  return '0.0.0';
}

/** Prints a value as JSON on stdout (one line), for --json output. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Left-aligned text table. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) =>
    Math.max(...cells.map((row) => (row[column] ?? '').length)),
  );
  return cells
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
