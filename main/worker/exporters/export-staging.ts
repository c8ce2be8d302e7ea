/**
 * Exports are written into a staging folder beside the destination and only renamed to the
 * destination once verified, so a folder with the requested name always holds a finished,
 * proven export. A failed one is kept as `<name>.failed` (with its manifest saying why) for
 * diagnosis; nothing at the requested name suggests it worked.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ExportError, fileInTheWay } from './export-errors';
import { EXPORT_MANIFEST_FILE } from './export-manifest';
import { ownedExportFiles, removeExportFolder } from './export-owned-files';

export const FAILED_SUFFIX = '.failed';

async function exists(target: string): Promise<boolean> {
  try {
    await fs.lstat(target);
    return true;
  } catch {
    return false;
  }
}

/** Entries of `dir`, or undefined when it is not a folder. */
async function entriesOf(dir: string): Promise<string[] | undefined> {
  return fs.readdir(dir).catch(() => undefined);
}

/**
 * Replacing a folder is only allowed when it is empty or is an earlier export and nothing else;
 * returns the files the earlier export owns (the only ones that may be removed).
 */
async function assertReplaceable(dir: string): Promise<Set<string>> {
  const entries = await entriesOf(dir);
  if (entries === undefined) {
    throw new ExportError(
      'invalid-request',
      `${dir} exists and is not a folder; choose another export folder.`,
    );
  }
  if (entries.length === 0) return new Set();
  if (!entries.includes(EXPORT_MANIFEST_FILE)) {
    throw new ExportError(
      'invalid-request',
      `${dir} already holds files that are not an export (no ${EXPORT_MANIFEST_FILE}); ` +
        'choose an empty or new folder so nothing of yours is overwritten.',
    );
  }
  return ownedExportFiles(dir);
}

/**
 * Checks that the export may go to `outDir` (and its ZIP to `zipPath`): a new or empty folder
 * always may; an earlier export only with `overwrite`; anything else never. Cheap (a few stats),
 * so the host runs it before starting a worker, and the worker again before writing.
 */
export async function checkExportTarget(
  outDir: string,
  overwrite: boolean,
  zipPath?: string,
): Promise<void> {
  const file = await fileInTheWay(outDir);
  if (file) {
    throw new ExportError(
      'invalid-request',
      `The export cannot be written to ${outDir}: ${file} is a file, not a folder. Choose a folder.`,
    );
  }
  if (await exists(outDir)) {
    const entries = await entriesOf(outDir);
    if (entries === undefined) {
      throw new ExportError(
        'invalid-request',
        `${outDir} is a file, not a folder; choose a folder to export into.`,
      );
    }
    if (entries.length > 0) {
      // Say so before asking to overwrite: a folder of other files is never replaced.
      await assertReplaceable(outDir);
      if (!overwrite) {
        throw new ExportError(
          'conflict',
          `${outDir} already holds an export; choose another folder or allow overwriting it.`,
        );
      }
    }
  }
  // A failed export left beside it is swept when this one finishes: it must be all export too.
  if (await exists(`${outDir}${FAILED_SUFFIX}`))
    await assertReplaceable(`${outDir}${FAILED_SUFFIX}`);
  if (zipPath && (await exists(zipPath))) {
    const stat = await fs.stat(zipPath);
    if (!stat.isFile()) {
      throw new ExportError(
        'conflict',
        `${zipPath} exists and is not a file, so the ZIP cannot go there; choose another folder.`,
      );
    }
    if (!overwrite) {
      throw new ExportError(
        'conflict',
        `${zipPath} already exists; choose another folder or allow overwriting it.`,
      );
    }
  }
}

/** Checks the destination and creates a fresh staging folder next to it. */
export async function createStaging(
  outDir: string,
  overwrite: boolean,
  zipPath?: string,
): Promise<string> {
  await checkExportTarget(outDir, overwrite, zipPath);
  await fs.mkdir(path.dirname(outDir), { recursive: true });
  const staging = await fs.mkdtemp(`${outDir}.partial-`);
  // mkdtemp makes the folder private (0700); an export is an ordinary folder once finished.
  await fs.chmod(staging, 0o755);
  return staging;
}

/**
 * Moves the staging folder to its final place: `outDir` when the export passed, else
 * `outDir.failed`. Returns the folder the files ended up in.
 */
export async function finishStaging(
  staging: string,
  outDir: string,
  passed: boolean,
): Promise<string> {
  const failedDir = `${outDir}${FAILED_SUFFIX}`;
  if (await exists(failedDir)) {
    // Only an earlier failed export is swept away, never a folder of the user's that happens
    // to carry the name.
    await removeExportFolder(failedDir, await assertReplaceable(failedDir));
  }
  if (!passed) {
    await fs.rename(staging, failedDir);
    return failedDir;
  }
  if (!(await exists(outDir))) {
    await fs.rename(staging, outDir);
    return outDir;
  }
  const owned = await assertReplaceable(outDir);
  // Move the earlier export aside rather than deleting it first, so that a failed rename
  // puts it back and the folder never goes missing.
  const aside = `${outDir}.replaced-${path.basename(staging).split('-').pop()}`;
  await fs.rename(outDir, aside);
  try {
    await fs.rename(staging, outDir);
  } catch (error) {
    await fs.rename(aside, outDir);
    throw error;
  }
  // Only the earlier export's own files go; the folder stays if anything else appeared meanwhile.
  await removeExportFolder(aside, owned);
  return outDir;
}

export async function discardStaging(staging: string): Promise<void> {
  await fs.rm(staging, { recursive: true, force: true });
}
