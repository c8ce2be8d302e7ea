import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../shared/domain';
import { MetricSeries } from './metric-series';

const epoch = (index: number, valLoss: number, valAccuracy: number): EpochMetrics => ({
  epoch: index,
  trainLoss: 0.5,
  trainAccuracy: 0.8,
  valLoss,
  valAccuracy,
  learningRate: 0.001,
  imagesPerSecond: 100,
  elapsedMs: 1000,
  etaMs: 1000,
});

describe('MetricSeries', () => {
  it('places 1-based batches at fractional epochs and epochs at their end', () => {
    const series = new MetricSeries();
    series.pushBatch({ epoch: 1, batch: 1, batches: 4, loss: 0.9, accuracy: 0.5 });
    series.pushBatch({ epoch: 1, batch: 4, batches: 4, loss: 0.6, accuracy: 0.7 });
    series.pushEpoch(epoch(1, 0.55, 0.75));
    series.pushBatch({ epoch: 2, batch: 2, batches: 4, loss: 0.4, accuracy: 0.9 });
    const columns = series.columns();
    expect(columns.x).toEqual([0.25, 1, 1.5]);
    expect(columns.batchLoss).toEqual([0.9, 0.6, 0.4]);
    expect(columns.valLoss).toEqual([null, 0.55, null]);
    expect(columns.valAccuracy).toEqual([null, 0.75, null]);
    expect(columns.batchPoints).toBe(3);
  });

  it('ignores repeated or out-of-order points (a replay after reconnecting)', () => {
    const series = new MetricSeries();
    series.pushBatch({ epoch: 1, batch: 2, batches: 2, loss: 1, accuracy: 0 });
    series.pushBatch({ epoch: 1, batch: 1, batches: 2, loss: 2, accuracy: 0 });
    series.pushEpoch(epoch(1, 1, 0.5));
    series.pushEpoch(epoch(1, 9, 0.1));
    expect(series.batchCount).toBe(1);
    expect(series.columns().valLoss).toEqual([1]);
  });

  it('downsamples long runs for drawing but keeps counting every batch', () => {
    const series = new MetricSeries();
    for (let b = 0; b < 5_000; b += 1) {
      series.pushBatch({
        epoch: Math.floor(b / 100) + 1,
        batch: (b % 100) + 1,
        batches: 100,
        loss: 1 / (b + 1),
        accuracy: 0.5,
      });
    }
    const columns = series.columns(300);
    expect(series.batchCount).toBe(5_000);
    expect(columns.batchPoints).toBe(300);
    expect(columns.x).toHaveLength(300);
    series.reset();
    expect(series.columns().x).toEqual([]);
  });
});
