import { lstat, readdir } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { ZipFile } from 'yazl';
import { EXPORT_TOKEN_HEADER } from '../../shared/web-protocol';
import type { RequestGuard } from './request-guard';
import { sendText } from './static-files';

/** What marks a folder as an export the studio wrote (and so one this route may send). */
const MANIFEST = 'export-manifest.json';

/**
 * The regular files of an export folder (never a link, never a sub-folder's content), or a
 * refusal: the route sends only folders that hold an export manifest, so it cannot be used to
 * read any other folder of the machine.
 */
async function exportFiles(dir: string | null): Promise<string[] | string> {
  if (!dir || !path.isAbsolute(dir) || dir.includes('\0'))
    return 'Give the export folder as an absolute path.';
  const stat = await lstat(dir).catch(() => null);
  if (!stat?.isDirectory()) return `${dir} is not a folder (it may have been moved or deleted).`;
  const entries = await readdir(dir, { withFileTypes: true });
  if (!entries.some((entry) => entry.isFile() && entry.name === MANIFEST))
    return `${dir} holds no export (no ${MANIFEST}); export the model there first.`;
  return entries.filter((entry) => entry.isFile()).map((entry) => entry.name);
}

/**
 * Streams an export folder as `<folder name>.zip` (its files under one top-level folder, as
 * the export's own ZIP option writes them). Needs the page's token in a header on top of the
 * shell's usual checks.
 */
export async function serveExportZip(
  guard: RequestGuard,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const header = request.headers[EXPORT_TOKEN_HEADER];
  if (!guard.matches(typeof header === 'string' ? header : null)) {
    sendText(response, 401, 'Downloads need the studio page: use the Download button there.');
    return;
  }
  const dir = new URL(request.url ?? '/', 'http://placeholder').searchParams.get('dir');
  const files = await exportFiles(dir);
  if (typeof files === 'string') {
    sendText(response, 404, files);
    return;
  }
  const root = path.basename(dir!);
  const zip = new ZipFile();
  for (const name of files) zip.addFile(path.join(dir!, name), `${root}/${name}`);
  zip.end();
  response.writeHead(200, {
    'Content-Type': 'application/zip',
    'Content-Disposition': `attachment; filename="${encodeURIComponent(root)}.zip"`,
    'Cache-Control': 'no-store',
  });
  zip.outputStream.on('error', () => response.destroy()).pipe(response);
}
