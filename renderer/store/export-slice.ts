import type { ExportFormat, ExportResult, RunSummary } from '../../shared/domain';
import { errorMessage } from '../api/request-error';
import type { LoadStatus, SliceCreator } from './studio-state';

export interface ExportSlice {
  runs: RunSummary[];
  runsStatus: LoadStatus;
  exportRunId: string | null;
  exportDir: string;
  exportFormat: ExportFormat;
  overwriteExport: boolean;
  exportStatus: LoadStatus;
  exportResult: ExportResult | null;
  exportError: string | null;
  loadRuns(): Promise<void>;
  selectExportRun(runId: string): void;
  setExportDir(value: string): void;
  setOverwriteExport(value: boolean): void;
  setExportFormat(format: ExportFormat): void;
  /** Native folder dialog (Electron); the path field is the way in a browser. */
  chooseExportDir(): Promise<void>;
  exportModel(): Promise<void>;
}

export const createExportSlice: SliceCreator<ExportSlice> = (api) => (set, get) => ({
  runs: [],
  runsStatus: 'idle',
  exportRunId: null,
  exportDir: '',
  exportFormat: 'tfjs',
  overwriteExport: false,
  exportStatus: 'idle',
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
  setOverwriteExport: (overwriteExport) => set({ overwriteExport }),
  setExportFormat: (exportFormat) => set({ exportFormat, exportResult: null }),
  async chooseExportDir() {
    try {
      const picked = await api.pickFolders({ title: 'Export the model to…', multiple: false });
      if (picked?.[0]) set({ exportDir: picked[0], exportError: null });
    } catch (error) {
      set({ exportError: errorMessage(error) });
    }
  },
  async exportModel() {
    const { exportRunId, exportDir, overwriteExport, exportFormat } = get();
    if (!exportRunId) {
      set({
        exportStatus: 'error',
        exportError: 'Train a model first (Train tab), or pick a finished run.',
      });
      return;
    }
    if (!exportDir.trim()) {
      set({
        exportStatus: 'error',
        exportError: 'Type the folder to export into, e.g. /home/me/models/ants-vs-bees.',
      });
      return;
    }
    set({ exportStatus: 'loading', exportError: null, exportResult: null });
    try {
      const exportResult = await api.request('exports:run', {
        runId: exportRunId,
        format: exportFormat,
        outDir: exportDir.trim(),
        overwrite: overwriteExport,
      });
      set({ exportResult, exportStatus: 'ready' });
    } catch (error) {
      set({ exportStatus: 'error', exportError: errorMessage(error) });
    }
  },
});
