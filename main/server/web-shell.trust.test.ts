/**
 * Attacks on the web shell from the same machine: redirects that would leave the server, a
 * credential another loopback port receives, symbolic links planted among the static files.
 * Every refusal says why; nothing outside the renderer folder is ever served.
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, rawGet } from './test-http';
import { startTestWebShell } from './test-web-shell';
import type { WebShell } from './web-shell';

let workDir: string;
let shell: WebShell;
let cookie: string;
let origin: string;

beforeAll(async () => {
  ({ workDir, shell, origin, cookie } = await startTestWebShell(
    'ts-web-trust-',
    async (dir, staticDir) => {
      await mkdir(path.join(dir, 'private'));
      await writeFile(path.join(dir, 'private', 'key.txt'), 'TOP-SECRET');
      await symlink(path.join(dir, 'secret.txt'), path.join(staticDir, 'assets', 'linked.js'));
      await symlink(path.join(dir, 'private'), path.join(staticDir, 'linked-dir'));
      await symlink(path.join(staticDir, 'assets', 'app.js'), path.join(staticDir, 'inside.js'));
    },
  ));
});
afterAll(async () => {
  await shell?.close();
  await rm(workDir, { recursive: true, force: true });
});

describe('trust: the token redirect stays on this server', () => {
  for (const attempt of [
    '//evil.example/x',
    '/\\evil.example/x',
    '//127.0.0.1:1/',
    '///evil.example',
  ]) {
    it(`GET ${attempt}?token=T redirects to a local path, never to another host`, async () => {
      const response = await rawGet(shell.port, `${attempt}?token=${shell.token}`);
      expect(response.status).toBe(302);
      expect(response.headers.location).toBe(`/#token=${shell.token}`);
    });
  }

  it('an ordinary path keeps its place after the redirect', async () => {
    const response = await rawGet(shell.port, `/assets/app.js?token=${shell.token}`);
    expect(response.headers.location).toBe(`/assets/app.js#token=${shell.token}`);
  });
});

describe('trust: the cookie alone, which other loopback ports also receive, opens no WebSocket', () => {
  it('a socket with only the cookie is refused with the reason', async () => {
    await expect(connect(`ws://127.0.0.1:${shell.port}/ws`, { origin, cookie })).rejects.toThrow(
      'HTTP 401',
    );
  });

  it('a socket from a non-browser client with only the cookie (no Origin) is refused too', async () => {
    await expect(connect(`ws://127.0.0.1:${shell.port}/ws`, { cookie })).rejects.toThrow(
      'HTTP 401',
    );
  });

  it('the page, holding the token from the fragment, connects', async () => {
    const ws = await connect(`ws://127.0.0.1:${shell.port}/ws?token=${shell.token}`, { origin });
    ws.close();
  });

  it('the cookie is HttpOnly, SameSite=Strict and named after this port', async () => {
    const login = await rawGet(shell.port, `/?token=${shell.token}`);
    const setCookie = login.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(new RegExp(`^transfer_studio_token_${shell.port}=`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
  });
});

describe('trust: static files never follow symbolic links', () => {
  it('a link to a file outside the renderer folder is not served', async () => {
    const response = await rawGet(shell.port, '/assets/linked.js', { cookie });
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('TOP-SECRET');
    expect(response.body).toMatch(/Not found/);
  });

  it('a linked folder is not entered', async () => {
    const response = await rawGet(shell.port, '/linked-dir/key.txt', { cookie });
    expect(response.status).toBe(404);
    expect(response.body).not.toContain('TOP-SECRET');
  });

  it('even a link that stays inside the folder is not followed', async () => {
    expect((await rawGet(shell.port, '/inside.js', { cookie })).status).toBe(404);
  });

  it('HEAD on a link answers 404 as well', async () => {
    expect((await rawGet(shell.port, '/assets/linked.js', { cookie }, 'HEAD')).status).toBe(404);
  });

  it('the real files are still served', async () => {
    expect((await rawGet(shell.port, '/assets/app.js', { cookie })).body).toBe('console.log(1)');
  });
});
