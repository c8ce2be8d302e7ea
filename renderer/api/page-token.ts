/**
 * The web shell's launch token as the page holds it. The server hands it over in the address
 * fragment (`#token=…`, never sent in any request); the page keeps it in this tab's
 * sessionStorage, which no other origin (not even another port of 127.0.0.1) can read, so a
 * reload still connects, and removes it from the address bar. The WebSocket needs it: the
 * cookie alone, which every loopback server receives, does not open it.
 */
const KEY = 'transfer-studio-token';

export interface TokenWindow {
  location: { hash: string; search: string; pathname: string };
  history: { replaceState(data: unknown, unused: string, url?: string): void };
  sessionStorage: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
  };
}

export function takePageToken(win: TokenWindow): string | null {
  const fromAddress =
    new URLSearchParams(win.location.hash.replace(/^#/, '')).get('token') ??
    new URLSearchParams(win.location.search).get('token');
  if (fromAddress) {
    win.sessionStorage.setItem(KEY, fromAddress);
    win.history.replaceState(null, '', win.location.pathname);
    return fromAddress;
  }
  return win.sessionStorage.getItem(KEY);
}
