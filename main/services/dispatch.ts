import {
  describeIssues,
  isRequestChannel,
  requestSchemas,
  type ErrorPayload,
  type RequestChannel,
  type RequestHandlers,
} from '../../shared/contract';
import { toErrorPayload } from './service-error';

export type DispatchResult = { ok: true; result: unknown } | { ok: false; error: ErrorPayload };

/**
 * The one entry point both transports use: checks the channel exists, validates the payload
 * against its schema (an invalid one gets a clear error, never a crash), runs the handler.
 */
export async function dispatchRequest(
  handlers: RequestHandlers,
  channel: unknown,
  payload: unknown,
): Promise<DispatchResult> {
  if (!isRequestChannel(channel)) {
    return {
      ok: false,
      error: { code: 'invalid-request', message: `Unknown request channel: ${String(channel)}` },
    };
  }
  const parsed = requestSchemas[channel].request.safeParse(payload ?? {});
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
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
    return { ok: true, result: await handler(parsed.data) };
  } catch (error) {
    return { ok: false, error: toErrorPayload(error) };
  }
}

export type { RequestChannel };
