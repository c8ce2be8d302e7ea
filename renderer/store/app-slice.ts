import type { ResponseOf } from '../../shared/contract';
import type { BackendReport } from '../../shared/domain';
import { errorMessage } from '../api/request-error';
import type { SliceCreator } from './studio-state';

export type TabId = 'dataset' | 'model' | 'train' | 'evaluate' | 'preview' | 'export' | 'runs';
export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface AppSlice {
  shell: 'electron' | 'web';
  appInfo: ResponseOf<'app:info'> | null;
  /** What the worker reports at startup (diagnostics:backends). */
  backendReport: BackendReport | null;
  /** The backend the current run actually uses (training:status), which wins when known. */
  runBackend: string | null;
  backendError: string | null;
  activeTab: TabId;
  /** The Model screen was opened (the preselected model counts as chosen from then on). */
  modelScreenSeen: boolean;
  connection: ConnectionState;
  setActiveTab(tab: TabId): void;
  setConnection(state: ConnectionState): void;
  setRunBackend(backend: string): void;
  /** Address of a thumbnail the scan issued (a URL builder, not a request). */
  thumbnailUrl(thumbnailId: string): string;
  /** Asks the worker again which backends load (the GPU doctor's "Check again"). */
  refreshBackends(): Promise<void>;
  /**
   * Loads what the app shows from the start: info, backends, catalog, past runs, and the
   * project of the last session.
   */
  initialize(): Promise<void>;
}

export const createAppSlice: SliceCreator<AppSlice> = (api) => (set, get) => ({
  shell: api.shell,
  appInfo: null,
  backendReport: null,
  runBackend: null,
  backendError: null,
  activeTab: 'dataset',
  connection: 'connecting',
  modelScreenSeen: false,
  setActiveTab: (tab) =>
    set({ activeTab: tab, ...(tab === 'model' ? { modelScreenSeen: true } : {}) }),
  setConnection: (connection) => set({ connection }),
  setRunBackend: (runBackend) => set({ runBackend }),
  thumbnailUrl: (thumbnailId) => api.thumbnailUrl(thumbnailId),
  async refreshBackends() {
    try {
      set({ backendReport: await api.request('diagnostics:backends', {}), backendError: null });
    } catch (error) {
      set({ backendError: errorMessage(error) });
    }
  },
  async initialize() {
    const info = api.request('app:info', {}).then(
      (appInfo) => set({ appInfo }),
      () => {},
    );
    await Promise.all([
      info,
      get().refreshBackends(),
      get().loadCatalog(),
      get().loadRuns(),
      get().restoreProject(),
    ]);
  },
});
