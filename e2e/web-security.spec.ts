/**
 * Security of the web shell as a browser and other local programs meet it: the token,
 * Host and Origin checks on HTTP and on the WebSocket, and clear errors for bad messages.
 * (Navigation and window.open rules are Electron-specific: see electron.spec.ts.)
 */
import { expect, test } from '@playwright/test';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import NodeWebSocket from 'ws';
import { StudioPage } from './pages/studio-page';
import { studioEnv } from './studio-env';

const wsUrl = () => `${studioEnv('STUDIO_ORIGIN').replace('http:', 'ws:')}/ws`;

/** Tries a WebSocket handshake from Node; resolves with the HTTP status or 101 when accepted. */
function handshake(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new NodeWebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

test.describe('trust: web shell security', () => {
  test('the WebSocket refuses a connection without the token', async () => {
    const origin = studioEnv('STUDIO_ORIGIN');
    expect(await handshake(wsUrl(), { origin })).toBe(401);
    expect(await handshake(`${wsUrl()}?token=not-the-token`, { origin })).toBe(401);
    expect(await handshake(`${wsUrl()}?token=${studioEnv('STUDIO_TOKEN')}`, { origin })).toBe(101);
  });

  test('the WebSocket refuses a foreign Origin even with the token', async () => {
    expect(
      await handshake(`${wsUrl()}?token=${studioEnv('STUDIO_TOKEN')}`, {
        origin: 'http://evil.example',
      }),
    ).toBe(403);
  });

  test('a page from another local origin cannot reach the studio, though it shares the cookie', async ({
    page,
  }) => {
    // Log in first: the cookie is SameSite=Strict, but 127.0.0.1 on another port is the same
    // site, so only the Origin check stands between that page and the studio.
    const studio = new StudioPage(page);
    await studio.open(studioEnv('STUDIO_URL'));
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>evil</title>');
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const outcome = await page.evaluate(async (target) => {
        const socket = await new Promise<string>((resolve) => {
          const ws = new WebSocket(`${target.replace('http:', 'ws:')}/ws`);
          ws.onopen = () => resolve('open');
          ws.onclose = () => resolve('refused');
        });
        const status = await fetch(`${target}/`, { mode: 'no-cors', credentials: 'include' })
          .then((res) => (res.type === 'opaque' ? 'opaque' : String(res.status)))
          .catch(() => 'blocked');
        return { socket, status };
      }, studioEnv('STUDIO_ORIGIN'));
      expect(outcome.socket).toBe('refused');
      // Even when the request goes out, the page cannot read anything back.
      expect(['opaque', 'blocked']).toContain(outcome.status);
    } finally {
      evil.close();
    }
  });

  test('the page without a token gets an explanation, not the app', async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(`${studioEnv('STUDIO_ORIGIN')}/`);
    expect(response?.status()).toBe(401);
    await expect(page.locator('body')).toContainText('access token');
    await context.close();
  });

  test('an invalid payload gets a clear error and the connection stays usable', async ({
    page,
  }) => {
    const studio = new StudioPage(page);
    await studio.open(studioEnv('STUDIO_URL'));
    const replies = await page.evaluate(
      async ({ origin, token }) => {
        const ws = new WebSocket(`${origin.replace('http:', 'ws:')}/ws?token=${token}`);
        await new Promise((resolve) => (ws.onopen = resolve));
        const answers: unknown[] = [];
        const ask = (frame: string) =>
          new Promise((resolve) => {
            ws.onmessage = (event) => {
              const reply = JSON.parse(event.data as string);
              if (reply.type === 'response') resolve(reply);
            };
            ws.send(frame);
          });
        answers.push(
          await ask(
            JSON.stringify({
              type: 'request',
              id: 1,
              channel: 'training:start',
              payload: { epochs: -1 },
            }),
          ),
        );
        answers.push(await ask('not json'));
        answers.push(
          await ask(JSON.stringify({ type: 'request', id: 2, channel: 'shell:exec', payload: {} })),
        );
        answers.push(
          await ask(JSON.stringify({ type: 'request', id: 3, channel: 'app:info', payload: {} })),
        );
        ws.close();
        return answers as {
          id: unknown;
          ok: boolean;
          error?: { code: string; message: string; issues?: string[] };
        }[];
      },
      { origin: studioEnv('STUDIO_ORIGIN'), token: studioEnv('STUDIO_TOKEN') },
    );
    const [badPayload, notJson, unknownChannel, fine] = replies;
    expect(badPayload).toMatchObject({ id: 1, ok: false, error: { code: 'invalid-request' } });
    expect(badPayload?.error?.message).toContain('Invalid request for training:start');
    expect(badPayload?.error?.issues?.some((issue) => issue.startsWith('epochs'))).toBe(true);
    expect(notJson).toMatchObject({ id: null, ok: false, error: { code: 'invalid-request' } });
    expect(unknownChannel?.error?.message).toContain('Unknown request channel: shell:exec');
    expect(fine).toMatchObject({ id: 3, ok: true });
  });

  test('a request with a forged Host header is refused (DNS rebinding)', async () => {
    const { port } = new URL(studioEnv('STUDIO_ORIGIN'));
    const status = await new Promise<number>((resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port,
            path: `/?token=${studioEnv('STUDIO_TOKEN')}`,
            headers: { host: `rebind.example:${port}` },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
        .on('error', reject);
    });
    expect(status).toBe(403);
  });
});
