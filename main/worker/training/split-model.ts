/**
 * Splits the base cut into the part the freeze plan leaves frozen and the part that trains.
 * The frozen part is every layer that neither trains nor depends on one that does; its output
 * (the "boundary" tensors) is what the feature cache holds, so an epoch costs only the trainable
 * part. With the whole base frozen, the boundary is the feature layer itself and nothing of the
 * base trains; when the very first layer trains, the boundary is the image (no cache possible).
 */
import * as tf from '@tensorflow/tfjs';
import { graphNodes } from './inference-graph';

export interface SplitModel {
  /** From the image to the boundary tensors (one output per boundary tensor). */
  frozen: tf.LayersModel;
  /**
   * From the boundary tensors to the cut's output, sharing the cut's layers (and weights); absent
   * when the whole base is frozen.
   */
  trainable?: tf.LayersModel;
  /** Shapes of the boundary tensors, without the batch dimension. */
  boundaryShapes: number[][];
  /** True when the boundary is the input image itself (the first layers train). */
  boundaryIsInput: boolean;
}

/** Splits `cut` for the layers named in `trainable` (layers with trainable weights). */
export function splitAtFrozenPart(cut: tf.LayersModel, trainable: ReadonlySet<string>): SplitModel {
  const nodes = graphNodes(cut);
  const inputId = cut.inputs[0]!.id;
  const frozenIds = new Set<number>([inputId]);
  const frozenNodes = new Set<number>();
  nodes.forEach((node, index) => {
    if (trainable.has(node.layer.name)) return;
    if (!node.inputs.every((id) => frozenIds.has(id))) return;
    frozenNodes.add(index);
    node.outputs.forEach((id) => frozenIds.add(id));
  });
  const outputId = cut.outputs[0]!.id;
  const boundary: number[] = [];
  const addBoundary = (id: number): void => {
    if (frozenIds.has(id) && !boundary.includes(id)) boundary.push(id);
  };
  nodes.forEach((node, index) => {
    if (!frozenNodes.has(index)) node.inputs.forEach(addBoundary);
  });
  addBoundary(outputId);

  const symbolic = new Map<number, tf.SymbolicTensor>();
  symbolic.set(inputId, cut.inputs[0]!);
  for (const node of nodes) {
    const tensors = (node.layer.inboundNodes as unknown as { outputTensors: tf.SymbolicTensor[] }[])
      .flatMap((inbound) => inbound.outputTensors)
      .filter((tensor) => node.outputs.includes(tensor.id));
    tensors.forEach((tensor) => symbolic.set(tensor.id, tensor));
  }
  const boundaryShapes = boundary.map((id) => symbolic.get(id)!.shape.slice(1) as number[]);
  const boundaryIsInput = boundary.includes(inputId);

  const frozen = tf.model({
    inputs: cut.inputs,
    outputs: boundary.map((id) => symbolic.get(id)!),
    name: `${cut.name}_frozen`,
  });
  if (boundary.length === 1 && boundary[0] === outputId) {
    return { frozen, boundaryShapes, boundaryIsInput };
  }

  // Apply the remaining layers again, on new inputs standing for the boundary tensors: the
  // layers (and their weights) are shared with the cut, only the graph is new.
  const values = new Map<number, tf.SymbolicTensor>();
  const inputs = boundary.map((id, index) => {
    const input = tf.input({ shape: boundaryShapes[index]!, name: `boundary_${index}` });
    values.set(id, input);
    return input;
  });
  nodes.forEach((node, index) => {
    if (frozenNodes.has(index)) return;
    const args = node.inputs.map((id) => values.get(id)!);
    const result = node.layer.apply(args.length === 1 ? args[0]! : args) as
      tf.SymbolicTensor | tf.SymbolicTensor[];
    const list = Array.isArray(result) ? result : [result];
    node.outputs.forEach((id, position) => values.set(id, list[position]!));
  });
  const trainableModel = tf.model({
    inputs,
    outputs: values.get(outputId)!,
    name: `${cut.name}_trainable`,
  });
  return { frozen, trainable: trainableModel, boundaryShapes, boundaryIsInput };
}
