/**
 * Records a run as it trains: every point goes to metrics.jsonl (append-only, so a crash loses
 * at most the line being written), run.json is rewritten atomically after each epoch, and the
 * host gets the messages it relays to the UI, batch points at most every 250 ms.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import type { BatchMetrics, EpochMetrics, RunSummary } from '../../../shared/domain';
import type { WorkerMessage } from '../../../shared/worker-protocol';
import { RUN_FILES, readRunSummary, writeRunSummary } from '../../services/runs/run-files';

export const BATCH_MESSAGE_INTERVAL_MS = 250;

export class RunRecorder {
  private lastBatchSent = -Infinity;
  private readonly metricsFile: string;
  private readonly epochs: EpochMetrics[] = [];

  constructor(
    readonly runDir: string,
    private readonly emit: (message: WorkerMessage) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.metricsFile = path.join(runDir, RUN_FILES.metrics);
  }

  private append(line: Record<string, unknown>): void {
    appendFileSync(
      this.metricsFile,
      `${JSON.stringify({ ...line, time: new Date().toISOString() })}\n`,
    );
  }

  phase(
    phase: string,
    message?: string,
    extra: { progress?: number; imagesPerSecond?: number; etaMs?: number } = {},
  ): void {
    this.append({
      type: 'phase',
      phase,
      ...(message ? { message } : {}),
      ...(extra.imagesPerSecond !== undefined ? { imagesPerSecond: extra.imagesPerSecond } : {}),
    });
    this.emit({
      type: 'phase',
      phase,
      ...(message ? { message } : {}),
      ...(extra.progress !== undefined
        ? { progress: Math.min(1, Math.max(0, extra.progress)) }
        : {}),
      ...(extra.etaMs !== undefined ? { etaMs: Math.max(0, Math.round(extra.etaMs)) } : {}),
    });
  }

  /** A line in metrics.jsonl only (what the host already hears through another message). */
  note(phase: string, message: string): void {
    this.append({ type: 'phase', phase, message });
  }

  batch(metrics: BatchMetrics): void {
    this.append({ type: 'batch', ...metrics });
    const now = this.now();
    // An epoch's last batch is always sent, so the batch line reaches every epoch even when a
    // whole epoch (head only, on cached features) takes less than the interval.
    if (
      now - this.lastBatchSent >= BATCH_MESSAGE_INTERVAL_MS ||
      metrics.batch === metrics.batches
    ) {
      this.lastBatchSent = now;
      this.emit({ type: 'batch', batch: metrics });
    }
  }

  /**
   * Records a finished epoch: the line in metrics.jsonl (with `extra` details such as the
   * phase and the base's learning rate), the message to the host and run.json.
   */
  async epoch(
    metrics: EpochMetrics,
    numTensors: number,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    this.append({ type: 'epoch', ...metrics, numTensors, ...extra });
    this.epochs.push(metrics);
    this.emit({ type: 'epoch', metrics });
    await this.update(this.accuracies());
  }

  /** Epochs recorded before this job (a continued run), so accuracies cover the whole run. */
  seed(epochs: EpochMetrics[]): void {
    this.epochs.push(...epochs);
  }

  accuracies(): Pick<RunSummary, 'epochsDone' | 'bestValAccuracy' | 'finalValAccuracy'> {
    if (!this.epochs.length) return { epochsDone: 0 };
    return {
      epochsDone: this.epochs.length,
      bestValAccuracy: Math.max(...this.epochs.map((e) => e.valAccuracy)),
      finalValAccuracy: this.epochs[this.epochs.length - 1]!.valAccuracy,
    };
  }

  /** Merges `patch` into run.json and returns the result. */
  async update(patch: Partial<RunSummary>): Promise<RunSummary> {
    const summary = { ...(await readRunSummary(this.runDir)), ...patch };
    await writeRunSummary(this.runDir, summary);
    return summary;
  }
}
