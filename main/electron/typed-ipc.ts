/**
 * The only main-side code that touches Electron IPC (eslint forbids raw ipcMain elsewhere).
 * Every handler checks the sender before anything else, and every request goes through
 * dispatchRequest, which validates the payload against the contract.
 */
import { ipcMain, type IpcMainInvokeEvent, type MessagePortMain, type WebContents } from 'electron';
import type { z } from 'zod';
import {
  describeIssues,
  type ErrorPayload,
  type EventName,
  type EventOf,
  type RequestHandlers,
} from '../../shared/contract';
import { dispatchRequest, type DispatchResult } from '../services/dispatch';
import { IpcChannel } from './ipc-channels';
import type { IpcSender } from './security-policy';

/** Decides whether an IPC message comes from one of the app's own pages. */
export type SenderGuard = (sender: IpcSender) => boolean;

/** Runs before dispatch; an error payload refuses the request with that error. */
export type RequestPrecheck = (channel: string, payload: unknown) => Promise<ErrorPayload | null>;

const UNTRUSTED: DispatchResult = {
  ok: false,
  error: {
    code: 'unauthorized',
    message: 'This request did not come from the Transfer Studio window and was refused.',
  },
};

function describeSender(event: IpcMainInvokeEvent): IpcSender {
  const frame = event.senderFrame;
  return {
    webContentsId: event.sender.id,
    frameUrl: frame ? frame.url : null,
    isMainFrame: frame !== null && frame.parent === null,
  };
}

/** Serves every request channel of the contract on the single `studio:request` channel. */
export function serveStudioRequests(
  handlers: RequestHandlers,
  options: { isTrusted: SenderGuard; precheck?: RequestPrecheck },
): () => void {
  ipcMain.handle(
    IpcChannel.request,
    async (event, channel: unknown, payload: unknown): Promise<DispatchResult> => {
      if (!options.isTrusted(describeSender(event))) return UNTRUSTED;
      if (options.precheck && typeof channel === 'string') {
        const refused = await options.precheck(channel, payload);
        if (refused) return { ok: false, error: refused };
      }
      return dispatchRequest(handlers, channel, payload);
    },
  );
  return () => ipcMain.removeHandler(IpcChannel.request);
}

/**
 * Serves one shell-only command (native dialogs and the like, which the web shell does not
 * have) with the same sender check and schema validation as contract requests.
 */
export function serveShellCommand<S extends z.ZodType, R>(
  channel: (typeof IpcChannel)['pickFolders'],
  schema: S,
  options: { isTrusted: SenderGuard },
  run: (input: z.output<S>, sender: WebContents) => Promise<R>,
): () => void {
  ipcMain.handle(channel, async (event, payload: unknown): Promise<DispatchResult> => {
    if (!options.isTrusted(describeSender(event))) return UNTRUSTED;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error);
      return {
        ok: false,
        error: {
          code: 'invalid-request',
          message: `Invalid request for ${channel}: ${issues.join('; ')}`,
          issues,
        },
      };
    }
    try {
      return { ok: true, result: await run(parsed.data, event.sender) };
    } catch (error) {
      return {
        ok: false,
        error: { code: 'failed', message: error instanceof Error ? error.message : String(error) },
      };
    }
  });
  return () => ipcMain.removeHandler(channel);
}

/** Sends one contract event to a window, if it is still open. */
export function sendStudioEvent<E extends EventName>(
  target: WebContents,
  event: E,
  payload: EventOf<E>,
): void {
  if (!target.isDestroyed()) target.send(IpcChannel.event, event, payload);
}

/** Hands a window the renderer end of a run's direct training channel. */
export function sendTrainingPort(target: WebContents, runId: string, port: MessagePortMain): void {
  if (target.isDestroyed()) {
    port.close();
    return;
  }
  target.postMessage(IpcChannel.trainingPort, { runId }, [port]);
}
