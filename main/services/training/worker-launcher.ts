import type { WorkerCommand, WorkerMessage } from '../../../shared/worker-protocol';

/** Why and how a worker process ended. */
export interface WorkerExit {
  code: number | null;
  signal: string | null;
  /** e.g. 'killed', 'crashed', 'oom' — as much as the host can tell. */
  reason?: string;
}

/** A running worker process, whatever hosts it (child_process or Electron utilityProcess). */
export interface WorkerHandle {
  send(command: WorkerCommand): void;
  /** Raw messages; the supervisor validates them against WorkerMessage. */
  onMessage(listener: (message: unknown) => void): void;
  onExit(listener: (exit: WorkerExit) => void): void;
  kill(): void;
  readonly pid: number | undefined;
}

export type WorkerLauncher = (options: { env?: NodeJS.ProcessEnv }) => WorkerHandle;

export type { WorkerCommand, WorkerMessage };
