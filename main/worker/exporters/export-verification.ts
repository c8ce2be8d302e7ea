/**
 * The proof behind every export: the same preprocessed images go through the studio's own TF.js
 * model (the reference) and through the exported file loaded in its real runtime (the candidate);
 * class probabilities must agree within a tolerance and no top-1 prediction may change.
 * Format-agnostic: a predictor is any function from an NHWC float32 batch to probabilities.
 */
import * as tf from '@tensorflow/tfjs';

/** Largest allowed absolute difference in any class probability. */
export const DEFAULT_PROB_TOLERANCE = 1e-4;

/** Probabilities [count, classes] (row-major) for `count` images packed NHWC in `images`. */
export type Predictor = (images: Float32Array, count: number) => Promise<Float32Array>;

export interface VerificationBatch {
  /** Preprocessed pixels, NHWC float32, `count` images. */
  images: Float32Array;
  count: number;
  /** True class index per image, in the model's output order; enables accuracy. */
  labels?: number[];
}

export interface VerificationReport {
  samples: number;
  classes: number;
  maxProbDiff: number;
  /** Images whose top-1 class differs between reference and candidate. */
  predictionsChanged: number;
  /** Indices (in batch order) of up to 20 such images, for diagnosis. */
  changedSamples: number[];
  /** Top-1 accuracy of the exported file, when labels were given. */
  accuracy: number | null;
  /** Top-1 accuracy of the studio's own model on the same images. */
  referenceAccuracy: number | null;
  tolerance: number;
  passed: boolean;
  /** Why it failed, in words; absent when it passed. */
  failure?: string;
}

function argmax(values: Float32Array, start: number, length: number): number {
  let best = 0;
  for (let k = 1; k < length; k += 1) if (values[start + k]! > values[start + best]!) best = k;
  return best;
}

/** A predictor that runs a TF.js layers model on the current backend. */
export function tfjsPredictor(model: tf.LayersModel): Predictor {
  const [, height, width, channels] = model.inputs[0]!.shape as number[];
  return async (images, count) => {
    const output = tf.tidy(() => {
      const x = tf.tensor4d(images, [count, height!, width!, channels!]);
      return model.predict(x) as tf.Tensor;
    });
    try {
      return Float32Array.from(await output.data());
    } finally {
      output.dispose();
    }
  };
}

function pct(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

/** Runs every batch through both predictors and compares them. */
export async function verifyAgainstReference(options: {
  reference: Predictor;
  candidate: Predictor;
  batches: AsyncIterable<VerificationBatch> | Iterable<VerificationBatch>;
  tolerance?: number;
  /**
   * A quantized export is not expected to keep every top-1 class: it passes when its accuracy
   * is at most this far below the studio's (0.01 = one point), instead of no changed prediction.
   */
  maxAccuracyDrop?: number;
}): Promise<VerificationReport> {
  const tolerance = options.tolerance ?? DEFAULT_PROB_TOLERANCE;
  let samples = 0;
  let classes = 0;
  let maxProbDiff = 0;
  let predictionsChanged = 0;
  const changedSamples: number[] = [];
  let labelled = 0;
  let correct = 0;
  let referenceCorrect = 0;
  for await (const batch of options.batches) {
    if (batch.count === 0) continue;
    const expected = await options.reference(batch.images, batch.count);
    const actual = await options.candidate(batch.images, batch.count);
    if (expected.length !== actual.length || expected.length % batch.count !== 0) {
      throw new Error(
        `The exported model returned ${actual.length} values for ${batch.count} images; ` +
          `the studio's model returned ${expected.length}. The export does not match the model.`,
      );
    }
    classes = expected.length / batch.count;
    for (let i = 0; i < expected.length; i += 1) {
      const diff = Math.abs(expected[i]! - actual[i]!);
      // NaN must fail the check, so compare in the direction where NaN loses.
      if (!(diff <= maxProbDiff))
        maxProbDiff = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : diff;
    }
    for (let n = 0; n < batch.count; n += 1) {
      const want = argmax(expected, n * classes, classes);
      const got = argmax(actual, n * classes, classes);
      if (want !== got) {
        predictionsChanged += 1;
        if (changedSamples.length < 20) changedSamples.push(samples + n);
      }
      const label = batch.labels?.[n];
      if (label !== undefined) {
        labelled += 1;
        if (got === label) correct += 1;
        if (want === label) referenceCorrect += 1;
      }
    }
    samples += batch.count;
  }
  const problems: string[] = [];
  if (samples === 0) problems.push('no validation images were run, so nothing was proven');
  if (maxProbDiff > tolerance) {
    problems.push(
      `class probabilities differ by up to ${maxProbDiff.toExponential(2)} (allowed ${tolerance})`,
    );
  }
  const accuracy = labelled > 0 ? correct / labelled : null;
  const referenceAccuracy = labelled > 0 ? referenceCorrect / labelled : null;
  const drop = options.maxAccuracyDrop;
  if (drop === undefined && predictionsChanged > 0)
    problems.push(`${predictionsChanged} of ${samples} predictions changed`);
  if (drop !== undefined && (accuracy ?? 0) < (referenceAccuracy ?? 0) - drop - 1e-9) {
    problems.push(
      `accuracy ${pct(accuracy)} is more than ${drop * 100} point(s) below the studio's ` +
        `${pct(referenceAccuracy)} (${predictionsChanged} of ${samples} predictions changed)`,
    );
  }
  const report: VerificationReport = {
    samples,
    classes,
    maxProbDiff,
    predictionsChanged,
    changedSamples,
    accuracy,
    referenceAccuracy,
    tolerance,
    passed: problems.length === 0,
  };
  if (problems.length > 0)
    report.failure = `The export does not reproduce the studio's model: ${problems.join('; ')}.`;
  return report;
}
