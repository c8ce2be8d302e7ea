import { describe, expect, it } from 'vitest';
import {
  verifyAgainstReference,
  type Predictor,
  type VerificationBatch,
} from './export-verification';

// Two images, three classes. The predictors here are plain functions of the input, standing in
// for two runtimes, so the comparison logic can be checked against hand-computed answers.
const batch: VerificationBatch = { images: new Float32Array(2), count: 2, labels: [0, 2] };
const reference: Predictor = async () => Float32Array.of(0.7, 0.2, 0.1, 0.1, 0.3, 0.6);

function candidate(values: number[]): Predictor {
  return async () => Float32Array.from(values);
}

describe('verifyAgainstReference', () => {
  it('passes when probabilities agree within the tolerance, and reports both accuracies', async () => {
    const report = await verifyAgainstReference({
      reference,
      candidate: candidate([0.70003, 0.19997, 0.1, 0.1, 0.3, 0.6]),
      batches: [batch, batch],
    });
    expect(report).toMatchObject({ samples: 4, classes: 3, predictionsChanged: 0, passed: true });
    expect(report.maxProbDiff).toBeCloseTo(3e-5, 6);
    expect(report.accuracy).toBe(1);
    expect(report.referenceAccuracy).toBe(1);
    expect(report.failure).toBeUndefined();
  });

  it('fails when a probability moves by more than the tolerance, even with the same top-1', async () => {
    const report = await verifyAgainstReference({
      reference,
      candidate: candidate([0.7, 0.2, 0.1, 0.1, 0.3005, 0.5995]),
      batches: [batch],
    });
    expect(report.predictionsChanged).toBe(0);
    expect(report.passed).toBe(false);
    expect(report.failure).toMatch(/differ by up to 5\.00e-4 \(allowed 0\.0001\)/);
  });

  it('fails when a prediction changes, and says which image', async () => {
    const report = await verifyAgainstReference({
      reference,
      candidate: candidate([0.7, 0.2, 0.1, 0.1, 0.45, 0.45]),
      batches: [batch],
      tolerance: 1,
    });
    expect(report.predictionsChanged).toBe(1);
    expect(report.changedSamples).toEqual([1]);
    expect(report.accuracy).toBe(0.5);
    expect(report.referenceAccuracy).toBe(1);
    expect(report.failure).toMatch(/1 of 2 predictions changed/);
  });

  it('treats NaN output as a failure, never as a match', async () => {
    const report = await verifyAgainstReference({
      reference,
      candidate: candidate([Number.NaN, 0.2, 0.1, 0.1, 0.3, 0.6]),
      batches: [batch],
    });
    expect(report.maxProbDiff).toBe(Number.POSITIVE_INFINITY);
    expect(report.passed).toBe(false);
  });

  it('fails when no images were run, and rejects outputs of the wrong size', async () => {
    const empty = await verifyAgainstReference({ reference, candidate: reference, batches: [] });
    expect(empty.passed).toBe(false);
    expect(empty.failure).toMatch(/no validation images/);
    await expect(
      verifyAgainstReference({ reference, candidate: candidate([1, 0]), batches: [batch] }),
    ).rejects.toThrow(/returned 2 values for 2 images/);
  });
});
