import { describe, expect, it } from 'vitest';
import { takePageToken, type TokenWindow } from './page-token';

/** A window with a real Map as sessionStorage and a history that records replaceState. */
function fakeWindow(href: string, stored: Map<string, string> = new Map()) {
  const url = new URL(href);
  const replaced: string[] = [];
  const win: TokenWindow = {
    location: { hash: url.hash, search: url.search, pathname: url.pathname },
    history: { replaceState: (_d, _u, next) => replaced.push(String(next)) },
    sessionStorage: {
      getItem: (key) => stored.get(key) ?? null,
      setItem: (key, value) => void stored.set(key, value),
    },
  };
  return { win, stored, replaced };
}

describe('trust: the page keeps the launch token out of the address bar and away from other origins', () => {
  it('takes the token from the fragment, keeps it for the tab and clears the address', () => {
    const { win, stored, replaced } = fakeWindow('http://127.0.0.1:5000/#token=abc');
    expect(takePageToken(win)).toBe('abc');
    expect([...stored.values()]).toEqual(['abc']);
    expect(replaced).toEqual(['/']);
  });

  it('a reload (no fragment) still has the token from this tab', () => {
    const stored = new Map<string, string>();
    takePageToken(fakeWindow('http://127.0.0.1:5000/#token=abc', stored).win);
    const reload = fakeWindow('http://127.0.0.1:5000/', stored);
    expect(takePageToken(reload.win)).toBe('abc');
    expect(reload.replaced).toEqual([]);
  });

  it('a tab opened without the address has no token (the socket then asks for it)', () => {
    expect(takePageToken(fakeWindow('http://127.0.0.1:5000/').win)).toBeNull();
  });
});
