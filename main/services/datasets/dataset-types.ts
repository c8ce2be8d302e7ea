import type { DatasetSummary } from '../../../shared/domain';
import type { CheckCache } from './check-cache';
import type { CheckLimits } from './check-image';

/** One image file the scan found usable, with its class and split. */
export interface DatasetFile {
  path: string;
  /** Path below its root folder, '/'-separated (stable when the dataset moves). */
  rel: string;
  className: string;
  split: 'train' | 'val';
  /** Size in bytes and modification time at scan time (cache keys for later stages). */
  size: number;
  mtimeMs: number;
}

export interface ScannedDataset {
  summary: DatasetSummary;
  /** Usable files only (problem files and exclusions left out), in a stable order. */
  files: DatasetFile[];
  /** Files of test folders that pass the doctor: listed, counted, never used for training. */
  testFiles: { path: string; className: string }[];
  /** Every listed image file, usable or not, in the listing's stable order (for browsing). */
  entries: BrowseEntry[];
}

/** A listed image file as the image browser needs it; small, so 100k of them stay cheap. */
export interface BrowseEntry {
  path: string;
  /** Path below its root, '/'-separated. */
  rel: string;
  className: string;
  /** Given by the folders, or generated; absent for files left out before the split. */
  split?: 'train' | 'val' | 'test';
  /** False when the doctor found the file cannot be decoded (no thumbnail then). */
  decodable: boolean;
}

export interface ScanProgress {
  phase: 'listing' | 'checking';
  done: number;
  total?: number;
  /** Files per second in this phase so far. */
  filesPerSecond?: number;
  /** Seconds left in this phase at the current rate (when the total is known). */
  etaSeconds?: number;
}

export interface ScanOptions {
  /** Share of files put into validation when no val folder exists (default 0.2). */
  valRatio?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
  /** Issues opaque ids for thumbnails; when absent, summaries carry no thumbnails. */
  thumbnails?: { issue(filePath: string): string };
  /** Absolute paths the user excluded from this dataset (see ExclusionStore). */
  exclusions?: Iterable<string>;
  /** Most files and folders the listing visits before it stops (default MAX_SCAN_ENTRIES). */
  maxEntries?: number;
  /** Thumbnails issued per class (default 4). */
  thumbnailsPerClass?: number;
  /** Run the doctor's checking phase (default true); false lists files without decoding. */
  check?: boolean;
  /** Doctor thresholds (min side, max pixels, max bytes); defaults in check-image.ts. */
  limits?: Partial<CheckLimits>;
  /** Where doctor results are remembered between scans (default: one per process). */
  cache?: CheckCache;
  /** Files checked at once (default: twice the cores, 2 to 8). */
  concurrency?: number;
}
