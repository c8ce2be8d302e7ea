import type { EventOf } from '../../shared/contract';
import type { DatasetSummary } from '../../shared/domain';
import { errorMessage } from '../api/request-error';
import { checkTypedPath, describeRefusal, refusedRoots, trimSeparators } from './dataset-paths';
import type { LoadStatus, SliceCreator } from './studio-state';

export interface DatasetSlice {
  datasetPathInput: string;
  /** Folders the dataset is made of, in the order they were added. */
  datasetRoots: string[];
  dataset: DatasetSummary | null;
  scanStatus: LoadStatus;
  scanProgress: EventOf<'datasets:scan-progress'> | null;
  scanError: string | null;
  /** A notice about the last scan that is not an error (e.g. "Scan cancelled"). */
  scanNotice: string | null;
  setDatasetPathInput(value: string): void;
  /** Adds the typed path (the server checks it exists and holds images). */
  submitDatasetPath(): Promise<void>;
  /** Adds folders and rescans; false when none could be added (the reason is in scanError). */
  addDatasetFolders(paths: string[]): Promise<boolean>;
  /** Native "Add folder…" dialog (Electron only). */
  pickDatasetFolders(): Promise<void>;
  /** Folders dropped on the window; only Electron can tell their paths. */
  addDroppedFiles(files: File[]): Promise<void>;
  removeDatasetRoot(root: string): Promise<void>;
  rescanDataset(): Promise<void>;
  /** Stops the scan in progress; the dataset stays as it was before that scan. */
  cancelScan(): Promise<void>;
  /** Leaves a file out of training (or takes it back), then rescans. */
  setFileExcluded(filePath: string, excluded: boolean): Promise<void>;
  /** Where the last "Show in folder" pointed, when the shell could not open the folder itself. */
  datasetFileNotice: string | null;
  /** Opens the folder holding a file in the system's file manager (Electron), else says where it is. */
  showDatasetFile(filePath: string): Promise<void>;
  setDatasetError(message: string): void;
  onScanProgress(progress: EventOf<'datasets:scan-progress'>): void;
}

export const SCAN_CANCELLED_NOTICE = 'Scan cancelled';

export const createDatasetSlice: SliceCreator<DatasetSlice> = (api) => (set, get) => {
  /** Set while a cancel request is out, so the scan's failure reads as a cancellation. */
  let cancelling = false;

  /** Scans `roots`; on failure shows why and leaves the current dataset as it was. */
  async function scan(roots: string[]): Promise<DatasetSummary | null> {
    cancelling = false;
    set({ scanStatus: 'loading', scanError: null, scanNotice: null, scanProgress: null });
    try {
      return await api.request('datasets:scan', { paths: roots });
    } catch (error) {
      if (cancelling) {
        cancelling = false;
        set({
          scanStatus: get().dataset ? 'ready' : 'idle',
          scanNotice: SCAN_CANCELLED_NOTICE,
          scanProgress: null,
        });
      } else {
        set({ scanStatus: 'error', scanError: errorMessage(error), scanProgress: null });
      }
      return null;
    }
  }

  function show(
    roots: string[],
    dataset: DatasetSummary | null,
    scanError: string | null = null,
  ): void {
    set({
      datasetRoots: roots,
      dataset,
      scanStatus: scanError ? 'error' : dataset ? 'ready' : 'idle',
      scanError,
      scanProgress: null,
    });
  }

  return {
    datasetPathInput: '',
    datasetRoots: [],
    dataset: null,
    scanStatus: 'idle',
    scanProgress: null,
    scanError: null,
    scanNotice: null,
    datasetFileNotice: null,
    setDatasetPathInput: (datasetPathInput) => set({ datasetPathInput }),
    async submitDatasetPath() {
      const typed = get().datasetPathInput.trim();
      const problem = typed
        ? checkTypedPath(typed)
        : 'Type the path of a folder of images first, e.g. /home/me/photos/flowers.';
      if (problem) {
        set({ scanStatus: 'error', scanError: problem });
        return;
      }
      if (await get().addDatasetFolders([typed])) set({ datasetPathInput: '' });
    },
    async addDatasetFolders(paths) {
      const previous = get().datasetRoots;
      const added = paths.filter((folder) => !previous.includes(folder));
      if (added.length === 0) {
        set({ scanStatus: 'error', scanError: 'That folder is already part of the dataset.' });
        return false;
      }
      const summary = await scan([...previous, ...added]);
      if (!summary) return false;
      // The scan reports a missing or unreadable folder as a problem; a folder the user just
      // added that cannot be read is refused instead, keeping the dataset as it was.
      const refused = refusedRoots(summary, added);
      if (refused.length === 0) {
        show([...previous, ...added], summary);
        return true;
      }
      const refusedPaths = new Set(refused.map((problem) => trimSeparators(problem.path)));
      const kept = added.filter((folder) => !refusedPaths.has(trimSeparators(folder)));
      if (kept.length === 0) {
        show(previous, get().dataset, describeRefusal(refused));
        return false;
      }
      const rescanned = await scan([...previous, ...kept]);
      if (rescanned) show([...previous, ...kept], rescanned, describeRefusal(refused));
      return false;
    },
    async pickDatasetFolders() {
      try {
        const picked = await api.pickFolders({ title: 'Add image folders', multiple: true });
        if (picked && picked.length > 0) await get().addDatasetFolders(picked);
      } catch (error) {
        set({ scanStatus: 'error', scanError: errorMessage(error) });
      }
    },
    async addDroppedFiles(files) {
      const paths = files
        .map((file) => api.pathForFile(file))
        .filter((p): p is string => Boolean(p));
      if (paths.length > 0) {
        await get().addDatasetFolders(paths);
        return;
      }
      set({
        scanStatus: 'error',
        scanError:
          api.shell === 'web'
            ? 'A browser cannot tell where a dropped folder is on disk. Paste the folder path into the field instead (or use the desktop app, where dropping works).'
            : 'Nothing usable was dropped: drop a folder of images (one sub-folder per class).',
      });
    },
    async removeDatasetRoot(root) {
      const roots = get().datasetRoots.filter((known) => known !== root);
      if (roots.length === 0) {
        show([], null);
        return;
      }
      const summary = await scan(roots);
      if (summary) show(roots, summary);
    },
    async rescanDataset() {
      const roots = get().datasetRoots;
      if (roots.length === 0) return;
      const summary = await scan(roots);
      if (summary) show(roots, summary);
    },
    async cancelScan() {
      if (get().scanStatus !== 'loading') return;
      cancelling = true;
      try {
        const { cancelled } = await api.request('datasets:cancel-scan', {});
        // Nothing was running any more: the scan finished on its own just now.
        if (!cancelled) cancelling = false;
      } catch (error) {
        cancelling = false;
        set({ scanError: errorMessage(error) });
      }
    },
    async setFileExcluded(filePath, excluded) {
      const roots = get().datasetRoots;
      if (roots.length === 0) return;
      try {
        await api.request('datasets:set-excluded', { roots, path: filePath, excluded });
      } catch (error) {
        set({ scanStatus: 'error', scanError: errorMessage(error) });
        return;
      }
      await get().rescanDataset();
    },
    async showDatasetFile(filePath) {
      try {
        const { folder, revealed } = await api.request('files:show-in-folder', { path: filePath });
        const name = filePath.split(/[\\/]/).pop() ?? filePath;
        set({ datasetFileNotice: revealed ? null : `${name} is in ${folder}` });
      } catch (error) {
        set({ datasetFileNotice: errorMessage(error) });
      }
    },
    setDatasetError: (scanError) => set({ scanStatus: 'error', scanError }),
    onScanProgress: (scanProgress) => {
      if (get().scanStatus === 'loading') set({ scanProgress });
    },
  };
};
