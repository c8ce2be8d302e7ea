/**
 * Runs one command in a fresh worker process and waits for its answer: the generic shape of
 * short-lived heavy jobs (an export, a backend check) that must not run in the host. The worker
 * answers with one final message (a result or an 'error'), then exits; progress messages on the
 * way are handed to `onProgress`.
 */
import { WorkerMessage, type WorkerCommand } from '../../../shared/worker-protocol';
import { ServiceError } from '../service-error';
import type { WorkerLauncher } from '../training/worker-launcher';

export interface OneShotJobOptions<T> {
  launchWorker: WorkerLauncher;
  env?: NodeJS.ProcessEnv;
  command: WorkerCommand;
  /** Returns the result when `message` is the job's answer, undefined for anything else. */
  resultOf(message: WorkerMessage): T | undefined;
  onProgress?(message: Extract<WorkerMessage, { type: 'phase' }>): void;
  /** Names the job in errors, e.g. "The export". */
  what: string;
  /** Longest the job may take before its worker is killed. */
  timeoutMs?: number;
  /** How long the worker may linger after answering before it is killed. */
  exitGraceMs?: number;
}

/** Starts a worker, sends `command`, resolves with the result; rejects with a ServiceError. */
export function runOneShotWorkerJob<T>(options: OneShotJobOptions<T>): Promise<T> {
  const { what } = options;
  let handle: ReturnType<WorkerLauncher>;
  try {
    handle = options.launchWorker({ env: options.env ?? process.env });
  } catch (error) {
    return Promise.reject(
      new ServiceError('failed', `${what} could not start its worker: ${(error as Error).message}`),
    );
  }
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      action();
      // The worker exits by itself after answering; make sure it does.
      setTimeout(() => handle.kill(), options.exitGraceMs ?? 5_000).unref();
    };
    const timeoutMs = options.timeoutMs ?? 60 * 60_000;
    const timeout = setTimeout(() => {
      settle(() =>
        reject(
          new ServiceError(
            'failed',
            `${what} did not finish within ${Math.round(timeoutMs / 60_000)} minutes and was stopped.`,
          ),
        ),
      );
      handle.kill();
    }, timeoutMs);
    handle.onMessage((raw) => {
      const parsed = WorkerMessage.safeParse(raw);
      if (!parsed.success) {
        process.emitWarning(`${what}: ignored an invalid message from its worker.`);
        return;
      }
      const message = parsed.data;
      if (message.type === 'phase') {
        if (!settled) options.onProgress?.(message);
        return;
      }
      if (message.type === 'error') {
        settle(() => reject(new ServiceError(message.code ?? 'failed', message.message)));
        return;
      }
      const result = options.resultOf(message);
      if (result !== undefined) settle(() => resolve(result));
    });
    handle.onExit((exit) =>
      settle(() =>
        reject(
          new ServiceError(
            'failed',
            `${what} stopped before finishing: its worker ${exit.reason ?? `exited with code ${exit.code}`}.`,
          ),
        ),
      ),
    );
    handle.send(options.command);
  });
}
