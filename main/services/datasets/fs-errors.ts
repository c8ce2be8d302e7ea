/** Turns file-system errors into the dataset problems a person can act on. */
import type { DatasetProblem, ProblemKind } from '../../../shared/domain';

export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String((error as { code: unknown }).code)
    : undefined;
}

/** A problem for a file or folder that could not be read, worded after the error code. */
export function problemFromFsError(
  error: unknown,
  target: string,
  what: 'file' | 'folder',
  className?: string,
): DatasetProblem {
  const code = errorCode(error);
  let kind: ProblemKind = 'unreadable';
  let message: string;
  let action: string;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      kind = 'vanished';
      message = `The ${what} no longer exists (it was moved, renamed or deleted, or a link points nowhere).`;
      action = `Put the ${what} back, or remove it from the dataset.`;
      break;
    case 'EACCES':
    case 'EPERM':
      message = `The ${what} cannot be opened: permission denied.`;
      action = `Give your user read access to the ${what} (or copy it somewhere you own).`;
      break;
    case 'ELOOP':
      kind = 'symlink-loop';
      message = `The ${what} is a link that points back to itself (a symlink loop).`;
      action = 'Delete or fix the link.';
      break;
    default:
      message = `The ${what} cannot be read (${code ?? (error instanceof Error ? error.message : String(error))}).`;
      action = `Check the disk and the ${what}, then scan again.`;
  }
  return { kind, path: target, ...(className !== undefined ? { className } : {}), message, action };
}
