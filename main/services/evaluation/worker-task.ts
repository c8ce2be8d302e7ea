/**
 * Runs one short job ('evaluate' or 'predict') in a fresh worker process and waits for its
 * single answer. Heavy work (TF.js, decoding) never runs in the studio's own process.
 */
import { WorkerMessage, type WorkerCommand } from '../../../shared/worker-protocol';
import { ServiceError } from '../service-error';
import type { WorkerLauncher } from '../training/worker-launcher';

export interface WorkerTaskOptions {
  launchWorker: WorkerLauncher;
  env?: NodeJS.ProcessEnv;
  /** Longest the task may take before the worker is killed. */
  timeoutMs: number;
  /** How long the worker may linger after answering before it is killed. */
  exitGraceMs?: number;
  onPhase?(message: Extract<WorkerMessage, { type: 'phase' }>): void;
  signal?: AbortSignal;
}

/**
 * Sends `command` and resolves with the first answer `pick` accepts; an 'error' message, an
 * early exit or the timeout rejects with a ServiceError that says what happened.
 */
export function runWorkerTask<T>(
  command: WorkerCommand,
  pick: (message: WorkerMessage) => T | undefined,
  options: WorkerTaskOptions,
): Promise<T> {
  let handle: ReturnType<WorkerLauncher>;
  try {
    handle = options.launchWorker({ env: options.env ?? process.env });
  } catch (error) {
    return Promise.reject(
      new ServiceError('failed', `The worker could not be started: ${(error as Error).message}`),
    );
  }
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const settle = (action: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      options.signal?.removeEventListener('abort', onAbort);
      action();
      // The worker exits by itself after answering; make sure it does.
      setTimeout(() => handle.kill(), options.exitGraceMs ?? 5000).unref();
    };
    const timeout = setTimeout(() => {
      settle(() =>
        reject(
          new ServiceError(
            'failed',
            `The worker did not finish within ${Math.round(options.timeoutMs / 1000)} s.`,
          ),
        ),
      );
      handle.kill();
    }, options.timeoutMs);
    const onAbort = (): void => {
      handle.send({ type: 'cancel' });
      settle(() => reject(new ServiceError('failed', 'Cancelled.')));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    handle.onMessage((raw) => {
      const parsed = WorkerMessage.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'phase') options.onPhase?.(message);
      if (message.type === 'error') {
        settle(() => reject(new ServiceError('failed', message.message)));
        return;
      }
      const value = pick(message);
      if (value !== undefined) settle(() => resolve(value));
    });
    handle.onExit((exit) =>
      settle(() =>
        reject(
          new ServiceError(
            'failed',
            `The worker ${exit.reason ?? `exited with code ${exit.code}`} before answering.`,
          ),
        ),
      ),
    );
    handle.send(command);
  });
}
