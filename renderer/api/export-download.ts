import { EXPORT_TOKEN_HEADER, EXPORT_ZIP_PATH } from '../../shared/web-protocol';
import { takePageToken } from './page-token';

/**
 * Downloads an export folder as a ZIP through the browser (web shell only): fetched with the
 * page's token in a header, which the route requires, then handed to the browser's download.
 */
export async function downloadExportZip(outDir: string): Promise<void> {
  const url = `${EXPORT_ZIP_PATH}?dir=${encodeURIComponent(outDir)}`;
  const token = takePageToken(window) ?? '';
  const response = await fetch(url, { headers: { [EXPORT_TOKEN_HEADER]: token } });
  if (!response.ok) throw new Error(`The ZIP could not be made: ${await response.text()}`);
  const blob = await response.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${outDir.split(/[\\/]/).filter(Boolean).pop() ?? 'export'}.zip`;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the blob for its download by the next task.
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
