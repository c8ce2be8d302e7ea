/**
 * Intermediate graph -> ONNX nodes and initializers (opset 13). The model keeps TF.js's
 * channels-last input, but ONNX convolutions and pooling are channels-first, so each 4D value is
 * held in whichever layout its producer made and transposed lazily (once, cached) when a consumer
 * needs the other one. Elementwise ops run in whatever layout their input already has, so a
 * MobileNet needs one transpose at the input and none inside.
 */
import type { IrGraph, IrNode, ValueId } from './layer-ir';
import {
  OnnxAttributeType,
  type OnnxAttribute,
  type OnnxNode,
  type OnnxTensor,
} from './onnx-schema';
import { floatTensor, int64Tensor } from './tensor-bytes';

type Layout = 'tf' | 'nchw';

interface Held {
  name: string;
  layout: Layout;
  rank: number;
}

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];

function ints(name: string, values: number[]): OnnxAttribute {
  return { name, type: OnnxAttributeType.INTS, ints: values };
}
function int(name: string, value: number): OnnxAttribute {
  return { name, type: OnnxAttributeType.INT, i: value };
}
function float(name: string, value: number): OnnxAttribute {
  return { name, type: OnnxAttributeType.FLOAT, f: value };
}

/** Emitted graph body; `output` is the name of the final value in TF.js (channels-last) layout. */
export interface EmittedGraph {
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  output: string;
}

export class OnnxEmitter {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly used = new Set<string>();
  private readonly held = new Map<ValueId, Held>();
  private readonly converted = new Map<string, string>();
  private readonly constants = new Map<string, string>();

  constructor(private readonly graph: IrGraph) {}

  /** A name not used yet, readable in Netron: the layer name plus a suffix when needed. */
  private unique(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_./-]/g, '_') || 'value';
    let name = clean;
    for (let n = 1; this.used.has(name); n += 1) name = `${clean}_${n}`;
    this.used.add(name);
    return name;
  }

  private node(
    opType: string,
    layerName: string,
    inputs: string[],
    attributes: OnnxAttribute[] = [],
  ): string {
    const output = this.unique(`${layerName}/${opType}`);
    this.nodes.push({
      name: output,
      opType,
      input: inputs,
      output: [output],
      attribute: attributes,
    });
    return output;
  }

  private initializer(tensor: OnnxTensor): string {
    this.used.add(tensor.name);
    this.initializers.push(tensor);
    return tensor.name;
  }

  private floatInit(base: string, dims: number[], values: ArrayLike<number>): string {
    return this.initializer(floatTensor(this.unique(base), dims, values));
  }

  /** Shared scalar / int64 constants (Clip bounds, Pad amounts, Reshape targets). */
  private constant(key: string, make: (name: string) => OnnxTensor): string {
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.initializer(make(this.unique(`const/${key}`)));
    this.constants.set(key, name);
    return name;
  }

  private holding(value: ValueId): Held {
    const held = this.held.get(value);
    if (!held) throw new Error(`internal: value ${value} used before it was produced`);
    return held;
  }

  /** The value's name in `layout`, adding (once) a Transpose when it is held in the other. */
  private as(value: ValueId, layout: Layout): string {
    const held = this.holding(value);
    if (held.rank !== 4 || held.layout === layout) return held.name;
    const key = `${held.name}->${layout}`;
    let name = this.converted.get(key);
    if (!name) {
      const perm = layout === 'nchw' ? TO_NCHW : TO_NHWC;
      name = this.node('Transpose', `${held.name}/to_${layout}`, [held.name], [ints('perm', perm)]);
      this.converted.set(key, name);
    }
    return name;
  }

  private produce(node: IrNode, name: string, layout: Layout): void {
    const rank = this.graph.values.get(node.output)?.shape.length ?? 0;
    this.held.set(node.output, { name, layout: rank === 4 ? layout : 'tf', rank });
  }

  private emitNode(node: IrNode): void {
    const { op, layerName } = node;
    const input = node.inputs[0]!;
    const current = this.holding(input);
    switch (op.kind) {
      case 'conv': {
        const inputs = [
          this.as(input, 'nchw'),
          this.floatInit(`${layerName}/W`, op.weightShape, op.weights),
        ];
        if (op.bias) inputs.push(this.floatInit(`${layerName}/B`, [op.bias.length], op.bias));
        const { top, left, bottom, right } = op.pads;
        const name = this.node('Conv', layerName, inputs, [
          ints('kernel_shape', op.weightShape.slice(2)),
          ints('strides', op.strides),
          ints('dilations', op.dilations),
          ints('pads', [top, left, bottom, right]),
          int('group', op.group),
        ]);
        return this.produce(node, name, 'nchw');
      }
      case 'batchnorm': {
        const c = op.mean.length;
        const inputs = [
          this.as(input, 'nchw'),
          this.floatInit(`${layerName}/scale`, [c], op.gamma),
          this.floatInit(`${layerName}/B`, [c], op.beta),
          this.floatInit(`${layerName}/mean`, [c], op.mean),
          this.floatInit(`${layerName}/var`, [c], op.variance),
        ];
        const name = this.node('BatchNormalization', layerName, inputs, [
          float('epsilon', op.epsilon),
        ]);
        return this.produce(node, name, 'nchw');
      }
      case 'pad': {
        const { top, left, bottom, right } = op.pads;
        const amounts = [0, 0, top, left, 0, 0, bottom, right];
        const pads = this.constant(`pads_${amounts.join('_')}`, (n) => int64Tensor(n, amounts));
        return this.produce(
          node,
          this.node('Pad', layerName, [this.as(input, 'nchw'), pads]),
          'nchw',
        );
      }
      case 'relu':
      case 'sigmoid':
      case 'tanh': {
        const opType = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh' }[op.kind];
        return this.produce(node, this.node(opType, layerName, [current.name]), current.layout);
      }
      case 'clip': {
        const min = this.constant(`clip_${op.min}`, (n) => floatTensor(n, [], [op.min]));
        const max = this.constant(`clip_${op.max}`, (n) => floatTensor(n, [], [op.max]));
        return this.produce(
          node,
          this.node('Clip', layerName, [current.name, min, max]),
          current.layout,
        );
      }
      case 'softmax': {
        const axis =
          current.rank === 4 && current.layout === 'nchw' ? TO_NCHW.indexOf(op.axis) : op.axis;
        const name = this.node('Softmax', layerName, [current.name], [int('axis', axis)]);
        return this.produce(node, name, current.layout);
      }
      case 'add': {
        const layout: Layout = node.inputs.some((v) => this.holding(v).layout === 'nchw')
          ? 'nchw'
          : 'tf';
        const names = node.inputs.map((v) => this.as(v, layout));
        let sum = names[0]!;
        for (const next of names.slice(1)) sum = this.node('Add', layerName, [sum, next]);
        return this.produce(node, sum, layout);
      }
      case 'globalPool': {
        const opType = op.mode === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool';
        const pooled = this.node(opType, layerName, [this.as(input, 'nchw')]);
        return this.produce(
          node,
          this.node('Flatten', layerName, [pooled], [int('axis', 1)]),
          'tf',
        );
      }
      case 'reshape': {
        // 0 keeps the batch dimension as it is (ONNX Reshape's default, allowzero = 0).
        const target = [0, ...op.targetShape];
        const shape = this.constant(`shape_${target.join('_')}`, (n) => int64Tensor(n, target));
        return this.produce(
          node,
          this.node('Reshape', layerName, [this.as(input, 'tf'), shape]),
          'tf',
        );
      }
      case 'flatten': {
        const name = this.node('Flatten', layerName, [this.as(input, 'tf')], [int('axis', 1)]);
        return this.produce(node, name, 'tf');
      }
      case 'dense': {
        const x = this.as(input, 'tf');
        const kernel = this.floatInit(`${layerName}/W`, [op.inputUnits, op.units], op.kernel);
        const bias = op.bias ? this.floatInit(`${layerName}/B`, [op.units], op.bias) : undefined;
        if (current.rank === 2) {
          const name = this.node('Gemm', layerName, bias ? [x, kernel, bias] : [x, kernel]);
          return this.produce(node, name, 'tf');
        }
        const product = this.node('MatMul', layerName, [x, kernel]);
        return this.produce(
          node,
          bias ? this.node('Add', layerName, [product, bias]) : product,
          'tf',
        );
      }
    }
  }

  /** The name of an emitted value in TF.js (channels-last) layout, after emit(). */
  outputName(value: ValueId): string {
    return this.as(value, 'tf');
  }

  /**
   * Emits every node; the graph input is named `inputName` and held channels-last, or
   * channels-first when `inputLayout` is 'nchw' (then no Transpose is needed before the first
   * convolution).
   */
  emit(inputName: string, inputLayout: Layout = 'tf'): EmittedGraph {
    this.used.add(inputName);
    this.held.set(this.graph.input, { name: inputName, layout: inputLayout, rank: 4 });
    for (const node of this.graph.nodes) this.emitNode(node);
    return {
      nodes: this.nodes,
      initializers: this.initializers,
      output: this.as(this.graph.output, 'tf'),
    };
  }
}
