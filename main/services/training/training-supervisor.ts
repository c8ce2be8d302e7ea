import type { BackendChoice, BackendReport } from '../../../shared/domain';
import type { EventSink } from '../../../shared/contract';
import type { TrainJob } from '../../../shared/worker-protocol';
import type { RunStore } from '../runs/run-store';
import type { WorkerLauncher } from './worker-launcher';

/** Starts one worker process per training job, relays its events, records how it ended. */
export class TrainingSupervisor {
  constructor(
    _options: { launchWorker: WorkerLauncher; runs: RunStore; emit: EventSink },
  ) {}
  start(_job: TrainJob): void {
    throw new Error('TrainingSupervisor.start: not implemented yet');
  }
  cancel(_runId: string): boolean {
    return false;
  }
  /** Resolves when the run ends (any status). */
  async waitFor(_runId: string): Promise<void> {}
  async diagnoseBackends(_backend: BackendChoice): Promise<BackendReport> {
    throw new Error('diagnoseBackends: not implemented yet');
  }
}
