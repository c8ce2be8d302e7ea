import {
  ErrorPayload,
  requestSchemas,
  type RequestChannel,
  type RequestOf,
  type ResponseOf,
} from '../../shared/contract';
import type { RequestOutcome, StudioApi, StudioBridge } from '../../shared/studio-api';
import { StudioRequestError } from './request-error';

/**
 * Throws a failed outcome as a StudioRequestError with main's code, message and issues, as the
 * WebSocket client does; an answer that is not an outcome at all is a 'failed' request.
 */
function settle<T>(outcome: RequestOutcome<T>, what: string): T {
  if (outcome?.ok === true) return outcome.result;
  const error = ErrorPayload.safeParse(outcome?.ok === false ? outcome.error : undefined);
  throw new StudioRequestError(
    error.success
      ? error.data
      : {
          code: 'failed',
          message: `Transfer Studio sent an invalid answer to ${what}. Restart the studio.`,
        },
  );
}

/**
 * The StudioApi over the Electron preload's `window.studio`: failures become StudioRequestErrors
 * (their code survives the bridge as data) and every answer is checked against its schema.
 */
export function createPreloadApi(bridge: StudioBridge): StudioApi {
  return {
    shell: bridge.shell,
    async request<C extends RequestChannel>(
      channel: C,
      payload: RequestOf<C>,
    ): Promise<ResponseOf<C>> {
      const result = settle(await bridge.request(channel, payload), channel);
      const parsed = requestSchemas[channel].response.safeParse(result);
      if (!parsed.success) {
        throw new StudioRequestError({
          code: 'failed',
          message: `Transfer Studio sent an invalid answer to ${channel}. Restart the studio.`,
        });
      }
      return parsed.data as ResponseOf<C>;
    },
    subscribe: (event, handler) => bridge.subscribe(event, handler),
    async pickFolders(options) {
      return settle(await bridge.pickFolders(options), 'the folder dialog');
    },
    pathForFile: (file) => bridge.pathForFile(file),
    thumbnailUrl: (thumbnailId) => bridge.thumbnailUrl(thumbnailId),
  };
}
