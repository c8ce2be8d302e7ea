/**
 * Pause, resume, extend and cancel-while-paused through the supervisor, with the real worker
 * process (dist/main/worker.cjs), real TF.js on wasm, MobileNet v1 0.25 and real images.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName, EventOf } from '../../../shared/contract';
import { readMetricsLines } from '../runs/run-files';
import { RunStore } from '../runs/run-store';
import { nodeWorkerLauncher } from './node-worker-launcher';
import { createHymenopteraJob } from './test-jobs';
import { TrainingSupervisor } from './training-supervisor';

type Recorded = { [E in EventName]: { event: E; payload: EventOf<E> } }[EventName];

let dataDir: string;
let runs: RunStore;
let events: Recorded[];
let supervisor: TrainingSupervisor;

beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-controls-'));
  runs = new RunStore(path.join(dataDir, 'runs'));
  events = [];
  supervisor = new TrainingSupervisor({
    launchWorker: nodeWorkerLauncher,
    runs,
    emit: (event, payload) => events.push({ event, payload } as Recorded),
    cancelGraceMs: 20_000,
  });
});
afterEach(async () => {
  await supervisor.stopAll();
  await fs.rm(dataDir, { recursive: true, force: true });
});

function when(predicate: (e: Recorded) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (events.some(predicate)) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
}

const epochEvent = (runId: string, epoch: number) => (e: Recorded) =>
  e.event === 'training:epoch' && e.payload.runId === runId && e.payload.metrics.epoch >= epoch;
const pausedStatus = (runId: string) => (e: Recorded) =>
  e.event === 'training:status' &&
  e.payload.runId === runId &&
  e.payload.phase === 'paused' &&
  /Paused at epoch/.test(e.payload.message ?? '');

const batchLines = async (runDir: string) =>
  (await readMetricsLines(runDir)).filter((line) => line.type === 'batch').length;

describe('training controls with the real worker', () => {
  it('pauses between batches, trains nothing while paused, resumes and finishes', async () => {
    const job = await createHymenopteraJob(runs, {
      config: { epochs: 6, batchSize: 4, learningRate: 0.01 },
      trainPerClass: 8,
      valPerClass: 3,
    });
    supervisor.start(job);
    await when(epochEvent(job.runId, 1));
    expect(await supervisor.pause(job.runId)).toBe(true);
    // The loop reports where it stopped once it reaches the next batch.
    await when(pausedStatus(job.runId));
    const atPause = await batchLines(job.runDir);
    const epochsAtPause = events.filter(epochEvent(job.runId, 1)).length;
    // Paused: a second later nothing more was trained.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await batchLines(job.runDir)).toBe(atPause);
    expect(events.filter(epochEvent(job.runId, 1)).length).toBe(epochsAtPause);
    expect(await supervisor.pause(job.runId)).toBe(true); // already paused: still paused

    expect(await supervisor.resume(job.runId)).toBe(true);
    await supervisor.waitFor(job.runId);
    const { summary, epochs } = await runs.get(job.runId);
    expect(summary).toMatchObject({ status: 'completed', epochsDone: 6 });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await batchLines(job.runDir)).toBe(6 * 4);
    const phases = events
      .filter((e) => e.event === 'training:status' && e.payload.runId === job.runId)
      .map((e) => (e.payload as { phase: string }).phase);
    expect(phases).toContain('resumed');
  });

  it('extends a running run by more epochs', async () => {
    const job = await createHymenopteraJob(runs, {
      config: { epochs: 3, batchSize: 4 },
      trainPerClass: 6,
      valPerClass: 3,
    });
    supervisor.start(job);
    await when(epochEvent(job.runId, 1));
    expect(await supervisor.extend(job.runId, 2)).toBe(5);
    await supervisor.waitFor(job.runId);
    const { summary, epochs } = await runs.get(job.runId);
    expect(summary).toMatchObject({ status: 'completed', epochsDone: 5, epochsPlanned: 5 });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(await supervisor.extend(job.runId, 2)).toBeUndefined(); // it is over
  });

  it('cancels a paused run at once', async () => {
    const job = await createHymenopteraJob(runs, {
      config: { epochs: 50, batchSize: 4 },
      trainPerClass: 6,
      valPerClass: 3,
    });
    supervisor.start(job);
    await when(epochEvent(job.runId, 1));
    expect(await supervisor.pause(job.runId)).toBe(true);
    await when(pausedStatus(job.runId));
    expect(supervisor.cancel(job.runId)).toBe(true);
    await supervisor.waitFor(job.runId);
    const { summary } = await runs.get(job.runId);
    expect(summary.status).toBe('cancelled');
    expect(summary.epochsDone).toBeLessThan(50);
  });

  it('answers controls for unknown runs with false', async () => {
    expect(await supervisor.pause('20250101-000000-abcdef')).toBe(false);
    expect(await supervisor.resume('20250101-000000-abcdef')).toBe(false);
    expect(supervisor.isActive('20250101-000000-abcdef')).toBe(false);
  });
});
