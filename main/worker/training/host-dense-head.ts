/**
 * The training step of a dense softmax head on pooled features, computed on the host
 * (Float32Array loops) instead of as TF.js ops.
 *
 * Why: a head step is tiny (32 × 1280 × 2 multiply-adds for MobileNetV2), so written as TF.js
 * ops its time is all dispatch: about 75 ops per step (dropout, dense, softmax, loss, their
 * gradients through the tape, Adam's dozen ops per weight), each a round trip through the
 * engine and the backend (tens of µs each on native TensorFlow). PyTorch does the same step in
 * about half a millisecond; no sequence of 75 TF.js ops gets there. The loops do the arithmetic
 * directly (docs/training-engine.md has the measurements).
 *
 * What stays the same as the TF.js step in trainable-net.ts: the model (the weights live in the
 * head's own TF.js variables, written back before anything reads them, so saving, snapshots and
 * exports see them), the math (the same clipped, smoothed, class-weighted cross-entropy, its
 * exact gradient through the clip and the softmax, and TF.js's Adam or momentum update with its
 * own constants and float32 bias-correction terms) and the seeded dropout masks (drawn from the
 * same generator in the same order). Results match the TF.js step within float rounding.
 */
import * as tf from '@tensorflow/tfjs';
import type { SeededRandom } from './seeded-random';
import type { BatchResult } from './trainable-net';

/** The clip TF.js's loss applies to probabilities, as float32 (where the comparison happens). */
const CLIP_MIN = Math.fround(1e-7);
const CLIP_MAX = Math.fround(1 - 1e-7);

export interface HostHeadOptions {
  classCount: number;
  labelSmoothing: number;
  classWeights?: readonly number[];
  /** Dropout rate before the dense layer while training. */
  dropout: number;
  random: () => number;
}

/** The update rule and constants, read from the TF.js optimizer the TF.js step would use. */
export type HostUpdate =
  | { kind: 'adam'; beta1: number; beta2: number; epsilon: number }
  | { kind: 'momentum'; momentum: number };

interface Param {
  variable: tf.Variable;
  values: Float32Array;
  grad: Float64Array;
  /** Adam's first moment, or momentum's accumulation. */
  first: Float32Array;
  /** Adam's second moment. */
  second: Float32Array;
  /** The variable's data when `values` were last in step with it (changes on every assign). */
  dataId: unknown;
}

const dataIdOf = (variable: tf.Variable): unknown =>
  (variable as unknown as { dataId: unknown }).dataId;

function param(variable: tf.Variable): Param {
  const size = variable.size;
  return {
    variable,
    values: new Float32Array(size),
    grad: new Float64Array(size),
    first: new Float32Array(size),
    second: new Float32Array(size),
    dataId: undefined,
  };
}

/**
 * Σ a[i]·b[j] over `length` pairs from `ai`, `bj`, in four running sums: a single sum waits on
 * its own previous addition at every step (about 4× slower here).
 */
function dot(a: Float32Array, ai: number, b: Float32Array, bj: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < length; i += 4) {
    s0 += a[ai + i]! * b[bj + i]!;
    s1 += a[ai + i + 1]! * b[bj + i + 1]!;
    s2 += a[ai + i + 2]! * b[bj + i + 2]!;
    s3 += a[ai + i + 3]! * b[bj + i + 3]!;
  }
  for (; i < length; i += 1) s0 += a[ai + i]! * b[bj + i]!;
  return s0 + s1 + (s2 + s3);
}

export class HostDenseHead {
  private readonly kernel: Param;
  private readonly bias: Param;
  private readonly features: number;
  private readonly classes: number;
  /** Adam's running beta powers (float32 variables in TF.js, multiplied once per step). */
  private accBeta1 = 0;
  private accBeta2 = 0;
  private dirty = false;
  private dropped = new Float32Array(0);
  private masked = new Uint8Array(0);

  constructor(
    kernel: tf.Variable,
    bias: tf.Variable,
    private readonly update: HostUpdate,
    private readonly options: HostHeadOptions,
  ) {
    this.kernel = param(kernel);
    this.bias = param(bias);
    [this.features, this.classes] = kernel.shape as [number, number];
    if (update.kind === 'adam') {
      this.accBeta1 = Math.fround(update.beta1);
      this.accBeta2 = Math.fround(update.beta2);
    }
  }

  /**
   * Reads a variable's values again when something else assigned it (restore, set weights). The
   * kernel is kept transposed ([classes, features]) so each class's logit is one dot product.
   */
  private pull(): void {
    for (const p of [this.kernel, this.bias]) {
      if (p.dataId === dataIdOf(p.variable)) continue;
      const values = p.variable.dataSync() as Float32Array;
      if (p === this.kernel) this.transpose(values, p.values, this.features, this.classes);
      else p.values.set(values);
      p.dataId = dataIdOf(p.variable);
    }
  }

  /** `to` = `from` ([rows, columns]) transposed. */
  private transpose(from: Float32Array, to: Float32Array, rows: number, columns: number): void {
    for (let r = 0; r < rows; r += 1) {
      for (let c = 0; c < columns; c += 1) to[c * rows + r] = from[r * columns + c]!;
    }
  }

  /** Writes the trained values into the TF.js variables (before anything reads them). */
  flush(): void {
    if (!this.dirty) return;
    for (const p of [this.kernel, this.bias]) {
      // A copy (backends may keep the array they are given), the kernel back as [features, classes].
      const values = new Float32Array(p.values.length);
      if (p === this.kernel) this.transpose(p.values, values, this.classes, this.features);
      else values.set(p.values);
      const value = tf.tensor(values, p.variable.shape);
      p.variable.assign(value);
      value.dispose();
      p.dataId = dataIdOf(p.variable);
    }
    this.dirty = false;
  }

  /** Inputs with dropout applied (the same draws, in the same order, as the TF.js mask). */
  private dropout(x: Float32Array, count: number): Float32Array {
    const { dropout: rate, random } = this.options;
    if (rate <= 0) return x;
    if (this.dropped.length < count) {
      this.dropped = new Float32Array(count);
      this.masked = new Uint8Array(count);
    }
    const out = this.dropped;
    const masked = this.masked;
    const keep = Math.fround(1 / (1 - rate));
    const below = (random as Partial<SeededRandom>).below;
    if (below) below(rate, masked, count);
    else for (let i = 0; i < count; i += 1) masked[i] = random() < rate ? 1 : 0;
    // x · (keep or 0), as TF.js multiplies by its mask; no branch on a draw that is random.
    for (let i = 0; i < count; i += 1) out[i] = x[i]! * (keep - keep * masked[i]!);
    return out;
  }

  /** Softmax probabilities of `rows` rows of `x` (float32, as the TF.js head computes them). */
  private probabilities(x: Float32Array, rows: number): Float32Array {
    const { features: F, classes: C } = this;
    const w = this.kernel.values;
    const b = this.bias.values;
    const p = new Float32Array(rows * C);
    const z = new Float64Array(C);
    for (let r = 0; r < rows; r += 1) {
      const base = r * F;
      let max = -Infinity;
      for (let j = 0; j < C; j += 1) {
        const offset = j * F;
        z[j] = Math.fround(Math.fround(dot(x, base, w, offset, F)) + b[j]!);
        if (z[j]! > max) max = z[j]!;
      }
      let total = 0;
      for (let j = 0; j < C; j += 1) total += z[j] = Math.exp(z[j]! - max);
      for (let j = 0; j < C; j += 1) p[r * C + j] = z[j]! / total;
    }
    return p;
  }

  /** Target probability of class k for a row of class `label` (label smoothing applied). */
  private target(label: number, k: number): number {
    const { labelSmoothing: s } = this.options;
    const truth = label === k ? 1 : 0;
    return s ? truth * (1 - s) + s / this.classes : truth;
  }

  /** Cross-entropy of one row against its (smoothed) target, on clipped probabilities. */
  private rowLoss(p: Float32Array, r: number, label: number): number {
    let loss = 0;
    for (let k = 0; k < this.classes; k += 1) {
      const t = this.target(label, k);
      if (t) loss -= t * Math.log(Math.min(Math.max(p[r * this.classes + k]!, CLIP_MIN), CLIP_MAX));
    }
    return loss;
  }

  private static argMax(p: Float32Array, r: number, classes: number): number {
    let best = 0;
    for (let k = 1; k < classes; k += 1) if (p[r * classes + k]! > p[r * classes + best]!) best = k;
    return best;
  }

  /** One optimisation step on `labels.length` rows of pooled features `x` (row-major). */
  step(x: Float32Array, labels: readonly number[], learningRate: number): BatchResult {
    this.pull();
    const rows = labels.length;
    const { features: F, classes: C } = this;
    const xd = this.dropout(x, rows * F);
    const p = this.probabilities(xd, rows);
    const weights = this.options.classWeights;
    const kernelGrad = this.kernel.grad.fill(0);
    const biasGrad = this.bias.grad.fill(0);
    const dz = new Float64Array(C);
    let lossSum = 0;
    let correct = 0;
    for (let r = 0; r < rows; r += 1) {
      const label = labels[r]!;
      const scale = (weights ? weights[label]! : 1) / rows;
      lossSum += scale * this.rowLoss(p, r, label);
      if (HostDenseHead.argMax(p, r, C) === label) correct += 1;
      // d loss / d p_k = −scale·t_k / p_k where the clip passes p through (zero where it clips);
      // through the softmax: dz_j = p_j·(dp_j − Σ_k p_k·dp_k).
      let dot = 0;
      for (let k = 0; k < C; k += 1) {
        const pk = p[r * C + k]!;
        const dp = pk >= CLIP_MIN && pk <= CLIP_MAX ? (-scale * this.target(label, k)) / pk : 0;
        dz[k] = dp;
        dot += pk * dp;
      }
      for (let j = 0; j < C; j += 1) {
        dz[j] = p[r * C + j]! * (dz[j]! - dot);
        biasGrad[j] += dz[j]!;
      }
      const base = r * F;
      for (let j = 0; j < C; j += 1) {
        const d = dz[j]!;
        const offset = j * F;
        for (let f = 0; f < F; f += 1) kernelGrad[offset + f] += xd[base + f]! * d;
      }
    }
    this.apply(learningRate);
    return { loss: Math.fround(lossSum), correct };
  }

  /** TF.js's update rule on both weights (adam_optimizer.js / momentum_optimizer.js). */
  private apply(learningRate: number): void {
    const { update } = this;
    const rate = Math.fround(-learningRate);
    if (update.kind === 'adam') {
      const b1 = Math.fround(update.beta1);
      const b2 = Math.fround(update.beta2);
      const c1 = Math.fround(1 - update.beta1);
      const c2 = Math.fround(1 - update.beta2);
      const eps = Math.fround(update.epsilon);
      const correction1 = Math.fround(1 - this.accBeta1);
      const correction2 = Math.fround(1 - this.accBeta2);
      for (const { values, grad, first, second } of [this.kernel, this.bias]) {
        for (let i = 0; i < values.length; i += 1) {
          const g = Math.fround(grad[i]!);
          const m = (first[i] = first[i]! * b1 + g * c1);
          const v = (second[i] = second[i]! * b2 + g * g * c2);
          values[i] += (m / correction1 / (Math.sqrt(v / correction2) + eps)) * rate;
        }
      }
      this.accBeta1 = Math.fround(this.accBeta1 * b1);
      this.accBeta2 = Math.fround(this.accBeta2 * b2);
    } else {
      const momentum = Math.fround(update.momentum);
      for (const { values, grad, first } of [this.kernel, this.bias]) {
        for (let i = 0; i < values.length; i += 1) {
          const accumulation = (first[i] = momentum * first[i]! + Math.fround(grad[i]!));
          values[i] += rate * accumulation;
        }
      }
    }
    this.dirty = true;
  }

  /** Loss sum (smoothed, unweighted), hits and probabilities, as TrainableNet.evaluate. */
  evaluate(
    x: Float32Array,
    labels: readonly number[],
  ): { lossSum: number; correct: number; probabilities: Float32Array } {
    this.pull();
    const p = this.probabilities(x, labels.length);
    let lossSum = 0;
    let correct = 0;
    labels.forEach((label, r) => {
      lossSum += this.rowLoss(p, r, label);
      if (HostDenseHead.argMax(p, r, this.classes) === label) correct += 1;
    });
    return { lossSum: Math.fround(lossSum), correct, probabilities: p };
  }
}
