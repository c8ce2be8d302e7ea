/**
 * Exports are written into a staging folder beside the destination and only renamed to the
 * destination once verified, so a folder with the requested name always holds a finished,
 * proven export. A failed one is kept as `<name>.failed` (with its manifest saying why) for
 * diagnosis; nothing at the requested name suggests it worked.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { EXPORT_MANIFEST_FILE } from './export-manifest';

export const FAILED_SUFFIX = '.failed';

async function exists(target: string): Promise<boolean> {
  try {
    await fs.lstat(target);
    return true;
  } catch {
    return false;
  }
}

/** Replacing a folder is only allowed when it is empty or is an earlier export. */
async function assertReplaceable(dir: string): Promise<void> {
  const entries = await fs.readdir(dir).catch(() => undefined);
  if (entries === undefined) {
    throw new Error(`${dir} exists and is not a folder; choose another export folder.`);
  }
  if (entries.length > 0 && !entries.includes(EXPORT_MANIFEST_FILE)) {
    throw new Error(
      `${dir} already holds files that are not an export (no ${EXPORT_MANIFEST_FILE}); ` +
        'choose an empty or new folder so nothing of yours is overwritten.',
    );
  }
}

/** Checks the destination and creates a fresh staging folder next to it. */
export async function createStaging(outDir: string, overwrite: boolean): Promise<string> {
  if (await exists(outDir)) {
    if (!overwrite) {
      throw new Error(`${outDir} already exists; choose another folder or allow overwriting it.`);
    }
    await assertReplaceable(outDir);
  }
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
  await fs.rm(failedDir, { recursive: true, force: true });
  if (!passed) {
    await fs.rename(staging, failedDir);
    return failedDir;
  }
  if (await exists(outDir)) {
    await assertReplaceable(outDir);
    await fs.rm(outDir, { recursive: true, force: true });
  }
  await fs.rename(staging, outDir);
  return outDir;
}

export async function discardStaging(staging: string): Promise<void> {
  await fs.rm(staging, { recursive: true, force: true });
}
