import { describe, expect, it } from 'vitest';
import { ExportResult } from '../shared/export-types';
import { stepTicks, type StepState } from './app-steps';

/** An export's outcome as exports:run answers it (checked against the contract's schema). */
function exportResult(passed: boolean): ExportResult {
  return ExportResult.parse({
    format: 'onnx',
    outDir: passed ? '/exports/ants-bees' : '/exports/ants-bees.failed',
    files: [{ name: 'model.onnx', bytes: 1_041_234, sha256: 'ab'.repeat(32) }],
    labels: ['ants', 'bees'],
    passed,
    ...(passed
      ? {}
      : { failure: 'The exported model disagrees with the studio on 3 of 153 images.' }),
    samples: 153,
    accuracy: passed ? 0.93 : 0.91,
    referenceAccuracy: 0.93,
    maxProbDiff: passed ? 2e-6 : 0.4,
    tolerance: 1e-4,
    changedPredictions: passed ? 0 : 3,
    runtime: 'onnxruntime-node (CPU)',
    runtimes: { node: '20.0.0' },
    manifestPath: '/exports/ants-bees/manifest.json',
    readmePath: '/exports/ants-bees/README.md',
    timings: { totalMs: 5200, verifyMs: 2100 },
  });
}

const fresh: StepState = {
  dataset: null,
  modelInfo: null,
  modelScreenSeen: false,
  runStatus: 'idle',
  evaluationStatus: 'idle',
  previewItems: [],
  exportResult: null,
};

describe('step ticks', () => {
  it('ticks nothing before any work', () => {
    expect(Object.values(stepTicks(fresh))).toEqual([false, false, false, false, false, false]);
  });

  it('ticks Model only once the user has seen the preselected model, and Try it after a prediction', () => {
    const modelInfo = { name: 'MobileNet v1 0.25' } as StepState['modelInfo'];
    expect(stepTicks({ ...fresh, modelInfo }).modelDone).toBe(false);
    expect(stepTicks({ ...fresh, modelInfo, modelScreenSeen: true }).modelDone).toBe(true);
    expect(stepTicks({ ...fresh, modelInfo, runStatus: 'completed' }).modelDone).toBe(true);
    expect(stepTicks({ ...fresh, modelScreenSeen: true }).modelDone).toBe(false);
    const item = {
      key: 'a',
      name: 'ant.jpg',
      src: null,
      thumbnailId: null,
      top: [],
      error: null,
      runId: 'r',
    };
    expect(
      stepTicks({ ...fresh, previewItems: [{ ...item, status: 'pending' }] }).previewDone,
    ).toBe(false);
    expect(stepTicks({ ...fresh, previewItems: [{ ...item, status: 'error' }] }).previewDone).toBe(
      false,
    );
    expect(stepTicks({ ...fresh, previewItems: [{ ...item, status: 'done' }] }).previewDone).toBe(
      true,
    );
  });

  it('ticks Export only when the export’s proof passed', () => {
    expect(stepTicks({ ...fresh, exportResult: exportResult(true) }).exportDone).toBe(true);
    expect(stepTicks({ ...fresh, exportResult: exportResult(false) }).exportDone).toBe(false);
  });

  it('ticks Train only for a completed run and Evaluate only for a loaded evaluation', () => {
    expect(stepTicks({ ...fresh, runStatus: 'completed' }).trainDone).toBe(true);
    for (const runStatus of ['failed', 'cancelled', 'running'] as const) {
      expect(stepTicks({ ...fresh, runStatus }).trainDone).toBe(false);
    }
    expect(stepTicks({ ...fresh, evaluationStatus: 'ready' }).evaluateDone).toBe(true);
    expect(stepTicks({ ...fresh, evaluationStatus: 'error' }).evaluateDone).toBe(false);
  });
});
