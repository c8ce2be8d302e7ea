/**
 * Test support for the run store's tests: a small training config and a RunStore in a fresh
 * temp folder per test (removed afterwards).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { TrainConfig } from '../../../shared/domain';
import { RunStore } from './run-store';

/** A training config's input as a user might send it (before defaults). */
export const sampleConfigInput = {
  datasetRoots: ['/data/ants-bees'],
  model: { catalogId: 'mobilenet_v1_0.25_224' },
  freeze: { mode: 'feature-extractor', trainableLayers: [] },
  epochs: 3,
  learningRate: 0.001,
  batchSize: 16,
} as const;

export const sampleConfig = TrainConfig.parse(sampleConfigInput);

/** Registers hooks that give each test a RunStore under a new temp folder (`dir/runs`). */
export function useTempRunStore(prefix: string): {
  readonly dir: string;
  readonly store: RunStore;
} {
  let dir = '';
  let store: RunStore | undefined;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    store = new RunStore(path.join(dir, 'runs'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    get store() {
      if (!store) throw new Error('useTempRunStore: the store exists only inside a test');
      return store;
    },
  };
}
