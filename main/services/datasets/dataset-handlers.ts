/**
 * The datasets:* request handlers: scan (with progress, cancellable), leave a file out or put
 * it back, cancel the running scan, and page through a class's files from the last scan.
 */
import type { EventSink, RequestHandlers } from '../../../shared/contract';
import { ServiceError } from '../service-error';
import type { ExclusionStore } from './exclusion-store';
import { ImageBrowser } from './image-browser';
import { scanDataset } from './scan-dataset';
import type { ThumbnailRegistry } from './thumbnails';

export const SCAN_CANCELLED = 'Scan cancelled: the dataset is as it was before the scan.';

export type DatasetHandlers = Pick<
  RequestHandlers,
  'datasets:scan' | 'datasets:set-excluded' | 'datasets:cancel-scan' | 'datasets:images'
>;

export interface DatasetHandlerDeps {
  thumbnails: Pick<ThumbnailRegistry, 'issue'>;
  exclusions: ExclusionStore;
  emit: EventSink;
  /** Options passed to every scan (tests use their own check cache). */
  scanOptions?: Parameters<typeof scanDataset>[1];
}

export function createDatasetHandlers(deps: DatasetHandlerDeps): DatasetHandlers {
  const browser = new ImageBrowser();
  /** The scan in progress; one at a time, since a newer scan makes an older one moot. */
  let running: AbortController | undefined;

  return {
    'datasets:scan': async ({ paths: roots }) => {
      running?.abort();
      const controller = new AbortController();
      running = controller;
      try {
        const scanned = await scanDataset(roots, {
          ...deps.scanOptions,
          thumbnails: deps.thumbnails,
          exclusions: await deps.exclusions.forRoots(roots),
          signal: controller.signal,
          onProgress: (progress) => deps.emit('datasets:scan-progress', progress),
        });
        browser.remember(roots, scanned);
        return scanned.summary;
      } catch (error) {
        if (controller.signal.aborted) throw new ServiceError('conflict', SCAN_CANCELLED);
        throw error;
      } finally {
        if (running === controller) running = undefined;
      }
    },
    'datasets:cancel-scan': async () => {
      if (!running) return { cancelled: false };
      running.abort();
      running = undefined;
      return { cancelled: true };
    },
    'datasets:set-excluded': async ({ roots, path: filePath, excluded }) => {
      const list = await deps.exclusions.setExcluded(roots, filePath, excluded);
      if (!list) {
        throw new ServiceError(
          'invalid-request',
          `${filePath} is not inside any of the dataset's folders, so it cannot be left out of it. Leave out files the scan listed.`,
        );
      }
      return { excluded: list };
    },
    'datasets:images': async (request) => {
      const excluded = new Set(await deps.exclusions.forRoots(request.roots));
      const page = browser.page(request, {
        excluded,
        issueThumbnail: (filePath) => deps.thumbnails.issue(filePath),
      });
      if (!page) {
        throw new ServiceError(
          'not-found',
          'These folders have not been scanned yet (or another dataset was scanned since): scan them first, then browse.',
        );
      }
      return page;
    },
  };
}
