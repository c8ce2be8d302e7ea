import path from 'node:path';
import { createInterface } from 'node:readline';
import type { EventName } from '../../../shared/contract';
import type { RunSummary } from '../../../shared/domain';
import { createCliContext, printJson, type CliContext } from '../cli-context';
import { parseCommandArgs } from '../parse-args';
import { createTrainPrinter } from './train-printer';
import { trainConfigFromFlags, trainFlags } from './train-options';

/**
 * While a run trains in a terminal, lines typed on stdin control it: "p" pauses, "r" resumes,
 * "+N" adds N epochs, "c" cancels (as Ctrl-C does).
 */
function readControls(ctx: CliContext, runId: string, planned: { epochs: number }): () => void {
  if (!process.stdin.isTTY) return () => {};
  const lines = createInterface({ input: process.stdin });
  process.stderr.write('Controls: p + Enter pauses, r resumes, +N adds N epochs, c cancels.\n');
  lines.on('line', (line) => {
    const text = line.trim();
    const { supervisor } = ctx.services;
    if (text === 'p') void supervisor.pause(runId);
    else if (text === 'r') void supervisor.resume(runId);
    else if (text === 'c') supervisor.cancel(runId);
    else if (/^\+\d+$/.test(text)) {
      void supervisor.extend(runId, Number(text.slice(1))).then((epochs) => {
        if (epochs !== undefined) {
          planned.epochs = epochs;
          process.stderr.write(`The run now trains ${epochs} epochs in all.\n`);
        }
      });
    }
  });
  return () => lines.close();
}

export async function runTrainCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...trainFlags,
    out: { type: 'string' },
    profile: { type: 'boolean', default: false },
  });
  const ctx = createCliContext();
  const config = await trainConfigFromFlags(ctx, values, positionals);
  const unfreezes = config.freeze.mode === 'custom' && config.freeze.trainableLayers.length > 0;
  const planned = { epochs: config.epochs + (unfreezes ? config.fineTune.epochs : 0) };
  const printer = createTrainPrinter({
    json: values.json ?? false,
    profile: values.profile ?? false,
    planned,
  });
  const current: { runId?: string } = {};
  let finished: RunSummary | undefined;
  ctx.onEvent((event: EventName, payload: unknown) => {
    const forThisRun = (payload as { runId?: string }).runId;
    if (forThisRun !== undefined && current.runId !== undefined && forThisRun !== current.runId) {
      return;
    }
    if (event === 'training:done') finished = (payload as { summary: RunSummary }).summary;
    printer.onEvent(event, payload);
  });
  const started = wallClock();
  if (values.json) printJson({ type: 'config', ...config });
  const run = await ctx.services.startTraining(
    config,
    values.out ? { runDir: path.resolve(values.out) } : {},
  );
  current.runId = run.runId;
  const stop = () => {
    process.stderr.write('\nCancelling (finishing the current batch)…\n');
    ctx.services.supervisor.cancel(run.runId);
  };
  process.once('SIGINT', stop);
  const stopControls = readControls(ctx, run.runId, planned);
  await ctx.services.supervisor.waitFor(run.runId);
  stopControls();
  process.off('SIGINT', stop);
  const summary = finished ?? (await ctx.services.runs.get(run.runId)).summary;
  const wallSeconds = (wallClock() - started) / 1000;
  if (values.json) printJson({ type: 'summary', wallSeconds, ...summary });
  else printer.printSummary(summary, wallSeconds);
  return summary.status === 'completed' ? 0 : summary.status === 'cancelled' ? 130 : 1;
}

function wallClock(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}
