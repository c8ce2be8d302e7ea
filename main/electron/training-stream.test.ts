import { describe, expect, it } from 'vitest';
import type { EventName } from '../../shared/contract';
import { createTrainingStream } from './training-stream';

function collect() {
  const delivered: Array<{ event: EventName; payload: unknown }> = [];
  const warnings: string[] = [];
  const stream = createTrainingStream(
    (event, payload) => delivered.push({ event, payload }),
    (message) => warnings.push(message),
  );
  return { stream, delivered, warnings };
}

const batch = (epoch: number, index: number) => ({
  epoch,
  batch: index,
  batches: 4,
  loss: 0.7 - epoch * 0.1 - index * 0.01,
  accuracy: 0.5 + index * 0.05,
});
const epochMetrics = (epoch: number) => ({
  epoch,
  trainLoss: 0.6,
  trainAccuracy: 0.7,
  valLoss: 0.65,
  valAccuracy: 0.68,
  learningRate: 0.001,
  imagesPerSecond: 40,
  elapsedMs: 1200,
  etaMs: 1200,
});

describe('createTrainingStream', () => {
  it('turns worker port messages into contract events for the run', () => {
    const { stream, delivered } = collect();
    expect(stream.fromWorker('r1', { type: 'phase', phase: 'caching', progress: 0.5 })).toBe(true);
    expect(stream.fromWorker('r1', { type: 'batch', batch: batch(0, 0) })).toBe(true);
    expect(stream.fromWorker('r1', { type: 'epoch', metrics: epochMetrics(0) })).toBe(true);
    expect(delivered).toEqual([
      {
        event: 'training:status',
        payload: { runId: 'r1', status: 'running', phase: 'caching', progress: 0.5 },
      },
      { event: 'training:progress', payload: { runId: 'r1', batch: batch(0, 0) } },
      { event: 'training:epoch', payload: { runId: 'r1', metrics: epochMetrics(0) } },
    ]);
  });

  it('delivers each batch and epoch once, whichever route brings it first', () => {
    const { stream, delivered } = collect();
    stream.fromWorker('r1', { type: 'batch', batch: batch(0, 0) });
    stream.fromWorker('r1', { type: 'batch', batch: batch(0, 1) });
    // main relays the same batches later: dropped
    expect(stream.fromMain('training:progress', { runId: 'r1', batch: batch(0, 0) })).toBe(false);
    expect(stream.fromMain('training:progress', { runId: 'r1', batch: batch(0, 1) })).toBe(false);
    // main is ahead for once: taken, and the port's late copy is dropped
    expect(stream.fromMain('training:progress', { runId: 'r1', batch: batch(0, 2) })).toBe(true);
    expect(stream.fromWorker('r1', { type: 'batch', batch: batch(0, 2) })).toBe(false);
    expect(stream.fromWorker('r1', { type: 'batch', batch: batch(1, 0) })).toBe(true);
    expect(stream.fromMain('training:epoch', { runId: 'r1', metrics: epochMetrics(0) })).toBe(true);
    expect(stream.fromWorker('r1', { type: 'epoch', metrics: epochMetrics(0) })).toBe(false);
    const batches = delivered
      .filter((entry) => entry.event === 'training:progress')
      .map((entry) => (entry.payload as { batch: { epoch: number; batch: number } }).batch);
    expect(batches.map((b) => `${b.epoch}:${b.batch}`)).toEqual(['0:0', '0:1', '0:2', '1:0']);
    expect(delivered.filter((entry) => entry.event === 'training:epoch')).toHaveLength(1);
  });

  it('keeps runs apart', () => {
    const { stream } = collect();
    expect(stream.fromWorker('r1', { type: 'batch', batch: batch(0, 3) })).toBe(true);
    expect(stream.fromWorker('r2', { type: 'batch', batch: batch(0, 0) })).toBe(true);
  });

  it('stops a run at its end state and drops late port messages', () => {
    const { stream, delivered } = collect();
    stream.fromWorker('r1', { type: 'batch', batch: batch(0, 0) });
    expect(
      stream.fromMain('training:status', { runId: 'r1', status: 'cancelled', phase: 'cancelled' }),
    ).toBe(true);
    expect(stream.isFinished('r1')).toBe(true);
    expect(stream.fromWorker('r1', { type: 'batch', batch: batch(0, 1) })).toBe(false);
    expect(stream.fromWorker('r1', { type: 'phase', phase: 'training' })).toBe(false);
    expect(delivered.at(-1)?.event).toBe('training:status');
    expect(stream.isFinished('r2')).toBe(false);
  });

  it('drops invalid messages from either route with a warning instead of throwing', () => {
    const { stream, delivered, warnings } = collect();
    expect(stream.fromWorker('r1', { type: 'batch', batch: { epoch: -1 } })).toBe(false);
    expect(stream.fromWorker('r1', 'garbage')).toBe(false);
    expect(stream.fromMain('training:epoch', { runId: 'r1' })).toBe(false);
    expect(delivered).toEqual([]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toContain('training worker');
  });

  it('leaves backend, done and error worker messages to main', () => {
    const { stream, delivered } = collect();
    expect(stream.fromWorker('r1', { type: 'error', message: 'boom' })).toBe(false);
    expect(delivered).toEqual([]);
  });

  it('passes other events from main through unchanged', () => {
    const { stream, delivered } = collect();
    const progress = { phase: 'listing' as const, done: 3, total: 10 };
    expect(stream.fromMain('datasets:scan-progress', progress)).toBe(true);
    expect(delivered).toEqual([{ event: 'datasets:scan-progress', payload: progress }]);
  });
});
