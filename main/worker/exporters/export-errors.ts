/**
 * Errors an export raises on purpose, each with the code the host reports it under, and the
 * translation of file-system failures (full disk, no permission, a path through a file) into
 * sentences that say what happened and what to do.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** ErrorPayload codes an export failure maps to. */
export type ExportErrorCode = 'invalid-request' | 'not-found' | 'conflict' | 'failed';

export class ExportError extends Error {
  constructor(
    readonly code: ExportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

/** The nearest ancestor of `target` that exists, when it is not a folder (a file in the way). */
export async function fileInTheWay(target: string): Promise<string | undefined> {
  let current = path.dirname(path.resolve(target));
  for (;;) {
    try {
      const stat = await fs.stat(current);
      return stat.isDirectory() ? undefined : current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }
}

const NOTHING_LEFT = 'Nothing was left behind.';

/**
 * Rewrites a failed system call while creating or writing the export at `target` as an
 * ExportError that names the cause and the remedy. Other errors pass through unchanged.
 */
export async function describeWriteError(error: unknown, target: string): Promise<Error> {
  if (error instanceof ExportError) return error;
  const errno = error as NodeJS.ErrnoException | undefined;
  // Only system-call failures are about the disk; anything else (a conversion or proof that
  // went wrong) keeps its own message.
  if (!errno || typeof errno.code !== 'string' || typeof errno.syscall !== 'string') {
    return error instanceof Error ? error : new Error(String(error));
  }
  const code = errno.code;
  const detail = errno.message;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new ExportError(
        'failed',
        `The disk is full: the export to ${target} could not be written (${code}). ` +
          `Free some space or choose a folder on another drive, then export again. ${NOTHING_LEFT}`,
      );
    case 'EACCES':
    case 'EPERM':
      return new ExportError(
        'invalid-request',
        `The export cannot be written to ${target}: permission denied. ` +
          `Choose a folder you can write to. ${NOTHING_LEFT}`,
      );
    case 'EROFS':
      return new ExportError(
        'invalid-request',
        `The export cannot be written to ${target}: that drive is read-only. ` +
          `Choose a folder on a writable drive. ${NOTHING_LEFT}`,
      );
    case 'ENOTDIR':
    case 'EEXIST': {
      const file = await fileInTheWay(target);
      if (file) {
        return new ExportError(
          'invalid-request',
          `The export cannot be written to ${target}: ${file} is a file, not a folder. ` +
            `Choose a folder. ${NOTHING_LEFT}`,
        );
      }
      break;
    }
    default:
      break;
  }
  return new ExportError(
    'failed',
    `Writing the export to ${target} failed: ${detail}. ${NOTHING_LEFT}`,
  );
}
