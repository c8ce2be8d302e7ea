import type { StudioApi, StudioBridge } from '../../shared/studio-api';
import { takePageToken } from './page-token';
import { createPreloadApi } from './preload-client';
import { createWebSocketApi, webSocketUrlFor, type ConnectionState } from './ws-client';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a browser. */
    studio?: StudioBridge;
  }
}

export interface ConnectedApi {
  api: StudioApi;
  /** Connection changes of the WebSocket; Electron's IPC is always connected. */
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

/** Picks the transport: the preload's API inside Electron, the WebSocket in a browser. */
export function createStudioApi(): ConnectedApi {
  if (window.studio) {
    return {
      api: createPreloadApi(window.studio),
      onConnectionChange: (listener) => (listener('open'), () => {}),
    };
  }
  const api = createWebSocketApi({
    url: webSocketUrlFor(window.location, takePageToken(window)),
    httpBase: window.location.href,
  });
  return { api, onConnectionChange: api.onConnectionChange };
}

export type { ConnectionState };
