import type { Augmentation, TrainConfig } from '../../shared/domain';
import { defaultTrainSettings, suggestedAugmentation } from '../../shared/recipe';
import type { SliceCreator } from './studio-state';
import {
  augmentationOn,
  paramsFromSettings,
  parseTrainParams,
  type AugmentName,
  type TrainParams,
} from './training-settings';

/** The Train screen's disclosures; kept in the store so they stay open across tabs. */
export type TrainPanel = 'advanced' | 'augmentation' | 'lrFinder';

export interface TrainingSettingsSlice {
  trainParams: TrainParams;
  augmentation: Augmentation;
  openTrainPanels: TrainPanel[];
  setTrainPanelOpen(panel: TrainPanel, open: boolean): void;
  setTrainParam<K extends keyof TrainParams>(key: K, value: TrainParams[K]): void;
  setAugmentOption(name: AugmentName, change: Partial<Augmentation[AugmentName]>): void;
  setViewsPerImage(views: number): void;
  /** Back to the recipe's values (the form and augmentation). */
  resetTrainSettings(): void;
  /** True when the freeze plan unfreezes base layers, so the fine-tuning phase applies. */
  fineTunes(): boolean;
  /** Problems that keep the Start button disabled, in words the user can act on. */
  trainBlockers(): string[];
  /** The config training:start and training:lr-find receive; null while something blocks. */
  trainConfig(): TrainConfig | null;
}

/** The recipe's augmentation (shared/recipe.ts, the CLI's defaults too), as a fresh copy. */
function initialAugmentation(): Augmentation {
  return { ...defaultTrainSettings.augmentation };
}

export const createTrainingSettingsSlice: SliceCreator<TrainingSettingsSlice> =
  () => (set, get) => ({
    trainParams: paramsFromSettings(defaultTrainSettings),
    augmentation: initialAugmentation(),
    openTrainPanels: [],
    setTrainPanelOpen(panel, open) {
      const others = get().openTrainPanels.filter((known) => known !== panel);
      set({ openTrainPanels: open ? [...others, panel] : others });
    },
    setTrainParam: (key, value) => set({ trainParams: { ...get().trainParams, [key]: value } }),
    setAugmentOption(name, change) {
      const current = get().augmentation;
      const next = { ...current, [name]: { ...current[name], ...change } };
      // One cached view per image would repeat the same augmented picture every epoch, so the
      // first option switched on brings the recipe's number of views with it.
      if (!augmentationOn(current) && augmentationOn(next) && next.viewsPerImage === 1)
        next.viewsPerImage = suggestedAugmentation.viewsPerImage;
      set({ augmentation: next });
    },
    setViewsPerImage: (views) =>
      set({
        augmentation: {
          ...get().augmentation,
          viewsPerImage: Math.min(32, Math.max(1, Math.round(views) || 1)),
        },
      }),
    resetTrainSettings: () =>
      set({
        trainParams: paramsFromSettings(defaultTrainSettings),
        augmentation: initialAugmentation(),
      }),
    fineTunes: () => get().trainableLayers.length > 0,
    trainBlockers() {
      const state = get();
      const blockers: string[] = [];
      if (!state.dataset) blockers.push('Add a dataset on the Dataset tab.');
      else if (!state.dataset.trainable)
        blockers.push('The dataset needs at least two classes with images.');
      if (!state.modelInfo) blockers.push('Choose a base model on the Model tab.');
      blockers.push(
        ...parseTrainParams(state.trainParams, state.augmentation, {
          fineTunes: state.fineTunes(),
        }).errors,
      );
      return blockers;
    },
    trainConfig() {
      const state = get();
      const { settings } = parseTrainParams(state.trainParams, state.augmentation, {
        fineTunes: state.fineTunes(),
      });
      if (!settings || !state.modelRef || state.trainBlockers().length > 0) return null;
      return {
        datasetRoots: state.datasetRoots,
        model: state.modelRef,
        ...(state.featureLayerChoice ? { featureLayer: state.featureLayerChoice } : {}),
        freeze: state.freezePlan(),
        ...settings,
      };
    },
  });
