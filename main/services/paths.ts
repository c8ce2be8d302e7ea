import os from 'node:os';
import path from 'node:path';

/** Where the studio keeps its data on this machine. */
export interface StudioPaths {
  dataDir: string;
  runsDir: string;
  cacheDir: string;
  /** Folders searched for base models, in order (TRANSFER_STUDIO_MODELS, then the data dir). */
  modelsDirs: string[];
}

/**
 * Resolves the studio's folders. TRANSFER_STUDIO_DATA overrides the data folder (tests give
 * each run its own); TRANSFER_STUDIO_MODELS names local model folders (path-list separated),
 * which is how air-gapped users and the tests point at ../shared/fixtures/models.
 */
export function resolveStudioPaths(
  env: NodeJS.ProcessEnv = process.env,
  defaultDataDir = path.join(os.homedir(), '.transfer-studio'),
): StudioPaths {
  const dataDir = path.resolve(env.TRANSFER_STUDIO_DATA || defaultDataDir);
  const fromEnv = (env.TRANSFER_STUDIO_MODELS ?? '')
    .split(path.delimiter)
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => path.resolve(entry));
  return {
    dataDir,
    runsDir: path.join(dataDir, 'runs'),
    cacheDir: path.join(dataDir, 'cache'),
    modelsDirs: [...fromEnv, path.join(dataDir, 'models')],
  };
}
