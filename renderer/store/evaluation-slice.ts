import type { EventOf, ResponseOf } from '../../shared/contract';
import type { EvaluationImage, EvaluationReport } from '../../shared/evaluation';
import { errorMessage } from '../api/request-error';
import type { LoadStatus, SliceCreator } from './studio-state';

/** Which images the gallery shows: one confusion cell, the top losses, or all. */
export type GalleryView =
  { kind: 'cell'; actual: number; predicted: number } | { kind: 'top-losses' } | { kind: 'all' };

export interface FileMove {
  moveId: string;
  from: string;
  to: string;
  className: string;
  /** A retrain started after this move, so it is part of a newer run. */
  retrained?: boolean;
}

export type FolderEvaluationEntry = ResponseOf<'evaluation:list'>[number];

const PAGE = 48;

/**
 * The Evaluate screen: the current run's evaluation (metrics, confusion, calibration), the
 * gallery of images behind a confusion cell or the top losses, and what the user does to an
 * image from there (show in folder, exclude, move to another class with undo), then retrain.
 */
export interface EvaluationSlice {
  evaluationRunId: string | null;
  evaluationId: string;
  evaluation: EvaluationReport | null;
  evaluationStatus: LoadStatus;
  evaluationError: string | null;
  folderEvaluations: FolderEvaluationEntry[];
  folderEvaluationPath: string;
  folderEvaluationStatus: LoadStatus;
  folderEvaluationProgress: EventOf<'evaluation:progress'> | null;
  folderEvaluationNote: string | null;
  gallery: GalleryView;
  galleryImages: EvaluationImage[];
  galleryTotal: number;
  galleryStatus: LoadStatus;
  /** A move waiting for the user's confirmation. */
  pendingMove: { image: EvaluationImage; className: string } | null;
  moves: FileMove[];
  /** Files excluded from the Evaluate screen this session (for the retrain hint). */
  excludedHere: string[];
  fileNotice: string | null;
  loadEvaluation(runId: string, evaluationId?: string): Promise<void>;
  showGallery(view: GalleryView): Promise<void>;
  loadMoreImages(): Promise<void>;
  setImageExcluded(image: EvaluationImage, excluded: boolean): Promise<void>;
  showInFolder(image: EvaluationImage): Promise<void>;
  askMove(image: EvaluationImage, className: string): void;
  cancelMove(): void;
  confirmMove(): Promise<void>;
  undoMove(moveId: string): Promise<void>;
  dismissFileNotice(): void;
  setFolderEvaluationPath(value: string): void;
  evaluateFolder(): Promise<void>;
  onEvaluationProgress(event: EventOf<'evaluation:progress'>): void;
}

export const createEvaluationSlice: SliceCreator<EvaluationSlice> = (api) => (set, get) => {
  async function fetchImages(offset: number) {
    const { evaluationRunId: runId, evaluationId, gallery } = get();
    if (!runId) return null;
    const query =
      gallery.kind === 'cell'
        ? { actual: gallery.actual, predicted: gallery.predicted, sort: 'loss' as const }
        : gallery.kind === 'top-losses'
          ? { filter: 'misclassified' as const, sort: 'loss' as const }
          : { sort: 'name' as const };
    return api.request('evaluation:images', {
      runId,
      evaluationId,
      ...query,
      offset,
      limit: PAGE,
    });
  }

  /** Reloads the shown page(s) so flags (excluded, moved) are current. */
  async function refreshGallery(): Promise<void> {
    const count = Math.max(PAGE, get().galleryImages.length);
    const { evaluationRunId: runId, evaluationId } = get();
    if (!runId) return;
    try {
      const first = await fetchImages(0);
      if (!first) return;
      let images = first.images;
      while (images.length < Math.min(count, first.total)) {
        const more = await fetchImages(images.length);
        if (!more || more.images.length === 0) break;
        images = [...images, ...more.images];
      }
      if (get().evaluationRunId === runId && get().evaluationId === evaluationId) {
        set({ galleryImages: images, galleryTotal: first.total, galleryStatus: 'ready' });
      }
    } catch (error) {
      set({ galleryStatus: 'error', evaluationError: errorMessage(error) });
    }
  }

  return {
    evaluationRunId: null,
    evaluationId: 'validation',
    evaluation: null,
    evaluationStatus: 'idle',
    evaluationError: null,
    folderEvaluations: [],
    folderEvaluationPath: '',
    folderEvaluationStatus: 'idle',
    folderEvaluationProgress: null,
    folderEvaluationNote: null,
    gallery: { kind: 'top-losses' },
    galleryImages: [],
    galleryTotal: 0,
    galleryStatus: 'idle',
    pendingMove: null,
    moves: [],
    excludedHere: [],
    fileNotice: null,
    async loadEvaluation(runId, evaluationId = 'validation') {
      set({
        evaluationRunId: runId,
        evaluationId,
        evaluationStatus: 'loading',
        evaluationError: null,
        galleryImages: [],
        galleryTotal: 0,
        pendingMove: null,
        ...(runId !== get().evaluationRunId ? { folderEvaluationNote: null } : {}),
      });
      try {
        const [evaluation, folderEvaluations] = await Promise.all([
          api.request('evaluation:get', { runId, evaluationId }),
          api.request('evaluation:list', { runId }),
        ]);
        if (get().evaluationRunId !== runId) return;
        set({ evaluation, folderEvaluations, evaluationStatus: 'ready' });
        await get().showGallery(
          evaluation.misclassified > 0 ? { kind: 'top-losses' } : { kind: 'all' },
        );
      } catch (error) {
        if (get().evaluationRunId !== runId) return;
        set({ evaluation: null, evaluationStatus: 'error', evaluationError: errorMessage(error) });
      }
    },
    async showGallery(gallery) {
      set({ gallery, galleryStatus: 'loading', galleryImages: [], galleryTotal: 0 });
      try {
        const page = await fetchImages(0);
        if (page)
          set({ galleryImages: page.images, galleryTotal: page.total, galleryStatus: 'ready' });
      } catch (error) {
        set({ galleryStatus: 'error', evaluationError: errorMessage(error) });
      }
    },
    async loadMoreImages() {
      const { galleryImages, galleryTotal } = get();
      if (galleryImages.length >= galleryTotal) return;
      try {
        const page = await fetchImages(galleryImages.length);
        if (page) set({ galleryImages: [...get().galleryImages, ...page.images] });
      } catch (error) {
        set({ evaluationError: errorMessage(error) });
      }
    },
    async setImageExcluded(image, excluded) {
      const roots = get().evaluation?.datasetRoots ?? [];
      if (roots.length === 0) {
        set({
          fileNotice: 'The dataset folders of this run are unknown, so nothing was excluded.',
        });
        return;
      }
      try {
        await api.request('datasets:set-excluded', { roots, path: image.path, excluded });
      } catch (error) {
        set({ fileNotice: errorMessage(error) });
        return;
      }
      const here = get().excludedHere.filter((p) => p !== image.path);
      set({ excludedHere: excluded ? [...here, image.path] : here });
      await refreshGallery();
      // The Dataset tab shows the same dataset: let it show the exclusion too.
      const shown = get().datasetRoots;
      if (shown.length === roots.length && shown.every((root) => roots.includes(root))) {
        void get().rescanDataset();
      }
    },
    async showInFolder(image) {
      try {
        const target = image.movedTo ?? image.path;
        const { folder, revealed } = await api.request('files:show-in-folder', { path: target });
        set({
          fileNotice: revealed ? null : `${image.name} is in ${folder}`,
        });
      } catch (error) {
        set({ fileNotice: errorMessage(error) });
      }
    },
    askMove: (image, className) => set({ pendingMove: { image, className } }),
    cancelMove: () => set({ pendingMove: null }),
    async confirmMove() {
      const pending = get().pendingMove;
      const runId = get().evaluationRunId;
      if (!pending || !runId) return;
      set({ pendingMove: null });
      try {
        const moved = await api.request('files:move-to-class', {
          runId,
          evaluationId: get().evaluationId,
          path: pending.image.path,
          className: pending.className,
        });
        set({
          moves: [...get().moves, { ...moved, className: pending.className }],
          fileNotice: null,
        });
      } catch (error) {
        set({ fileNotice: errorMessage(error) });
      }
      await refreshGallery();
    },
    async undoMove(moveId) {
      try {
        await api.request('files:undo', { moveId });
        set({ moves: get().moves.filter((move) => move.moveId !== moveId), fileNotice: null });
      } catch (error) {
        set({ fileNotice: errorMessage(error) });
      }
      await refreshGallery();
    },
    dismissFileNotice: () => set({ fileNotice: null }),
    setFolderEvaluationPath: (folderEvaluationPath) => set({ folderEvaluationPath }),
    async evaluateFolder() {
      const runId = get().evaluationRunId;
      const folder = get().folderEvaluationPath.trim();
      if (!runId) return;
      if (!folder) {
        set({
          folderEvaluationStatus: 'error',
          folderEvaluationNote: 'Type the path of a labelled folder (one sub-folder per class).',
        });
        return;
      }
      set({
        folderEvaluationStatus: 'loading',
        folderEvaluationProgress: null,
        folderEvaluationNote: null,
      });
      try {
        const { report, unknownClasses } = await api.request('evaluation:folder', {
          runId,
          paths: [folder],
        });
        set({
          folderEvaluationStatus: 'ready',
          folderEvaluationPath: '',
          folderEvaluationNote: unknownClasses.length
            ? `Left out (not classes of this model): ${unknownClasses
                .map((c) => `${c.name} (${c.count})`)
                .join(', ')}.`
            : null,
        });
        await get().loadEvaluation(runId, report.evaluationId);
      } catch (error) {
        set({ folderEvaluationStatus: 'error', folderEvaluationNote: errorMessage(error) });
      }
    },
    onEvaluationProgress(event) {
      if (event.runId === get().evaluationRunId && get().folderEvaluationStatus === 'loading') {
        set({ folderEvaluationProgress: event });
      }
    },
  };
};
