import http from 'node:http';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connect, rawGet } from './test-http';
import { EXPORT_TOKEN_HEADER, EXPORT_ZIP_PATH } from '../../shared/web-protocol';
import { startTestWebShell } from './test-web-shell';
import type { WebShell } from './web-shell';

const fixtures = path.resolve(
  process.env.TRANSFER_STUDIO_FIXTURES ??
    path.join(__dirname, '..', '..', '..', 'shared', 'fixtures'),
);
const trainDir = path.join(fixtures, 'datasets', 'hymenoptera_data', 'train');

function nextFrame(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) =>
    ws.once('message', (data) => resolve(JSON.parse(data.toString()))),
  );
}

async function ask(ws: WebSocket, frame: unknown): Promise<Record<string, unknown>> {
  const reply = nextFrame(ws);
  ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  return reply;
}

describe('trust: web shell', () => {
  let workDir: string;
  let shell: WebShell;
  let cookie: string;
  let origin: string;

  beforeAll(async () => {
    ({ workDir, shell, origin, cookie } = await startTestWebShell('ts-web-shell-'));
  });

  afterAll(async () => {
    await shell?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  describe('HTTP', () => {
    it('prints a loopback URL carrying a long random token', () => {
      expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/?token=${shell.token}`);
      expect(shell.token.length).toBeGreaterThanOrEqual(32);
    });

    it('refuses the page without a token, or with a wrong one, and says where to find it', async () => {
      const none = await rawGet(shell.port, '/');
      expect(none.status).toBe(401);
      expect(none.body).toContain('npm run serve');
      expect((await rawGet(shell.port, '/?token=wrong')).status).toBe(401);
      expect((await rawGet(shell.port, '/assets/app.js')).status).toBe(401);
    });

    it('trades the URL token for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
      const login = await rawGet(shell.port, `/?token=${shell.token}`);
      expect(login.status).toBe(302);
      expect(login.headers.location).toBe(`/#token=${shell.token}`);
      const setCookie = login.headers['set-cookie']?.[0] ?? '';
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      const page = await rawGet(shell.port, '/', { cookie });
      expect(page.status).toBe(200);
      expect(page.body).toContain('<title>studio</title>');
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect((await rawGet(shell.port, '/assets/app.js', { cookie })).body).toBe('console.log(1)');
    });

    it('refuses an unexpected Host header even with a valid token (DNS rebinding)', async () => {
      const rebound = await rawGet(shell.port, '/', { cookie, host: `evil.example:${shell.port}` });
      expect(rebound.status).toBe(403);
      expect(rebound.body).toContain('Host');
      expect(
        (await rawGet(shell.port, '/', { cookie, host: `localhost:${shell.port}` })).status,
      ).toBe(200);
      expect((await rawGet(shell.port, '/', { cookie, host: 'localhost:1' })).status).toBe(403);
    });

    it('refuses a foreign Origin even with a valid token', async () => {
      const foreign = await rawGet(shell.port, '/', { cookie, origin: 'http://evil.example' });
      expect(foreign.status).toBe(403);
      expect(foreign.body).toContain('evil.example');
      expect((await rawGet(shell.port, '/', { cookie, origin })).status).toBe(200);
    });

    it('refuses loads and fetches that fetch metadata marks as coming from another site', async () => {
      const embedded = await rawGet(shell.port, '/assets/app.js', {
        cookie,
        'sec-fetch-site': 'same-site',
        'sec-fetch-mode': 'no-cors',
      });
      expect(embedded.status).toBe(403);
      const crossFetch = await rawGet(shell.port, '/', {
        cookie,
        'sec-fetch-site': 'cross-site',
        'sec-fetch-mode': 'cors',
      });
      expect(crossFetch.status).toBe(403);
      const own = await rawGet(shell.port, '/assets/app.js', {
        cookie,
        'sec-fetch-site': 'same-origin',
        'sec-fetch-mode': 'no-cors',
      });
      expect(own.status).toBe(200);
    });

    it('serves nothing outside the renderer folder', async () => {
      for (const attempt of [
        '/../secret.txt',
        '/%2e%2e/secret.txt',
        '/..%2fsecret.txt',
        '/assets/..%5c..%5csecret.txt',
        '/%00',
      ]) {
        const response = await rawGet(shell.port, attempt, { cookie });
        expect(response.status, attempt).toBeGreaterThanOrEqual(400);
        expect(response.body).not.toContain('TOP-SECRET');
      }
    });

    it('accepts only GET and HEAD', async () => {
      expect((await rawGet(shell.port, '/', { cookie }, 'POST')).status).toBe(405);
    });

    it('refuses thumbnail requests shaped like paths before asking the registry', async () => {
      const attempts = [
        '/thumbnails/../secret.txt',
        '/thumbnails/..%2f..%2fsecret.txt',
        '/thumbnails/%2Fetc%2Fpasswd',
        '/thumbnails//etc/passwd',
        '/thumbnails/a/b',
        '/thumbnails/..',
        '/thumbnails/C:%5Cwindows',
      ];
      for (const attempt of attempts) {
        const response = await rawGet(shell.port, attempt, { cookie });
        expect(response.status, attempt).toBe(400);
        expect(response.body).toContain('ids a scan issues');
      }
      const unknown = await rawGet(shell.port, '/thumbnails/abc123', { cookie });
      expect(unknown.status).toBe(404);
      expect((await rawGet(shell.port, '/thumbnails/abc123')).status).toBe(401);
    });
  });

  it('serves a thumbnail the scan issued, as a real JPEG, only with the token', async () => {
    const ws = await connect(`ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`, {
      origin,
      cookie,
    });
    const scan = await ask(ws, {
      type: 'request',
      id: 'scan',
      channel: 'datasets:scan',
      payload: { paths: [trainDir] },
    });
    ws.close();
    expect(scan.ok, JSON.stringify(scan.error)).toBe(true);
    const classes = (scan.result as { classes: { thumbnails: string[] }[] }).classes;
    const id = classes[0]?.thumbnails[0] ?? '';
    expect(id).not.toBe('');
    const image = await new Promise<{ status: number; type: string; body: Buffer }>(
      (resolve, reject) => {
        http
          .get(
            { host: '127.0.0.1', port: shell.port, path: `/thumbnails/${id}`, headers: { cookie } },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (chunk: Buffer) => chunks.push(chunk));
              res.on('end', () =>
                resolve({
                  status: res.statusCode ?? 0,
                  type: String(res.headers['content-type']),
                  body: Buffer.concat(chunks),
                }),
              );
            },
          )
          .on('error', reject);
      },
    );
    expect(image.status).toBe(200);
    expect(image.type).toBe('image/jpeg');
    expect([...image.body.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect((await rawGet(shell.port, `/thumbnails/${id}`)).status).toBe(401);
  });

  it('sends an export folder as a ZIP only to the page (token header) and only if it is an export', async () => {
    const exported = path.join(workDir, 'exports', 'ants-vs-bees');
    await mkdir(exported, { recursive: true });
    await writeFile(path.join(exported, 'model.json'), '{"format":"layers-model"}');
    await writeFile(path.join(exported, 'export-manifest.json'), '{}');
    const page = { cookie, [EXPORT_TOKEN_HEADER]: shell.token };
    const url = (dir: string) => `${EXPORT_ZIP_PATH}?dir=${encodeURIComponent(dir)}`;

    const zip = await rawGet(shell.port, url(exported), page);
    expect(zip.status).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(zip.headers['content-disposition']).toBe('attachment; filename="ants-vs-bees.zip"');
    expect(zip.body.startsWith('PK\x03\x04')).toBe(true);
    expect(zip.body).toContain('ants-vs-bees/model.json');
    expect(zip.body).toContain('ants-vs-bees/export-manifest.json');

    // The cookie alone (every loopback server receives it) is not enough.
    expect((await rawGet(shell.port, url(exported), { cookie })).status).toBe(401);
    // Not an export (no manifest), not absolute, missing: refused, nothing read.
    const plain = await rawGet(shell.port, url(workDir), page);
    expect(plain.status).toBe(404);
    expect(plain.body).toContain('holds no export');
    expect(plain.body).not.toContain('TOP-SECRET');
    expect((await rawGet(shell.port, url('exports/ants-vs-bees'), page)).status).toBe(404);
    expect((await rawGet(shell.port, url(path.join(workDir, 'gone')), page)).status).toBe(404);
  });

  describe('WebSocket', () => {
    const wsUrl = () => `ws://127.0.0.1:${shell.port}/ws`;

    it('refuses a connection without a token', async () => {
      await expect(connect(wsUrl(), { origin })).rejects.toThrow('HTTP 401');
      await expect(connect(`${wsUrl()}?token=nope`, { origin })).rejects.toThrow('HTTP 401');
    });

    it('refuses a connection from a foreign Origin, even with the token', async () => {
      await expect(connect(wsUrl(), { origin: 'http://evil.example', cookie })).rejects.toThrow(
        'HTTP 403',
      );
      await expect(connect(`${wsUrl()}?token=${shell.token}`, { origin: 'null' })).rejects.toThrow(
        'HTTP 403',
      );
    });

    it('answers requests with the real services and relays events', async () => {
      const ws = await connect(`${wsUrl()}?token=${shell.token}`, { origin, cookie });
      const info = await ask(ws, { type: 'request', id: 7, channel: 'app:info', payload: {} });
      expect(info).toMatchObject({
        type: 'response',
        id: 7,
        ok: true,
        result: { shell: 'web', version: '9.9.9' },
      });
      const event = nextFrame(ws);
      shell.emit('datasets:scan-progress', { phase: 'listing', done: 3 });
      expect(await event).toEqual({
        type: 'event',
        event: 'datasets:scan-progress',
        payload: { phase: 'listing', done: 3 },
      });
      ws.close();
    });

    it('answers invalid messages with clear errors and keeps the connection', async () => {
      const ws = await connect(`${wsUrl()}?token=${shell.token}`, { origin });
      const notJson = await ask(ws, '{oops');
      expect(notJson).toMatchObject({ ok: false, id: null, error: { code: 'invalid-request' } });
      expect((notJson.error as { message: string }).message).toContain('not valid JSON');

      const malformed = await ask(ws, { type: 'request', id: 'a1' });
      expect(malformed).toMatchObject({ ok: false, id: 'a1', error: { code: 'invalid-request' } });
      expect((malformed.error as { message: string }).message).toContain('channel');

      const unknown = await ask(ws, { type: 'request', id: 2, channel: 'fs:delete', payload: {} });
      expect((unknown.error as { message: string }).message).toContain('Unknown request channel');

      const badPayload = await ask(ws, {
        type: 'request',
        id: 3,
        channel: 'datasets:scan',
        payload: { paths: [] },
      });
      expect(badPayload).toMatchObject({ ok: false, id: 3, error: { code: 'invalid-request' } });
      expect((badPayload.error as { issues: string[] }).issues.join()).toContain('paths');

      const stillAlive = await ask(ws, {
        type: 'request',
        id: 4,
        channel: 'app:info',
        payload: {},
      });
      expect(stillAlive).toMatchObject({ ok: true, id: 4 });
      ws.close();
    });
  });
});
