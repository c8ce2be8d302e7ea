import type { EventOf } from '../../shared/contract';
import type { BatchMetrics, EpochMetrics, RunStatus, RunSummary } from '../../shared/domain';
import { errorMessage } from '../api/request-error';
import { MetricSeries } from './metric-series';
import type { SliceCreator } from './studio-state';

export type TrainingPhase = 'idle' | 'starting' | RunStatus;

export interface TrainParams {
  epochs: string;
  learningRate: string;
  batchSize: string;
}

export interface TrainingSlice {
  trainParams: TrainParams;
  runId: string | null;
  runStatus: TrainingPhase;
  /** Worker phase label (e.g. "decoding images") with its 0..1 progress when known. */
  phase: string | null;
  phaseMessage: string | null;
  phaseProgress: number | null;
  lastBatch: BatchMetrics | null;
  epochMetrics: EpochMetrics[];
  runSummary: RunSummary | null;
  trainError: string | null;
  /** Batch curves, mutated in place outside React; `seriesVersion` ticks when they change. */
  series: MetricSeries;
  seriesVersion: number;
  setTrainParam(key: keyof TrainParams, value: string): void;
  /** Problems that keep the Start button disabled, in words the user can act on. */
  trainBlockers(): string[];
  startTraining(): Promise<void>;
  cancelTraining(): Promise<void>;
  onTrainingStatus(event: EventOf<'training:status'>): void;
  onTrainingProgress(event: EventOf<'training:progress'>): void;
  onTrainingEpoch(event: EventOf<'training:epoch'>): void;
  onTrainingDone(event: EventOf<'training:done'>): void;
}

interface ParsedParams {
  epochs: number;
  learningRate: number;
  batchSize: number;
}

/** Checks the form's numbers against the same limits as TrainConfig. */
export function parseTrainParams(params: TrainParams): { values?: ParsedParams; errors: string[] } {
  const errors: string[] = [];
  const epochs = Number(params.epochs);
  const learningRate = Number(params.learningRate);
  const batchSize = Number(params.batchSize);
  if (!Number.isInteger(epochs) || epochs < 1 || epochs > 1000)
    errors.push('Epochs must be a whole number from 1 to 1000.');
  if (!Number.isFinite(learningRate) || learningRate <= 0 || learningRate > 10)
    errors.push('Learning rate must be a number above 0 and at most 10 (try 0.001).');
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1024)
    errors.push('Batch size must be a whole number from 1 to 1024 (try 16 or 32).');
  return errors.length > 0 ? { errors } : { values: { epochs, learningRate, batchSize }, errors };
}

const isActive = (status: TrainingPhase) => status === 'starting' || status === 'running';

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

  return {
    trainParams: { epochs: '20', learningRate: '0.001', batchSize: '16' },
    runId: null,
    runStatus: 'idle',
    phase: null,
    phaseMessage: null,
    phaseProgress: null,
    lastBatch: null,
    epochMetrics: [],
    runSummary: null,
    trainError: null,
    series: new MetricSeries(),
    seriesVersion: 0,
    setTrainParam: (key, value) => set({ trainParams: { ...get().trainParams, [key]: value } }),
    trainBlockers() {
      const state = get();
      const blockers: string[] = [];
      if (!state.dataset) blockers.push('Add a dataset on the Dataset tab.');
      else if (!state.dataset.trainable)
        blockers.push('The dataset needs at least two classes with images.');
      if (!state.modelInfo) blockers.push('Choose a base model on the Model tab.');
      blockers.push(...parseTrainParams(state.trainParams).errors);
      return blockers;
    },
    async startTraining() {
      const state = get();
      const { values } = parseTrainParams(state.trainParams);
      if (
        isActive(state.runStatus) ||
        !values ||
        !state.modelRef ||
        state.trainBlockers().length > 0
      )
        return;
      state.series.reset();
      set({
        runId: null,
        runStatus: 'starting',
        phase: 'starting',
        phaseMessage: null,
        phaseProgress: null,
        lastBatch: null,
        epochMetrics: [],
        runSummary: null,
        trainError: null,
        seriesVersion: get().seriesVersion + 1,
      });
      try {
        const { runId } = await api.request('training:start', {
          datasetRoots: state.datasetRoots,
          model: state.modelRef,
          freeze: state.freezePlan(),
          ...values,
        });
        // Status events may have arrived first and already moved the run on.
        set({ runId, runStatus: get().runStatus === 'starting' ? 'running' : get().runStatus });
      } catch (error) {
        set({ runStatus: 'failed', phase: null, trainError: errorMessage(error) });
      }
    },
    async cancelTraining() {
      const runId = get().runId;
      if (!runId) return;
      try {
        await api.request('training:cancel', { runId });
      } catch (error) {
        set({ trainError: errorMessage(error) });
      }
    },
    onTrainingStatus(event) {
      if (get().runStatus === 'starting' && get().runId === null) set({ runId: event.runId });
      if (!concerns(event.runId)) return;
      set({
        runStatus: event.status,
        phase: event.phase,
        phaseMessage: event.message ?? null,
        phaseProgress: event.progress ?? null,
        ...(event.status === 'failed' ? { trainError: event.message ?? 'Training failed.' } : {}),
      });
      if (event.backend) get().setRunBackend(event.backend);
    },
    onTrainingProgress(event) {
      if (!concerns(event.runId)) return;
      get().series.pushBatch(event.batch);
      set({ lastBatch: event.batch, seriesVersion: get().seriesVersion + 1 });
    },
    onTrainingEpoch(event) {
      if (!concerns(event.runId)) return;
      get().series.pushEpoch(event.metrics);
      const known = get().epochMetrics.filter((epoch) => epoch.epoch !== event.metrics.epoch);
      set({ epochMetrics: [...known, event.metrics], seriesVersion: get().seriesVersion + 1 });
    },
    onTrainingDone(event) {
      if (!concerns(event.runId)) return;
      const { summary } = event;
      set({
        runSummary: summary,
        runStatus: summary.status,
        phase: null,
        phaseProgress: null,
        ...(summary.status === 'failed' ? { trainError: summary.error ?? 'Training failed.' } : {}),
      });
      if (summary.status === 'completed') get().selectExportRun(summary.id);
      void get().loadRuns();
    },
  };
};
