/**
 * The API the renderer sees. In Electron the preload exposes it on `window.studio` (checked
 * with `satisfies StudioApi`); in the browser the WebSocket client implements the same type.
 */
import type {
  ErrorPayload,
  EventName,
  EventOf,
  RequestChannel,
  RequestOf,
  ResponseOf,
} from './contract';

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

/** A request's answer as data: its result, or the service's error with its code. */
export type RequestOutcome<T> = { ok: true; result: T } | { ok: false; error: ErrorPayload };

/**
 * What the Electron preload exposes on `window.studio`. contextBridge copies a thrown Error
 * with its message only (its code and issues are dropped), so requests and the folder dialog
 * answer with a RequestOutcome instead of throwing; the renderer's client turns a failure into
 * the same StudioRequestError (code, message, issues) the WebSocket client throws.
 */
export interface StudioBridge extends Omit<StudioApi, 'request' | 'pickFolders'> {
  request<C extends RequestChannel>(
    channel: C,
    payload: RequestOf<C>,
  ): Promise<RequestOutcome<ResponseOf<C>>>;
  pickFolders(options: {
    title: string;
    multiple: boolean;
  }): Promise<RequestOutcome<string[] | null>>;
}
