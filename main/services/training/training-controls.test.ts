/**
 * Pause, resume, extend and cancel-while-paused through the supervisor, with the real worker
 * process (dist/main/worker.cjs), real TF.js on wasm, MobileNet v1 0.25 and real images.
 */
import { describe, expect, it } from 'vitest';
import { readMetricsLines } from '../runs/run-files';
import { createHymenopteraJob } from './test-jobs';
import { useSupervisorHarness, type Recorded } from './test-supervisor';

const harness = useSupervisorHarness('ts-controls-');
const { when } = harness;

const epochEvent = (runId: string, epoch: number) => (e: Recorded) =>
  e.event === 'training:epoch' && e.payload.runId === runId && e.payload.metrics.epoch >= epoch;
const pausedStatus = (runId: string) => (e: Recorded) =>
  e.event === 'training:status' &&
  e.payload.runId === runId &&
  e.payload.phase === 'paused' &&
  /Paused in epoch/.test(e.payload.message ?? '');

const batchLines = async (runDir: string) =>
  (await readMetricsLines(runDir)).filter((line) => line.type === 'batch').length;

describe('training controls with the real worker', () => {
  it('pauses between batches, trains nothing while paused, resumes and finishes', async () => {
    const job = await createHymenopteraJob(harness.runs, {
      config: { epochs: 6, batchSize: 4, learningRate: 0.01 },
      trainPerClass: 8,
      valPerClass: 3,
    });
    harness.supervisor.start(job);
    await when(epochEvent(job.runId, 1));
    expect(await harness.supervisor.pause(job.runId)).toBe(true);
    // The loop reports where it stopped once it reaches the next batch.
    await when(pausedStatus(job.runId));
    const atPause = await batchLines(job.runDir);
    const epochsAtPause = harness.events.filter(epochEvent(job.runId, 1)).length;
    // Paused: a second later nothing more was trained.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await batchLines(job.runDir)).toBe(atPause);
    expect(harness.events.filter(epochEvent(job.runId, 1)).length).toBe(epochsAtPause);
    expect(await harness.supervisor.pause(job.runId)).toBe(true); // already paused: still paused

    expect(await harness.supervisor.resume(job.runId)).toBe(true);
    await harness.supervisor.waitFor(job.runId);
    const { summary, epochs } = await harness.runs.get(job.runId);
    expect(summary).toMatchObject({ status: 'completed', epochsDone: 6 });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await batchLines(job.runDir)).toBe(6 * 4);
    const phases = harness.events
      .filter((e) => e.event === 'training:status' && e.payload.runId === job.runId)
      .map((e) => (e.payload as { phase: string }).phase);
    expect(phases).toContain('resumed');
  });

  it('extends a running run by more epochs', async () => {
    const job = await createHymenopteraJob(harness.runs, {
      config: { epochs: 3, batchSize: 4 },
      trainPerClass: 6,
      valPerClass: 3,
    });
    harness.supervisor.start(job);
    await when(epochEvent(job.runId, 1));
    expect(await harness.supervisor.extend(job.runId, 2)).toBe(5);
    await harness.supervisor.waitFor(job.runId);
    const { summary, epochs } = await harness.runs.get(job.runId);
    expect(summary).toMatchObject({ status: 'completed', epochsDone: 5, epochsPlanned: 5 });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(await harness.supervisor.extend(job.runId, 2)).toBeUndefined(); // it is over
  });

  it('cancels a paused run at once', async () => {
    const job = await createHymenopteraJob(harness.runs, {
      config: { epochs: 50, batchSize: 4 },
      trainPerClass: 6,
      valPerClass: 3,
    });
    harness.supervisor.start(job);
    await when(epochEvent(job.runId, 1));
    expect(await harness.supervisor.pause(job.runId)).toBe(true);
    await when(pausedStatus(job.runId));
    expect(harness.supervisor.cancel(job.runId)).toBe(true);
    await harness.supervisor.waitFor(job.runId);
    const { summary } = await harness.runs.get(job.runId);
    expect(summary.status).toBe('cancelled');
    expect(summary.epochsDone).toBeLessThan(50);
  });

  it('answers controls for unknown runs with false', async () => {
    expect(await harness.supervisor.pause('20250101-000000-abcdef')).toBe(false);
    expect(await harness.supervisor.resume('20250101-000000-abcdef')).toBe(false);
    expect(harness.supervisor.isActive('20250101-000000-abcdef')).toBe(false);
  });
});
