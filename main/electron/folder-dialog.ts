/** The native "choose folders" dialog, shared by the menu and window.studio.pickFolders. */
import { dialog, type BrowserWindow } from 'electron';
import { z } from 'zod';

export const PickFoldersRequest = z
  .object({ title: z.string().min(1).max(200), multiple: z.boolean() })
  .strict();
export type PickFoldersRequest = z.infer<typeof PickFoldersRequest>;

/** The chosen folders, or null when the user cancelled. */
export async function pickFolders(
  parent: BrowserWindow | null,
  request: PickFoldersRequest,
): Promise<string[] | null> {
  const options: Electron.OpenDialogOptions = {
    title: request.title,
    properties: request.multiple
      ? ['openDirectory', 'multiSelections', 'dontAddToRecent']
      : ['openDirectory', 'dontAddToRecent'],
  };
  const result = parent
    ? await dialog.showOpenDialog(parent, options)
    : await dialog.showOpenDialog(options);
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths;
}
