import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { RENDERER_CSP } from './shared/content-security-policy';

// Electron loads the built page from file://, where no response header applies: the policy
// goes into the page itself (first in <head>, before anything it governs).
const cspMeta = {
  name: 'renderer-csp-meta',
  apply: 'build' as const,
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: RENDERER_CSP },
      injectTo: 'head-prepend' as const,
    },
  ],
};

// The renderer is built once and served by both shells (Electron loads the files,
// the web shell serves them over HTTP), so asset URLs are relative.
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), cspMeta],
  build: { outDir: '../dist/renderer', emptyOutDir: true, sourcemap: true },
});
