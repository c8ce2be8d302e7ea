import { defaultCatalogId } from '../../shared/catalog';
import type { CatalogItem, FreezePlan, ModelInfo, ModelRef } from '../../shared/domain';
import { errorMessage } from '../api/request-error';
import type { LoadStatus, SliceCreator } from './studio-state';

export interface ModelSlice {
  catalog: CatalogItem[];
  catalogStatus: LoadStatus;
  catalogError: string | null;
  modelRef: ModelRef | null;
  modelPathInput: string;
  modelInfo: ModelInfo | null;
  inspectStatus: LoadStatus;
  modelError: string | null;
  /** Base layers the user unfroze; empty = the whole base stays frozen. */
  trainableLayers: string[];
  loadCatalog(): Promise<void>;
  selectCatalogModel(catalogId: string): Promise<void>;
  setModelPathInput(value: string): void;
  submitModelPath(): Promise<void>;
  toggleLayerTrainable(layerName: string): void;
  freezeAllLayers(): void;
  /** The freeze plan that training:start receives. */
  freezePlan(): FreezePlan;
}

export const createModelSlice: SliceCreator<ModelSlice> = (api) => (set, get) => {
  async function inspect(ref: ModelRef): Promise<void> {
    set({
      modelRef: ref,
      inspectStatus: 'loading',
      modelError: null,
      modelInfo: null,
      trainableLayers: [],
    });
    try {
      const modelInfo = await api.request('models:inspect', { ref });
      // A newer choice may have been made while this one loaded.
      if (get().modelRef !== ref) return;
      set({ modelInfo, inspectStatus: 'ready' });
    } catch (error) {
      if (get().modelRef !== ref) return;
      set({ inspectStatus: 'error', modelError: errorMessage(error) });
    }
  }

  return {
    catalog: [],
    catalogStatus: 'idle',
    catalogError: null,
    modelRef: null,
    modelPathInput: '',
    modelInfo: null,
    inspectStatus: 'idle',
    modelError: null,
    trainableLayers: [],
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
    toggleLayerTrainable(layerName) {
      const current = get().trainableLayers;
      set({
        trainableLayers: current.includes(layerName)
          ? current.filter((name) => name !== layerName)
          : [...current, layerName],
      });
    },
    freezeAllLayers: () => set({ trainableLayers: [] }),
    freezePlan() {
      const trainableLayers = get().trainableLayers;
      return trainableLayers.length === 0
        ? { mode: 'feature-extractor', trainableLayers: [] }
        : { mode: 'custom', trainableLayers };
    },
  };
};
