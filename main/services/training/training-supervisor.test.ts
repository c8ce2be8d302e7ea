/**
 * The supervisor with the real worker process (dist/main/worker.cjs, rebuilt by the global
 * setup), real TF.js on wasm, the real MobileNet v1 0.25 and the real ants/bees images.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_FILES, ModelMetadata, readMetricsLines } from '../runs/run-files';
import { createHymenopteraJob } from './test-jobs';
import { useSupervisorHarness } from './test-supervisor';

const harness = useSupervisorHarness('ts-supervisor-');
const { when, eventsOf } = harness;

describe('TrainingSupervisor with the real worker', () => {
  it('trains ants vs bees on wasm: loss falls, val accuracy well above chance, all recorded', async () => {
    const job = await createHymenopteraJob(harness.runs, {
      config: { epochs: 3, batchSize: 32, learningRate: 0.01 },
    });
    harness.supervisor.start(job);
    await harness.supervisor.waitFor(job.runId);

    const [done] = eventsOf('training:done', job.runId);
    expect(done?.summary).toMatchObject({ status: 'completed', epochsDone: 3 });
    expect(done!.summary.backend).toMatch(/^wasm/);
    const epochs = eventsOf('training:epoch', job.runId).map((e) => e.metrics);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
    // Chance is 0.54 (83 bees of 153); the fixture's nearest-centroid baseline reaches 0.88.
    expect(epochs[2]!.valAccuracy).toBeGreaterThan(0.75);
    expect(eventsOf('training:progress', job.runId).length).toBeGreaterThan(0);
    const statuses = eventsOf('training:status', job.runId);
    expect(statuses.find((s) => s.backend)?.backend).toMatch(/^wasm/);
    expect(statuses.at(-1)).toMatchObject({ status: 'completed' });

    // metrics.jsonl has every batch point (8 batches of 245 images per epoch) and every epoch.
    const lines = await readMetricsLines(job.runDir);
    expect(lines.filter((l) => l.type === 'batch')).toHaveLength(3 * 8);
    const epochLines = lines.filter((l) => l.type === 'epoch');
    expect(epochLines.map((l) => l.valAccuracy)).toEqual(epochs.map((e) => e.valAccuracy));
    // No tensor leaks: the live tensor count is the same after every epoch.
    expect(new Set(epochLines.map((l) => l.numTensors)).size).toBe(1);
    const extraction = lines.find((l) => l.type === 'phase' && l.phase === 'features-train-done');
    expect(extraction).toMatchObject({ imagesPerSecond: expect.any(Number) });

    const { summary, epochs: stored } = await harness.runs.get(job.runId);
    expect(summary).toMatchObject({
      status: 'completed',
      epochsDone: 3,
      finalValAccuracy: epochs[2]!.valAccuracy,
    });
    expect(stored).toEqual(epochs);
    const modelDir = path.join(job.runDir, RUN_FILES.modelDir);
    expect((await fs.readdir(modelDir)).sort()).toEqual([
      'metadata.json',
      'model.json',
      'weights.bin',
    ]);
    const metadata = ModelMetadata.parse(
      JSON.parse(await fs.readFile(path.join(modelDir, 'metadata.json'), 'utf8')),
    );
    expect(metadata).toMatchObject({ labels: ['ants', 'bees'], imageSize: 224 });
  });

  it('cancels within a batch and marks the run cancelled', async () => {
    const job = await createHymenopteraJob(harness.runs, {
      config: { epochs: 50, batchSize: 8 },
      trainPerClass: 40,
      valPerClass: 8,
    });
    harness.supervisor.start(job);
    // Cancel while the training images are being decoded and run through the base.
    await when(
      (e) =>
        e.event === 'training:status' &&
        e.payload.phase === 'features-train' &&
        (e.payload.progress ?? 0) > 0,
    );
    const progressAtCancel = eventsOf('training:status', job.runId).filter(
      (s) => s.phase === 'features-train',
    ).length;
    expect(harness.supervisor.cancel(job.runId)).toBe(true);
    await harness.supervisor.waitFor(job.runId);
    const [done] = eventsOf('training:done', job.runId);
    expect(done?.summary.status).toBe('cancelled');
    // Stopped within a batch or so: far from the 80 training images.
    const progressAfter = eventsOf('training:status', job.runId).filter(
      (s) => s.phase === 'features-train',
    ).length;
    expect(progressAfter - progressAtCancel).toBeLessThanOrEqual(2);
    expect((await harness.runs.get(job.runId)).summary.status).toBe('cancelled');
    await expect(fs.stat(path.join(job.runDir, RUN_FILES.modelDir))).rejects.toThrow();
    expect(harness.supervisor.cancel(job.runId)).toBe(false);
  });

  it('marks a killed worker failed with the reason, keeps its metrics, and the next run works', async () => {
    const doomed = await createHymenopteraJob(harness.runs, {
      config: { epochs: 200, batchSize: 16 },
      trainPerClass: 24,
      valPerClass: 8,
    });
    harness.supervisor.start(doomed);
    await when(
      (e) =>
        e.event === 'training:epoch' &&
        e.payload.runId === doomed.runId &&
        e.payload.metrics.epoch >= 2,
    );
    const pid = harness.supervisor.workerPid(doomed.runId)!;
    process.kill(pid, 'SIGKILL');
    await harness.supervisor.waitFor(doomed.runId);
    const { summary, epochs } = await harness.runs.get(doomed.runId);
    expect(summary.status).toBe('failed');
    expect(summary.error).toMatch(/stopped unexpectedly \(killed \(SIGKILL/);
    expect(summary.epochsDone).toBeGreaterThanOrEqual(2);
    expect(epochs.length).toBe(summary.epochsDone);
    expect(eventsOf('training:done', doomed.runId)[0]?.summary.status).toBe('failed');

    const next = await createHymenopteraJob(harness.runs, {
      config: { epochs: 1 },
      trainPerClass: 8,
      valPerClass: 4,
    });
    harness.supervisor.start(next);
    await harness.supervisor.waitFor(next.runId);
    expect((await harness.runs.get(next.runId)).summary.status).toBe('completed');
  });

  it('diagnoses backends in a short-lived worker', async () => {
    const report = await harness.supervisor.diagnoseBackends('cpu');
    expect(report).toMatchObject({ chosen: 'cpu', attempts: [{ name: 'cpu', ok: true }] });
    const auto = await harness.supervisor.diagnoseBackends('auto');
    expect(auto.attempts.at(-1)?.ok).toBe(true);
    expect(auto.attempts.filter((a) => !a.ok).every((a) => a.fix)).toBe(true);
    // Which engine computes features, and why an accelerator does not (none on this machine).
    expect(auto.featureEngine).toMatchObject({ chosen: 'onnxruntime-cpu' });
    const notUsed = auto.featureEngine!.attempts.filter((a) => !a.ok);
    expect(notUsed.every((a) => a.fix && a.name.startsWith('onnxruntime-'))).toBe(true);
    expect(harness.supervisor.activeRunIds).toEqual([]);
  });

  it('records runs stopped by stopAll (the studio quitting) as cancelled', async () => {
    const job = await createHymenopteraJob(harness.runs, {
      config: { epochs: 100 },
      trainPerClass: 20,
      valPerClass: 4,
    });
    harness.supervisor.start(job);
    await when(
      (e) =>
        e.event === 'training:status' &&
        e.payload.runId === job.runId &&
        e.payload.phase === 'features-train',
    );
    await harness.supervisor.stopAll();
    const { summary } = await harness.runs.get(job.runId);
    expect(summary.status).toBe('cancelled');
  });
});
