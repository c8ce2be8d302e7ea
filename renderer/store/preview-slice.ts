import type { Prediction, PreviewInput } from '../../shared/evaluation';
import { errorMessage } from '../api/request-error';
import type { SliceCreator } from './studio-state';

export interface PreviewItem {
  key: string;
  name: string;
  /** What the card shows: a data URL of the downscaled upload, or none (a thumbnail id later). */
  src: string | null;
  thumbnailId: string | null;
  status: 'pending' | 'done' | 'error';
  top: Prediction['top'];
  error: string | null;
  runId: string;
}

/** An image ready to send: bytes already downscaled by the screen, or a path (Electron). */
export interface PreparedImage {
  name: string;
  src: string | null;
  input: PreviewInput;
}

/** Kept well under the web shell's 1 MiB WebSocket frame, with room for the JSON around it. */
const MAX_REQUEST_CHARS = 700_000;
const MAX_REQUEST_IMAGES = 16;
/** Predictions kept on screen; older ones scroll away. */
const MAX_ITEMS = 48;

/** "Try it": images the user dropped, chose or captured, with the current run's top-k. */
export interface PreviewSlice {
  previewItems: PreviewItem[];
  previewError: string | null;
  previewTopK: number;
  setPreviewTopK(value: number): void;
  /** Where a chosen or dropped file is on disk (Electron), so it is sent as a path. */
  previewPathOf(file: File): string | null;
  predictImages(images: PreparedImage[]): Promise<void>;
  clearPreview(): void;
  setPreviewError(message: string | null): void;
}

function chunks(images: PreparedImage[]): PreparedImage[][] {
  const result: PreparedImage[][] = [];
  let current: PreparedImage[] = [];
  let size = 0;
  for (const image of images) {
    const cost = 'base64' in image.input ? image.input.base64.length : 400;
    if (
      current.length &&
      (size + cost > MAX_REQUEST_CHARS || current.length >= MAX_REQUEST_IMAGES)
    ) {
      result.push(current);
      current = [];
      size = 0;
    }
    current.push(image);
    size += cost;
  }
  if (current.length) result.push(current);
  return result;
}

let nextKey = 0;

export const createPreviewSlice: SliceCreator<PreviewSlice> = (api) => (set, get) => ({
  previewItems: [],
  previewError: null,
  previewTopK: 3,
  setPreviewTopK: (previewTopK) => set({ previewTopK }),
  previewPathOf: (file) => (api.shell === 'electron' ? api.pathForFile(file) : null),
  async predictImages(images) {
    const run = get().currentRun();
    if (!run || run.status !== 'completed') {
      set({ previewError: 'Train a model first: predictions come from a completed run.' });
      return;
    }
    if (images.length === 0) return;
    const pending: PreviewItem[] = images.map((image) => ({
      key: `p${(nextKey += 1)}`,
      name: image.name,
      src: image.src,
      thumbnailId: null,
      status: 'pending',
      top: [],
      error: null,
      runId: run.id,
    }));
    set({
      previewError: null,
      previewItems: [...pending, ...get().previewItems].slice(0, MAX_ITEMS),
    });
    const update = (key: string, patch: Partial<PreviewItem>) =>
      set({
        previewItems: get().previewItems.map((item) =>
          item.key === key ? { ...item, ...patch } : item,
        ),
      });
    let offset = 0;
    for (const group of chunks(images)) {
      const keys = pending.slice(offset, offset + group.length).map((item) => item.key);
      offset += group.length;
      try {
        const { predictions } = await api.request('preview:predict', {
          runId: run.id,
          images: group.map((image) => image.input),
          topK: get().previewTopK,
        });
        predictions.forEach((prediction, index) =>
          update(keys[index]!, {
            status: prediction.error ? 'error' : 'done',
            top: prediction.top,
            error: prediction.error ?? null,
            thumbnailId: prediction.thumbnailId ?? null,
          }),
        );
      } catch (error) {
        const message = errorMessage(error);
        for (const key of keys) update(key, { status: 'error', error: message });
      }
    }
  },
  clearPreview: () => set({ previewItems: [], previewError: null }),
  setPreviewError: (previewError) => set({ previewError }),
});
