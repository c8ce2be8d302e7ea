/**
 * The runs slice's retrain over the real web shell and services. Animation frames are played by
 * hand (the store batches metric events per frame), so what a frame applies is decided by the
 * test, not by timing.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createStudioStore, type StudioStore } from './studio-store';
import { startStudioHarness, type StudioHarness } from './test-support/studio-harness';

const frames = vi.hoisted(() => {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  // Installed before the store's modules load: they pick the frame scheduler at import.
  globalThis.requestAnimationFrame = (callback: FrameRequestCallback) => {
    callbacks.set(next, () => callback(0));
    return next++;
  };
  globalThis.cancelAnimationFrame = (handle: number) => void callbacks.delete(handle);
  return {
    /** Runs every frame requested so far. */
    play(): number {
      const due = [...callbacks.values()];
      callbacks.clear();
      for (const callback of due) callback();
      return due.length;
    },
  };
});

const batch = { epoch: 1, batch: 3, batches: 8, loss: 0.4, accuracy: 0.8 };

describe('runs slice: retrain', () => {
  let harness: StudioHarness;
  let store: StudioStore;
  const state = () => store.getState();

  beforeAll(async () => {
    harness = await startStudioHarness({
      prefix: 'ts-runs-slice-',
      launchWorker: () => {
        throw new Error('not used: no run trains here');
      },
    });
    store = harness.store;
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('a refused retrain shows its reason; metrics queued before it never bring the old run back', async () => {
    // A batch of an earlier run is waiting for the next frame when Retrain is clicked.
    state().onTrainingProgress({ runId: 'earlier-run', batch });
    await state().retrainRun('20250101-000000-abcdef');
    frames.play();
    const after = state();
    expect(after.runStatus).toBe('failed');
    expect(after.trainError).toMatch(/20250101-000000-abcdef/);
    expect(after.runsError).toBe(after.trainError);
    expect(after.runId).toBeNull();
    expect(after.lastBatch).toBeNull();
    expect(after.series.batchCount).toBe(0);
    expect(after.plannedEpochs).toBeNull();
  });

  it('a queued batch of the run being followed is applied at the next frame', async () => {
    // The same path without a retrain in between: the frame does apply what was queued, so
    // the test above fails for the right reason if retrain stops clearing the queue.
    const fresh = createStudioStore(harness.api).getState;
    fresh().onTrainingStatus({ runId: 'followed-run', status: 'running', phase: 'training' });
    fresh().onTrainingProgress({ runId: 'followed-run', batch });
    expect(fresh().lastBatch).toBeNull();
    expect(frames.play()).toBeGreaterThan(0);
    expect(fresh().runId).toBe('followed-run');
    expect(fresh().lastBatch).toEqual(batch);
    expect(fresh().series.batchCount).toBe(1);
  });
});
