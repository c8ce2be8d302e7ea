import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['shared/**/*.test.ts', 'main/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}'],
    environment: 'node',
    globalSetup: ['scripts/vitest-global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Training tests are CPU-heavy on 2 cores; run files one at a time to keep them honest.
    fileParallelism: false,
  },
});
