import {
  eventSchemas,
  isEventName,
  requestSchemas,
  type EventName,
  type EventOf,
  type RequestChannel,
  type RequestOf,
  type ResponseOf,
} from '../../shared/contract';
import type { StudioApi, Unsubscribe } from '../../shared/studio-api';
import { ServerFrame, WS_PATH, type ResponseFrame } from '../../shared/web-protocol';
import { StudioRequestError } from './request-error';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** The subset of the browser's WebSocket this client uses (the `ws` package fits too). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface WebSocketApiOptions {
  /** ws:// address of the endpoint, token included when the page has one. */
  url: string;
  /** Base for thumbnail URLs (the page's origin). */
  httpBase: string;
  createSocket?: (url: string) => SocketLike;
  /** Delay before reconnecting after the server went away. */
  reconnectMs?: number;
}

export interface WebSocketApi extends StudioApi {
  onConnectionChange(listener: (state: ConnectionState) => void): Unsubscribe;
  close(): void;
}

interface Pending {
  channel: RequestChannel;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const OPEN = 1;

/**
 * StudioApi over the web shell's WebSocket. Requests wait for the connection; every frame the
 * server sends is validated (envelope, then the channel's response or the event's payload
 * schema) before it reaches the store. The socket reconnects when the server restarts.
 */
export function createWebSocketApi(options: WebSocketApiOptions): WebSocketApi {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as SocketLike);
  const pending = new Map<number, Pending>();
  const handlers = new Map<EventName, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: SocketLike | null = null;
  let closedByUser = false;

  function setState(state: ConnectionState): void {
    for (const listener of connectionListeners) listener(state);
  }

  function settle(frame: ResponseFrame): void {
    if (typeof frame.id !== 'number') {
      console.warn('Transfer Studio: the server refused a message', frame);
      return;
    }
    const entry = pending.get(frame.id);
    if (!entry) return;
    pending.delete(frame.id);
    if (!frame.ok) {
      entry.reject(new StudioRequestError(frame.error));
      return;
    }
    const parsed = requestSchemas[entry.channel].response.safeParse(frame.result);
    if (parsed.success) entry.resolve(parsed.data);
    else {
      entry.reject(
        new StudioRequestError({
          code: 'failed',
          message: `The server sent an invalid answer to ${entry.channel}. Update or restart the studio.`,
        }),
      );
    }
  }

  function receive(data: unknown): void {
    let value: unknown;
    try {
      value = JSON.parse(String(data));
    } catch {
      return;
    }
    const frame = ServerFrame.safeParse(value);
    if (!frame.success) return;
    if (frame.data.type === 'response') {
      settle(frame.data);
      return;
    }
    const { event, payload } = frame.data;
    if (!isEventName(event)) return;
    const parsed = eventSchemas[event].safeParse(payload);
    if (!parsed.success) {
      console.warn(`Transfer Studio: dropped an invalid ${event} event`, parsed.error.issues);
      return;
    }
    for (const handler of handlers.get(event) ?? []) handler(parsed.data);
  }

  function failPending(): void {
    // Whatever was queued belongs to the requests failed here: never replay it later.
    queue.length = 0;
    for (const [id, entry] of pending) {
      pending.delete(id);
      entry.reject(
        new StudioRequestError({
          code: 'disconnected',
          message:
            'Lost the connection to the studio server. Check that it is still running, then try again.',
        }),
      );
    }
  }

  function connect(): void {
    setState('connecting');
    const current = createSocket(options.url);
    socket = current;
    current.addEventListener('open', () => {
      setState('open');
      while (queue.length > 0 && current.readyState === OPEN) current.send(queue.shift() as string);
    });
    current.addEventListener('message', (event) => receive(event.data));
    // A failed connection is followed by 'close', which handles it; this only keeps Node's
    // `ws` (used in tests) from treating the error as unhandled.
    current.addEventListener('error', () => {});
    current.addEventListener('close', () => {
      if (socket !== current) return;
      socket = null;
      failPending();
      setState('closed');
      if (!closedByUser) setTimeout(connect, options.reconnectMs ?? 1500);
    });
  }

  function send(text: string): void {
    if (socket && socket.readyState === OPEN) socket.send(text);
    else queue.push(text);
  }

  connect();

  return {
    shell: 'web',
    request<C extends RequestChannel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> {
      const id = nextId++;
      return new Promise<ResponseOf<C>>((resolve, reject) => {
        pending.set(id, { channel, resolve: resolve as (value: unknown) => void, reject });
        send(JSON.stringify({ type: 'request', id, channel, payload }));
      });
    },
    subscribe<E extends EventName>(event: E, handler: (payload: EventOf<E>) => void): Unsubscribe {
      const set = handlers.get(event) ?? new Set();
      handlers.set(event, set);
      const untyped = handler as (payload: unknown) => void;
      set.add(untyped);
      return () => set.delete(untyped);
    },
    pickFolders: async () => null,
    pathForFile: () => null,
    thumbnailUrl: (id) =>
      new URL(`thumbnails/${encodeURIComponent(id)}`, options.httpBase).toString(),
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closedByUser = true;
      socket?.close();
    },
  };
}

/**
 * The endpoint for the page the UI was served from, with the page's token (page-token.ts), or
 * the one the URL still has.
 */
export function webSocketUrlFor(
  location: { protocol: string; host: string; search: string; href: string },
  pageToken: string | null = null,
): string {
  const url = new URL(WS_PATH, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = pageToken ?? new URLSearchParams(location.search).get('token');
  url.search = token ? `?token=${encodeURIComponent(token)}` : '';
  return url.toString();
}
