/**
 * What trains: the trainable part of the base (when the plan unfreezes layers) and the head,
 * with one optimizer per group so the head and the base each get their own learning rate. The
 * step is written out (not model.trainOnBatch) for what Keras' fit would need callbacks for:
 * class weights, label smoothing, seeded dropout masks and per-group rates.
 */
import * as tf from '@tensorflow/tfjs';
import { FlatAdam } from './flat-adam';
import { HostDenseHead, type HostUpdate } from './host-dense-head';
import { hostValues } from './host-values';
import type { Head } from './model-parts';
import { headLayers } from './model-parts';

export interface NetOptions {
  head: Head;
  /** The trainable part of the base (boundary tensors → feature map); absent when frozen. */
  trainable?: tf.LayersModel;
  /** True when the inputs are pooled feature vectors (no trainable base part, pooling done). */
  inputsPooled: boolean;
  classCount: number;
  labelSmoothing: number;
  /** Loss weight of each class (index = label); absent means 1 for all. */
  classWeights?: readonly number[];
  optimizer: 'adam' | 'sgd';
  momentum: number;
  /** BatchNorm layers of the trainable part normalise with batch statistics (bnPolicy 'adapt'). */
  batchNormTrains: boolean;
  /** Seeded generator for the dropout masks. */
  random: () => number;
  /**
   * 'auto' (default): a dense softmax head on pooled features with no trainable base part trains
   * on the host (host-dense-head.ts); 'tfjs': every step as TF.js ops (the reference it is
   * tested against).
   */
  engine?: 'auto' | 'tfjs';
}

export interface Rates {
  head: number;
  /** 0 keeps the base part frozen (first phase of fine-tuning). */
  base: number;
}

export interface BatchResult {
  /** Mean loss of the batch (as optimised: weighted, smoothed). */
  loss: number;
  correct: number;
}

type Optimizer = tf.Optimizer & { learningRate: number; setLearningRate?: (rate: number) => void };

function createOptimizer(kind: 'adam' | 'sgd', momentum: number): Optimizer {
  const optimizer = kind === 'adam' ? tf.train.adam(1e-3) : tf.train.momentum(1e-3, momentum);
  return optimizer as unknown as Optimizer;
}

/** The host step for a plain dense softmax head with nothing of the base training, if it fits. */
function hostHead(options: NetOptions, optimizer: Optimizer): HostDenseHead | undefined {
  const { head } = options;
  const config = head.dense.getConfig();
  const weights = head.dense.trainableWeights.map((weight) => weight.read() as tf.Variable);
  const kernel = weights.find((weight) => weight.rank === 2);
  const bias = weights.find((weight) => weight.rank === 1);
  if (options.engine === 'tfjs' || options.trainable || head.hidden) return undefined;
  if (config.activation !== 'softmax' || !kernel || !bias || weights.length !== 2) return undefined;
  const fields = optimizer as unknown as Record<string, number>;
  const update: HostUpdate =
    options.optimizer === 'adam'
      ? { kind: 'adam', beta1: fields.beta1!, beta2: fields.beta2!, epsilon: fields.epsilon! }
      : { kind: 'momentum', momentum: fields.momentum! };
  return new HostDenseHead(kernel, bias, update, {
    classCount: options.classCount,
    labelSmoothing: options.labelSmoothing,
    ...(options.classWeights ? { classWeights: options.classWeights } : {}),
    dropout: head.rate,
    random: options.random,
  });
}

/** What a group's optimizer needs to do here (a TF.js optimizer, or FlatAdam). */
interface GroupOptimizer {
  learningRate: number;
  setLearningRate?: (rate: number) => void;
  applyGradients(grads: tf.NamedTensorMap): void;
  dispose(): void;
}

function setRate(optimizer: GroupOptimizer, rate: number): void {
  // SGD keeps the rate as a tensor (setLearningRate); Adam reads the field at every step.
  if (optimizer.setLearningRate) optimizer.setLearningRate(rate);
  else optimizer.learningRate = rate;
}

const variablesOf = (layers: tf.layers.Layer[]): tf.Variable[] =>
  layers.flatMap((layer) => layer.trainableWeights.map((weight) => weight.read() as tf.Variable));

export class TrainableNet {
  private readonly headOptimizer: Optimizer;
  private readonly baseOptimizer: GroupOptimizer;
  private readonly headVariables: tf.Variable[];
  private readonly baseVariables: tf.Variable[];
  private readonly weightsTensor: tf.Tensor1D | undefined;
  /** The host step, when the head allows it (then the TF.js optimizers stay unused). */
  private readonly host: HostDenseHead | undefined;

  constructor(private readonly options: NetOptions) {
    this.headOptimizer = createOptimizer(options.optimizer, options.momentum);
    this.headVariables = variablesOf(headLayers(options.head));
    this.baseVariables = options.trainable
      ? options.trainable.trainableWeights.map((weight) => weight.read() as tf.Variable)
      : [];
    // The base part has dozens of weights: on native TF, Adam over them as one vector
    // (flat-adam.ts). Not on wasm: there the joined vector and its temporaries tipped a
    // fine-tuning step at the edge of the 4 GiB heap over it (memory-fallback.test.ts).
    this.baseOptimizer =
      options.optimizer === 'adam' && tf.getBackend() === 'tensorflow'
        ? new FlatAdam(this.baseVariables)
        : createOptimizer(options.optimizer, options.momentum);
    this.weightsTensor = options.classWeights
      ? tf.tensor1d(options.classWeights as number[])
      : undefined;
    this.host = hostHead(options, this.headOptimizer);
  }

  /** Where steps compute: 'host' (host-dense-head.ts) or 'tfjs' (TF.js ops with the tape). */
  get engine(): 'host' | 'tfjs' {
    return this.host ? 'host' : 'tfjs';
  }

  /** Whether there are base weights to train in a fine-tuning phase. */
  get hasBaseWeights(): boolean {
    return this.baseVariables.length > 0;
  }

  /** Every variable that can train (head and base part), for snapshots. */
  get variables(): tf.Variable[] {
    this.host?.flush();
    return [...this.headVariables, ...this.baseVariables];
  }

  private dropoutMask(rows: number, width: number): tf.Tensor2D {
    const rate = this.options.head.rate;
    const keep = 1 / (1 - rate);
    const mask = new Float32Array(rows * width);
    for (let i = 0; i < mask.length; i += 1) mask[i] = this.options.random() < rate ? 0 : keep;
    return tf.tensor2d(mask, [rows, width]);
  }

  private dropout(x: tf.Tensor2D, training: boolean): tf.Tensor2D {
    if (!training || this.options.head.rate <= 0) return x;
    return x.mul(this.dropoutMask(x.shape[0], x.shape[1])) as tf.Tensor2D;
  }

  /** Probabilities for a batch of boundary tensors (or pooled features). */
  forward(inputs: tf.Tensor[], training: boolean): tf.Tensor2D {
    this.host?.flush();
    const { head, trainable } = this.options;
    let x: tf.Tensor;
    if (trainable) {
      x = trainable.apply(inputs.length === 1 ? inputs[0]! : inputs, {
        training: training && this.options.batchNormTrains,
      }) as tf.Tensor;
    } else {
      x = inputs[0]!;
    }
    if (!this.options.inputsPooled && head.pool) x = head.pool.apply(x) as tf.Tensor;
    let h = this.dropout(x as tf.Tensor2D, training);
    if (head.hidden) h = this.dropout(head.hidden.dense.apply(h) as tf.Tensor2D, training);
    return head.dense.apply(h) as tf.Tensor2D;
  }

  /** Per-example loss against smoothed one-hot targets. */
  private examplesLoss(probabilities: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
    const { classCount, labelSmoothing } = this.options;
    const truth = tf.oneHot(labels, classCount).toFloat();
    const target = labelSmoothing
      ? truth.mul(1 - labelSmoothing).add(labelSmoothing / classCount)
      : truth;
    return target
      .mul(probabilities.clipByValue(1e-7, 1 - 1e-7).log())
      .sum(1)
      .neg() as tf.Tensor1D;
  }

  /** Pooled feature rows of a batch on the host (pooled on the backend first when needed). */
  private hostRows(inputs: tf.Tensor[]): Float32Array {
    const input = inputs[0]!;
    if (input.rank === 2 || !this.options.head.pool) return hostValues(input);
    const pooled = tf.tidy(() => this.options.head.pool!.apply(input) as tf.Tensor);
    try {
      return hostValues(pooled);
    } finally {
      pooled.dispose();
    }
  }

  /** One optimisation step on a batch; the base part trains only when `rates.base` > 0. */
  async trainStep(
    inputs: tf.Tensor[],
    labels: readonly number[],
    rates: Rates,
  ): Promise<BatchResult> {
    if (this.host) return this.host.step(this.hostRows(inputs), labels, rates.head);
    const trainBase = rates.base > 0 && this.baseVariables.length > 0;
    const variables = trainBase ? this.variables : this.headVariables;
    setRate(this.headOptimizer, rates.head);
    if (trainBase) setRate(this.baseOptimizer, rates.base);
    const labelTensor = tf.tensor1d(labels as number[], 'int32');
    let correct: tf.Scalar | undefined;
    let computed: { value: tf.Scalar; grads: tf.NamedTensorMap };
    try {
      computed = tf.variableGrads(() => {
        const probabilities = this.forward(inputs, true);
        correct = tf.keep(probabilities.argMax(1).equal(labelTensor).sum().toFloat() as tf.Scalar);
        const losses = this.examplesLoss(probabilities, labelTensor);
        const weighted = this.weightsTensor
          ? losses.mul(this.weightsTensor.gather(labelTensor))
          : losses;
        return weighted.mean() as tf.Scalar;
      }, variables);
    } catch (error) {
      // e.g. out of memory: the caller may retry smaller, so nothing of this try may stay.
      tf.dispose([labelTensor, ...(correct ? [correct] : [])]);
      throw error;
    }
    const { value, grads } = computed;
    const headNames = new Set(this.headVariables.map((variable) => variable.name));
    const headGrads: tf.NamedTensorMap = {};
    const baseGrads: tf.NamedTensorMap = {};
    for (const [name, grad] of Object.entries(grads)) {
      (headNames.has(name) ? headGrads : baseGrads)[name] = grad;
    }
    this.headOptimizer.applyGradients(headGrads);
    if (trainBase) this.baseOptimizer.applyGradients(baseGrads);
    const [loss, hits] = await Promise.all([value.data(), correct!.data()]);
    tf.dispose([value, correct!, labelTensor, ...Object.values(grads)]);
    return { loss: loss[0]!, correct: hits[0]! };
  }

  /** Loss sum (smoothed, unweighted, as Keras validates), hits and probabilities of a batch. */
  async evaluate(
    inputs: tf.Tensor[],
    labels: readonly number[],
  ): Promise<{ lossSum: number; correct: number; probabilities: Float32Array }> {
    if (this.host) {
      // Validation closes every epoch: the layers get the epoch's weights here at the latest.
      this.host.flush();
      return this.host.evaluate(this.hostRows(inputs), labels);
    }
    const [lossSum, correct, probabilities] = tf.tidy(() => {
      const labelTensor = tf.tensor1d(labels as number[], 'int32');
      const p = this.forward(inputs, false);
      return [
        this.examplesLoss(p, labelTensor).sum(),
        p.argMax(1).equal(labelTensor).sum().toFloat(),
        p,
      ];
    });
    const values = await Promise.all([lossSum.data(), correct.data(), probabilities.data()]);
    tf.dispose([lossSum, correct, probabilities]);
    return {
      lossSum: values[0][0]!,
      correct: values[1][0]!,
      probabilities: values[2] as Float32Array,
    };
  }

  /** Copies of every trainable variable (for best-weights restore). */
  snapshot(): tf.Tensor[] {
    return this.variables.map((variable) => tf.clone(variable));
  }

  /**
   * Writes host-trained weights into the head's layers. Steps on the host leave the layers
   * behind until then (writing them back costs more than the step itself); evaluate, snapshot,
   * restore, forward and `variables` do it first, so only a caller reading the layers right
   * after trainStep needs this.
   */
  syncWeights(): void {
    this.host?.flush();
  }

  restore(snapshot: readonly tf.Tensor[]): void {
    this.variables.forEach((variable, index) => variable.assign(snapshot[index]!));
  }

  dispose(): void {
    this.headOptimizer.dispose();
    this.baseOptimizer.dispose();
    this.weightsTensor?.dispose();
  }
}
