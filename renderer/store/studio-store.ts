import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StudioApi } from '../../shared/studio-api';
import { createAppSlice } from './app-slice';
import { createDatasetSlice } from './dataset-slice';
import { createExportSlice } from './export-slice';
import { createModelSlice } from './model-slice';
import type { StudioState } from './studio-state';
import { createTrainingSlice } from './training-slice';

export type StudioStore = StoreApi<StudioState>;

/** One store for the whole UI; every action reaches the services through `api`. */
export function createStudioStore(api: StudioApi): StudioStore {
  return createStore<StudioState>()((...args) => ({
    ...createAppSlice(api)(...args),
    ...createDatasetSlice(api)(...args),
    ...createModelSlice(api)(...args),
    ...createTrainingSlice(api)(...args),
    ...createExportSlice(api)(...args),
  }));
}
