/**
 * Starts the training worker as a plain Node child process (child_process.fork), for the web
 * shell, the CLI and the tests. The Electron shell uses a utilityProcess launcher instead; both
 * implement WorkerLauncher, so the supervisor does not know which one runs.
 */
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerExit, WorkerHandle, WorkerLauncher } from './worker-launcher';

const PACKAGE_NAME = 'transfer-studio';
/** Enough of the worker's stderr to explain a crash (a native abort, an out-of-memory report). */
const STDERR_TAIL_CHARS = 4000;

/**
 * Path of the bundled worker (dist/main/worker.cjs), found by walking up from this file to the
 * package root, so it works from the bundles in dist/main and from sources under tests.
 * TRANSFER_STUDIO_WORKER overrides it.
 */
export function resolveWorkerScript(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TRANSFER_STUDIO_WORKER) return path.resolve(env.TRANSFER_STUDIO_WORKER);
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if (
          (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME
        ) {
          return path.join(dir, 'dist', 'main', 'worker.cjs');
        }
      } catch {
        // An unreadable package.json on the way up is not ours; keep walking.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(
        `Cannot find the ${PACKAGE_NAME} package above ${__dirname} to locate the training ` +
          'worker; set TRANSFER_STUDIO_WORKER to dist/main/worker.cjs.',
      );
    }
    dir = parent;
  }
}

/** Describes how a child process ended, in words the run summary can show. */
export function describeExit(
  code: number | null,
  signal: NodeJS.Signals | null,
  killedByUs: boolean,
  stderrTail: string,
): WorkerExit {
  let reason: string;
  if (killedByUs) reason = 'stopped by the studio';
  else if (signal === 'SIGKILL')
    reason = 'killed (SIGKILL: out of memory, or ended by another program)';
  else if (signal) reason = `killed by signal ${signal}`;
  else if (code === 0) reason = 'exited';
  else reason = `crashed (exit code ${code})`;
  if (/heap out of memory|Allocation failed|out of memory/i.test(stderrTail))
    reason = 'out of memory';
  const lastLines = stderrTail.trim().split('\n').slice(-3).join(' | ');
  if (lastLines && code !== 0) reason += `: ${lastLines}`;
  return { code, signal, reason };
}

export const nodeWorkerLauncher: WorkerLauncher = ({ env }) => {
  const script = resolveWorkerScript(env ?? process.env);
  if (!existsSync(script)) {
    throw new Error(`The training worker ${script} is not built; run npm run build:main.`);
  }
  const child = fork(script, [], {
    env: env ?? process.env,
    // stdout is shared (logs); stderr is also kept to explain crashes.
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderrTail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    process.stderr.write(chunk);
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });
  let killedByUs = false;
  let exited: WorkerExit | undefined;
  const exitListeners: Array<(exit: WorkerExit) => void> = [];
  const finish = (exit: WorkerExit): void => {
    if (exited) return;
    exited = exit;
    for (const listener of exitListeners) listener(exit);
  };
  child.once('exit', (code, signal) => finish(describeExit(code, signal, killedByUs, stderrTail)));
  child.once('error', (error) => {
    // fork failed to start the process, or a kill/send failed on a dead one.
    if (child.exitCode === null && child.signalCode === null && child.pid === undefined) {
      finish({ code: null, signal: null, reason: `could not start: ${error.message}` });
    }
  });

  const handle: WorkerHandle = {
    send(command) {
      if (!child.connected) return;
      child.send(command, (error) => {
        // The channel closed between the check and the send: the exit handler reports it.
        if (error) stderrTail += `\n(send failed: ${error.message})`;
      });
    },
    onMessage(listener) {
      child.on('message', listener);
    },
    onExit(listener) {
      if (exited) listener(exited);
      else exitListeners.push(listener);
    },
    kill() {
      if (exited) return;
      killedByUs = true;
      child.kill('SIGKILL');
    },
    get pid() {
      return child.pid;
    },
  };
  return handle;
};
