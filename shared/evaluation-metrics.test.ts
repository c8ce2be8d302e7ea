import { describe, expect, it } from 'vitest';
import {
  binOf,
  calibration,
  classMetrics,
  computeMetrics,
  confusionMatrix,
  itemLoss,
  topLosses,
} from './evaluation-metrics';

/**
 * Seven images of three classes, worked out by hand (rows: true class; columns: predicted):
 *
 *   item  true  probabilities (cat, dog, fox)  predicted  confidence  bin
 *   1     cat   0.90 0.05 0.05                cat        0.90        (0.8, 0.9]
 *   2     cat   0.30 0.60 0.10                dog        0.60        (0.5, 0.6]
 *   3     dog   0.20 0.70 0.10                dog        0.70        (0.6, 0.7]
 *   4     dog   0.10 0.85 0.05                dog        0.85        (0.8, 0.9]
 *   5     fox   0.50 0.10 0.40                cat        0.50        (0.4, 0.5]
 *   6     fox   0.05 0.15 0.80                fox        0.80        (0.7, 0.8]
 *   7     dog   0.45 0.35 0.20                cat        0.45        (0.4, 0.5]
 */
const labels = ['cat', 'dog', 'fox'];
const items = [
  { label: 0, probabilities: [0.9, 0.05, 0.05] },
  { label: 0, probabilities: [0.3, 0.6, 0.1] },
  { label: 1, probabilities: [0.2, 0.7, 0.1] },
  { label: 1, probabilities: [0.1, 0.85, 0.05] },
  { label: 2, probabilities: [0.5, 0.1, 0.4] },
  { label: 2, probabilities: [0.05, 0.15, 0.8] },
  { label: 1, probabilities: [0.45, 0.35, 0.2] },
];

describe('evaluation metrics on a hand-computed case', () => {
  const metrics = computeMetrics(labels, items);

  it('counts the confusion matrix and accuracy', () => {
    expect(metrics.confusion).toEqual([
      [1, 1, 0],
      [1, 2, 0],
      [1, 0, 1],
    ]);
    expect(metrics.count).toBe(7);
    expect(metrics.correct).toBe(4);
    expect(metrics.accuracy).toBeCloseTo(4 / 7, 12);
  });

  it('computes per-class precision, recall, F1 and support', () => {
    // cat: TP 1, predicted 3, support 2 -> P 1/3, R 1/2, F1 = 2(1/6)/(5/6) = 0.4
    // dog: TP 2, predicted 3, support 3 -> P 2/3, R 2/3, F1 2/3
    // fox: TP 1, predicted 1, support 2 -> P 1,   R 1/2, F1 2/3
    const expected = [
      { label: 'cat', precision: 1 / 3, recall: 0.5, f1: 0.4, support: 2, predictedCount: 3 },
      { label: 'dog', precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3, predictedCount: 3 },
      { label: 'fox', precision: 1, recall: 0.5, f1: 2 / 3, support: 2, predictedCount: 1 },
    ];
    metrics.perClass.forEach((actual, index) => {
      const want = expected[index]!;
      expect(actual.label).toBe(want.label);
      expect(actual.support).toBe(want.support);
      expect(actual.predictedCount).toBe(want.predictedCount);
      expect(actual.precision).toBeCloseTo(want.precision, 12);
      expect(actual.recall).toBeCloseTo(want.recall, 12);
      expect(actual.f1).toBeCloseTo(want.f1, 12);
    });
  });

  it('averages per class (macro) and by support (weighted)', () => {
    expect(metrics.macro.precision).toBeCloseTo(2 / 3, 12); // (1/3 + 2/3 + 1) / 3
    expect(metrics.macro.recall).toBeCloseTo(5 / 9, 12); // (1/2 + 2/3 + 1/2) / 3
    expect(metrics.macro.f1).toBeCloseTo(0.577778, 6); // (0.4 + 2/3 + 2/3) / 3 = 26/45
    expect(metrics.weighted.precision).toBeCloseTo(2 / 3, 12); // (2/3 + 2 + 2) / 7
    expect(metrics.weighted.recall).toBeCloseTo(4 / 7, 12); // equals accuracy
    expect(metrics.weighted.f1).toBeCloseTo(0.590476, 6); // (0.8 + 2 + 4/3) / 7 = 62/105
  });

  it('computes the mean log loss of the true class', () => {
    // -(ln .9 + ln .3 + ln .7 + ln .85 + ln .4 + ln .8 + ln .35) / 7
    expect(metrics.logLoss).toBeCloseTo(0.573969, 6);
    expect(itemLoss({ label: 0, probabilities: [0, 1] })).toBeCloseTo(-Math.log(1e-7), 6);
  });

  it('bins confidences for the reliability diagram and computes ECE and MCE', () => {
    const { bins, ece, mce } = metrics.calibration;
    expect(bins).toHaveLength(10);
    expect(bins.map((bin) => bin.count)).toEqual([0, 0, 0, 0, 2, 1, 1, 1, 2, 0]);
    expect(bins[4]!.confidence).toBeCloseTo(0.475, 12);
    expect(bins[4]!.accuracy).toBe(0);
    expect(bins[8]!.confidence).toBeCloseTo(0.875, 12);
    expect(bins[8]!.accuracy).toBe(1);
    expect(bins[0]).toEqual({ lower: 0, upper: 0.1, count: 0, confidence: null, accuracy: null });
    // (2 * .475 + .6 + .3 + .2 + 2 * .125) / 7 = 2.3 / 7
    expect(ece).toBeCloseTo(0.328571, 6);
    expect(mce).toBeCloseTo(0.6, 12);
  });

  it('lists the misclassified items by loss, highest first', () => {
    // losses: item 2 ln(1/.3) = 1.204, item 7 ln(1/.35) = 1.050, item 5 ln(1/.4) = 0.916
    expect(topLosses(items)).toEqual([1, 6, 4]);
  });
});

describe('evaluation metric edge cases', () => {
  it('puts a confidence on a bin edge into the lower bin, (lower, upper]', () => {
    expect(binOf(0)).toBe(0);
    expect(binOf(0.1)).toBe(0);
    expect(binOf(0.1000001)).toBe(1);
    expect(binOf(0.7)).toBe(6);
    expect(binOf(0.9)).toBe(8);
    expect(binOf(1)).toBe(9);
  });

  it('gives 0 (not NaN) for a class nobody predicted and a class without images', () => {
    const confusion = confusionMatrix(3, [
      { label: 0, predicted: 0 },
      { label: 1, predicted: 0 },
    ]);
    const [a, b, c] = classMetrics(['a', 'b', 'c'], confusion);
    expect(a).toMatchObject({ precision: 0.5, recall: 1, support: 1 });
    expect(b).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(c).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 0, predictedCount: 0 });
  });

  it('is perfectly calibrated when confidence matches accuracy in every bin', () => {
    // Four images at 0.75 confidence, three of them right: accuracy 0.75 in that bin.
    const scored = [0, 0, 0, 1].map((label) => ({ label, probabilities: [0.75, 0.25] }));
    const result = calibration(scored);
    expect(result.ece).toBeCloseTo(0, 12);
    expect(result.bins[7]).toMatchObject({ count: 4, accuracy: 0.75 });
  });

  it('handles an empty evaluation without dividing by zero', () => {
    const empty = computeMetrics(['a', 'b'], []);
    expect(empty).toMatchObject({ count: 0, accuracy: 0, logLoss: 0 });
    expect(empty.calibration.ece).toBe(0);
  });
});
