/**
 * Groups a base's layers into blocks, the units a user freezes or trains: a depthwise + pointwise
 * pair (MobileNet v1 conv_dw_N / conv_pw_N), an inverted residual (MobileNetV2 block_N_*), any
 * residual unit from its fork to its merge, and otherwise consecutive layers sharing a name
 * prefix. A residual unit is always one block, so a freeze plan made of blocks never splits one.
 */
import type { ModelBlock } from '../../../../shared/domain';
import type { AnalysedLayer } from './analyse-graph';

/** Name tokens that say what a layer does inside its block, not which block it belongs to. */
const ROLE_TOKENS = new Set([
  'bn',
  'batchnorm',
  'relu',
  'relu6',
  'act',
  'activation',
  'pad',
  'padding',
  'dw',
  'pw',
  'depthwise',
  'pointwise',
  'expand',
  'project',
  'add',
]);

const MERGE_CLASSES = new Set([
  'Add',
  'Subtract',
  'Multiply',
  'Average',
  'Maximum',
  'Minimum',
  'Concatenate',
]);

/** The block a layer name belongs to: its name without role tokens ("conv_dw_3_bn" -> "conv_3"). */
export function blockKey(name: string): string {
  const tokens = name.split('_').filter((token) => !ROLE_TOKENS.has(token.toLowerCase()));
  return tokens.length ? tokens.join('_') : name;
}

/**
 * For each merge layer, the layers of its residual unit: everything after the fork (the last
 * layer all merged branches descend from) up to and including the merge.
 */
export function residualUnits(layers: readonly AnalysedLayer[]): string[][] {
  const order = new Map(layers.map((layer, index) => [layer.name, index]));
  const ancestors = new Map<string, Set<string>>();
  for (const layer of layers) {
    const set = new Set([layer.name]);
    for (const input of layer.inbound) for (const name of ancestors.get(input) ?? []) set.add(name);
    ancestors.set(layer.name, set);
  }
  const units: string[][] = [];
  for (const merge of layers) {
    if (!MERGE_CLASSES.has(merge.className) || merge.inbound.length < 2) continue;
    const branches = merge.inbound.map((name) => ancestors.get(name) ?? new Set<string>());
    const common = [...branches[0]!].filter((name) => branches.every((set) => set.has(name)));
    if (common.length === 0) continue;
    const fork = Math.max(...common.map((name) => order.get(name) ?? -1));
    const mergeAt = order.get(merge.name)!;
    const inside = ancestors.get(merge.name)!;
    units.push(
      layers
        .filter((layer, index) => index > fork && index <= mergeAt && inside.has(layer.name))
        .map((layer) => layer.name),
    );
  }
  return units;
}

/** Groups the layers of a cut base (in graph order) into blocks. */
export function groupBlocks(layers: readonly AnalysedLayer[]): ModelBlock[] {
  // 1. Consecutive layers with the same key.
  let groups: AnalysedLayer[][] = [];
  let previousKey: string | undefined;
  const keys = new Map<string, string>();
  for (const layer of layers) {
    // A BatchNorm belongs to the layer it normalises, whatever its name ("bn_Conv1", "x_bn").
    const source =
      layer.isBatchNorm && layer.inbound.length === 1 ? keys.get(layer.inbound[0]!) : undefined;
    const key =
      layer.className === 'InputLayer' ? `input:${layer.name}` : (source ?? blockKey(layer.name));
    keys.set(layer.name, key);
    if (key !== previousKey || groups.length === 0) groups.push([]);
    groups[groups.length - 1]!.push(layer);
    previousKey = key;
  }
  // 2. A residual unit is one block: merge every group it touches.
  const units = residualUnits(layers);
  for (const unit of units) {
    const members = new Set(unit);
    const touched = groups
      .map((group, index) => (group.some((layer) => members.has(layer.name)) ? index : -1))
      .filter((index) => index >= 0);
    if (touched.length < 2) continue;
    const from = touched[0]!;
    const to = touched[touched.length - 1]!;
    groups = [...groups.slice(0, from), groups.slice(from, to + 1).flat(), ...groups.slice(to + 1)];
  }
  // 3. Weightless groups (a trailing activation, a pooling step) join the block before them.
  const merged: AnalysedLayer[][] = [];
  for (const group of groups) {
    const isInput = group.every((layer) => layer.className === 'InputLayer');
    const weightless = group.every((layer) => !layer.hasWeights);
    const previous = merged[merged.length - 1];
    const previousIsInput = previous?.every((layer) => layer.className === 'InputLayer') ?? true;
    if (weightless && !isInput && previous && !previousIsInput) previous.push(...group);
    else merged.push([...group]);
  }
  // A weightless step right after the input (a rescaling, a padding) opens the first block.
  const second = merged[1];
  if (second && merged[2] && second.every((layer) => !layer.hasWeights)) {
    merged.splice(1, 2, [...second, ...merged[2]]);
  }
  const residual = new Set(units.flat());
  return merged.map((group) =>
    describeBlock(
      group,
      group.some((layer) => residual.has(layer.name) && MERGE_CLASSES.has(layer.className)),
    ),
  );
}

function describeBlock(layers: AnalysedLayer[], residual: boolean): ModelBlock {
  const classes = layers.map((layer) => layer.className);
  const convs = layers.filter((layer) => /Conv/.test(layer.className));
  const depthwise = classes.includes('DepthwiseConv2D');
  const kind: ModelBlock['kind'] = classes.every((c) => c === 'InputLayer')
    ? 'input'
    : residual && depthwise
      ? 'inverted-residual'
      : residual
        ? 'residual'
        : depthwise && convs.length >= 3
          ? 'inverted-bottleneck'
          : depthwise || classes.includes('SeparableConv2D')
            ? 'depthwise-separable'
            : convs.length > 0
              ? 'convolution'
              : classes.includes('Dense')
                ? 'dense'
                : 'other';
  const first = layers[0]!;
  const key = blockKey(first.name);
  // The shared name prefix when there is one (block_3, expanded_conv), else the convolutions.
  const label =
    kind === 'input'
      ? 'Input'
      : layers.every((layer) => layer.name.startsWith(key))
        ? key
        : convs.length > 0 && convs.length <= 2
          ? convs.map((layer) => layer.name).join(' + ')
          : (convs[0]?.name ?? first.name);
  return {
    id: first.name,
    label,
    kind,
    residual,
    layers: layers.map((layer) => layer.name),
    outputShape: [...layers[layers.length - 1]!.outputShape],
    params: layers.reduce((sum, layer) => sum + layer.params, 0),
    trainableParams: layers.reduce((sum, layer) => sum + layer.trainableParams, 0),
    macs: layers.reduce((sum, layer) => sum + layer.macs, 0),
    hasBatchNorm: layers.some((layer) => layer.isBatchNorm),
  };
}
