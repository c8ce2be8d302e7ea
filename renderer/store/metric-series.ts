import type { BatchMetrics, EpochMetrics } from '../../shared/domain';
import { lttbIndices } from './downsample';

/** Columns for the charts: x (epochs, fractional) then one column per line, null = no point. */
export interface ChartColumns {
  x: number[];
  batchLoss: (number | null)[];
  batchAccuracy: (number | null)[];
  valLoss: (number | null)[];
  valAccuracy: (number | null)[];
  /** Batch points actually drawn (after downsampling). */
  batchPoints: number;
}

/**
 * The live training curves, kept outside React: batch points arrive several times a second
 * and are only ever read by the chart, which redraws from a store subscription.
 */
export class MetricSeries {
  private xs: number[] = [];
  private losses: number[] = [];
  private accuracies: number[] = [];
  private epochs: EpochMetrics[] = [];

  get batchCount(): number {
    return this.xs.length;
  }

  get epochCount(): number {
    return this.epochs.length;
  }

  reset(): void {
    this.xs = [];
    this.losses = [];
    this.accuracies = [];
    this.epochs = [];
  }

  /** Epochs and batches count from 1 (as the worker reports them): batch b of epoch e sits at x = e - 1 + b / batches. */
  pushBatch(batch: BatchMetrics): void {
    const x = batch.epoch - 1 + batch.batch / batch.batches;
    // Events can repeat after a reconnect; keep x strictly increasing for the chart.
    if (this.xs.length > 0 && x <= (this.xs[this.xs.length - 1] as number)) return;
    this.xs.push(x);
    this.losses.push(batch.loss);
    this.accuracies.push(batch.accuracy);
  }

  pushEpoch(metrics: EpochMetrics): void {
    if (this.epochs.some((known) => known.epoch === metrics.epoch)) return;
    this.epochs.push(metrics);
  }

  columns(maxBatchPoints = 600): ChartColumns {
    const keep = lttbIndices(this.xs, this.losses, maxBatchPoints);
    const rows = new Map<
      number,
      { loss?: number; acc?: number; valLoss?: number; valAcc?: number }
    >();
    for (const index of keep) {
      rows.set(this.xs[index] as number, { loss: this.losses[index], acc: this.accuracies[index] });
    }
    for (const epoch of this.epochs) {
      // An epoch's validation point sits where its last batch ends.
      const x = epoch.epoch;
      rows.set(x, { ...rows.get(x), valLoss: epoch.valLoss, valAcc: epoch.valAccuracy });
    }
    const x = [...rows.keys()].sort((a, b) => a - b);
    const pick = (key: 'loss' | 'acc' | 'valLoss' | 'valAcc') =>
      x.map((at) => rows.get(at)?.[key] ?? null);
    return {
      x,
      batchLoss: pick('loss'),
      batchAccuracy: pick('acc'),
      valLoss: pick('valLoss'),
      valAccuracy: pick('valAcc'),
      batchPoints: keep.length,
    };
  }
}
