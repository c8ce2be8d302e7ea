import type { Prediction } from '../../../shared/evaluation';
import { createCliContext } from '../cli-context';
import { CliUsageError, numberFlag, parseCommandArgs } from '../parse-args';

/** One CSV cell: quoted when it holds a comma, quote or line break. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csvHeader(top: number): string {
  const columns = ['file'];
  for (let rank = 1; rank <= top; rank += 1) columns.push(`label_${rank}`, `probability_${rank}`);
  return [...columns, 'error'].join(',');
}

function csvLine(prediction: Prediction, top: number): string {
  const cells = [csvCell(prediction.name)];
  for (let rank = 0; rank < top; rank += 1) {
    const entry = prediction.top[rank];
    cells.push(entry ? csvCell(entry.label) : '', entry ? entry.probability.toFixed(6) : '');
  }
  return [...cells, csvCell(prediction.error ?? '')].join(',');
}

function textLine(prediction: Prediction): string {
  if (prediction.error) return `${prediction.name}  ERROR ${prediction.error}`;
  const classes = prediction.top.map((entry) => `${entry.label} ${entry.probability.toFixed(4)}`);
  return `${prediction.name}  ${classes.join('  ')}`;
}

/**
 * `transfer-studio predict MODEL FILES_OR_FOLDERS...`: classifies images with a run's model or
 * an export the studio wrote, printing each image's top classes as soon as its batch is done
 * (text, JSON Lines with --json, or CSV with --csv). Exit code 1 when some image could not be
 * read (its line says why); the others are still classified.
 */
export async function runPredictCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
    csv: { type: 'boolean', default: false },
    top: { type: 'string' },
  });
  const [model, ...targets] = positionals;
  if (!model || targets.length === 0) {
    throw new CliUsageError('predict needs a model (run or export folder) and images or folders.');
  }
  if (values.json && values.csv) throw new CliUsageError('Choose one of --json and --csv.');
  const top = numberFlag(values.top, 'top', 3);
  if (!Number.isInteger(top) || top < 1 || top > 20) {
    throw new CliUsageError(`--top must be a whole number from 1 to 20, got ${top}.`);
  }
  const ctx = createCliContext();
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  if (values.csv) process.stdout.write(`${csvHeader(top)}\n`);
  let failed = 0;
  try {
    const { images } = await ctx.services.evaluation.predictFiles(model, targets, {
      topK: top,
      signal: abort.signal,
      onBatch: (predictions) => {
        const lines = predictions.map((prediction) => {
          if (prediction.error) failed += 1;
          if (values.json) {
            const { name, top: classes, error } = prediction;
            return JSON.stringify({ file: name, top: classes, ...(error ? { error } : {}) });
          }
          return values.csv ? csvLine(prediction, top) : textLine(prediction);
        });
        process.stdout.write(`${lines.join('\n')}\n`);
      },
    });
    process.stderr.write(
      `Classified ${images - failed} of ${images} images` +
        (failed ? `; ${failed} could not be read (see their lines).\n` : '.\n'),
    );
  } finally {
    process.off('SIGINT', onSigint);
  }
  return failed ? 1 : 0;
}
