/**
 * Cheaper ways for two kinds of base layers to compute the same thing while training:
 *
 * - Conv2D through tf.conv2d instead of TF.js Layers' tf.fused.conv2d: the fused op's gradient
 *   computes the input gradient eagerly, even for the first layer, whose input is the image
 *   (no variable behind it); the plain op's gradients are computed only where needed. On wasm
 *   that image gradient alone was ~4% of a full fine-tuning step.
 * - ReLU6 (the `relu6` activation, min(6, relu(x)), and ReLU with maxValue 6, clip(relu(x))) as
 *   one tf.relu6 with its gradient taken from the output in one pass (a single kernel where the
 *   backend has one, see wasm-gradients.ts): as composed ops the forward is two passes over the
 *   activations and the backward five (compare, cast, multiply twice, step).
 *
 * The results are the same to float rounding; only the call changes, never the weights or the
 * saved model.
 */
import * as tf from '@tensorflow/tfjs';
import { RELU6_BACKPROP } from '../backends/wasm-gradients';

/** relu6(x) whose gradient reads only the output (0 < y < 6 ⇔ 0 < x < 6). */
export const relu6 = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const y = tf.relu6(x);
  save([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const out = saved[0]!;
      if (tf.getKernel(RELU6_BACKPROP, tf.getBackend())) {
        return tf.engine().runKernel(RELU6_BACKPROP, { dy, y: out }) as tf.Tensor;
      }
      return dy.mul(tf.logicalAnd(out.greater(0), out.less(6)).cast('float32'));
    },
  };
}) as unknown as (x: tf.Tensor) => tf.Tensor;

type Inputs = tf.Tensor | tf.Tensor[];
const one = (inputs: Inputs): tf.Tensor => (Array.isArray(inputs) ? inputs[0]! : inputs);

interface ConvFields {
  rank: number;
  dataFormat: string;
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  strides: [number, number];
  padding: 'same' | 'valid';
  dilationRate: [number, number];
  activation?: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string };
}

const isRelu6Activation = (activation: ConvFields['activation']): boolean =>
  activation?.getClassName() === 'relu6';

/** Switches the layer to its training-friendly call when it has one (once per layer). */
export function useTrainingCalls(layer: tf.layers.Layer): void {
  const patched = layer as tf.layers.Layer & { trainingCalls?: boolean };
  if (patched.trainingCalls) return;
  const className = layer.getClassName();
  const fields = layer as unknown as ConvFields & { maxValue?: number };
  if (className === 'Conv2D' && fields.rank === 2 && fields.dataFormat === 'channelsLast') {
    layer.call = (inputs) =>
      tf.tidy(() => {
        let y = tf.conv2d(
          one(inputs) as tf.Tensor4D,
          fields.kernel.read() as tf.Tensor4D,
          fields.strides,
          fields.padding,
          'NHWC',
          fields.dilationRate,
        );
        if (fields.bias) y = y.add(fields.bias.read());
        if (isRelu6Activation(fields.activation)) return relu6(y);
        return fields.activation ? fields.activation.apply(y) : y;
      });
  } else if (className === 'Activation' && isRelu6Activation(fields.activation)) {
    layer.call = (inputs) => relu6(one(inputs));
  } else if (className === 'ReLU' && fields.maxValue === 6) {
    layer.call = (inputs) => relu6(one(inputs));
  } else {
    return;
  }
  patched.trainingCalls = true;
}
