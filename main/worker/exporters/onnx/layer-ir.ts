/**
 * A small intermediate form between TF.js layers and ONNX nodes: one node per operation, with
 * TF.js (channels-last) semantics and weights already in the layout ONNX wants. Nested models are
 * inlined and no-op layers (Dropout, InputLayer) are gone, so the fusion passes and the emitter
 * only ever see a flat, topologically ordered list.
 */

export type ValueId = number;

/** Output shape as TF.js reports it: channels-last, batch first (null when symbolic). */
export type TfShape = (number | null)[];

export interface Pads2d {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export type IrOp =
  | {
      kind: 'conv';
      /** ONNX layout [outChannels, inChannels / group, kernelH, kernelW]. */
      weights: Float32Array;
      weightShape: [number, number, number, number];
      bias: Float32Array | undefined;
      strides: [number, number];
      dilations: [number, number];
      pads: Pads2d;
      group: number;
    }
  | {
      kind: 'batchnorm';
      gamma: Float32Array;
      beta: Float32Array;
      mean: Float32Array;
      variance: Float32Array;
      epsilon: number;
    }
  | { kind: 'pad'; pads: Pads2d }
  | { kind: 'relu' }
  | { kind: 'clip'; min: number; max: number }
  | { kind: 'sigmoid' }
  | { kind: 'tanh' }
  /** `axis` is a non-negative TF.js (channels-last) axis. */
  | { kind: 'softmax'; axis: number }
  | { kind: 'add' }
  | { kind: 'globalPool'; mode: 'average' | 'max' }
  /** `targetShape` excludes the batch dimension, as in the Keras Reshape layer. */
  | { kind: 'reshape'; targetShape: number[] }
  | { kind: 'flatten' }
  | {
      kind: 'dense';
      /** [inputUnits, units], as Keras stores it. */
      kernel: Float32Array;
      inputUnits: number;
      units: number;
      bias: Float32Array | undefined;
    };

export interface IrNode {
  op: IrOp;
  inputs: ValueId[];
  output: ValueId;
  /** The TF.js layer this came from, for node names and error messages. */
  layerName: string;
}

export interface IrValue {
  id: ValueId;
  shape: TfShape;
}

export interface IrGraph {
  values: Map<ValueId, IrValue>;
  nodes: IrNode[];
  input: ValueId;
  output: ValueId;
  /** Values read out besides `output` (a frozen part with several boundary tensors). */
  extraOutputs?: ValueId[];
}

/** How many nodes read each value (the graph output counts as one reader). */
export function countConsumers(graph: IrGraph): Map<ValueId, number> {
  const counts = new Map<ValueId, number>();
  for (const node of graph.nodes) {
    for (const input of node.inputs) counts.set(input, (counts.get(input) ?? 0) + 1);
  }
  for (const output of [graph.output, ...(graph.extraOutputs ?? [])]) {
    counts.set(output, (counts.get(output) ?? 0) + 1);
  }
  return counts;
}
