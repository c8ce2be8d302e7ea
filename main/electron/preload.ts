/**
 * The sandboxed preload: exposes `window.studio` (the StudioBridge of shared/studio-api.ts) and
 * nothing else. It may only require 'electron', so it is bundled self-contained. ipcRenderer
 * never leaves this file; the page gets small functions that check their arguments first.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { config } from 'zod';
import {
  isEventName,
  isRequestChannel,
  type EventName,
  type EventOf,
  type RequestChannel,
  type RequestOf,
  type ResponseOf,
} from '../../shared/contract';
import type { RequestOutcome, StudioBridge, Unsubscribe } from '../../shared/studio-api';
import type { DispatchResult } from '../services/dispatch';
import { IpcChannel } from './ipc-channels';
import { thumbnailUrlFor } from './thumbnail-url';
import { createTrainingStream } from './training-stream';

// The page's CSP forbids eval; without this zod would probe `new Function` and the page
// would log a CSP violation on the first parse.
config({ jitless: true });

type Handler = (payload: unknown) => void;
const subscribers = new Map<EventName, Set<Handler>>();

function deliver<E extends EventName>(event: E, payload: EventOf<E>): void {
  for (const handler of subscribers.get(event) ?? []) {
    try {
      handler(payload);
    } catch (error) {
      // One failing subscriber must not starve the others.
      console.error(`A "${event}" subscriber threw:`, error);
    }
  }
}

const stream = createTrainingStream(deliver, (message) => console.warn(message));
const trainingPorts = new Map<string, MessagePort>();

function closeTrainingPort(runId: string): void {
  trainingPorts.get(runId)?.close();
  trainingPorts.delete(runId);
}

ipcRenderer.on(IpcChannel.event, (_event, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  stream.fromMain(name, payload);
  const runId = (payload as { runId?: unknown } | null)?.runId;
  if (typeof runId === 'string' && stream.isFinished(runId)) closeTrainingPort(runId);
});

ipcRenderer.on(IpcChannel.trainingPort, (event, info: unknown) => {
  const port = event.ports[0];
  const runId = (info as { runId?: unknown } | null)?.runId;
  if (!port) return;
  if (typeof runId !== 'string' || stream.isFinished(runId)) {
    port.close();
    return;
  }
  closeTrainingPort(runId);
  trainingPorts.set(runId, port);
  port.onmessage = (message: MessageEvent) => {
    stream.fromWorker(runId, message.data);
    if (stream.isFinished(runId)) closeTrainingPort(runId);
  };
});

/**
 * Main's reply, passed on as data: contextBridge would strip a thrown Error down to its
 * message, and the page needs the code (a 'conflict' asks before overwriting, for one).
 */
async function invoke(channel: string, ...args: unknown[]): Promise<DispatchResult> {
  try {
    return (await ipcRenderer.invoke(channel, ...args)) as DispatchResult;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      error: {
        code: 'failed',
        message: `The request could not be sent to Transfer Studio (${detail}).`,
      },
    };
  }
}

const studio = {
  shell: 'electron',

  async request<C extends RequestChannel>(
    channel: C,
    payload: RequestOf<C>,
  ): Promise<RequestOutcome<ResponseOf<C>>> {
    if (!isRequestChannel(channel)) {
      return {
        ok: false,
        error: { code: 'invalid-request', message: `Unknown request channel: ${String(channel)}.` },
      };
    }
    return (await invoke(IpcChannel.request, channel, payload)) as RequestOutcome<ResponseOf<C>>;
  },

  subscribe<E extends EventName>(event: E, handler: (payload: EventOf<E>) => void): Unsubscribe {
    if (!isEventName(event)) throw new Error(`Unknown event: ${String(event)}.`);
    if (typeof handler !== 'function')
      throw new Error(`The "${event}" handler must be a function.`);
    let handlers = subscribers.get(event);
    if (!handlers) {
      handlers = new Set();
      subscribers.set(event, handlers);
    }
    const entry = handler as Handler;
    handlers.add(entry);
    return () => {
      subscribers.get(event)?.delete(entry);
    };
  },

  async pickFolders(options: {
    title: string;
    multiple: boolean;
  }): Promise<RequestOutcome<string[] | null>> {
    return (await invoke(IpcChannel.pickFolders, options)) as RequestOutcome<string[] | null>;
  },

  pathForFile(file: File): string | null {
    try {
      return webUtils.getPathForFile(file) || null;
    } catch {
      return null;
    }
  },

  thumbnailUrl(thumbnailId: string): string {
    return thumbnailUrlFor(String(thumbnailId));
  },
} satisfies StudioBridge;

contextBridge.exposeInMainWorld('studio', studio);
