import type { ScanOptions, ScannedDataset } from './dataset-types';

/** Scans one or more dataset folders into classes, splits and problems. */
export async function scanDataset(_paths: string[], _options: ScanOptions = {}): Promise<ScannedDataset> {
  throw new Error('scanDataset: not implemented yet');
}
