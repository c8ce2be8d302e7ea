import path from 'node:path';
import { summarizeProblems } from '../../services/datasets/problem-summary';
import { createCliContext, formatTable, printJson } from '../cli-context';
import { CliUsageError, parseCommandArgs, request } from '../parse-args';

export async function runScanCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
  });
  if (positionals.length === 0) throw new CliUsageError('scan needs at least one folder.');
  const summary = await request(createCliContext(), 'datasets:scan', {
    paths: positionals.map((dir) => path.resolve(dir)),
  });
  if (values.json) {
    printJson(summary);
    return summary.trainable ? 0 : 3;
  }
  const out = process.stdout;
  out.write(`Dataset ${summary.roots.join(', ')}\n`);
  out.write(
    `layout ${summary.layout}; ${summary.totalImages} images in ${summary.classes.length} classes; ` +
      `split ${summary.split.source === 'folders' ? 'from folders' : `generated (${Math.round(summary.split.valRatio * 100)}% validation)`}: ` +
      `${summary.split.train} train / ${summary.split.val} val\n\n`,
  );
  const rows = summary.classes.map((c) => [c.name, c.count, c.trainCount, c.valCount]);
  out.write(`${formatTable(['class', 'images', 'train', 'val'], rows)}\n`);
  if (summary.problems.length) {
    out.write(`\n${summarizeProblems(summary)}\n${summary.problems.length} problem(s):\n`);
    for (const problem of summary.problems) {
      out.write(
        `  [${problem.kind}] ${problem.path || '(dataset)'}\n    ${problem.message} ${problem.action}\n`,
      );
    }
  }
  out.write(`\nfingerprint ${summary.fingerprint}\n`);
  if (!summary.trainable) {
    out.write('\nThis dataset cannot be trained yet: it needs at least two classes with images.\n');
    return 3;
  }
  return 0;
}
