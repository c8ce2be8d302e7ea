import { createRequire } from 'node:module';

/**
 * What each backend loader answers: loaded (and set as the TF.js backend) with a description,
 * or not, with why and what the user can do about it.
 */
export type LoadResult =
  { ok: true; description: string } | { ok: false; detail: string; fix: string };

/**
 * Requires a package relative to this code (the bundled worker, or the sources under tests),
 * so optional native packages resolve from the studio's own node_modules.
 */
export const nodeRequire = createRequire(__filename);

/** True when `error` says `packageName` itself is absent (not one of its own imports). */
export function isMissingPackage(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(`'${packageName}'`)
  );
}

/** The first line of an error message, short enough for a table cell. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((part) => part.trim()) ?? message;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
