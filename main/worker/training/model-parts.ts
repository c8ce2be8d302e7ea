/**
 * The pieces of the model the worker trains: the base cut at the feature layer, frozen as the
 * freeze plan says, and a small classification head (pooling, dropout, softmax) on top.
 */
import * as tf from '@tensorflow/tfjs';
import type { FreezePlan } from '../../../shared/domain';
import { nativeFrozenBatchNorm } from '../backends/native-fast-grads';
import { useTrainingCalls } from './training-calls';

/**
 * Sets which base layers train and returns the names of the trainable ones. Layers the plan
 * names that do not exist, or have no weights, are reported so the caller can warn.
 *
 * Every BatchNormalization layer of the base is also held in inference mode: TF.js otherwise
 * normalises with batch statistics and rewrites the moving averages during training even for
 * frozen layers, which would quietly change the pretrained base (Keras' fine-tuning advice is
 * the same: keep BN in inference mode). Convolutions and ReLU6 switch to calls that are cheaper
 * to train through (training-calls.ts).
 */
export function applyFreezePlan(
  cut: tf.LayersModel,
  plan: FreezePlan,
): { trainable: string[]; unknown: string[]; withoutWeights: string[] } {
  const wanted = new Set(plan.mode === 'custom' ? plan.trainableLayers : []);
  // 'adapt' (fastai's train_bn): every BatchNorm trains and normalises with batch statistics.
  const adaptBatchNorm = plan.bnPolicy === 'adapt' && wanted.size > 0;
  const trainable: string[] = [];
  const withoutWeights: string[] = [];
  for (const layer of cut.layers) {
    const isBatchNorm = layer.getClassName() === 'BatchNormalization';
    const train = wanted.has(layer.name) || (adaptBatchNorm && isBatchNorm);
    layer.trainable = train;
    if (train && layer.weights.length === 0) withoutWeights.push(layer.name);
    else if (train) trainable.push(layer.name);
    if (isBatchNorm && !adaptBatchNorm) holdInInferenceMode(layer);
    useTrainingCalls(layer);
  }
  const names = new Set(cut.layers.map((layer) => layer.name));
  return { trainable, unknown: [...wanted].filter((name) => !names.has(name)), withoutWeights };
}

interface BatchNormWeights {
  movingMean: { read(): tf.Tensor };
  movingVariance: { read(): tf.Tensor };
  gamma?: { read(): tf.Tensor } | null;
  beta?: { read(): tf.Tensor } | null;
  epsilon: number;
  axis: number | number[];
}

/**
 * Normalises with the moving statistics whatever the `training` flag says. Written as the
 * affine map it is in inference mode (x·s + (β − μ·s), s = γ/√(σ²+ε)) rather than through
 * TF.js's batchNorm op, whose gradient broadcasts with tiles and is several times slower to
 * train through; the result is the same to float rounding, and γ, β still train. On native
 * TensorFlow it is TensorFlow's fused kernel each way (nativeFrozenBatchNorm).
 */
function holdInInferenceMode(layer: tf.layers.Layer): void {
  const patched = layer as tf.layers.Layer & { inferenceOnly?: boolean };
  if (patched.inferenceOnly) return;
  const call = layer.call.bind(layer);
  const bn = layer as unknown as BatchNormWeights;
  const axis = Array.isArray(bn.axis) ? bn.axis : [bn.axis];
  const lastAxis = axis.length === 1 && (axis[0] === -1 || axis[0] === 3);
  layer.call = (inputs, kwargs) => {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor;
    if (!lastAxis || x.rank !== 4) return call(inputs, { ...kwargs, training: false });
    const fused =
      bn.gamma && bn.beta
        ? nativeFrozenBatchNorm({
            x,
            gamma: bn.gamma.read(),
            beta: bn.beta.read(),
            movingMean: bn.movingMean.read(),
            movingVariance: bn.movingVariance.read(),
            epsilon: bn.epsilon,
          })
        : undefined;
    if (fused) return fused;
    const mean = bn.movingMean.read();
    const inverse = tf.rsqrt(bn.movingVariance.read().add(bn.epsilon));
    const scale = bn.gamma ? inverse.mul(bn.gamma.read()) : inverse;
    const shift = bn.beta ? bn.beta.read().sub(mean.mul(scale)) : mean.mul(scale).neg();
    return x.mul(scale).add(shift);
  };
  patched.inferenceOnly = true;
}

export interface Head {
  /** Global average pooling, absent when the feature layer is already a vector. */
  pool?: tf.layers.Layer;
  /**
   * Kept in the saved model (inert at inference). Training applies its own seeded masks
   * instead: TF.js's seeded dropout draws the same mask at every step.
   */
  dropout: tf.layers.Layer;
  /** Optional hidden layer (Dense + ReLU) and its dropout. */
  hidden?: { dense: tf.layers.Layer; dropout: tf.layers.Layer };
  dense: tf.layers.Layer;
  /** Number of features after pooling (the head's input width). */
  featureCount: number;
  /** Dropout rate applied before each dense layer while training. */
  rate: number;
}

/** The head's layers in order (after pooling), for its weights. */
export function headLayers(head: Head): tf.layers.Layer[] {
  return [head.dense, ...(head.hidden ? [head.hidden.dense] : [])];
}

/** Pooling → Dropout → [Dense(ReLU) → Dropout] → Dense(softmax), seeded so a run can be repeated. */
export function createHead(
  featureShape: readonly (number | null)[],
  classCount: number,
  dropout: number,
  seed: number,
  hiddenUnits = 0,
): Head {
  const spatial = featureShape.length === 4;
  const featureCount = featureShape[featureShape.length - 1];
  if (!featureCount || (!spatial && featureShape.length !== 2)) {
    throw new Error(
      `The feature layer outputs shape [${featureShape.join(', ')}]; the head needs a feature map ` +
        '[batch, height, width, channels] or a vector [batch, features]. Choose another feature layer.',
    );
  }
  return {
    ...(spatial ? { pool: tf.layers.globalAveragePooling2d({ name: 'head_pool' }) } : {}),
    dropout: tf.layers.dropout({ rate: dropout, name: 'head_dropout' }),
    ...(hiddenUnits > 0
      ? {
          hidden: {
            dense: tf.layers.dense({
              units: hiddenUnits,
              activation: 'relu',
              kernelInitializer: tf.initializers.heNormal({ seed: seed + 1 }),
              name: 'head_hidden',
            }),
            dropout: tf.layers.dropout({ rate: dropout, name: 'head_hidden_dropout' }),
          },
        }
      : {}),
    rate: dropout,
    dense: tf.layers.dense({
      units: classCount,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      name: 'head_dense',
    }),
    featureCount,
  };
}

/** Applies the head after pooling (symbolically), as the saved model has it. */
function applyHead(head: Head, pooled: tf.SymbolicTensor): tf.SymbolicTensor {
  let x = head.dropout.apply(pooled) as tf.SymbolicTensor;
  if (head.hidden) {
    x = head.hidden.dropout.apply(head.hidden.dense.apply(x)) as tf.SymbolicTensor;
  }
  return head.dense.apply(x) as tf.SymbolicTensor;
}

/** The head alone, on pooled feature vectors. */
export function headModel(head: Head): tf.LayersModel {
  const input = tf.input({ shape: [head.featureCount], name: 'head_features' });
  return tf.model({ inputs: input, outputs: applyHead(head, input), name: 'head' });
}

/** Base cut + head as one model from images to class probabilities (what is saved). */
export function fullModel(cut: tf.LayersModel, head: Head): tf.LayersModel {
  let x = cut.outputs[0]!;
  if (head.pool) x = head.pool.apply(x) as tf.SymbolicTensor;
  return tf.model({
    inputs: cut.inputs,
    outputs: applyHead(head, x),
    name: 'transfer_studio_classifier',
  });
}

/** Categorical cross-entropy and accuracy of `probabilities` against integer `labels`. */
export function lossAndAccuracy(
  probabilities: tf.Tensor2D,
  labels: readonly number[],
  classCount: number,
): { lossSum: tf.Scalar; correct: tf.Scalar } {
  return tf.tidy(() => {
    const truth = tf.oneHot(tf.tensor1d(labels as number[], 'int32'), classCount).toFloat();
    const clipped = probabilities.clipByValue(1e-7, 1 - 1e-7);
    const lossSum = truth.mul(clipped.log()).sum().neg() as tf.Scalar;
    const predicted = probabilities.argMax(1);
    const correct = predicted
      .equal(tf.tensor1d(labels as number[], 'int32'))
      .sum()
      .toFloat() as tf.Scalar;
    return { lossSum, correct };
  });
}
