import type { BatchMetrics, EpochMetrics } from '../../shared/domain';
import { minMaxIndices } from './downsample';

export type ChartMetric = 'loss' | 'accuracy';

/** uPlot's columns for one chart: x (epochs, fractional), batch line, validation points. */
export interface ChartColumns {
  x: number[];
  batch: (number | null)[];
  validation: (number | null)[];
  /** Batch points actually drawn (after downsampling). */
  batchPoints: number;
}

/** A Float64Array that doubles when full, so 100,000 points cost a few copies, not 100,000. */
class GrowingColumn {
  data = new Float64Array(1024);
  push(value: number, at: number): void {
    if (at >= this.data.length) {
      const larger = new Float64Array(this.data.length * 2);
      larger.set(this.data);
      this.data = larger;
    }
    this.data[at] = value;
  }
}

/**
 * The live training curves, kept outside React: batch points arrive several times a second
 * and are only ever read by the chart, which redraws from a store subscription.
 */
export class MetricSeries {
  private length = 0;
  private xs = new GrowingColumn();
  private losses = new GrowingColumn();
  private accuracies = new GrowingColumn();
  private epochs: EpochMetrics[] = [];

  get batchCount(): number {
    return this.length;
  }

  get epochCount(): number {
    return this.epochs.length;
  }

  reset(): void {
    this.length = 0;
    this.xs = new GrowingColumn();
    this.losses = new GrowingColumn();
    this.accuracies = new GrowingColumn();
    this.epochs = [];
  }

  /** Epochs and batches count from 1 (as the worker reports them): batch b of epoch e sits at x = e - 1 + b / batches. */
  pushBatch(batch: BatchMetrics): void {
    const x = batch.epoch - 1 + batch.batch / batch.batches;
    // Events can repeat after a reconnect; keep x strictly increasing for the chart.
    if (this.length > 0 && x <= (this.xs.data[this.length - 1] as number)) return;
    this.xs.push(x, this.length);
    this.losses.push(batch.loss, this.length);
    this.accuracies.push(batch.accuracy, this.length);
    this.length += 1;
  }

  /**
   * Where fine-tuning starts (x of the end of the last head-only epoch), or null when the run
   * has no switch from head training to fine-tuning (yet).
   */
  get fineTuneStart(): number | null {
    const sorted = [...this.epochs].sort((a, b) => a.epoch - b.epoch);
    const first = sorted.findIndex(
      (e, i) => e.phase === 'fine-tune' && sorted[i - 1]?.phase === 'head',
    );
    return first < 0 ? null : sorted[first]!.epoch - 1;
  }

  /** x of the last batch point (the batch line ends there). */
  get lastBatchX(): number | null {
    return this.length ? (this.xs.data[this.length - 1] as number) : null;
  }

  pushEpoch(metrics: EpochMetrics): void {
    if (this.epochs.some((known) => known.epoch === metrics.epoch)) return;
    this.epochs.push(metrics);
  }

  /**
   * Columns of one chart with the batch line reduced to at most four points per pixel column
   * (`buckets` = the plot's width in pixels), so a run of any length draws in constant time.
   */
  columns(metric: ChartMetric, buckets = 600): ChartColumns {
    const ys = metric === 'loss' ? this.losses.data : this.accuracies.data;
    const keep = minMaxIndices(this.xs.data, ys, buckets, this.length);
    const rows = new Map<number, { batch?: number; validation?: number }>();
    for (const index of keep) rows.set(this.xs.data[index] as number, { batch: ys[index] });
    for (const epoch of this.epochs) {
      // An epoch's validation point sits where its last batch ends.
      const value = metric === 'loss' ? epoch.valLoss : epoch.valAccuracy;
      rows.set(epoch.epoch, { ...rows.get(epoch.epoch), validation: value });
    }
    const x = [...rows.keys()].sort((a, b) => a - b);
    return {
      x,
      batch: x.map((at) => rows.get(at)?.batch ?? null),
      validation: x.map((at) => rows.get(at)?.validation ?? null),
      batchPoints: keep.length,
    };
  }
}
