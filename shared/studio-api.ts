/**
 * The API the renderer sees. In Electron the preload exposes it on `window.studio` (checked
 * with `satisfies StudioApi`); in the browser the WebSocket client implements the same type.
 */
import type { EventName, EventOf, RequestChannel, RequestOf, ResponseOf } from './contract';

export type Unsubscribe = () => void;

export interface StudioApi {
  /** Which shell hosts the UI: native dialogs and file paths exist only in 'electron'. */
  readonly shell: 'electron' | 'web';
  request<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>>;
  subscribe<E extends EventName>(event: E, handler: (payload: EventOf<E>) => void): Unsubscribe;
  /** Native "choose folder" dialog; null when cancelled or unavailable (web shell). */
  pickFolders(options: { title: string; multiple: boolean }): Promise<string[] | null>;
  /** Path of a dropped file or folder on disk (Electron only: webUtils.getPathForFile). */
  pathForFile(file: File): string | null;
  /** URL of a thumbnail issued by a scan (custom protocol or authenticated route). */
  thumbnailUrl(thumbnailId: string): string;
}
