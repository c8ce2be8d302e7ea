/**
 * Every byte an export writes goes through this small interface, so tests can put a failing
 * disk underneath (ENOSPC halfway through the weights) and check that nothing is left behind.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ExportIo {
  writeFile(file: string, data: string | Uint8Array): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  /** Writes everything `source` yields to `file`. */
  writeStream(file: string, source: Readable): Promise<void>;
}

export const nodeExportIo: ExportIo = {
  writeFile: (file, data) => fs.writeFile(file, data),
  copyFile: (from, to) => fs.copyFile(from, to),
  writeStream: (file, source) => pipeline(source, createWriteStream(file)),
};
