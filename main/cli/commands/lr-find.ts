import { printJson, createCliContext } from '../cli-context';
import { parseCommandArgs, request } from '../parse-args';
import { trainConfigFromFlags, trainFlags } from './train-options';

const PLOT_WIDTH = 50;

/** A text plot of loss against log learning rate, one row per point (every few points). */
function plot(points: { learningRate: number; loss: number }[], suggested: number): string {
  const losses = points.map((point) => point.loss);
  const low = Math.min(...losses);
  const high = Math.max(...losses);
  const step = Math.max(1, Math.floor(points.length / 30));
  const closest = points.reduce((best, point) =>
    Math.abs(Math.log(point.learningRate / suggested)) <
    Math.abs(Math.log(best.learningRate / suggested))
      ? point
      : best,
  );
  return points
    .filter((point, index) => index % step === 0 || point === closest)
    .map((point) => {
      const bar = Math.round(((point.loss - low) / Math.max(high - low, 1e-9)) * PLOT_WIDTH);
      const mark = point === closest ? '  ◀ suggested' : '';
      return `${point.learningRate.toExponential(1).padStart(8)}  ${point.loss.toFixed(3)}  ${'█'.repeat(bar)}${mark}`;
    })
    .join('\n');
}

/** `transfer-studio lr-find <dir>…`: fastai's learning-rate finder on the dataset and base. */
export async function runLrFindCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, trainFlags);
  const ctx = createCliContext();
  const config = await trainConfigFromFlags(ctx, values, positionals);
  if (!values.json) {
    process.stderr.write('Computing features and sweeping the learning rate from 1e-7 to 10…\n');
  }
  const result = await request(ctx, 'training:lr-find', config);
  if (values.json) {
    printJson({ type: 'lr-find', ...result });
    return 0;
  }
  process.stdout.write(
    `learning rate    loss\n${plot(result.points, result.suggested)}\n\n` +
      `Suggested learning rate: ${result.suggested.toPrecision(2)} ` +
      `(use --learning-rate ${result.suggested.toPrecision(2)})\n`,
  );
  return 0;
}
