import * as tf from '@tensorflow/tfjs';
import { RELU6_BACKPROP } from './wasm-gradients';

/**
 * Fused TensorFlow kernels for the slowest parts of fine-tuning on the native backend.
 *
 * TF.js differentiates op by op in JavaScript. For MobileNet's BatchNorm (in training mode) and
 * ReLU/ReLU6 that means a dozen or more full-size tensor passes per layer, each its own
 * TensorFlow call (ReLU's gradient alone goes through Step = IsNan, Greater, Fill, Select…).
 * TensorFlow has single kernels for all of them: FusedBatchNormV3/FusedBatchNormGradV3 with
 * is_training, ReluGrad and Relu6Grad. Routing to them made a full fine-tuning step of
 * MobileNet v1 0.25 (batch 32) about 3x faster here.
 *
 * Every path checks that the active backend is the native 'tensorflow' one and otherwise runs
 * the stock TF.js code, so installing this never changes results on wasm or cpu.
 */

/** The parts of tfjs-node's NodeJSKernelBackend used here (dist/nodejs_kernel_backend.js). */
interface NativeBackend {
  binding: {
    TF_ATTR_TYPE: number;
    TF_ATTR_FLOAT: number;
    TF_ATTR_BOOL: number;
    TF_ATTR_STRING: number;
    TF_FLOAT: number;
  };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.Tensor[]): tf.Tensor;
  executeMultipleOutputs(
    name: string,
    attrs: OpAttr[],
    inputs: tf.Tensor[],
    numOutputs: number,
  ): tf.Tensor[];
}
interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

const RELU_GRAD = 'TransferStudioNativeReluGrad';
const RELU6_GRAD = 'TransferStudioNativeRelu6Grad';
let installed = false;

function nativeBackend(): NativeBackend | undefined {
  if (tf.getBackend() !== 'tensorflow') return undefined;
  const backend = tf.backend() as unknown as Partial<NativeBackend>;
  return typeof backend.executeMultipleOutputs === 'function' && backend.binding
    ? (backend as NativeBackend)
    : undefined;
}

/** Float32 tensors only: the fused kernels are registered for T=float here. */
function isFloat(...tensors: tf.Tensor[]): boolean {
  return tensors.every((t) => t.dtype === 'float32');
}

/**
 * Installs the fused paths (once per process). Call after the native backend registered;
 * returns false when there is no native 'tensorflow' backend to install them for.
 */
export function installNativeFastGrads(): boolean {
  if (installed) return true;
  if (!tf.findBackend('tensorflow')) return false;
  installed = true;
  installActivationGrads();
  installFusedBatchNorm();
  installRelu6Backprop();
  return true;
}

/**
 * The studio's own ReLU6 (training-calls.ts: its gradient reads the output, 0 < y < 6 ⇔
 * 0 < x < 6) as TensorFlow's one Relu6Grad kernel, instead of greater, less, logical-and, cast
 * and multiply over every activation.
 */
function installRelu6Backprop(): void {
  tf.registerKernel({
    kernelName: RELU6_BACKPROP,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend }) => {
      const native = backend as unknown as NativeBackend;
      const type = { name: 'T', type: native.binding.TF_ATTR_TYPE, value: native.binding.TF_FLOAT };
      return native.executeSingleOutput(
        'Relu6Grad',
        [type],
        [inputs.dy as tf.Tensor, inputs.y as tf.Tensor],
      );
    },
  });
}

/** The fields of a BatchNorm held in inference mode (model-parts.ts) this needs. */
export interface FrozenBatchNorm {
  x: tf.Tensor;
  gamma: tf.Tensor;
  beta: tf.Tensor;
  movingMean: tf.Tensor;
  movingVariance: tf.Tensor;
  epsilon: number;
}

/**
 * BatchNorm with its moving statistics (the studio holds every base BatchNorm so while
 * fine-tuning) as one TensorFlow kernel each way: FusedBatchNormV3 with is_training false, and
 * FusedBatchNormGradV3, which gives the gradients of x, γ and β in one pass. Written as TF.js
 * ops, the same map is a multiply and an add forward and three multiplies and two sums back,
 * each over every activation. Undefined off the native backend or for other shapes (the caller
 * then writes it as ops); γ and β get the same gradients either way, to float rounding.
 */
export function nativeFrozenBatchNorm(bn: FrozenBatchNorm): tf.Tensor | undefined {
  const native = nativeBackend();
  const { x, gamma, beta, movingMean, movingVariance } = bn;
  if (!native || x.rank !== 4 || !isFloat(x, gamma, beta, movingMean, movingVariance)) {
    return undefined;
  }
  const { binding } = native;
  const attrs: OpAttr[] = [
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'U', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'epsilon', type: binding.TF_ATTR_FLOAT, value: bn.epsilon },
    { name: 'data_format', type: binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: binding.TF_ATTR_BOOL, value: false },
  ];
  const op = tf.customGrad((input, scale, offset, save) => {
    const outputs = native.executeMultipleOutputs(
      'FusedBatchNormV3',
      [...attrs, { name: 'exponential_avg_factor', type: binding.TF_ATTR_FLOAT, value: 1 }],
      [input as tf.Tensor, scale as tf.Tensor, offset as tf.Tensor, movingMean, movingVariance],
      6,
    );
    // Only y and reserve_space_3 are used; with is_training false the gradient kernel reads
    // the moving statistics themselves as reserve_space_1 and 2.
    tf.dispose(outputs.slice(1, 5));
    (save as (tensors: tf.Tensor[]) => void)([input as tf.Tensor, scale as tf.Tensor, outputs[5]!]);
    return {
      value: outputs[0]!,
      gradFunc: (dy, saved) => {
        const [savedX, savedScale, reserve3] = saved as [tf.Tensor, tf.Tensor, tf.Tensor];
        const [dx, dScale, dOffset, ...rest] = native.executeMultipleOutputs(
          'FusedBatchNormGradV3',
          attrs,
          [dy as tf.Tensor, savedX, savedScale, movingMean, movingVariance, reserve3],
          5,
        );
        tf.dispose(rest);
        return [dx!, dScale!, dOffset!];
      },
    };
  }) as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;
  return op(x, gamma, beta);
}

function installActivationGrads(): void {
  for (const [kernelName, tfOp] of [
    [RELU_GRAD, 'ReluGrad'],
    [RELU6_GRAD, 'Relu6Grad'],
  ] as const) {
    tf.registerKernel({
      kernelName,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, backend }) => {
        const native = backend as unknown as NativeBackend;
        const type = {
          name: 'T',
          type: native.binding.TF_ATTR_TYPE,
          value: native.binding.TF_FLOAT,
        };
        return native.executeSingleOutput(
          tfOp,
          [type],
          [inputs.dy as tf.Tensor, inputs.x as tf.Tensor],
        );
      },
    });
  }
  for (const [kernelName, fused] of [
    ['Relu', RELU_GRAD],
    ['Relu6', RELU6_GRAD],
  ] as const) {
    const stock = tf.getGradient(kernelName);
    if (!stock) continue;
    tf.registerGradient({
      ...stock,
      gradFunc: (dy, saved, attrs) => {
        const [x] = saved;
        if (!nativeBackend() || !x || Array.isArray(dy) || !isFloat(x, dy)) {
          return stock.gradFunc(dy, saved, attrs);
        }
        return { x: () => tf.engine().runKernel(fused, { dy, x }) as tf.Tensor };
      },
    });
  }
  // tfjs-layers computes the 'relu6' activation as minimum(6, relu(x)): two recorded ops and
  // two gradients. relu6(x) is the same function in one op with one fused gradient.
  const relu6Class = tf.serialization.SerializationMap.getMap().classNameMap['relu6']?.[0] as
    { prototype: { apply(x: tf.Tensor): tf.Tensor } } | undefined;
  if (relu6Class) {
    const stockApply = relu6Class.prototype.apply;
    relu6Class.prototype.apply = function (this: unknown, x: tf.Tensor) {
      return nativeBackend() && isFloat(x) ? tf.relu6(x) : stockApply.call(this, x);
    };
  }
}

/** The tfjs-layers BatchNormalization members this reads (layers/normalization.js). */
interface BatchNormLayer {
  axis: number;
  center: boolean;
  scale: boolean;
  epsilon: number;
  momentum: number;
  gamma: tf.LayerVariable;
  beta: tf.LayerVariable;
  movingMean: tf.LayerVariable;
  movingVariance: tf.LayerVariable;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor | tf.Tensor[];
}

function installFusedBatchNorm(): void {
  const proto = Object.getPrototypeOf(tf.layers.batchNormalization({})) as BatchNormLayer;
  const stockCall = proto.call;
  proto.call = function (this: BatchNormLayer, inputs, kwargs) {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const native = nativeBackend();
    const channelsLast = x !== undefined && (this.axis === -1 || this.axis === x.rank - 1);
    if (!kwargs.training || !native || !x || x.rank !== 4 || !channelsLast) {
      return stockCall.call(this, inputs, kwargs);
    }
    if (!this.center || !this.scale || !isFloat(x)) return stockCall.call(this, inputs, kwargs);
    return tf.tidy(() => {
      const stats: { mean?: tf.Tensor; variance?: tf.Tensor } = {};
      const y = fusedBatchNormTraining(native, this.epsilon, stats)(
        x as tf.Tensor4D,
        this.gamma.read(),
        this.beta.read(),
      );
      // The moving averages, updated exactly as tfjs-layers does after its own batch norm.
      for (const [variable, value] of [
        [this.movingMean, stats.mean],
        [this.movingVariance, stats.variance],
      ] as const) {
        if (!value) continue;
        tf.tidy(() => {
          const old = variable.read();
          variable.write(tf.sub(old, tf.mul(tf.sub(old, value), 1 - this.momentum)));
        });
        value.dispose();
      }
      return y;
    });
  };
}

/**
 * Batch norm over N, H, W in one TensorFlow kernel, with TensorFlow's fused gradient. The batch
 * mean and (biased, as in tfjs-layers) variance come back through `stats`, kept for the caller.
 */
function fusedBatchNormTraining(
  native: NativeBackend,
  epsilon: number,
  stats: { mean?: tf.Tensor; variance?: tf.Tensor },
): (x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor4D {
  const { binding } = native;
  const attrs = (): OpAttr[] => [
    { name: 'T', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'U', type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
    { name: 'epsilon', type: binding.TF_ATTR_FLOAT, value: epsilon },
    { name: 'data_format', type: binding.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: binding.TF_ATTR_BOOL, value: true },
  ];
  return tf.customGrad((x, gamma, beta, save) => {
    const empty = tf.tensor1d([]);
    const [y, mean, unbiasedVariance, reserve1, reserve2, reserve3] = native.executeMultipleOutputs(
      'FusedBatchNormV3',
      [...attrs(), { name: 'exponential_avg_factor', type: binding.TF_ATTR_FLOAT, value: 1 }],
      [x as tf.Tensor, gamma as tf.Tensor, beta as tf.Tensor, empty, empty],
      6,
    ) as [tf.Tensor4D, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    // TensorFlow reports the variance with Bessel's correction; tfjs-layers tracks the biased one.
    const n = (x as tf.Tensor).size / (x as tf.Tensor).shape[3]!;
    stats.mean = tf.keep(mean);
    stats.variance = tf.keep(tf.mul(unbiasedVariance, n > 1 ? (n - 1) / n : 1));
    (save as (tensors: tf.Tensor[]) => void)([
      x as tf.Tensor,
      gamma as tf.Tensor,
      reserve1,
      reserve2,
      reserve3,
    ]);
    return {
      value: y,
      gradFunc: (dy, saved) => {
        const [dx, dGamma, dBeta] = native.executeMultipleOutputs(
          'FusedBatchNormGradV3',
          attrs(),
          [dy as tf.Tensor, ...saved],
          5,
        );
        return [dx!, dGamma!, dBeta!];
      },
    };
  }) as (x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor4D;
}
