/**
 * Walks a TF.js LayersModel (functional or Sequential, with models nested inside it as layers,
 * as in Teachable Machine exports) from its output back to its input and produces the flat
 * intermediate graph. Symbolic tensors keep the innermost layer that made them, so a nested
 * model is only "entered" when it was called on new inputs; then its own inputs are bound to
 * the caller's values and its outputs are walked in a fresh scope.
 */
import * as tf from '@tensorflow/tfjs';
import type { IrGraph, IrNode, IrOp, IrValue, TfShape, ValueId } from './layer-ir';
import { lowerLayer, type IrBuilder } from './lower-layer';
import { UnsupportedLayerError, UnsupportedModelError } from './unsupported-layer-error';

type Scope = Map<number, ValueId>;

class GraphBuilder implements IrBuilder {
  readonly values = new Map<ValueId, IrValue>();
  readonly nodes: IrNode[] = [];

  newValue(shape: TfShape): ValueId {
    const id = this.values.size;
    this.values.set(id, { id, shape });
    return id;
  }

  shapeOf(value: ValueId): TfShape {
    const found = this.values.get(value);
    if (!found) throw new Error(`internal: unknown value ${value}`);
    return found.shape;
  }

  add(op: IrOp, inputs: ValueId[], shape: TfShape, layerName: string): ValueId {
    const output = this.newValue(shape);
    this.nodes.push({ op, inputs, output, layerName });
    return output;
  }
}

function sameTensors(a: tf.SymbolicTensor[], b: tf.SymbolicTensor[]): boolean {
  return a.length === b.length && a.every((tensor, index) => tensor.id === b[index]?.id);
}

function walk(tensor: tf.SymbolicTensor, scope: Scope, build: GraphBuilder): ValueId {
  const known = scope.get(tensor.id);
  if (known !== undefined) return known;
  const layer = tensor.sourceLayer;
  const node = layer.inboundNodes[tensor.nodeIndex];
  if (!node) {
    throw new UnsupportedModelError(
      `layer "${layer.name}" has no call ${tensor.nodeIndex}; the model topology is inconsistent`,
    );
  }
  let result: ValueId;
  if (layer instanceof tf.LayersModel) {
    const callerValues = node.inputTensors.map((input) => walk(input, scope, build));
    // A model's own first node just wraps its inputs; its insides live in the same scope.
    const inner: Scope = sameTensors(node.inputTensors, layer.inputs) ? scope : new Map();
    layer.inputs.forEach((input, index) => inner.set(input.id, callerValues[index]!));
    const output = layer.outputs[tensor.tensorIndex];
    if (!output)
      throw new UnsupportedModelError(
        `nested model "${layer.name}" has no output ${tensor.tensorIndex}`,
      );
    result = walk(output, inner, build);
  } else {
    if (layer.getClassName() === 'InputLayer') {
      throw new UnsupportedModelError(
        `input "${layer.name}" is not connected to the model's input`,
      );
    }
    if (tensor.tensorIndex !== 0 || node.outputTensors.length !== 1) {
      throw new UnsupportedLayerError(
        layer.name,
        layer.getClassName(),
        'layers with several outputs are not supported',
      );
    }
    const inputs = node.inputTensors.map((input) => walk(input, scope, build));
    result = lowerLayer(layer, inputs, tensor.shape.slice(), build);
  }
  scope.set(tensor.id, result);
  return result;
}

/** Builds the flat graph of a single-input, single-output image model. */
export function flattenLayersModel(model: tf.LayersModel): IrGraph {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UnsupportedModelError(
      `the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; ` +
        'only image classifiers with one input and one output can be exported',
    );
  }
  return flattenImageModel(model);
}

/**
 * Builds the flat graph of a model with one image input and any number of outputs (the frozen
 * part of a network, whose outputs are its boundary tensors): the first output is `output`,
 * the others `extraOutputs`.
 */
export function flattenImageModel(model: tf.LayersModel): IrGraph {
  if (model.inputs.length !== 1) {
    throw new UnsupportedModelError(`the model has ${model.inputs.length} inputs; one is needed`);
  }
  const input = model.inputs[0]!;
  const shape = input.shape;
  if (
    shape.length !== 4 ||
    typeof shape[1] !== 'number' ||
    typeof shape[2] !== 'number' ||
    typeof shape[3] !== 'number'
  ) {
    throw new UnsupportedModelError(
      `the model's input shape is [${shape.map(String).join(', ')}]; ` +
        'an image input [batch, height, width, channels] with a fixed size is required',
    );
  }
  if (input.dtype !== 'float32') {
    throw new UnsupportedModelError(`the model's input is ${input.dtype}; float32 is required`);
  }
  const build = new GraphBuilder();
  const inputValue = build.newValue(shape.slice());
  const scope: Scope = new Map([[input.id, inputValue]]);
  const [output, ...extraOutputs] = model.outputs.map((tensor) => walk(tensor, scope, build));
  return {
    values: build.values,
    nodes: build.nodes,
    input: inputValue,
    output: output!,
    ...(extraOutputs.length ? { extraOutputs } : {}),
  };
}
