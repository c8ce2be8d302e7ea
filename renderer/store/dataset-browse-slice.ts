import type { DatasetImage } from '../../shared/domain';
import { errorMessage } from '../api/request-error';
import type { SliceCreator } from './studio-state';

/** Images fetched per request: a few screens of the grid. */
export const BROWSE_PAGE_SIZE = 120;

/**
 * The image browser of one class: its files arrive page by page as the virtualized grid
 * scrolls, so a class of 100k images costs only the pages someone looked at.
 */
export interface DatasetBrowseSlice {
  /** The class being browsed; null when the browser is closed. */
  browseClass: string | null;
  /** Files in the class; null until the first page arrived. */
  browseTotal: number | null;
  /** Loaded pages by page index (BROWSE_PAGE_SIZE files each). */
  browsePages: Record<number, DatasetImage[]>;
  browseError: string | null;
  /** Opens the browser on a class and loads its first page. */
  openBrowse(className: string): Promise<void>;
  closeBrowse(): void;
  /** Loads the pages covering files [start, end) that are not loaded yet. */
  loadBrowseRange(start: number, end: number): Promise<void>;
  /** Leaves one file out of training or puts it back, then refreshes the loaded pages. */
  toggleBrowseExcluded(image: DatasetImage): Promise<void>;
}

/** The file at `index` when its page is loaded. */
export function browseImageAt(
  pages: Record<number, DatasetImage[]>,
  index: number,
): DatasetImage | undefined {
  return pages[Math.floor(index / BROWSE_PAGE_SIZE)]?.[index % BROWSE_PAGE_SIZE];
}

export const createDatasetBrowseSlice: SliceCreator<DatasetBrowseSlice> = (api) => (set, get) => {
  /** Pages requested and not yet answered, per class, so scrolling never asks twice. */
  const inFlight = new Set<string>();

  async function fetchPage(className: string, pageIndex: number): Promise<void> {
    const key = `${className}\u0000${pageIndex}`;
    if (inFlight.has(key)) return;
    inFlight.add(key);
    try {
      const page = await api.request('datasets:images', {
        roots: get().datasetRoots,
        className,
        offset: pageIndex * BROWSE_PAGE_SIZE,
        limit: BROWSE_PAGE_SIZE,
      });
      // The user may have closed the browser or picked another class meanwhile.
      if (get().browseClass !== className) return;
      set({
        browseTotal: page.total,
        browsePages: { ...get().browsePages, [pageIndex]: page.items },
        browseError: null,
      });
    } catch (error) {
      if (get().browseClass === className) set({ browseError: errorMessage(error) });
    } finally {
      inFlight.delete(key);
    }
  }

  return {
    browseClass: null,
    browseTotal: null,
    browsePages: {},
    browseError: null,
    async openBrowse(className) {
      set({ browseClass: className, browseTotal: null, browsePages: {}, browseError: null });
      await fetchPage(className, 0);
    },
    closeBrowse: () =>
      set({ browseClass: null, browseTotal: null, browsePages: {}, browseError: null }),
    async loadBrowseRange(start, end) {
      const className = get().browseClass;
      const total = get().browseTotal;
      if (className === null || total === null || end <= start) return;
      const first = Math.floor(Math.max(0, start) / BROWSE_PAGE_SIZE);
      const last = Math.floor((Math.min(end, total) - 1) / BROWSE_PAGE_SIZE);
      const loaded = get().browsePages;
      const missing: number[] = [];
      for (let page = first; page <= last; page += 1) if (!loaded[page]) missing.push(page);
      await Promise.all(missing.map((page) => fetchPage(className, page)));
    },
    async toggleBrowseExcluded(image) {
      const className = get().browseClass;
      await get().setFileExcluded(image.path, !image.excluded);
      if (className === null || get().browseClass !== className) return;
      // The rescan changed the list (exclusions, maybe problems): reload what is on screen.
      const pages = Object.keys(get().browsePages).map(Number);
      await Promise.all(pages.map((page) => fetchPage(className, page)));
    },
  };
};
