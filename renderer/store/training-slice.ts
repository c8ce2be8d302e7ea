import type { EventOf } from '../../shared/contract';
import type { BatchMetrics, EpochMetrics, RunStatus, RunSummary } from '../../shared/domain';
import { errorMessage } from '../api/request-error';
import { MetricSeries } from './metric-series';
import type { SliceCreator } from './studio-state';
import { FrameCoalescer } from './training-frame-coalescer';

export type TrainingPhase = 'idle' | 'starting' | RunStatus;
export type RunControl = 'pause' | 'resume' | 'cancel' | 'extend';

export interface TrainingSlice {
  runId: string | null;
  runStatus: TrainingPhase;
  /** The running run is paused (between batches; the worker keeps its state). */
  paused: boolean;
  /** Worker phase label (e.g. "features-train") with its message and 0..1 progress when known. */
  phase: string | null;
  phaseMessage: string | null;
  phaseProgress: number | null;
  /** Milliseconds left in the phase (feature extraction), when the worker has a rate. */
  phaseEtaMs: number | null;
  /** Epochs the run will do in all (both phases, extensions included). */
  plannedEpochs: number | null;
  lastBatch: BatchMetrics | null;
  epochMetrics: EpochMetrics[];
  runSummary: RunSummary | null;
  trainError: string | null;
  /** A run control waiting for its answer (its button shows busy, the others wait). */
  controlBusy: RunControl | null;
  controlError: string | null;
  /** The "Extend by N epochs" field. */
  extendEpochs: string;
  /** Batch curves, mutated in place outside React; `seriesVersion` ticks when they change. */
  series: MetricSeries;
  seriesVersion: number;
  /**
   * Clears the Train screen's run view for a run about to start (curves, metrics, queued
   * events, errors): for startTraining and for any other action that starts a run (retrain).
   */
  beginRunView(plannedEpochs: number | null): void;
  startTraining(): Promise<void>;
  cancelTraining(): Promise<void>;
  pauseTraining(): Promise<void>;
  resumeTraining(): Promise<void>;
  setExtendEpochs(value: string): void;
  /** Adds epochs to the running run, or continues the finished one from its saved model. */
  extendTraining(): Promise<void>;
  onTrainingStatus(event: EventOf<'training:status'>): void;
  onTrainingProgress(event: EventOf<'training:progress'>): void;
  onTrainingEpoch(event: EventOf<'training:epoch'>): void;
  onTrainingDone(event: EventOf<'training:done'>): void;
}

/** A run can be paused, cancelled or extended while it is in one of these states. */
export const isRunActive = (status: TrainingPhase) => status === 'starting' || status === 'running';

/**
 * Why a finished run cannot be extended from here, or null when it can: the extension trains
 * on the run's own images, so that folder must be the one loaded (a different folder loaded
 * looks like it would be trained on, and is not).
 */
export function extendBlocker(
  summary: RunSummary | null,
  dataset: { roots: string[] } | null,
): string | null {
  if (!summary || summary.status !== 'completed') return null;
  const trainedOn = summary.dataset;
  if (!trainedOn) return null;
  const same =
    dataset !== null &&
    [...dataset.roots].sort().join('\n') === [...trainedOn.roots].sort().join('\n');
  return same
    ? null
    : `Extend goes on training this run on its own images (${trainedOn.name}). Load that folder ` +
        'on the Dataset tab to extend it, or start a new run on the folder loaded now.';
}

/** Epochs the extend field asks for, or null when it holds no whole number from 1 to 1000. */
export function parseExtendEpochs(text: string): number | null {
  const value = Number(text);
  return Number.isInteger(value) && value >= 1 && value <= 1000 ? value : null;
}

type MetricUpdate =
  | { kind: 'batch'; runId: string; batch: BatchMetrics }
  | { kind: 'epoch'; runId: string; metrics: EpochMetrics };

export const createTrainingSlice: SliceCreator<TrainingSlice> = (api) => (set, get) => {
  /** Events from another run (another tab started one) are ignored, except to adopt a run we lost. */
  function concerns(runId: string): boolean {
    const current = get().runId;
    if (current === runId) return true;
    if (current === null && get().runStatus !== 'starting') {
      get().series.reset();
      set({ runId, epochMetrics: [], lastBatch: null, runSummary: null, trainError: null });
      return true;
    }
    return false;
  }

  /**
   * Batch and epoch events arrive up to several times a second per run; they are applied
   * once per animation frame, as one store update, so React renders at most once a frame
   * and the chart redraws once for the whole burst.
   */
  const updates = new FrameCoalescer<MetricUpdate>((items) => {
    const series = get().series;
    let lastBatch = get().lastBatch;
    let epochs = get().epochMetrics;
    let changed = false;
    for (const item of items) {
      if (!concerns(item.runId)) continue;
      changed = true;
      if (item.kind === 'batch') {
        series.pushBatch(item.batch);
        lastBatch = item.batch;
      } else {
        series.pushEpoch(item.metrics);
        epochs = [...epochs.filter((e) => e.epoch !== item.metrics.epoch), item.metrics];
      }
    }
    if (changed) set({ lastBatch, epochMetrics: epochs, seriesVersion: get().seriesVersion + 1 });
  });

  /**
   * Sends a run control and records its failure where the controls show it. One control at a
   * time, except Cancel, which must work even while another control hangs.
   */
  async function control(kind: RunControl, send: (runId: string) => Promise<void>) {
    const runId = get().runId;
    if (!runId || (get().controlBusy && kind !== 'cancel')) return;
    set({ controlBusy: kind, controlError: null });
    try {
      await send(runId);
    } catch (error) {
      set({ controlError: errorMessage(error) });
    } finally {
      if (get().controlBusy === kind) set({ controlBusy: null });
    }
  }

  return {
    runId: null,
    runStatus: 'idle',
    paused: false,
    phase: null,
    phaseMessage: null,
    phaseProgress: null,
    phaseEtaMs: null,
    plannedEpochs: null,
    lastBatch: null,
    epochMetrics: [],
    runSummary: null,
    trainError: null,
    controlBusy: null,
    controlError: null,
    extendEpochs: '2',
    series: new MetricSeries(),
    seriesVersion: 0,
    beginRunView(plannedEpochs) {
      updates.clear();
      get().series.reset();
      set({
        runId: null,
        runStatus: 'starting',
        paused: false,
        phase: 'starting',
        phaseMessage: null,
        phaseProgress: null,
        phaseEtaMs: null,
        plannedEpochs,
        lastBatch: null,
        epochMetrics: [],
        runSummary: null,
        trainError: null,
        controlError: null,
        seriesVersion: get().seriesVersion + 1,
      });
    },
    async startTraining() {
      const state = get();
      const config = state.trainConfig();
      if (isRunActive(state.runStatus) || !config) return;
      state.beginRunView(config.epochs + (state.fineTunes() ? config.fineTune.epochs : 0));
      try {
        const { runId } = await api.request('training:start', config);
        // Status events may have arrived first and already moved the run on.
        set({ runId, runStatus: get().runStatus === 'starting' ? 'running' : get().runStatus });
      } catch (error) {
        set({ runStatus: 'failed', phase: null, trainError: errorMessage(error) });
      }
    },
    cancelTraining: () =>
      control('cancel', async (runId) => {
        await api.request('training:cancel', { runId });
      }),
    pauseTraining: () =>
      control('pause', async (runId) => {
        const { paused } = await api.request('training:pause', { runId });
        if (paused && get().runId === runId && isRunActive(get().runStatus)) set({ paused: true });
      }),
    resumeTraining: () =>
      control('resume', async (runId) => {
        const { resumed } = await api.request('training:resume', { runId });
        if (resumed && get().runId === runId) set({ paused: false });
      }),
    setExtendEpochs: (extendEpochs) => set({ extendEpochs }),
    extendTraining: () =>
      control('extend', async (runId) => {
        const epochs = parseExtendEpochs(get().extendEpochs);
        if (epochs === null) {
          set({ controlError: 'Type how many epochs to add: a whole number from 1 to 1000.' });
          return;
        }
        const before = get();
        const wasActive = isRunActive(before.runStatus);
        // A finished run is continued by a new run (the finished one stays as it was): the
        // view keeps its curves and follows the new run from its first status event, which
        // can come before the answer, as can a short extension's epochs and end.
        if (!wasActive) {
          updates.flush();
          set({
            runId: null,
            runStatus: 'starting',
            phase: 'starting',
            runSummary: null,
            trainError: null,
            paused: false,
          });
        }
        let answer;
        try {
          answer = await api.request('training:extend', { runId, epochs });
        } catch (error) {
          if (!wasActive) {
            set({
              runId: before.runId,
              runStatus: before.runStatus,
              phase: before.phase,
              runSummary: before.runSummary,
              trainError: before.trainError,
            });
          }
          throw error;
        }
        const status = get().runStatus;
        set({
          runId: answer.runId,
          runStatus: status === 'starting' ? 'running' : status,
          plannedEpochs: answer.epochsPlanned,
        });
        if (!wasActive) void get().loadRuns();
      }),
    onTrainingStatus(event) {
      updates.flush();
      if (get().runStatus === 'starting' && get().runId === null) set({ runId: event.runId });
      if (!concerns(event.runId)) return;
      set({
        runStatus: event.status,
        phase: event.phase,
        phaseMessage: event.message ?? null,
        phaseProgress: event.progress ?? null,
        phaseEtaMs: event.etaMs ?? null,
        // The worker says 'paused' once it stops between batches and 'resumed' when it goes
        // on; other phases (features still computing before the first batch) leave it as is.
        paused:
          event.status !== 'running' || event.phase === 'resumed'
            ? false
            : event.phase === 'paused' || get().paused,
        ...(event.status === 'failed' ? { trainError: event.message ?? 'Training failed.' } : {}),
      });
      if (event.backend) get().setRunBackend(event.backend);
    },
    onTrainingProgress(event) {
      updates.push({ kind: 'batch', runId: event.runId, batch: event.batch });
    },
    onTrainingEpoch(event) {
      updates.push({ kind: 'epoch', runId: event.runId, metrics: event.metrics });
    },
    onTrainingDone(event) {
      // Every metric of the run is applied before its end is shown.
      updates.flush();
      if (!concerns(event.runId)) return;
      const { summary } = event;
      set({
        runSummary: summary,
        runStatus: summary.status,
        paused: false,
        phase: null,
        phaseProgress: null,
        phaseEtaMs: null,
        plannedEpochs: summary.epochsPlanned,
        ...(summary.status === 'failed' ? { trainError: summary.error ?? 'Training failed.' } : {}),
      });
      if (summary.status === 'completed') get().selectExportRun(summary.id);
      void get().loadRuns();
    },
  };
};
