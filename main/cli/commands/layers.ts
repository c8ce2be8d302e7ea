import { createCliContext, formatTable, printJson } from '../cli-context';
import { CliUsageError, parseCommandArgs, request } from '../parse-args';
import { modelRefFromArg } from './model-ref';

export async function runLayersCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
    'feature-layer': { type: 'string' },
  });
  const [model] = positionals;
  if (!model || positionals.length > 1) {
    throw new CliUsageError('layers needs exactly one model: a catalog id or a model folder.');
  }
  const featureLayer = values['feature-layer'];
  const info = await request(createCliContext(), 'models:inspect', {
    ref: modelRefFromArg(model),
    ...(featureLayer ? { featureLayer } : {}),
  });
  if (values.json) {
    printJson(info);
    return 0;
  }
  const rows = info.layers.map((layer) => [
    layer.index,
    layer.name,
    layer.className,
    `[${layer.outputShape.map((d) => (d === null ? '?' : d)).join(',')}]`,
    layer.params,
    layer.trainableParams,
  ]);
  process.stdout.write(
    `${info.name}  (${info.dir})\ninput ${info.inputSize.join('x')}, feature layer ${info.featureLayer} ` +
      `[${info.featureShape.map((d) => (d === null ? '?' : d)).join(',')}], ${info.totalParams.toLocaleString('en-US')} parameters\n\n`,
  );
  process.stdout.write(
    `${formatTable(['#', 'name', 'type', 'output', 'params', 'trainable'], rows)}\n`,
  );
  return 0;
}
