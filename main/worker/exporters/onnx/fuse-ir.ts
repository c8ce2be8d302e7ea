/**
 * Fusions on the intermediate graph: a BatchNormalization that only reads a convolution is
 * folded into that convolution's weights and bias, and a ZeroPadding2D that only feeds a
 * convolution becomes that convolution's pads. Both are exact up to float rounding (the folded
 * weights are computed in double precision) and leave far fewer ONNX nodes.
 */
import { countConsumers, type IrGraph, type IrNode, type IrOp } from './layer-ir';

type ConvOp = Extract<IrOp, { kind: 'conv' }>;
type BatchNormOp = Extract<IrOp, { kind: 'batchnorm' }>;

function foldedConv(conv: ConvOp, bn: BatchNormOp): ConvOp {
  const [outChannels] = conv.weightShape;
  const perChannel = conv.weights.length / outChannels;
  const weights = new Float32Array(conv.weights.length);
  const bias = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o += 1) {
    const scale = bn.gamma[o]! / Math.sqrt(bn.variance[o]! + bn.epsilon);
    for (let k = o * perChannel; k < (o + 1) * perChannel; k += 1)
      weights[k] = conv.weights[k]! * scale;
    bias[o] = ((conv.bias?.[o] ?? 0) - bn.mean[o]!) * scale + bn.beta[o]!;
  }
  return { ...conv, weights, bias };
}

function producers(graph: IrGraph): Map<number, IrNode> {
  return new Map(graph.nodes.map((node) => [node.output, node]));
}

/** Folds BatchNormalization into the convolution it directly follows, where possible. */
export function foldBatchNorms(graph: IrGraph): IrGraph {
  const consumers = countConsumers(graph);
  const producedBy = producers(graph);
  const removed = new Set<IrNode>();
  for (const node of graph.nodes) {
    if (node.op.kind !== 'batchnorm') continue;
    const source = producedBy.get(node.inputs[0]!);
    if (!source || source.op.kind !== 'conv' || consumers.get(source.output) !== 1) continue;
    if (source.op.weightShape[0] !== node.op.mean.length) continue;
    source.op = foldedConv(source.op, node.op);
    source.output = node.output;
    removed.add(node);
  }
  return { ...graph, nodes: graph.nodes.filter((node) => !removed.has(node)) };
}

/** Turns a ZeroPadding2D that only feeds one convolution into that convolution's pads. */
export function foldPadsIntoConvs(graph: IrGraph): IrGraph {
  const consumers = countConsumers(graph);
  const producedBy = producers(graph);
  const removed = new Set<IrNode>();
  for (const node of graph.nodes) {
    if (node.op.kind !== 'conv') continue;
    const source = producedBy.get(node.inputs[0]!);
    if (!source || source.op.kind !== 'pad' || consumers.get(source.output) !== 1) continue;
    const a = node.op.pads;
    const b = source.op.pads;
    node.op = {
      ...node.op,
      pads: {
        top: a.top + b.top,
        bottom: a.bottom + b.bottom,
        left: a.left + b.left,
        right: a.right + b.right,
      },
    };
    node.inputs = [source.inputs[0]!];
    removed.add(source);
  }
  return { ...graph, nodes: graph.nodes.filter((node) => !removed.has(node)) };
}
