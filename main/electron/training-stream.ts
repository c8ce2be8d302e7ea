/**
 * Merges the two routes training events take to the renderer into one ordered stream per run:
 * the worker's direct MessagePort (fast: never queues behind work in main) and main's normal
 * event channel (status, done, and metrics relayed by the supervisor). Whichever route
 * delivers a batch or an epoch first wins; the later copy is dropped. Runs in the preload,
 * so it imports nothing but the shared schemas.
 */
import { describeIssues, eventSchemas, type EventName, type EventOf } from '../../shared/contract';
import { WorkerMessage } from '../../shared/worker-protocol';

export type DeliverEvent = <E extends EventName>(event: E, payload: EventOf<E>) => void;

interface RunPosition {
  /** Last delivered batch, as epoch * BIG + batch, so one comparison orders them. */
  batch: number;
  epoch: number;
  finished: boolean;
}

const BATCHES_PER_EPOCH_BOUND = 1e9;
const TERMINAL = new Set(['completed', 'cancelled', 'failed']);

export interface TrainingStream {
  /** An event from main's event channel; returns false when it was dropped. */
  fromMain(event: EventName, payload: unknown): boolean;
  /** A message from a run's worker port; returns false when it was dropped. */
  fromWorker(runId: string, message: unknown): boolean;
  /** True once the run reached an end state (its port can be closed). */
  isFinished(runId: string): boolean;
}

export function createTrainingStream(
  deliver: DeliverEvent,
  warn: (message: string) => void = () => {},
): TrainingStream {
  const runs = new Map<string, RunPosition>();
  const positionOf = (runId: string): RunPosition => {
    let position = runs.get(runId);
    if (!position) {
      position = { batch: -1, epoch: -1, finished: false };
      runs.set(runId, position);
    }
    return position;
  };

  function acceptBatch(runId: string, epoch: number, batch: number): boolean {
    const position = positionOf(runId);
    const key = epoch * BATCHES_PER_EPOCH_BOUND + batch;
    if (position.finished || key <= position.batch) return false;
    position.batch = key;
    return true;
  }

  function acceptEpoch(runId: string, epoch: number): boolean {
    const position = positionOf(runId);
    if (position.finished || epoch <= position.epoch) return false;
    position.epoch = epoch;
    return true;
  }

  return {
    fromMain(event, payload) {
      const parsed = eventSchemas[event].safeParse(payload);
      if (!parsed.success) {
        warn(
          `Dropped an invalid "${event}" event from main: ${describeIssues(parsed.error).join('; ')}`,
        );
        return false;
      }
      const data = parsed.data;
      if (event === 'training:progress') {
        const { runId, batch } = data as EventOf<'training:progress'>;
        if (!acceptBatch(runId, batch.epoch, batch.batch)) return false;
      } else if (event === 'training:epoch') {
        const { runId, metrics } = data as EventOf<'training:epoch'>;
        if (!acceptEpoch(runId, metrics.epoch)) return false;
      } else if (event === 'training:status') {
        const { runId, status } = data as EventOf<'training:status'>;
        if (TERMINAL.has(status)) positionOf(runId).finished = true;
      } else if (event === 'training:done') {
        positionOf((data as EventOf<'training:done'>).runId).finished = true;
      }
      deliver(event, data as EventOf<typeof event>);
      return true;
    },

    fromWorker(runId, message) {
      const parsed = WorkerMessage.safeParse(message);
      if (!parsed.success) {
        warn(
          `Dropped an invalid message from the training worker: ${describeIssues(parsed.error).join('; ')}`,
        );
        return false;
      }
      const data = parsed.data;
      if (positionOf(runId).finished) return false;
      switch (data.type) {
        case 'batch':
          if (!acceptBatch(runId, data.batch.epoch, data.batch.batch)) return false;
          deliver('training:progress', { runId, batch: data.batch });
          return true;
        case 'epoch':
          if (!acceptEpoch(runId, data.metrics.epoch)) return false;
          deliver('training:epoch', { runId, metrics: data.metrics });
          return true;
        case 'phase':
          deliver('training:status', {
            runId,
            status: 'running',
            phase: data.phase,
            ...(data.message !== undefined ? { message: data.message } : {}),
            ...(data.progress !== undefined ? { progress: data.progress } : {}),
          });
          return true;
        default:
          // backend, done and error reach the renderer through main, which records them.
          return false;
      }
    },

    isFinished(runId) {
      return runs.get(runId)?.finished ?? false;
    },
  };
}
