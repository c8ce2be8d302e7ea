import { defaultCatalogId } from '../../shared/catalog';
import type { EventOf } from '../../shared/contract';
import type {
  BatchNormPolicy,
  CatalogItem,
  FreezePlan,
  ModelInfo,
  ModelRef,
  SpeedCalibration,
  TrainConfig,
} from '../../shared/domain';
import {
  checkFreezePlan,
  featureExtractorPlan,
  fineTuneTopPlan,
  freezeBelowPlan,
  toggleBlock,
  toggleLayer,
  trainEverythingPlan,
} from '../../shared/freeze-plan';
import { errorMessage } from '../api/request-error';
import type { LoadStatus, SliceCreator } from './studio-state';

export type DownloadState = Omit<EventOf<'models:download-progress'>, 'catalogId'>;

export interface ModelSlice {
  catalog: CatalogItem[];
  catalogStatus: LoadStatus;
  catalogError: string | null;
  modelRef: ModelRef | null;
  modelPathInput: string;
  modelInfo: ModelInfo | null;
  inspectStatus: LoadStatus;
  modelError: string | null;
  /** The feature layer the user picked; null = the model's recommended one. */
  featureLayerChoice: string | null;
  /** The freeze plan as the user shapes it on the Model screen. */
  freeze: FreezePlan;
  /** Base layers the plan trains (freeze.trainableLayers); empty = the whole base stays frozen. */
  trainableLayers: string[];
  /** Advanced mode: single layers can be toggled. */
  advancedLayers: boolean;
  /** Downloads by catalog id (running, and the last failure of each). */
  downloads: Record<string, DownloadState>;
  calibration: SpeedCalibration | null;
  calibrationStatus: LoadStatus;
  calibrationError: string | null;
  loadCatalog(): Promise<void>;
  selectCatalogModel(catalogId: string): Promise<void>;
  setModelPathInput(value: string): void;
  submitModelPath(): Promise<void>;
  /** Electron: the native folder dialog, then the chosen folder is inspected. */
  importModelFolder(): Promise<void>;
  setFeatureLayer(name: string): Promise<void>;
  downloadModel(catalogId: string): Promise<void>;
  cancelDownload(catalogId: string): Promise<void>;
  onDownloadProgress(event: EventOf<'models:download-progress'>): void;
  applyPreset(preset: 'feature-extractor' | 'top' | 'all', topBlocks?: number): void;
  toggleBlockTrainable(blockId: string): void;
  /** The "freeze everything below here" handle, put just below `blockId` (which trains). */
  freezeBelow(blockId: string): void;
  toggleLayerTrainable(layerName: string): void;
  freezeAllLayers(): void;
  setBatchNormPolicy(policy: BatchNormPolicy): void;
  setAllowSplitBlocks(allow: boolean): void;
  setAdvancedLayers(on: boolean): void;
  /** Problems of the current plan (a split residual block...), in words. */
  freezeProblems(): string[];
  /** The freeze plan that training:start receives. */
  freezePlan(): FreezePlan;
  /** Measures this machine's speed on the chosen model (remembered by main). */
  calibrate(fresh?: boolean): Promise<void>;
  /** Shows a reopened run's model, feature layer and freeze plan on the Model screen. */
  showRunModel(config: TrainConfig): Promise<void>;
  /** Brings back the model, feature layer and plan of the saved project (no tab change). */
  restoreModel(ref: ModelRef, featureLayer: string | null, plan: FreezePlan): Promise<void>;
}

const NO_PLAN: FreezePlan = { mode: 'feature-extractor', trainableLayers: [] };

export const createModelSlice: SliceCreator<ModelSlice> = (api) => (set, get) => {
  function setPlan(freeze: FreezePlan): void {
    set({ freeze, trainableLayers: freeze.mode === 'custom' ? freeze.trainableLayers : [] });
  }

  async function inspect(
    ref: ModelRef,
    options: { featureLayer?: string; plan?: FreezePlan } = {},
  ): Promise<void> {
    set({
      modelRef: ref,
      inspectStatus: 'loading',
      modelError: null,
      modelInfo: null,
      featureLayerChoice: options.featureLayer ?? null,
      calibration: null,
      calibrationStatus: 'idle',
      calibrationError: null,
    });
    // A new model starts as a feature extractor, keeping the BatchNorm choice.
    setPlan(
      options.plan ?? {
        ...NO_PLAN,
        ...(get().freeze.bnPolicy ? { bnPolicy: get().freeze.bnPolicy } : {}),
      },
    );
    try {
      const modelInfo = await api.request('models:inspect', {
        ref,
        ...(options.featureLayer ? { featureLayer: options.featureLayer } : {}),
      });
      // A newer choice may have been made while this one loaded.
      if (get().modelRef !== ref) return;
      set({ modelInfo, inspectStatus: 'ready' });
      if (options.plan) setPlan(checkFreezePlan(modelInfo, options.plan).plan);
    } catch (error) {
      if (get().modelRef !== ref) return;
      set({ inspectStatus: 'error', modelError: errorMessage(error) });
    }
  }

  const planOf = (change: (info: ModelInfo, plan: FreezePlan) => FreezePlan) => {
    const info = get().modelInfo;
    if (info) setPlan(change(info, get().freeze));
  };

  return {
    catalog: [],
    catalogStatus: 'idle',
    catalogError: null,
    modelRef: null,
    modelPathInput: '',
    modelInfo: null,
    inspectStatus: 'idle',
    modelError: null,
    featureLayerChoice: null,
    freeze: NO_PLAN,
    trainableLayers: [],
    advancedLayers: false,
    downloads: {},
    calibration: null,
    calibrationStatus: 'idle',
    calibrationError: null,
    async loadCatalog() {
      set({ catalogStatus: 'loading', catalogError: null });
      try {
        const catalog = await api.request('models:list', {});
        set({ catalog, catalogStatus: 'ready' });
        // Preselect the recommended model when it is on this machine, so a first run needs no choice.
        const preferred = catalog.find((item) => item.id === defaultCatalogId && item.localDir);
        if (!get().modelRef && preferred) await get().selectCatalogModel(preferred.id);
      } catch (error) {
        set({ catalogStatus: 'error', catalogError: errorMessage(error) });
      }
    },
    selectCatalogModel: (catalogId) => inspect({ catalogId }),
    setModelPathInput: (modelPathInput) => set({ modelPathInput }),
    async submitModelPath() {
      const typed = get().modelPathInput.trim();
      if (!typed) {
        set({
          inspectStatus: 'error',
          modelError: 'Type the path of a folder that holds a model.json first.',
        });
        return;
      }
      await inspect({ path: typed });
    },
    async importModelFolder() {
      const chosen = await api.pickFolders({
        title: 'Import a TF.js model folder',
        multiple: false,
      });
      const folder = chosen?.[0];
      if (!folder) return;
      set({ modelPathInput: folder });
      await inspect({ path: folder });
    },
    async setFeatureLayer(name) {
      const ref = get().modelRef;
      if (!ref) return;
      const recommended = get().modelInfo?.recommendedFeatureLayer;
      await inspect(ref, name === recommended ? {} : { featureLayer: name });
    },
    async downloadModel(catalogId) {
      set({
        downloads: { ...get().downloads, [catalogId]: { phase: 'downloading', receivedBytes: 0 } },
      });
      try {
        const item = await api.request('models:download', { catalogId });
        set({ catalog: get().catalog.map((entry) => (entry.id === item.id ? item : entry)) });
        const { [catalogId]: _done, ...rest } = get().downloads;
        set({ downloads: rest });
        if (!get().modelRef) await get().selectCatalogModel(catalogId);
      } catch (error) {
        const current = get().downloads[catalogId];
        set({
          downloads: {
            ...get().downloads,
            [catalogId]: {
              receivedBytes: current?.receivedBytes ?? 0,
              ...(current?.totalBytes !== undefined ? { totalBytes: current.totalBytes } : {}),
              phase: current?.phase === 'cancelled' ? 'cancelled' : 'failed',
              message: errorMessage(error),
            },
          },
        });
      }
    },
    async cancelDownload(catalogId) {
      try {
        await api.request('models:cancel-download', { catalogId });
      } catch (error) {
        set({ catalogError: errorMessage(error) });
      }
    },
    onDownloadProgress({ catalogId, ...progress }) {
      // 'done' is settled by the request's answer (which brings the catalog entry).
      if (progress.phase === 'done') return;
      set({ downloads: { ...get().downloads, [catalogId]: progress } });
    },
    applyPreset(preset, topBlocks = 2) {
      planOf((info, plan) =>
        preset === 'feature-extractor'
          ? featureExtractorPlan(plan)
          : preset === 'all'
            ? trainEverythingPlan(info, plan)
            : fineTuneTopPlan(info, topBlocks, plan),
      );
    },
    toggleBlockTrainable: (blockId) => planOf((info, plan) => toggleBlock(info, plan, blockId)),
    freezeBelow: (blockId) => planOf((info, plan) => freezeBelowPlan(info, blockId, plan)),
    toggleLayerTrainable: (layerName) => planOf((info, plan) => toggleLayer(info, plan, layerName)),
    freezeAllLayers: () => setPlan(featureExtractorPlan(get().freeze)),
    setBatchNormPolicy: (policy) => setPlan({ ...get().freeze, bnPolicy: policy }),
    setAllowSplitBlocks(allow) {
      const { allowSplitBlocks: _old, ...rest } = get().freeze;
      setPlan(allow ? { ...rest, allowSplitBlocks: true } : rest);
    },
    setAdvancedLayers: (advancedLayers) => set({ advancedLayers }),
    freezeProblems() {
      const info = get().modelInfo;
      return info ? checkFreezePlan(info, get().freeze).errors : [];
    },
    freezePlan() {
      const info = get().modelInfo;
      const plan = info ? checkFreezePlan(info, get().freeze).plan : get().freeze;
      // The default BatchNorm policy and a refused split are left out, as before.
      const { bnPolicy, allowSplitBlocks, ...rest } = plan;
      return {
        ...rest,
        ...(bnPolicy && bnPolicy !== 'frozen' ? { bnPolicy } : {}),
        ...(allowSplitBlocks ? { allowSplitBlocks } : {}),
      };
    },
    async calibrate(fresh = false) {
      const { modelRef: ref, modelInfo } = get();
      if (!ref || !modelInfo) return;
      set({ calibrationStatus: 'loading', calibrationError: null });
      const batch = Number(get().trainParams.batchSize);
      try {
        const calibration = await api.request('models:calibrate', {
          ref,
          ...(get().featureLayerChoice ? { featureLayer: get().featureLayerChoice! } : {}),
          ...(Number.isInteger(batch) && batch >= 1 && batch <= 1024 ? { batchSize: batch } : {}),
          ...(get().trainParams.backend !== 'auto' ? { backend: get().trainParams.backend } : {}),
          ...(get().datasetRoots.length ? { datasetRoots: get().datasetRoots } : {}),
          ...(fresh ? { fresh } : {}),
        });
        if (get().modelRef !== ref) return;
        set({ calibration, calibrationStatus: 'ready' });
      } catch (error) {
        if (get().modelRef !== ref) return;
        set({ calibrationStatus: 'error', calibrationError: errorMessage(error) });
      }
    },
    restoreModel: (ref, featureLayer, plan) =>
      inspect(ref, { ...(featureLayer ? { featureLayer } : {}), plan }),
    async showRunModel(config) {
      get().setActiveTab('model');
      await inspect(config.model, {
        ...(config.featureLayer ? { featureLayer: config.featureLayer } : {}),
        plan: config.freeze,
      });
    },
  };
};
