import type { ResponseOf } from '../../shared/contract';
import type { RunSummary } from '../../shared/domain';
import type { RunDetails, SettingRow } from '../../shared/evaluation';
import { errorMessage } from '../api/request-error';
import type { LoadStatus, SliceCreator } from './studio-state';

export type Comparison = ResponseOf<'runs:compare'>;

/**
 * The run history: which run the Evaluate and Try-it screens look at (the "current" run), the
 * details of an opened run, the runs ticked for comparison and their comparison, and rename,
 * delete and retrain. The list itself is the export slice's `runs` (loadRuns).
 */
export interface RunsSlice {
  /** The run the Evaluate, Try it and run-detail views show; null: the latest completed. */
  currentRunId: string | null;
  openedRun: RunDetails | null;
  /** The opened run's settings, one column. */
  openedSettings: SettingRow[];
  openedStatus: LoadStatus;
  compareIds: string[];
  comparison: Comparison | null;
  compareStatus: LoadStatus;
  runsError: string | null;
  /** A run was just retrained from here: its id, until the Train tab takes over. */
  retrainedRunId: string | null;
  /** The current run, or the latest completed one when none was chosen. */
  currentRun(): RunSummary | null;
  setCurrentRun(runId: string): void;
  /** Loads a run's details (settings, epochs, artefacts) and makes it the current run. */
  openRun(runId: string): Promise<void>;
  closeRun(): void;
  toggleCompare(runId: string): void;
  compareRuns(): Promise<void>;
  closeComparison(): void;
  renameRun(runId: string, name: string): Promise<boolean>;
  deleteRun(runId: string): Promise<boolean>;
  /** Starts a new run with a run's settings on a fresh scan, shown live on the Train tab. */
  retrainRun(runId: string): Promise<void>;
  /** A training ended (bridge): a completed run becomes the current one. */
  onRunFinished(summary: RunSummary): void;
}

export const createRunsSlice: SliceCreator<RunsSlice> = (api) => (set, get) => ({
  currentRunId: null,
  openedRun: null,
  openedSettings: [],
  openedStatus: 'idle',
  compareIds: [],
  comparison: null,
  compareStatus: 'idle',
  runsError: null,
  retrainedRunId: null,
  currentRun() {
    const { runs, currentRunId } = get();
    return (
      runs.find((run) => run.id === currentRunId) ??
      runs.find((run) => run.status === 'completed') ??
      null
    );
  },
  setCurrentRun(runId) {
    set({ currentRunId: runId });
    const run = get().runs.find((entry) => entry.id === runId);
    if (run?.status === 'completed') get().selectExportRun(runId);
  },
  async openRun(runId) {
    get().setCurrentRun(runId);
    set({ openedStatus: 'loading', runsError: null });
    try {
      const { runs, settings } = await api.request('runs:compare', { runIds: [runId] });
      set({ openedRun: runs[0] ?? null, openedSettings: settings, openedStatus: 'ready' });
    } catch (error) {
      set({ openedStatus: 'error', runsError: errorMessage(error) });
    }
  },
  closeRun: () => set({ openedRun: null, openedStatus: 'idle' }),
  toggleCompare(runId) {
    const ids = get().compareIds;
    set({
      compareIds: ids.includes(runId)
        ? ids.filter((id) => id !== runId)
        : [...ids, runId].slice(-8),
    });
  },
  async compareRuns() {
    const runIds = get().compareIds;
    if (runIds.length < 2) {
      set({ runsError: 'Tick at least two runs to compare them.' });
      return;
    }
    set({ compareStatus: 'loading', runsError: null });
    try {
      set({ comparison: await api.request('runs:compare', { runIds }), compareStatus: 'ready' });
    } catch (error) {
      set({ compareStatus: 'error', runsError: errorMessage(error) });
    }
  },
  closeComparison: () => set({ comparison: null, compareStatus: 'idle' }),
  async renameRun(runId, name) {
    try {
      const summary = await api.request('runs:rename', { runId, name });
      const opened = get().openedRun;
      set({
        runs: get().runs.map((run) => (run.id === runId ? summary : run)),
        runsError: null,
        ...(opened?.summary.id === runId ? { openedRun: { ...opened, summary } } : {}),
      });
      return true;
    } catch (error) {
      set({ runsError: errorMessage(error) });
      return false;
    }
  },
  async deleteRun(runId) {
    try {
      await api.request('runs:delete', { runId });
    } catch (error) {
      set({ runsError: errorMessage(error) });
      return false;
    }
    const state = get();
    set({
      compareIds: state.compareIds.filter((id) => id !== runId),
      runsError: null,
      ...(state.currentRunId === runId ? { currentRunId: null } : {}),
      ...(state.openedRun?.summary.id === runId ? { openedRun: null, openedStatus: 'idle' } : {}),
      ...(state.comparison?.runs.some((run) => run.summary.id === runId)
        ? { comparison: null, compareStatus: 'idle' }
        : {}),
    });
    await get().loadRuns();
    return true;
  },
  async retrainRun(runId) {
    const state = get();
    if (state.runStatus === 'starting' || state.runStatus === 'running') {
      set({ runsError: 'A run is training already; wait for it to finish or cancel it first.' });
      return;
    }
    // The Train tab shows the new run live: its view is reset as startTraining resets it,
    // metrics still queued for the next frame included (were they applied after a refused
    // retrain, the store would adopt the old run again and hide the refusal). The run's first
    // status event (or the answer below) tells it which run to follow; its epochs come with
    // its end (the retrained config is main's, not the Train tab's).
    state.beginRunView(null);
    set({ runsError: null });
    try {
      const started = await api.request('runs:retrain', { runId });
      set({
        runId: started.runId,
        runStatus: get().runStatus === 'starting' ? 'running' : get().runStatus,
        retrainedRunId: started.runId,
        activeTab: 'train',
        // The new run includes these changes: the Evaluate screen stops asking to retrain.
        excludedHere: [],
        moves: get().moves.map((move) => ({ ...move, retrained: true })),
      });
      void get().loadRuns();
    } catch (error) {
      const message = errorMessage(error);
      set({ runStatus: 'failed', phase: null, trainError: message, runsError: message });
    }
  },
  onRunFinished(summary) {
    if (summary.status === 'completed') set({ currentRunId: summary.id });
    if (get().retrainedRunId === summary.id) set({ retrainedRunId: null });
    const opened = get().openedRun;
    if (opened?.summary.id === summary.id) void get().openRun(summary.id);
  },
});
