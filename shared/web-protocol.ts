/**
 * Frames of the web shell's WebSocket: the same contract as Electron IPC, wrapped in
 * request/response/event envelopes. The server validates every frame a browser sends; the
 * browser client validates every frame the server sends.
 */
import { z } from 'zod';
import { ErrorPayload } from './contract';

/** Correlates a response with its request; chosen by the client. */
export const FrameId = z.union([z.string().min(1).max(64), z.number().int().nonnegative()]);
export type FrameId = z.infer<typeof FrameId>;

export const ClientFrame = z
  .object({
    type: z.literal('request'),
    id: FrameId,
    channel: z.string().min(1).max(64),
    payload: z.unknown().optional(),
  })
  .strict();
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ResponseFrame = z.union([
  z.object({
    type: z.literal('response'),
    id: FrameId.nullable(),
    ok: z.literal(true),
    result: z.unknown(),
  }),
  z.object({
    type: z.literal('response'),
    /** null when the request was too malformed to carry a usable id. */
    id: FrameId.nullable(),
    ok: z.literal(false),
    error: ErrorPayload,
  }),
]);
export type ResponseFrame = z.infer<typeof ResponseFrame>;

export const EventFrame = z.object({
  type: z.literal('event'),
  event: z.string(),
  payload: z.unknown(),
});
export type EventFrame = z.infer<typeof EventFrame>;

export const ServerFrame = z.union([ResponseFrame, EventFrame]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** Largest frame either side accepts; requests are small, so 1 MiB leaves ample room. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Path of the WebSocket endpoint on the web shell. */
export const WS_PATH = '/ws';

/**
 * The web shell's download of an export as a ZIP: `GET EXPORT_ZIP_PATH?dir=<export folder>`,
 * with the page's launch token in the EXPORT_TOKEN_HEADER header (the cookie alone, which every
 * loopback server receives, is not enough, as for the WebSocket).
 */
export const EXPORT_ZIP_PATH = '/downloads/export.zip';
export const EXPORT_TOKEN_HEADER = 'x-studio-token';
