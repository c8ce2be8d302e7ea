/**
 * Entry point of the training worker process (bundled to dist/main/worker.cjs). It receives
 * WorkerCommands from its host (validated), runs one job ('train' or 'doctor'), answers with
 * WorkerMessages, and exits when the job is done or its host goes away.
 */
import { describeIssues } from '../../shared/contract';
import type { BackendChoice, BackendReport } from '../../shared/domain';
import { WorkerCommand, type WorkerMessage } from '../../shared/worker-protocol';
import { selectBackend } from './backends/backend-chain';
import { probeFeatureEngines } from './training/engine-choice';
import { calibrateSpeed } from './calibration/calibrate-speed';
import { runModelCommand } from './evaluation/model-commands';
import { runExportCommand } from './exporters/export-command';
import { runLrFind } from './training/lr-finder';
import { RunControl } from './training/run-control';
import { runTrainJob } from './training/train-job';
import { createWorkerTransport, type WorkerTransport } from './transport';

/** Messages also posted on the stream port (the live view), when the host gave one. */
const STREAMED = new Set<WorkerMessage['type']>(['batch', 'epoch', 'phase', 'backend', 'done']);

/** The backend the chain chose, and which engine would compute features (never fails on it). */
async function doctorReport(backend: BackendChoice): Promise<BackendReport> {
  const report = await selectBackend(backend);
  try {
    const tfjsUsesGpu = report.chosen === 'tensorflow-gpu';
    return { ...report, featureEngine: await probeFeatureEngines({ tfjsUsesGpu }) };
  } catch {
    // The backend itself loaded; the report stays useful without the feature engine.
    return report;
  }
}

function main(transport: WorkerTransport): void {
  const cancel = new RunControl();
  let busy = false;

  const emit = (message: WorkerMessage): void => {
    void transport.send(message);
    if (STREAMED.has(message.type)) transport.stream(message);
  };

  /** Sends the last message and exits once it is on its way. */
  const finish = async (message: WorkerMessage, code: number): Promise<void> => {
    if (STREAMED.has(message.type)) transport.stream(message);
    await transport.send(message);
    // A utility process's parentPort gives no delivery callback: leave it a moment to flush.
    setTimeout(() => process.exit(code), transport.kind === 'fork' ? 0 : 200);
  };

  transport.onMessage((raw) => {
    const parsed = WorkerCommand.safeParse(raw);
    if (!parsed.success) {
      emit({
        type: 'error',
        message: `The worker received an invalid command: ${describeIssues(parsed.error).join('; ')}`,
      });
      return;
    }
    const command = parsed.data;
    if (command.type === 'cancel') {
      cancel.cancel();
      return;
    }
    if (command.type === 'pause' || command.type === 'resume' || command.type === 'extend') {
      if (command.type === 'pause') cancel.pause();
      else if (command.type === 'resume') cancel.resume();
      else cancel.extend(command.epochs);
      emit({ type: 'control', paused: cancel.paused, epochsPlanned: cancel.epochsPlanned });
      return;
    }
    if (busy) {
      emit({ type: 'error', message: `The worker is busy; '${command.type}' was ignored.` });
      return;
    }
    busy = true;
    if (command.type === 'doctor') {
      doctorReport(command.backend).then(
        (report) => finish({ type: 'backend', report }, 0),
        (error: unknown) =>
          finish(
            { type: 'error', message: error instanceof Error ? error.message : String(error) },
            1,
          ),
      );
      return;
    }
    if (command.type === 'export') {
      void runExportCommand(command.job, { emit }).then((message) =>
        finish(message, message.type === 'error' ? 1 : 0),
      );
      return;
    }
    if (command.type === 'calibrate') {
      calibrateSpeed(command.job, { emit }).then(
        (result) => finish({ type: 'calibration', result }, 0),
        (error: unknown) =>
          finish(
            { type: 'error', message: error instanceof Error ? error.message : String(error) },
            1,
          ),
      );
      return;
    }
    if (command.type === 'evaluate' || command.type === 'predict') {
      void runModelCommand(command, { emit, cancel }).then((message) =>
        finish(message, message.type === 'error' ? 1 : 0),
      );
      return;
    }
    if (command.type === 'lr-find') {
      runLrFind(command.job, { emit, cancel }).then(
        (result) => finish({ type: 'lr-find', result }, 0),
        (error: unknown) =>
          finish(
            { type: 'error', message: error instanceof Error ? error.message : String(error) },
            1,
          ),
      );
      return;
    }
    void runTrainJob(command.job, { emit, cancel }).then((summary) =>
      finish({ type: 'done', summary }, 0),
    );
  });

  // The host is gone (crashed or quit): nobody will read the results, stop now.
  transport.onDisconnect(() => process.exit(0));
}

const reportFatal = (error: unknown): void => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `training worker: fatal error: ${error instanceof Error ? error.stack : message}\n`,
  );
  try {
    void transport?.send({ type: 'error', message: `The training worker crashed: ${message}` });
  } finally {
    setTimeout(() => process.exit(1), 100);
  }
};

let transport: WorkerTransport | undefined;
process.on('uncaughtException', reportFatal);
process.on('unhandledRejection', reportFatal);
try {
  transport = createWorkerTransport();
  main(transport);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}
