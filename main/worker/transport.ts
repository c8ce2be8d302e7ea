/**
 * How the worker talks to the process that started it. Under child_process.fork that is
 * process.send / process.on('message'); under Electron's utilityProcess it is process.parentPort,
 * whose messages arrive as events with `data` (and `ports`). The rest of the worker sees one
 * interface and never knows which host it runs in.
 *
 * A host may also hand over a MessagePort (as ports[0] of a message, usually `{type:'port'}`):
 * live messages (batches, epochs, phases) are then posted on it too, straight to whoever holds
 * the other end (the window), so they do not queue behind other work in the host.
 */

/** The subset of a MessagePort (DOM or Electron MessagePortMain) the worker uses. */
export interface PortLike {
  postMessage(message: unknown): void;
  close?(): void;
}

interface ParentPortEvent {
  data: unknown;
  ports?: PortLike[];
}

interface ParentPortLike {
  on(event: 'message', listener: (event: ParentPortEvent) => void): void;
  postMessage(message: unknown): void;
}

export interface WorkerTransport {
  /** Which host API carries the messages. */
  readonly kind: 'fork' | 'utility-process';
  /** Sends to the host; resolves once handed to the channel (or at once if it cannot tell). */
  send(message: unknown): Promise<void>;
  /** Also posts a live message on the stream port, when the host gave one. */
  stream(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called when the host goes away (its IPC channel closes). */
  onDisconnect(listener: () => void): void;
}

/** Messages that only deliver a stream port carry no command. */
function isPortDelivery(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { type?: unknown }).type === 'port';
}

/** Picks the transport for the current process; throws when the worker has no host to talk to. */
export function createWorkerTransport(
  proc: NodeJS.Process & { parentPort?: ParentPortLike } = process,
): WorkerTransport {
  let streamPort: PortLike | undefined;
  const stream = (message: unknown): void => {
    if (!streamPort) return;
    try {
      streamPort.postMessage(message);
    } catch {
      // The window closed its end: keep training, the host still gets every message.
      streamPort = undefined;
    }
  };

  const parentPort = proc.parentPort;
  if (parentPort) {
    const listeners: Array<(message: unknown) => void> = [];
    parentPort.on('message', (event) => {
      const port = event.ports?.[0];
      if (port) {
        streamPort?.close?.();
        streamPort = port;
      }
      if (port && isPortDelivery(event.data)) return;
      for (const listener of listeners) listener(event.data);
    });
    return {
      kind: 'utility-process',
      send: async (message) => parentPort.postMessage(message),
      stream,
      onMessage: (listener) => listeners.push(listener),
      // A utility process is ended by its host; there is no channel close to watch.
      onDisconnect: () => {},
    };
  }

  if (typeof proc.send === 'function') {
    const send = proc.send.bind(proc);
    return {
      kind: 'fork',
      send: (message) =>
        new Promise<void>((resolve) => {
          if (!proc.connected) {
            resolve();
            return;
          }
          // The callback fires once the message is written, so a following exit cannot drop it.
          send(message, undefined, {}, () => resolve());
        }),
      stream,
      onMessage: (listener) => {
        proc.on('message', (message: unknown) => {
          if (!isPortDelivery(message)) listener(message);
        });
      },
      onDisconnect: (listener) => {
        proc.on('disconnect', listener);
      },
    };
  }

  throw new Error(
    'The training worker must be started by the studio (child_process.fork or an Electron ' +
      'utilityProcess); it has no channel to its parent.',
  );
}
