/**
 * The optional ZIP of an export: the folder's files under one top-level folder (so unzipping
 * gives a folder, not loose files), streamed from disk by yazl.
 */
import { promises as fs } from 'node:fs';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { ExportIo } from './export-io';
import { sha256File } from './export-manifest';

export interface ZipInfo {
  bytes: number;
  sha256: string;
}

/** Writes `names` (files of `sourceDir`) into the ZIP `target`, each as `<rootName>/<name>`. */
export async function writeExportZip(options: {
  sourceDir: string;
  names: string[];
  rootName: string;
  target: string;
  io: ExportIo;
}): Promise<ZipInfo> {
  const zip = new ZipFile();
  const failed = new Promise<never>((_, reject) => zip.once('error', reject));
  failed.catch(() => {});
  for (const name of options.names) {
    zip.addFile(`${options.sourceDir}/${name}`, `${options.rootName}/${name}`, {
      mtime: new Date(),
      mode: 0o100644,
    });
  }
  zip.end();
  await Promise.race([
    options.io.writeStream(options.target, zip.outputStream as unknown as Readable),
    failed,
  ]);
  const stat = await fs.stat(options.target);
  return { bytes: stat.size, sha256: await sha256File(options.target) };
}
