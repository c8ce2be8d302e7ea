import type { ModelInfo } from '../../../shared/domain';
import { createCliContext, formatTable, printJson } from '../cli-context';
import { CliUsageError, parseCommandArgs, request } from '../parse-args';
import { modelRefFromArg } from './model-ref';

const shape = (dims: readonly (number | null)[]) =>
  `[${dims.map((d) => (d === null ? '?' : d)).join(',')}]`;
const megaMacs = (macs: number) => `${(macs / 1e6).toFixed(2)} M`;

/**
 * `layers <model>`: the base up to its feature layer, as blocks (the units a freeze plan trains
 * or freezes) and as layers, with parameters, multiply-accumulates and BatchNorm flags. --json
 * prints the same ModelInfo the app reads (layers with macs/isBatchNorm/blockId, and blocks).
 */
export async function runLayersCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
    'feature-layer': { type: 'string' },
    blocks: { type: 'boolean', default: false },
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
  process.stdout.write(`${header(info)}\n\n`);
  process.stdout.write(`${blockTable(info)}\n`);
  if (!values.blocks) process.stdout.write(`\n${layerTable(info)}\n`);
  return 0;
}

function header(info: ModelInfo): string {
  const bn = info.layers.filter((l) => l.isBatchNorm).length;
  return (
    `${info.name}  (${info.dir})\n` +
    `input ${info.inputSize.join('x')}, feature layer ${info.featureLayer} ${shape(info.featureShape)}, ` +
    `${info.totalParams.toLocaleString('en-US')} parameters, ${megaMacs(info.totalMacs)} MACs per image, ` +
    `${info.blocks.length} blocks, ${bn} BatchNorm layers`
  );
}

function blockTable(info: ModelInfo): string {
  const rows = info.blocks.map((block, index) => [
    index,
    block.label,
    block.kind + (block.residual ? ' (residual)' : ''),
    shape(block.outputShape),
    block.params,
    block.trainableParams,
    megaMacs(block.macs),
    block.hasBatchNorm ? 'yes' : '',
  ]);
  return formatTable(['#', 'block', 'kind', 'output', 'params', 'trainable', 'MACs', 'BN'], rows);
}

function layerTable(info: ModelInfo): string {
  const labels = new Map(info.blocks.map((block) => [block.id, block.label]));
  const rows = info.layers.map((layer) => [
    layer.index,
    layer.name,
    layer.className,
    shape(layer.outputShape),
    layer.params,
    layer.trainableParams,
    layer.macs ? megaMacs(layer.macs) : '',
    layer.isBatchNorm ? 'BN' : '',
    labels.get(layer.blockId ?? '') ?? '',
  ]);
  return formatTable(
    ['#', 'name', 'type', 'output', 'params', 'trainable', 'MACs', 'BN', 'block'],
    rows,
  );
}
