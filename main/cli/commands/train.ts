import path from 'node:path';
import { defaultCatalogId } from '../../../shared/catalog';
import { describeIssues, type EventName } from '../../../shared/contract';
import { TrainConfig, type RunSummary, type TrainConfigInput } from '../../../shared/domain';
import { createCliContext, printJson } from '../cli-context';
import { CliUsageError, numberFlag, parseCommandArgs } from '../parse-args';
import { modelRefFromArg } from './model-ref';
import { createTrainPrinter } from './train-printer';

export async function runTrainCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
    model: { type: 'string', default: defaultCatalogId },
    'feature-layer': { type: 'string' },
    epochs: { type: 'string' },
    'learning-rate': { type: 'string' },
    'batch-size': { type: 'string' },
    'val-split': { type: 'string' },
    dropout: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string', default: 'auto' },
    name: { type: 'string' },
    out: { type: 'string' },
  });
  if (positionals.length === 0) throw new CliUsageError('train needs at least one dataset folder.');
  const input: TrainConfigInput = {
    datasetRoots: positionals.map((dir) => path.resolve(dir)),
    model: modelRefFromArg(values.model ?? defaultCatalogId),
    freeze: { mode: 'feature-extractor', trainableLayers: [] },
    epochs: numberFlag(values.epochs, 'epochs', 10),
    learningRate: numberFlag(values['learning-rate'], 'learning-rate', 0.001),
    batchSize: numberFlag(values['batch-size'], 'batch-size', 32),
    validationSplit: numberFlag(values['val-split'], 'val-split', 0.2),
    dropout: numberFlag(values.dropout, 'dropout', 0.2),
    seed: numberFlag(values.seed, 'seed', 42),
    backend: values.backend as TrainConfigInput['backend'],
    ...(values['feature-layer'] ? { featureLayer: values['feature-layer'] } : {}),
    ...(values.name ? { name: values.name } : {}),
  };
  const parsed = TrainConfig.safeParse(input);
  if (!parsed.success) throw new CliUsageError(describeIssues(parsed.error).join('\n'));

  const ctx = createCliContext();
  const printer = createTrainPrinter({ json: values.json ?? false, epochs: parsed.data.epochs });
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
  const run = await ctx.services.startTraining(
    parsed.data,
    values.out ? { runDir: path.resolve(values.out) } : {},
  );
  current.runId = run.runId;
  const stop = () => {
    process.stderr.write('\nCancelling (finishing the current batch)…\n');
    ctx.services.supervisor.cancel(run.runId);
  };
  process.once('SIGINT', stop);
  await ctx.services.supervisor.waitFor(run.runId);
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
