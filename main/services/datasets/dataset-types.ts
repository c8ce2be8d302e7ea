import type { DatasetSummary } from '../../../shared/domain';

/** One image file the scan found usable, with its class and split. */
export interface DatasetFile {
  path: string;
  className: string;
  split: 'train' | 'val';
}

export interface ScannedDataset {
  summary: DatasetSummary;
  /** Usable files only (problem files and exclusions left out), in a stable order. */
  files: DatasetFile[];
}

export interface ScanOptions {
  /** Share of files put into validation when no val folder exists (default 0.2). */
  valRatio?: number;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (progress: { phase: 'listing' | 'checking'; done: number; total?: number }) => void;
  /** Issues opaque ids for thumbnails; when absent, summaries carry no thumbnails. */
  thumbnails?: { issue(filePath: string): string };
}
