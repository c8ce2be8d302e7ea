/**
 * Runs one short job (evaluate, predict, lr-find, calibrate, doctor, export) in a fresh worker process
 * and waits for its single answer. Heavy work (TF.js, decoding) never runs in the studio's own
 * process. Training runs, which stream and take commands, are the supervisor's own.
 */
import { WorkerMessage, type WorkerCommand } from '../../../shared/worker-protocol';
import { ServiceError } from '../service-error';
import type { WorkerLauncher } from './worker-launcher';

export interface WorkerTaskOptions {
  launchWorker: WorkerLauncher;
  env?: NodeJS.ProcessEnv;
  /** Longest the task may take before the worker is killed (none when left out). */
  timeoutMs?: number;
  /** What the user reads when the timeout strikes (default: the worker did not finish in N s). */
  timeoutMessage?: string;
  /** Names the worker in the early-exit message, e.g. "backend check worker". */
  workerName?: string;
  /** Put before the worker's own error message, e.g. "Measuring the training speed failed". */
  errorPrefix?: string;
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
      if (timeout) clearTimeout(timeout);
      options.signal?.removeEventListener('abort', onAbort);
      action();
      // The worker exits by itself after answering; make sure it does.
      setTimeout(() => handle.kill(), options.exitGraceMs ?? 5000).unref();
    };
    const { timeoutMs } = options;
    const timeout =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            const message =
              options.timeoutMessage ??
              `The worker did not finish within ${Math.round(timeoutMs / 1000)} s.`;
            settle(() => reject(new ServiceError('failed', message)));
            handle.kill();
          }, timeoutMs);
    const onAbort = (): void => {
      handle.send({ type: 'cancel' });
      settle(() => reject(new ServiceError('failed', 'Cancelled.')));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    handle.onMessage((raw) => {
      const parsed = WorkerMessage.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'phase') {
        if (!settled) options.onPhase?.(message);
        return;
      }
      if (message.type === 'error') {
        const text = options.errorPrefix
          ? `${options.errorPrefix}: ${message.message}`
          : message.message;
        settle(() => reject(new ServiceError(message.code ?? 'failed', text)));
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
            `The ${options.workerName ?? 'worker'} ${exit.reason ?? `exited with code ${exit.code}`} before answering.`,
          ),
        ),
      ),
    );
    handle.send(command);
  });
}
