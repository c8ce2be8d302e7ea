/**
 * Starts the training worker as an Electron utility process (a Node process Chromium
 * supervises), and gives each training run a direct MessageChannel from the worker to the
 * window, so live metrics never queue behind work in main.
 */
import { app, MessageChannelMain, utilityProcess, type WebContents } from 'electron';
import type {
  WorkerCommand,
  WorkerExit,
  WorkerHandle,
  WorkerLauncher,
} from '../services/training/worker-launcher';
import { sendTrainingPort } from './typed-ipc';
import { toWorkerExit, type ProcessGoneDetails } from './utility-exit';

export interface UtilityWorkerLauncherOptions {
  /** The bundled worker entry (dist/main/worker.cjs). */
  workerPath: string;
  /** The window that receives each run's live metrics port; null when none is open. */
  metricsTarget: () => WebContents | null;
}

/**
 * How long an exited worker waits for its child-process-gone details (crash, oom) before it
 * reports the exit without them; Electron emits the two events independently.
 */
const GONE_DETAILS_GRACE_MS = 250;
/** Enough of the worker's stderr to explain a crash (a native abort, an out-of-memory report). */
const STDERR_TAIL_CHARS = 4000;

export function createUtilityWorkerLauncher(options: UtilityWorkerLauncherOptions): {
  launch: WorkerLauncher;
  dispose(): void;
} {
  /** Processes still running or just ended, by service name, with their gone details. */
  const tracked = new Map<string, { gone?: ProcessGoneDetails; onGone?: () => void }>();
  let launched = 0;

  const onGone = (_event: unknown, details: Electron.Details): void => {
    const entry =
      details.type === 'Utility' && details.name ? tracked.get(details.name) : undefined;
    if (!entry) return;
    entry.gone = { reason: details.reason, exitCode: details.exitCode };
    entry.onGone?.();
  };
  app.on('child-process-gone', onGone);

  const launch: WorkerLauncher = ({ env }) => {
    // A unique name lets child-process-gone be matched to this process.
    const serviceName = `Transfer Studio training ${++launched}`;
    const child = utilityProcess.fork(options.workerPath, [], {
      env: env ?? process.env,
      serviceName,
      // stdout is shared (logs); stderr is also kept to explain crashes.
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    const exitListeners: Array<(exit: WorkerExit) => void> = [];
    let exited: WorkerExit | null = null;
    let killedByUs = false;

    const entry: { gone?: ProcessGoneDetails; onGone?: () => void } = {};
    tracked.set(serviceName, entry);
    child.once('exit', (code) => {
      const finish = (): void => {
        if (exited) return;
        tracked.delete(serviceName);
        exited = toWorkerExit(code, entry.gone, killedByUs, stderrTail);
        for (const listener of exitListeners) listener(exited);
      };
      if (entry.gone || killedByUs) {
        finish();
        return;
      }
      entry.onGone = finish;
      setTimeout(finish, GONE_DETAILS_GRACE_MS);
    });

    const handle: WorkerHandle = {
      send(command: WorkerCommand) {
        if (command.type === 'train') openMetricsChannel(command.job.runId);
        child.postMessage(command);
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
        child.kill();
      },
      get pid() {
        return child.pid;
      },
    };

    function openMetricsChannel(runId: string): void {
      const target = options.metricsTarget();
      if (!target || target.isDestroyed()) return;
      const { port1, port2 } = new MessageChannelMain();
      // The port goes first, so the worker has it before the job's first batch.
      child.postMessage({ type: 'port' }, [port1]);
      sendTrainingPort(target, runId, port2);
    }

    return handle;
  };

  return {
    launch,
    dispose() {
      app.off('child-process-gone', onGone);
    },
  };
}
