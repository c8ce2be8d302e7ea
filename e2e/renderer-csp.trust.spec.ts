/**
 * The built renderer carries its Content-Security-Policy in the page itself, because Electron
 * loads it from file://, where response headers never apply. Loaded from file:// in Chromium,
 * an inline script and an inline event handler planted in the page do not run; the same page
 * without the policy runs them (so the check can fail).
 */
import { expect, test } from '@playwright/test';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './fixtures-path';

const PLANTED =
  '<script>window.__inlineRan = true</script>' +
  '<img src="data:," onerror="window.__handlerRan = true">';

async function plantedPage(keepPolicy: boolean): Promise<string> {
  let html = await readFile(path.join(repoRoot, 'dist', 'renderer', 'index.html'), 'utf8');
  if (!keepPolicy) html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ts-csp-'));
  const file = path.join(dir, 'index.html');
  await writeFile(file, html.replace('<body>', `<body>${PLANTED}`));
  return file;
}

test.describe('trust: the renderer CSP holds where headers do not (file://)', () => {
  test('the built index.html declares the policy before any script', async () => {
    const html = await readFile(path.join(repoRoot, 'dist', 'renderer', 'index.html'), 'utf8');
    const meta = html.indexOf('http-equiv="Content-Security-Policy"');
    expect(meta).toBeGreaterThan(-1);
    expect(meta).toBeLessThan(html.indexOf('<script'));
    expect(html).toMatch(/script-src &#39;self&#39;;|script-src 'self';/);
  });

  for (const keepPolicy of [true, false]) {
    test(`an inline script and handler ${keepPolicy ? 'are blocked by' : 'run without'} the policy`, async ({
      page,
    }) => {
      const file = await plantedPage(keepPolicy);
      try {
        const violations: string[] = [];
        page.on('console', (message) => {
          if (/Content Security Policy/.test(message.text())) violations.push(message.text());
        });
        await page.goto(pathToFileURL(file).href);
        await page.waitForLoadState('load');
        const ran = await page.evaluate(() => ({
          inline: (window as { __inlineRan?: boolean }).__inlineRan ?? false,
          handler: (window as { __handlerRan?: boolean }).__handlerRan ?? false,
        }));
        expect(ran).toEqual({ inline: !keepPolicy, handler: !keepPolicy });
        if (keepPolicy) expect(violations.join('\n')).toMatch(/inline script/i);
      } finally {
        await rm(path.dirname(file), { recursive: true, force: true });
      }
    });
  }
});
