/**
 * Which files in an earlier export folder belong to that export: exactly the files its
 * export-manifest.json lists, plus the manifest. Replacing or sweeping an export folder removes
 * only those; a folder that holds anything else (the user's notes, a folder of their own) is
 * refused with the foreign entries named, because the studio never deletes what it did not write.
 *
 * The manifest is read leniently (only `files[].name`), so an export of a format this version
 * does not know is still recognised, and strictly where it matters: a listed name that is
 * absolute, climbs with `..`, or passes through a symbolic link is never touched.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ExportError } from './export-errors';
import { EXPORT_MANIFEST_FILE } from './export-manifest';

const ListedFiles = z.object({ files: z.array(z.object({ name: z.string() })) });

/** How many entries an export folder may hold before it is not taken for an export. */
const MAX_ENTRIES = 10_000;
/** How many foreign entries a refusal names. */
const NAMED = 5;

function safeName(name: string): string | undefined {
  const normal = path.posix.normalize(name.replaceAll('\\', '/'));
  if (normal === '.' || path.posix.isAbsolute(normal) || normal.split('/').includes('..')) {
    return undefined;
  }
  return normal;
}

/** The relative paths an export's manifest claims, or an ExportError saying why not. */
async function listedFiles(dir: string): Promise<Set<string>> {
  const file = path.join(dir, EXPORT_MANIFEST_FILE);
  let parsed: z.infer<typeof ListedFiles>;
  try {
    parsed = ListedFiles.parse(JSON.parse(await fs.readFile(file, 'utf8')));
  } catch {
    throw new ExportError(
      'invalid-request',
      `${file} cannot be read, so which files in ${dir} belong to the earlier export is unknown; ` +
        'nothing was replaced. Choose another folder, or empty this one yourself.',
    );
  }
  const names = new Set<string>([EXPORT_MANIFEST_FILE]);
  for (const entry of parsed.files) {
    const name = safeName(entry.name);
    if (!name) {
      throw new ExportError(
        'invalid-request',
        `${file} lists "${entry.name}", which is outside the export folder; nothing was ` +
          'replaced. Choose another folder.',
      );
    }
    names.add(name);
  }
  return names;
}

interface FolderEntry {
  /** Relative path with '/' separators. */
  name: string;
  isDir: boolean;
}

/** Every entry under `dir` (depth first, folders after their contents), links not followed. */
async function walk(dir: string, prefix = '', out: FolderEntry[] = []): Promise<FolderEntry[]> {
  for (const entry of await fs.readdir(path.join(dir, prefix), { withFileTypes: true })) {
    if (out.length >= MAX_ENTRIES) break;
    const name = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) await walk(dir, name, out);
    out.push({ name, isDir: entry.isDirectory() });
  }
  return out;
}

/** Entries of `dir` the manifest does not account for (empty when the folder is all export). */
function foreignOf(entries: FolderEntry[], listed: Set<string>): string[] {
  const parents = new Set<string>();
  for (const name of listed) {
    for (let p = path.posix.dirname(name); p !== '.'; p = path.posix.dirname(p)) parents.add(p);
  }
  const foreign = entries.filter((e) =>
    e.isDir ? !parents.has(e.name) : !listed.has(e.name) || parents.has(e.name),
  );
  // Name the top of a foreign folder, not every file inside it.
  return foreign
    .map((e) => e.name)
    .filter((name, _, all) => !all.some((other) => name.startsWith(`${other}/`)));
}

/**
 * Checks that `dir` holds an earlier export and nothing else; returns the files it owns.
 * Throws an ExportError naming the foreign entries otherwise.
 */
export async function ownedExportFiles(dir: string): Promise<Set<string>> {
  const listed = await listedFiles(dir);
  const entries = await walk(dir);
  const foreign = foreignOf(entries, listed);
  if (foreign.length > 0 || entries.length >= MAX_ENTRIES) {
    const named = foreign.slice(0, NAMED).join(', ');
    const more = foreign.length > NAMED ? ` and ${foreign.length - NAMED} more` : '';
    throw new ExportError(
      'invalid-request',
      `${dir} holds files that are not part of the earlier export (${named}${more}); nothing ` +
        'was replaced. Move them out of the folder, or choose another folder.',
    );
  }
  return listed;
}

/**
 * Removes an earlier export folder: its listed files, then the folders they were in when those
 * are empty. Anything that appeared since the check stays where it is (the folder is then kept).
 */
export async function removeExportFolder(dir: string, owned: Set<string>): Promise<void> {
  const entries = await walk(dir);
  for (const entry of entries) {
    if (!entry.isDir && owned.has(entry.name)) await fs.rm(path.join(dir, entry.name));
  }
  for (const entry of entries) {
    if (entry.isDir) await fs.rmdir(path.join(dir, entry.name)).catch(() => {});
  }
  await fs.rmdir(dir).catch(() => {});
}
