import type { StateCreator } from 'zustand';
import type { StudioApi } from '../../shared/studio-api';
import type { AppSlice } from './app-slice';
import type { DatasetBrowseSlice } from './dataset-browse-slice';
import type { DatasetSlice } from './dataset-slice';
import type { EvaluationSlice } from './evaluation-slice';
import type { ExportSlice } from './export-slice';
import type { ModelSlice } from './model-slice';
import type { PreviewSlice } from './preview-slice';
import type { ProjectSlice } from './project-slice';
import type { RunsSlice } from './runs-slice';
import type { TrainingSettingsSlice } from './training-settings-slice';
import type { TrainingSlice } from './training-slice';
import type { TrainingToolsSlice } from './training-tools-slice';

/** The whole UI state: one store, built from one slice per screen plus the app slice. */
export type StudioState = AppSlice &
  DatasetSlice &
  DatasetBrowseSlice &
  ModelSlice &
  TrainingSettingsSlice &
  TrainingSlice &
  TrainingToolsSlice &
  ExportSlice &
  RunsSlice &
  EvaluationSlice &
  PreviewSlice &
  ProjectSlice;

/** A slice creator that receives the API its actions call. */
export type SliceCreator<T> = (api: StudioApi) => StateCreator<StudioState, [], [], T>;

/** Status of an async action a screen waits on. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';
