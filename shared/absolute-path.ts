/**
 * Paths the UI and the WebSocket API send must be absolute: a relative one would be resolved
 * against wherever the studio happened to be started, so files would land (or be read) in a
 * place the user never chose. The CLI resolves its own arguments against the shell's folder
 * before calling the services. Pure: recognises POSIX, Windows drive and UNC forms.
 */
import { z } from 'zod';

export function isAbsolutePath(value: string): boolean {
  return value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\');
}

export const AbsolutePath = z
  .string()
  .min(1)
  .refine(isAbsolutePath, {
    message:
      'Give the full path of the folder (e.g. /home/you/exports/model or C:\\exports\\model); ' +
      'a relative path would land wherever the studio was started.',
  });

/** Most folders one dataset, scan or evaluation may combine. */
export const MAX_DATASET_ROOTS = 64;
