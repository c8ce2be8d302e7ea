import type { EventOf } from '../../shared/contract';
import type { ExportFormat, ExportResult, RunSummary } from '../../shared/domain';
import { errorMessage, StudioRequestError } from '../api/request-error';
import { downloadExportZip } from '../api/export-download';
import { exportTargetDir } from './default-export-dir';
import type { LoadStatus, SliceCreator } from './studio-state';

export type ExportProgress = Omit<EventOf<'exports:progress'>, 'runId'>;

export interface ExportSlice {
  runs: RunSummary[];
  runsStatus: LoadStatus;
  exportRunId: string | null;
  exportDir: string;
  exportFormat: ExportFormat;
  /** Also write `<folder>.zip` beside the export. */
  exportZip: boolean;
  exportStatus: LoadStatus;
  /** What the running export does (writing, proving with progress, zipping). */
  exportProgress: ExportProgress | null;
  /** The target already holds an export: the question to confirm before replacing it. */
  exportConflict: string | null;
  exportResult: ExportResult | null;
  exportError: string | null;
  loadRuns(): Promise<void>;
  selectExportRun(runId: string): void;
  setExportDir(value: string): void;
  setExportFormat(format: ExportFormat): void;
  setExportZip(value: boolean): void;
  /** Native folder dialog (Electron); the path field is the way in a browser. */
  chooseExportDir(): Promise<void>;
  /** Checks the folder, then exports; an earlier export there sets `exportConflict` to ask first. */
  exportModel(): Promise<void>;
  /** The user agreed to replace the earlier export. */
  confirmOverwrite(): Promise<void>;
  cancelOverwrite(): void;
  /** Web shell: the finished export as a ZIP, downloaded by the browser. */
  downloadExport(): Promise<void>;
  onExportProgress(event: EventOf<'exports:progress'>): void;
}

export const createExportSlice: SliceCreator<ExportSlice> = (api) => (set, get) => {
  /** The run and folder to export, or undefined after saying what is missing. */
  function target(): { runId: string; outDir: string } | undefined {
    const { exportRunId } = get();
    if (!exportRunId) {
      set({
        exportStatus: 'error',
        exportError: 'Train a model first (Train tab), or pick a finished run.',
      });
      return undefined;
    }
    const outDir = exportTargetDir(get());
    if (!outDir) {
      set({
        exportStatus: 'error',
        exportError: 'Type the folder to export into, e.g. /home/me/models/ants-vs-bees.',
      });
      return undefined;
    }
    return { runId: exportRunId, outDir };
  }

  async function run(overwrite: boolean): Promise<void> {
    const chosen = target();
    if (!chosen) return;
    const { exportFormat, exportZip } = get();
    set({
      exportStatus: 'loading',
      exportError: null,
      exportResult: null,
      exportConflict: null,
      exportProgress: { phase: 'starting', message: 'Starting the export' },
    });
    try {
      const exportResult = await api.request('exports:run', {
        runId: chosen.runId,
        format: exportFormat,
        outDir: chosen.outDir,
        overwrite,
        zip: exportZip,
      });
      set({ exportResult, exportStatus: 'ready', exportProgress: null });
    } catch (error) {
      // Taken between the check and the export (another window): ask, as the check would have.
      if (!overwrite && error instanceof StudioRequestError && error.code === 'conflict') {
        set({ exportStatus: 'idle', exportProgress: null, exportConflict: error.message });
        return;
      }
      set({ exportStatus: 'error', exportProgress: null, exportError: errorMessage(error) });
    }
  }

  return {
    runs: [],
    runsStatus: 'idle',
    exportRunId: null,
    exportDir: '',
    exportFormat: 'tfjs',
    exportZip: false,
    exportStatus: 'idle',
    exportProgress: null,
    exportConflict: null,
    exportResult: null,
    exportError: null,
    async loadRuns() {
      set({ runsStatus: 'loading' });
      try {
        const runs = await api.request('runs:list', {});
        const completed = runs.filter((run) => run.status === 'completed');
        const keep = completed.some((run) => run.id === get().exportRunId);
        set({
          runs,
          runsStatus: 'ready',
          ...(keep ? {} : { exportRunId: completed[0]?.id ?? null }),
        });
      } catch (error) {
        set({ runsStatus: 'error', exportError: errorMessage(error) });
      }
    },
    selectExportRun: (exportRunId) => set({ exportRunId, exportResult: null, exportError: null }),
    setExportDir: (exportDir) => set({ exportDir }),
    async downloadExport() {
      const result = get().exportResult;
      if (!result) return;
      try {
        await downloadExportZip(result.outDir);
      } catch (error) {
        set({ exportError: errorMessage(error) });
      }
    },
    setExportFormat: (exportFormat) => set({ exportFormat, exportResult: null }),
    setExportZip: (exportZip) => set({ exportZip }),
    async chooseExportDir() {
      try {
        const picked = await api.pickFolders({ title: 'Export the model to…', multiple: false });
        if (picked?.[0]) set({ exportDir: picked[0], exportError: null });
      } catch (error) {
        set({ exportError: errorMessage(error) });
      }
    },
    async exportModel() {
      const chosen = target();
      if (!chosen) return;
      set({
        exportStatus: 'loading',
        exportError: null,
        exportResult: null,
        exportConflict: null,
        exportProgress: { phase: 'checking', message: 'Checking the export folder' },
      });
      try {
        const state = await api.request('exports:check-target', {
          outDir: chosen.outDir,
          zip: get().exportZip,
        });
        if (state.status === 'free') return await run(false);
        set({ exportStatus: state.status === 'export' ? 'idle' : 'error', exportProgress: null });
        if (state.status === 'export') set({ exportConflict: state.message ?? state.outDir });
        else set({ exportError: state.message ?? `${state.outDir} cannot hold an export.` });
      } catch (error) {
        set({ exportStatus: 'error', exportProgress: null, exportError: errorMessage(error) });
      }
    },
    confirmOverwrite: () => run(true),
    cancelOverwrite: () => set({ exportConflict: null }),
    onExportProgress(event) {
      // Progress of another run's export (another window) is not this screen's.
      if (get().exportStatus !== 'loading' || event.runId !== get().exportRunId) return;
      const { runId: _runId, ...progress } = event;
      set({ exportProgress: progress });
    },
  };
};
