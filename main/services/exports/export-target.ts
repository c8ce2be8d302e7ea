/**
 * Looks at an export target before an export starts, so the UI can ask before replacing an
 * earlier export (and say at once why a folder cannot be used) whatever the transport carries
 * of error codes. The same rules as the export itself (checkExportTarget).
 */
import path from 'node:path';
import { ExportError } from '../../worker/exporters/export-errors';
import { checkExportTarget } from '../../worker/exporters/export-staging';

export interface ExportTargetState {
  status: 'free' | 'export' | 'blocked';
  outDir: string;
  message?: string;
}

export async function describeExportTarget(
  outDir: string,
  zip: boolean,
): Promise<ExportTargetState> {
  const target = path.resolve(outDir);
  const zipPath = zip ? `${target}.zip` : undefined;
  const attempt = async (overwrite: boolean): Promise<ExportError | undefined> => {
    try {
      await checkExportTarget(target, overwrite, zipPath);
      return undefined;
    } catch (error) {
      if (error instanceof ExportError) return error;
      throw error;
    }
  };
  const asIs = await attempt(false);
  if (!asIs) return { status: 'free', outDir: target };
  if (asIs.code !== 'conflict') return { status: 'blocked', outDir: target, message: asIs.message };
  const replacing = await attempt(true);
  return replacing
    ? { status: 'blocked', outDir: target, message: replacing.message }
    : { status: 'export', outDir: target, message: asIs.message };
}
