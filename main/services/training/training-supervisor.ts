import type { EventSink } from '../../../shared/contract';
import type { BackendChoice, BackendReport, RunStatus, RunSummary } from '../../../shared/domain';
import { WorkerMessage, type LrFindResult, type TrainJob } from '../../../shared/worker-protocol';
import type { RunStore } from '../runs/run-store';
import { ServiceError } from '../service-error';
import type { WorkerExit, WorkerHandle, WorkerLauncher } from './worker-launcher';
import { runWorkerTask, type WorkerTaskOptions } from './worker-task';

export interface TrainingSupervisorOptions {
  launchWorker: WorkerLauncher;
  runs: RunStore;
  emit: EventSink;
  /** Environment of the worker processes (defaults to this process's). */
  env?: NodeJS.ProcessEnv;
  /** How long a cancelled worker may take to stop by itself before it is killed. */
  cancelGraceMs?: number;
  /** How long a worker may linger after reporting its end before it is killed. */
  exitGraceMs?: number;
  /** How long a backend diagnosis may take. */
  doctorTimeoutMs?: number;
  /** How long the worker may take to answer pause/resume/extend. */
  controlTimeoutMs?: number;
}

interface ActiveRun {
  runId: string;
  runDir: string;
  handle: WorkerHandle;
  reportedEnd: boolean;
  cancelRequested: boolean;
  /** Killed because the studio is quitting (stopAll). */
  stopping: boolean;
  lastError?: string;
  timers: NodeJS.Timeout[];
  ended: Promise<void>;
  /** Answers awaited from the worker for pause/resume/extend, in order. */
  controlAnswers: Array<(answer: ControlAnswer | undefined) => void>;
}

/** The worker's state after a pause, resume or extend command. */
export interface ControlAnswer {
  paused: boolean;
  epochsPlanned: number;
}

/** Starts one worker process per training job, relays its events, records how it ended. */
export class TrainingSupervisor {
  private readonly active = new Map<string, ActiveRun>();
  private readonly options: Required<Omit<TrainingSupervisorOptions, 'env'>> & {
    env?: NodeJS.ProcessEnv;
  };

  constructor(options: TrainingSupervisorOptions) {
    this.options = {
      cancelGraceMs: 10_000,
      exitGraceMs: 5_000,
      doctorTimeoutMs: 120_000,
      controlTimeoutMs: 15_000,
      ...options,
    };
  }

  /** Run ids whose worker is still running. */
  get activeRunIds(): string[] {
    return [...this.active.keys()];
  }

  /**
   * Starts `job` in a new worker. The run folder must exist (RunStore.create). Throws when the
   * worker cannot be started; the run is then recorded as failed.
   */
  start(job: TrainJob): void {
    if (this.active.has(job.runId)) {
      throw new ServiceError('conflict', `Run ${job.runId} is already training.`);
    }
    let handle: WorkerHandle;
    try {
      handle = this.options.launchWorker({ env: this.options.env ?? process.env });
    } catch (error) {
      const reason = `The training worker could not be started: ${(error as Error).message}`;
      void this.recordEnd(job.runId, job.runDir, 'failed', reason).catch(() => {});
      throw new ServiceError('failed', reason);
    }
    let markEnded: () => void = () => {};
    const run: ActiveRun = {
      runId: job.runId,
      runDir: job.runDir,
      handle,
      reportedEnd: false,
      cancelRequested: false,
      stopping: false,
      timers: [],
      ended: new Promise<void>((resolve) => (markEnded = resolve)),
      controlAnswers: [],
    };
    this.active.set(job.runId, run);
    handle.onMessage((raw) => this.onWorkerMessage(run, raw));
    handle.onExit((exit) => {
      void this.onWorkerExit(run, exit).finally(() => {
        run.timers.forEach(clearTimeout);
        run.controlAnswers.splice(0).forEach((answer) => answer(undefined));
        this.active.delete(run.runId);
        markEnded();
      });
    });
    this.status(job.runId, 'running', 'starting', { message: 'Starting the training worker' });
    handle.send({ type: 'train', job });
  }

  /** Asks a run to stop; it is killed when it has not stopped after a grace period. */
  cancel(runId: string): boolean {
    const run = this.active.get(runId);
    if (!run || run.reportedEnd) return false;
    if (!run.cancelRequested) {
      run.cancelRequested = true;
      run.handle.send({ type: 'cancel' });
      run.timers.push(setTimeout(() => run.handle.kill(), this.options.cancelGraceMs));
      this.status(runId, 'running', 'cancelling', { message: 'Stopping after the current batch' });
    }
    return true;
  }

  /** Whether a run's worker is still at work on it (cancelling included), until it reports its end. */
  isTraining(runId: string): boolean {
    const run = this.active.get(runId);
    return Boolean(run && !run.reportedEnd);
  }

  /** Whether a run's worker is still training (it can be paused, resumed or extended). */
  isActive(runId: string): boolean {
    const run = this.active.get(runId);
    return Boolean(run && !run.reportedEnd && !run.cancelRequested);
  }

  /** Sends a control command and waits for the worker's state (undefined if it is gone). */
  private control(
    runId: string,
    command: { type: 'pause' } | { type: 'resume' } | { type: 'extend'; epochs: number },
  ): Promise<ControlAnswer | undefined> {
    const run = this.active.get(runId);
    if (!run || run.reportedEnd || run.cancelRequested) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const index = run.controlAnswers.indexOf(answer);
        if (index >= 0) run.controlAnswers.splice(index, 1);
        resolve(undefined);
      }, this.options.controlTimeoutMs);
      const answer = (value: ControlAnswer | undefined): void => {
        clearTimeout(timer);
        resolve(value);
      };
      run.controlAnswers.push(answer);
      run.handle.send(command);
    });
  }

  /** Pauses a run before its next batch; true when the run is now paused. */
  async pause(runId: string): Promise<boolean> {
    const answer = await this.control(runId, { type: 'pause' });
    if (answer?.paused) {
      this.status(runId, 'running', 'paused', { message: 'Paused; resume to go on training' });
    }
    return Boolean(answer?.paused);
  }

  /** Resumes a paused run; true when it runs again. */
  async resume(runId: string): Promise<boolean> {
    const answer = await this.control(runId, { type: 'resume' });
    if (answer && !answer.paused) {
      this.status(runId, 'running', 'resumed', { message: 'Training resumed' });
    }
    return Boolean(answer && !answer.paused);
  }

  /** Adds epochs to a running run; the epochs it will have in all, or undefined if not running. */
  async extend(runId: string, epochs: number): Promise<number | undefined> {
    const answer = await this.control(runId, { type: 'extend', epochs });
    return answer?.epochsPlanned;
  }

  /**
   * Runs fastai's learning-rate finder in a short-lived worker on `job` (whose run folder is
   * only a scratch folder for its log) and returns the curve and the suggestion.
   */
  async findLearningRate(job: TrainJob): Promise<LrFindResult> {
    return runWorkerTask(
      { type: 'lr-find', job },
      (message) => (message.type === 'lr-find' ? message.result : undefined),
      { ...this.taskOptions(), workerName: "learning-rate finder's worker" },
    );
  }

  /** Resolves when the run ends (any status) and its worker is gone. */
  async waitFor(runId: string): Promise<void> {
    await this.active.get(runId)?.ended;
  }

  /** Process id of a run's worker, while it runs (for diagnostics). */
  workerPid(runId: string): number | undefined {
    return this.active.get(runId)?.handle.pid;
  }

  /** Kills every worker (the app is quitting); their runs are recorded as failed. */
  async stopAll(): Promise<void> {
    const runs = [...this.active.values()];
    for (const run of runs) {
      run.stopping = true;
      run.handle.kill();
    }
    await Promise.all(runs.map((run) => run.ended));
  }

  /** Starts a short-lived worker that only loads a backend, and returns its report. */
  async diagnoseBackends(backend: BackendChoice): Promise<BackendReport> {
    return runWorkerTask(
      { type: 'doctor', backend },
      (message) => (message.type === 'backend' ? message.report : undefined),
      {
        ...this.taskOptions(),
        timeoutMs: this.options.doctorTimeoutMs,
        timeoutMessage: 'The backend check did not answer in time.',
        workerName: 'backend check worker',
      },
    );
  }

  /** How one-shot commands (lr-find, doctor) start and end their worker. */
  private taskOptions(): WorkerTaskOptions {
    return {
      launchWorker: this.options.launchWorker,
      ...(this.options.env ? { env: this.options.env } : {}),
      exitGraceMs: this.options.exitGraceMs,
    };
  }

  private onWorkerMessage(run: ActiveRun, raw: unknown): void {
    const parsed = WorkerMessage.safeParse(raw);
    if (!parsed.success) {
      // A worker of another version, or a bug: never let it crash the host.
      process.emitWarning(
        `Ignored an invalid message from the training worker of run ${run.runId}.`,
      );
      return;
    }
    const message = parsed.data;
    const { runId } = run;
    switch (message.type) {
      case 'backend':
        this.status(runId, 'running', 'backend', {
          backend: message.report.description,
          message: `Training on ${message.report.description}`,
        });
        break;
      case 'phase':
        this.status(runId, 'running', message.phase, {
          ...(message.message ? { message: message.message } : {}),
          ...(message.progress !== undefined ? { progress: message.progress } : {}),
          ...(message.etaMs !== undefined ? { etaMs: message.etaMs } : {}),
        });
        break;
      case 'batch':
        this.options.emit('training:progress', { runId, batch: message.batch });
        break;
      case 'epoch':
        this.options.emit('training:epoch', { runId, metrics: message.metrics });
        break;
      case 'error':
        run.lastError = message.message;
        break;
      case 'control':
        run.controlAnswers.shift()?.({
          paused: message.paused,
          epochsPlanned: message.epochsPlanned,
        });
        break;
      case 'done':
        run.reportedEnd = true;
        this.announceEnd(message.summary);
        run.timers.push(setTimeout(() => run.handle.kill(), this.options.exitGraceMs));
        break;
    }
  }

  private async onWorkerExit(run: ActiveRun, exit: WorkerExit): Promise<void> {
    if (run.reportedEnd) return;
    // The studio quitting (stopAll) is the user's decision, so the run ends as cancelled.
    const status: RunStatus = run.cancelRequested || run.stopping ? 'cancelled' : 'failed';
    let reason: string;
    if (run.cancelRequested) reason = 'Cancelled.';
    else if (run.stopping) {
      reason =
        'Cancelled: the studio quit while this run was training. The epochs finished before that are kept.';
    } else {
      reason =
        `The training worker stopped unexpectedly (${exit.reason ?? `exit code ${exit.code}`})` +
        `${run.lastError ? `: ${run.lastError}` : ''}. The epochs finished before that are kept.`;
    }
    this.announceEnd(await this.recordEnd(run.runId, run.runDir, status, reason));
  }

  /** Writes the end into run.json; falls back to a summary in memory if that fails. */
  private async recordEnd(
    runId: string,
    runDir: string,
    status: 'failed' | 'cancelled',
    reason: string,
  ): Promise<RunSummary> {
    try {
      return await this.options.runs.finishWithoutWorker(runDir, status, reason);
    } catch (error) {
      const now = new Date().toISOString();
      return {
        id: runId,
        dir: runDir,
        name: runId,
        status,
        startedAt: now,
        finishedAt: now,
        baseModel: '',
        labels: [],
        epochsPlanned: 0,
        epochsDone: 0,
        error: `${reason} (The run folder could not be updated: ${(error as Error).message})`,
      };
    }
  }

  private announceEnd(summary: RunSummary): void {
    this.status(
      summary.id,
      summary.status,
      'finished',
      summary.error ? { message: summary.error } : {},
    );
    this.options.emit('training:done', { runId: summary.id, summary });
  }

  private status(
    runId: string,
    status: RunStatus,
    phase: string,
    extra: { backend?: string; message?: string; progress?: number; etaMs?: number },
  ): void {
    this.options.emit('training:status', { runId, status, phase, ...extra });
  }
}
