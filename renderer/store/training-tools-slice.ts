import type { ResponseOf } from '../../shared/contract';
import { errorMessage } from '../api/request-error';
import type { LoadStatus, SliceCreator } from './studio-state';
import { augmentationOn } from './training-settings';

export type LrFinderResult = ResponseOf<'training:lr-find'>;

export interface TrainingToolsSlice {
  lrFindStatus: LoadStatus;
  lrFindResult: LrFinderResult | null;
  lrFindError: string | null;
  /** Runs the learning-rate finder with the form's current settings. */
  runLrFinder(): Promise<void>;
  /** Puts the finder's suggestion into the learning-rate field. */
  useSuggestedLearningRate(): void;
  /** The dataset image the augmentation preview shows; null = the first one. */
  previewThumbnailId: string | null;
  previewSeed: number;
  previewStatus: LoadStatus;
  previewImages: string[];
  previewError: string | null;
  choosePreviewImage(thumbnailId: string): void;
  /** Other random draws for the same settings. */
  shufflePreview(): void;
  /**
   * Asks for new preview images once the settings stop changing for `delayMs` (a slider
   * dragged across fires dozens of changes; only the last one is worth rendering).
   */
  schedulePreview(delayMs?: number): void;
  /** The thumbnail the preview uses: the chosen one while the dataset still has it. */
  previewThumbnail(): string | null;
}

/** Views per preview: two rows of three in the panel. */
export const PREVIEW_COUNT = 6;

/** Rounds a suggested rate to two significant digits, as a person would type it. */
export function roundRate(rate: number): string {
  return String(Number(rate.toPrecision(2)));
}

export const createTrainingToolsSlice: SliceCreator<TrainingToolsSlice> = (api) => (set, get) => {
  let previewTimer: ReturnType<typeof setTimeout> | null = null;
  // Answers can overtake each other; only the newest request's answer is shown.
  let previewRequest = 0;
  let lrFindRequest = 0;

  async function loadPreview(): Promise<void> {
    const state = get();
    const thumbnailId = state.previewThumbnail();
    const request = ++previewRequest;
    if (!thumbnailId || !augmentationOn(state.augmentation)) {
      set({ previewStatus: 'idle', previewImages: [], previewError: null });
      return;
    }
    set({ previewStatus: 'loading', previewError: null });
    try {
      const { images } = await api.request('training:augment-preview', {
        thumbnailId,
        augmentation: state.augmentation,
        count: PREVIEW_COUNT,
        seed: state.previewSeed,
      });
      if (request === previewRequest) set({ previewStatus: 'ready', previewImages: images });
    } catch (error) {
      if (request === previewRequest)
        set({ previewStatus: 'error', previewImages: [], previewError: errorMessage(error) });
    }
  }

  return {
    lrFindStatus: 'idle',
    lrFindResult: null,
    lrFindError: null,
    async runLrFinder() {
      const config = get().trainConfig();
      if (!config || get().lrFindStatus === 'loading') return;
      const request = ++lrFindRequest;
      set({ lrFindStatus: 'loading', lrFindError: null, lrFindResult: null });
      try {
        const result = await api.request('training:lr-find', config);
        if (request === lrFindRequest) set({ lrFindStatus: 'ready', lrFindResult: result });
      } catch (error) {
        if (request === lrFindRequest)
          set({ lrFindStatus: 'error', lrFindError: errorMessage(error) });
      }
    },
    useSuggestedLearningRate() {
      const result = get().lrFindResult;
      if (result) get().setTrainParam('learningRate', roundRate(result.suggested));
    },
    previewThumbnailId: null,
    previewSeed: 1,
    previewStatus: 'idle',
    previewImages: [],
    previewError: null,
    choosePreviewImage(thumbnailId) {
      set({ previewThumbnailId: thumbnailId });
      get().schedulePreview(0);
    },
    shufflePreview() {
      set({ previewSeed: get().previewSeed + 1 });
      get().schedulePreview(0);
    },
    schedulePreview(delayMs = 300) {
      if (previewTimer) clearTimeout(previewTimer);
      previewTimer = setTimeout(() => {
        previewTimer = null;
        void loadPreview();
      }, delayMs);
    },
    previewThumbnail() {
      const { dataset, previewThumbnailId } = get();
      const all = dataset?.classes.flatMap((c) => c.thumbnails) ?? [];
      if (previewThumbnailId && all.includes(previewThumbnailId)) return previewThumbnailId;
      return all[0] ?? null;
    },
  };
};
