/**
 * Checks the folder paths the renderer sends for a scan. In Electron these come from a drop
 * (webUtils.getPathForFile) or the native dialog, as plain strings from a less trusted process,
 * so main looks at them with fs.stat before the scan service does.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { requestSchemas, type ErrorPayload } from '../../shared/contract';

/**
 * Null when every path can be handed to the scan; otherwise an invalid-request error saying
 * which path is wrong and what to do. Paths that do not exist pass: the scan reports them as
 * vanished folders next to the rest of the dataset's problems.
 */
export async function checkDroppedPaths(paths: readonly string[]): Promise<ErrorPayload | null> {
  const issues: string[] = [];
  for (const entry of paths) {
    if (!path.isAbsolute(entry)) {
      issues.push(
        `"${entry}" is not a full path. Give the full path of the folder, or drop it from your file manager.`,
      );
      continue;
    }
    const info = await stat(entry).catch(() => null);
    if (info && !info.isDirectory()) {
      issues.push(
        `"${path.basename(entry)}" is a file, not a folder. Drop the folder that holds one ` +
          'sub-folder per class (for example "ants" and "bees").',
      );
    }
  }
  if (issues.length === 0) return null;
  return { code: 'invalid-request', message: issues.join(' '), issues };
}

/**
 * The pre-dispatch check for `datasets:scan` over IPC. A payload that does not even match the
 * contract passes through here untouched so that dispatch reports it with the usual message.
 */
export async function checkScanRequest(payload: unknown): Promise<ErrorPayload | null> {
  const parsed = requestSchemas['datasets:scan'].request.safeParse(payload);
  return parsed.success ? checkDroppedPaths(parsed.data.paths) : null;
}
