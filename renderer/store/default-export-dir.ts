/**
 * Where an export goes when the folder field is left empty: `exports/<run>-<format>` in the
 * studio's data folder, written with the data folder's own separator (so it reads right on
 * Windows too). Shown under the field before anything is clicked.
 */
export function defaultExportDir(dataDir: string, runId: string, format: string): string {
  const separator = dataDir.includes('\\') && !dataDir.includes('/') ? '\\' : '/';
  const base = dataDir.replace(/[\\/]+$/, '');
  return [base, 'exports', `${runId}-${format}`].join(separator);
}

/** The folder an export goes to: the one typed, else the default (null before app info). */
export function exportTargetDir(state: {
  exportDir: string;
  exportRunId: string | null;
  exportFormat: string;
  appInfo: { dataDir: string } | null;
}): string | null {
  const typed = state.exportDir.trim();
  if (typed) return typed;
  if (!state.appInfo || !state.exportRunId) return null;
  return defaultExportDir(state.appInfo.dataDir, state.exportRunId, state.exportFormat);
}
