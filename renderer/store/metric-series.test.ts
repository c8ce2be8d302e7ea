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
    const loss = series.columns('loss');
    expect(loss.x).toEqual([0.25, 1, 1.5]);
    expect(loss.batch).toEqual([0.9, 0.6, 0.4]);
    expect(loss.validation).toEqual([null, 0.55, null]);
    expect(loss.batchPoints).toBe(3);
    const accuracy = series.columns('accuracy');
    expect(accuracy.batch).toEqual([0.5, 0.7, 0.9]);
    expect(accuracy.validation).toEqual([null, 0.75, null]);
  });

  it('ignores repeated or out-of-order points (a replay after reconnecting)', () => {
    const series = new MetricSeries();
    series.pushBatch({ epoch: 1, batch: 2, batches: 2, loss: 1, accuracy: 0 });
    series.pushBatch({ epoch: 1, batch: 1, batches: 2, loss: 2, accuracy: 0 });
    series.pushEpoch(epoch(1, 1, 0.5));
    series.pushEpoch(epoch(1, 9, 0.1));
    expect(series.batchCount).toBe(1);
    expect(series.columns('loss').validation).toEqual([1]);
  });

  it('keeps 50,000 batches and draws at most four per pixel column, envelope included', () => {
    const series = new MetricSeries();
    for (let b = 0; b < 50_000; b += 1) {
      series.pushBatch({
        epoch: Math.floor(b / 500) + 1,
        batch: (b % 500) + 1,
        batches: 500,
        // A spike in the middle that a chart of the whole run must still show.
        loss: b === 25_000 ? 40 : 1 / (1 + b / 1000),
        accuracy: 0.5,
      });
    }
    const columns = series.columns('loss', 300);
    expect(series.batchCount).toBe(50_000);
    expect(columns.batchPoints).toBeLessThanOrEqual(1_200);
    expect(columns.x.length).toBe(columns.batchPoints);
    expect(Math.max(...columns.batch.map((v) => v ?? 0))).toBe(40);
    expect(columns.x[0]).toBeCloseTo(1 / 500);
    expect(columns.x.at(-1)).toBe(100);
    series.reset();
    expect(series.columns('loss').x).toEqual([]);
  });
});
