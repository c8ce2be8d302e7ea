import type { EventName } from '../../../shared/contract';
import type { BatchMetrics, EpochMetrics, RunSummary } from '../../../shared/domain';
import { printJson } from '../cli-context';

/** Turns training events into terminal lines (or JSON lines with --json). */
export function createTrainPrinter(options: {
  json: boolean;
  /** Print where the time of each stage went (the phases named *-profile). */
  profile?: boolean;
  planned: { epochs: number };
}) {
  const out = process.stdout;
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  return {
    onEvent(event: EventName, payload: unknown): void {
      if (options.json) {
        printJson({ event, ...(payload as object) });
        return;
      }
      if (event === 'training:status') {
        const status = payload as {
          phase: string;
          backend?: string;
          message?: string;
          progress?: number;
        };
        if (status.phase.endsWith('-profile') && !options.profile) return;
        const progress =
          status.progress !== undefined ? ` ${Math.round(status.progress * 100)}%` : '';
        const backend = status.backend ? ` [backend: ${status.backend}]` : '';
        out.write(
          `${status.phase}${progress}${status.message ? `: ${status.message}` : ''}${backend}\n`,
        );
      } else if (event === 'training:progress') {
        const { batch } = payload as { batch: BatchMetrics };
        out.write(
          `  epoch ${batch.epoch}/${options.planned.epochs} batch ${batch.batch}/${batch.batches} loss ${batch.loss.toFixed(4)}\n`,
        );
      } else if (event === 'training:epoch') {
        const { metrics } = payload as { metrics: EpochMetrics };
        out.write(
          `epoch ${metrics.epoch}/${Math.max(metrics.epoch, options.planned.epochs)}: loss ${metrics.trainLoss.toFixed(4)} acc ${percent(metrics.trainAccuracy)}` +
            ` | val loss ${metrics.valLoss.toFixed(4)} val acc ${percent(metrics.valAccuracy)}` +
            ` | ${metrics.imagesPerSecond.toFixed(0)} images/s, ETA ${(metrics.etaMs / 1000).toFixed(0)} s\n`,
        );
      }
    },
    printSummary(summary: RunSummary, wallSeconds: number): void {
      out.write(`\nRun ${summary.name}: ${summary.status}`);
      if (summary.error) out.write(` — ${summary.error}`);
      out.write('\n');
      if (summary.finalValAccuracy !== undefined) {
        out.write(
          `validation accuracy ${percent(summary.finalValAccuracy)} (best ${percent(summary.bestValAccuracy ?? summary.finalValAccuracy)})\n`,
        );
      }
      out.write(
        `backend ${summary.backend ?? 'unknown'}; wall time ${wallSeconds.toFixed(1)} s\nrun folder ${summary.dir}\n`,
      );
    },
  };
}
