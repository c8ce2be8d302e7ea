/**
 * The range of every value of the intermediate graph on representative images, for int8
 * quantization: the IR run with TF.js ops (the same fused graph the TFLite file is lowered
 * from, so each range belongs to exactly one TFLite tensor).
 */
import * as tf from '@tensorflow/tfjs';
import type { IrGraph, IrNode, ValueId } from '../onnx/layer-ir';
import type { ValueRange } from './quantize';

type ConvOp = Extract<IrNode['op'], { kind: 'conv' }>;

/** ONNX [O, I/g, kH, kW] -> TF.js HWIO (conv) or [kH, kW, C, multiplier] (depthwise). */
function convKernel(op: ConvOp, depthwise: boolean): tf.Tensor4D {
  const [o, i, kh, kw] = op.weightShape;
  const onnx = tf.tensor4d(op.weights, [o, i, kh, kw]);
  const hwio = tf.transpose(onnx, [2, 3, 1, 0]);
  if (!depthwise) return hwio;
  // Depthwise output channel c*m + k reads input channel c: [kH, kW, C, m].
  return hwio.reshape([kh, kw, op.group, o / op.group]);
}

function runConv(x: tf.Tensor4D, op: ConvOp): tf.Tensor4D {
  const { top, bottom, left, right } = op.pads;
  const padded = tf.pad(x, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
  const depthwise = op.group > 1;
  const kernel = convKernel(op, depthwise);
  const y = depthwise
    ? tf.depthwiseConv2d(padded, kernel, op.strides, 'valid', 'NHWC', op.dilations)
    : tf.conv2d(padded, kernel, op.strides, 'valid', 'NHWC', op.dilations);
  return op.bias ? tf.add(y, op.bias) : y;
}

function runNode(node: IrNode, inputs: tf.Tensor[]): tf.Tensor {
  const { op } = node;
  const x = inputs[0]!;
  switch (op.kind) {
    case 'conv':
      return runConv(x as tf.Tensor4D, op);
    case 'batchnorm':
      return tf.batchNorm(x, op.mean, op.variance, op.beta, op.gamma, op.epsilon);
    case 'pad':
      return tf.pad(x, [
        [0, 0],
        [op.pads.top, op.pads.bottom],
        [op.pads.left, op.pads.right],
        [0, 0],
      ]);
    case 'relu':
      return tf.relu(x);
    case 'clip':
      return tf.clipByValue(x, op.min, op.max);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'softmax':
      return tf.softmax(x, op.axis);
    case 'add':
      return inputs.slice(1).reduce((sum, next) => tf.add(sum, next), x);
    case 'globalPool':
      return op.mode === 'max' ? tf.max(x, [1, 2]) : tf.mean(x, [1, 2]);
    case 'reshape':
      return tf.reshape(x, [-1, ...op.targetShape]);
    case 'flatten':
      return tf.reshape(x, [x.shape[0]!, -1]);
    case 'dense': {
      const y = tf.matMul(x as tf.Tensor2D, tf.tensor2d(op.kernel, [op.inputUnits, op.units]));
      return op.bias ? tf.add(y, op.bias) : y;
    }
  }
}

/** Min and max of every value over `batches` (NHWC float32 images, `count` each). */
export async function calibrateRanges(
  graph: IrGraph,
  batches: AsyncIterable<{ images: Float32Array; count: number }>,
): Promise<Map<ValueId, ValueRange>> {
  const ranges = new Map<ValueId, ValueRange>();
  const [, height, width, channels] = graph.values.get(graph.input)!.shape as number[];
  for await (const batch of batches) {
    const observed = tf.tidy(() => {
      const values = new Map<ValueId, tf.Tensor>();
      values.set(graph.input, tf.tensor4d(batch.images, [batch.count, height!, width!, channels!]));
      for (const node of graph.nodes) {
        values.set(
          node.output,
          runNode(
            node,
            node.inputs.map((id) => values.get(id)!),
          ),
        );
      }
      return [...values].map(([id, t]) => [id, tf.stack([t.min(), t.max()])] as const);
    });
    for (const [id, minMax] of observed) {
      const [low, high] = (await minMax.data()) as Float32Array;
      minMax.dispose();
      const known = ranges.get(id);
      ranges.set(id, known ? [Math.min(known[0], low!), Math.max(known[1], high!)] : [low!, high!]);
    }
  }
  return ranges;
}
