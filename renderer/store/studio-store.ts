import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StudioApi } from '../../shared/studio-api';
import { createAppSlice } from './app-slice';
import { createDatasetBrowseSlice } from './dataset-browse-slice';
import { createDatasetSlice } from './dataset-slice';
import { createEvaluationSlice } from './evaluation-slice';
import { createExportSlice } from './export-slice';
import { createModelSlice } from './model-slice';
import { createPreviewSlice } from './preview-slice';
import { createProjectSlice } from './project-slice';
import { createRunsSlice } from './runs-slice';
import type { StudioState } from './studio-state';
import { createTrainingSettingsSlice } from './training-settings-slice';
import { createTrainingSlice } from './training-slice';
import { createTrainingToolsSlice } from './training-tools-slice';

export type StudioStore = StoreApi<StudioState>;

/** One store for the whole UI; every action reaches the services through `api`. */
export function createStudioStore(api: StudioApi): StudioStore {
  return createStore<StudioState>()((...args) => ({
    ...createAppSlice(api)(...args),
    ...createDatasetSlice(api)(...args),
    ...createDatasetBrowseSlice(api)(...args),
    ...createModelSlice(api)(...args),
    ...createTrainingSettingsSlice(api)(...args),
    ...createTrainingSlice(api)(...args),
    ...createTrainingToolsSlice(api)(...args),
    ...createExportSlice(api)(...args),
    ...createRunsSlice(api)(...args),
    ...createEvaluationSlice(api)(...args),
    ...createPreviewSlice(api)(...args),
    ...createProjectSlice(api)(...args),
  }));
}
