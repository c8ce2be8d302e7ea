import type { RawData, WebSocket } from 'ws';
import type { ErrorPayload, RequestHandlers } from '../../shared/contract';
import { describeIssues } from '../../shared/contract';
import { ClientFrame, FrameId, type ResponseFrame } from '../../shared/web-protocol';
import { dispatchRequest } from '../services/dispatch';

function invalid(message: string, issues?: string[]): ErrorPayload {
  return { code: 'invalid-request', message, ...(issues ? { issues } : {}) };
}

/** Recovers the id of a malformed frame when it has a usable one, so the client can match it. */
function salvageId(value: unknown): FrameId | null {
  if (typeof value !== 'object' || value === null) return null;
  const parsed = FrameId.safeParse((value as { id?: unknown }).id);
  return parsed.success ? parsed.data : null;
}

/**
 * Turns one incoming WebSocket frame into one response frame: parses and validates the
 * envelope, then lets dispatchRequest validate the payload and run the handler. Never throws.
 */
export async function answerFrame(
  handlers: RequestHandlers,
  data: RawData,
  isBinary: boolean,
): Promise<ResponseFrame> {
  if (isBinary) {
    return {
      type: 'response',
      id: null,
      ok: false,
      error: invalid('Binary frames are not supported: send JSON text frames.'),
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    return {
      type: 'response',
      id: null,
      ok: false,
      error: invalid(
        'The message is not valid JSON. Send {"type":"request","id":…,"channel":…,"payload":…}.',
      ),
    };
  }
  const frame = ClientFrame.safeParse(value);
  if (!frame.success) {
    const issues = describeIssues(frame.error);
    return {
      type: 'response',
      id: salvageId(value),
      ok: false,
      error: invalid(`Malformed message: ${issues.join('; ')}`, issues),
    };
  }
  const { id, channel, payload } = frame.data;
  const result = await dispatchRequest(handlers, channel, payload);
  return result.ok
    ? { type: 'response', id, ok: true, result: result.result }
    : { type: 'response', id, ok: false, error: result.error };
}

/** Wires a connected, already authenticated socket to the request handlers. */
export function serveSocket(socket: WebSocket, handlers: RequestHandlers): void {
  socket.on('message', (data, isBinary) => {
    void answerFrame(handlers, data, isBinary).then((reply) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(reply));
    });
  });
  // A socket error (e.g. a frame over the size limit) closes that socket only.
  socket.on('error', () => socket.terminate());
}
