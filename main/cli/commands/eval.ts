import path from 'node:path';
import { createCliContext, printJson } from '../cli-context';
import { CliUsageError, numberFlag, parseCommandArgs } from '../parse-args';
import { formatMetrics, formatTopLosses } from './eval-report';

/**
 * `transfer-studio eval <runDir> <dir>...`: evaluates a trained run on other labelled folders
 * (one sub-folder per class, named like the run's classes) in a worker process, and prints the
 * metrics the Evaluate screen shows.
 */
export async function runEvalCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
    top: { type: 'string' },
    save: { type: 'boolean', default: false },
  });
  const [runDir, ...dirs] = positionals;
  if (!runDir || dirs.length === 0) {
    throw new CliUsageError('eval needs a run folder and at least one labelled folder.');
  }
  const top = numberFlag(values.top, 'top', 10);
  const ctx = createCliContext();
  let lastShown = -1;
  const result = await ctx.services.evaluation.evaluateFolder(
    path.resolve(runDir),
    dirs.map((dir) => path.resolve(dir)),
    {
      save: values.save ?? false,
      onPhase: (phase) => {
        // Progress goes to stderr in tenths, so --json output stays clean on stdout.
        const tenth = Math.floor((phase.progress ?? 0) * 10);
        if (phase.message && tenth > lastShown) {
          lastShown = tenth;
          process.stderr.write(`${phase.message}\n`);
        }
      },
    },
  );
  const { evaluation, unknownClasses } = result;
  const skipped = evaluation.skipped ?? [];
  if (values.json) {
    printJson({
      runDir: path.resolve(runDir),
      roots: evaluation.source?.roots ?? [],
      labels: evaluation.labels,
      metrics: evaluation.metrics,
      skipped,
      unknownClasses,
      ...(values.save ? { evaluationId: result.evaluationId } : {}),
    });
    return 0;
  }
  const out = process.stdout;
  out.write(
    `Evaluated ${evaluation.items.length} images of ${(evaluation.source?.roots ?? []).join(', ')}\n` +
      `with the model of ${path.resolve(runDir)} (classes: ${evaluation.labels.join(', ')})\n\n`,
  );
  out.write(`${formatMetrics(evaluation.labels, evaluation.metrics)}\n`);
  if (top > 0) out.write(`\ntop losses\n${formatTopLosses(evaluation, top)}\n`);
  if (skipped.length) {
    out.write(`\n${skipped.length} image(s) could not be decoded and were left out:\n`);
    for (const entry of skipped) out.write(`  ${entry.path}: ${entry.reason}\n`);
  }
  for (const unknown of unknownClasses) {
    out.write(
      `\nClass "${unknown.name}" (${unknown.count} images) is not one of the model's classes; left out.\n`,
    );
  }
  if (values.save)
    out.write(`\nSaved in the run folder as evaluations/${result.evaluationId}.json\n`);
  return 0;
}
