/**
 * The pieces of the model the worker trains: the base cut at the feature layer, frozen as the
 * freeze plan says, and a small classification head (pooling, dropout, softmax) on top.
 */
import * as tf from '@tensorflow/tfjs';
import type { FreezePlan } from '../../../shared/domain';

/**
 * Sets which base layers train and returns the names of the trainable ones. Layers the plan
 * names that do not exist, or have no weights, are reported so the caller can warn.
 *
 * Every BatchNormalization layer of the base is also held in inference mode: TF.js otherwise
 * normalises with batch statistics and rewrites the moving averages during training even for
 * frozen layers, which would quietly change the pretrained base (Keras' fine-tuning advice is
 * the same: keep BN in inference mode).
 */
export function applyFreezePlan(
  cut: tf.LayersModel,
  plan: FreezePlan,
): { trainable: string[]; unknown: string[]; withoutWeights: string[] } {
  const wanted = new Set(plan.mode === 'custom' ? plan.trainableLayers : []);
  const trainable: string[] = [];
  const withoutWeights: string[] = [];
  for (const layer of cut.layers) {
    const train = wanted.has(layer.name);
    layer.trainable = train;
    if (train && layer.weights.length === 0) withoutWeights.push(layer.name);
    else if (train) trainable.push(layer.name);
    if (layer.getClassName() === 'BatchNormalization') holdInInferenceMode(layer);
  }
  const names = new Set(cut.layers.map((layer) => layer.name));
  return { trainable, unknown: [...wanted].filter((name) => !names.has(name)), withoutWeights };
}

function holdInInferenceMode(layer: tf.layers.Layer): void {
  const patched = layer as tf.layers.Layer & { inferenceOnly?: boolean };
  if (patched.inferenceOnly) return;
  const call = layer.call.bind(layer);
  layer.call = (inputs, kwargs) => call(inputs, { ...kwargs, training: false });
  patched.inferenceOnly = true;
}

export interface Head {
  /** Global average pooling, absent when the feature layer is already a vector. */
  pool?: tf.layers.Layer;
  dropout: tf.layers.Layer;
  dense: tf.layers.Layer;
  /** Number of features after pooling (the head's input width). */
  featureCount: number;
}

/** Pooling → Dropout → Dense(softmax), seeded so a run can be repeated. */
export function createHead(
  featureShape: readonly (number | null)[],
  classCount: number,
  dropout: number,
  seed: number,
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
    dropout: tf.layers.dropout({ rate: dropout, seed, name: 'head_dropout' }),
    dense: tf.layers.dense({
      units: classCount,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      name: 'head_dense',
    }),
    featureCount,
  };
}

/** The head alone, on pooled feature vectors (the fast path trains this). */
export function headModel(head: Head): tf.LayersModel {
  const input = tf.input({ shape: [head.featureCount], name: 'head_features' });
  const output = head.dense.apply(head.dropout.apply(input)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output, name: 'head' });
}

/** Base cut + head as one model from images to class probabilities (what is saved). */
export function fullModel(cut: tf.LayersModel, head: Head): tf.LayersModel {
  let x = cut.outputs[0]!;
  if (head.pool) x = head.pool.apply(x) as tf.SymbolicTensor;
  const output = head.dense.apply(head.dropout.apply(x)) as tf.SymbolicTensor;
  return tf.model({ inputs: cut.inputs, outputs: output, name: 'transfer_studio_classifier' });
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
