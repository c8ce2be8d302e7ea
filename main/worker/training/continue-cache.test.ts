/**
 * The feature cache across "Extend" (a finished run continued from its saved model, as
 * continue-run.ts builds the job), with real TF.js, the real fixture bases and images: the
 * extension finds the features its run computed — also with the top block fine-tuned, and for
 * the nested Teachable Machine base — and never reuses them once a frozen weight has changed.
 * Runs on the backend the environment picks (TRANSFER_STUDIO_BACKEND).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainJob } from '../../../shared/worker-protocol';
import { teachableMachineDir } from '../../services/models/test-fixtures';
import { RUN_FILES, readMetricsLines } from '../../services/runs/run-files';
import { RunStore } from '../../services/runs/run-store';
import { createHymenopteraJob, type TestJobOptions } from '../../services/training/test-jobs';
import { RunControl } from './run-control';
import { runTrainJob } from './train-job';

let dataDir: string;
let cacheDir: string;
let runs: RunStore;
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-continue-cache-'));
  cacheDir = path.join(dataDir, 'cache');
  runs = new RunStore(path.join(dataDir, 'runs'));
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

const TOP_BLOCK = ['conv_pw_13', 'conv_pw_13_bn'];

async function newJob(config: TestJobOptions['config']): Promise<TrainJob> {
  const job = await createHymenopteraJob(runs, {
    config: { epochs: 1, learningRate: 0.01, batchSize: 4, backend: 'auto', ...config },
    trainPerClass: 3,
    valPerClass: 2,
  });
  return { ...job, cacheDir };
}

/** Runs `job` to completion and returns its 'features-*-done' messages (train, val). */
async function featureMessages(job: TrainJob): Promise<string[]> {
  const before = (await readMetricsLines(job.runDir)).length;
  const summary = await runTrainJob(job, { emit: () => {}, cancel: new RunControl() });
  expect(summary.error).toBeUndefined();
  expect(summary.status).toBe('completed');
  return (await readMetricsLines(job.runDir))
    .slice(before)
    .flatMap((line) =>
      line.type === 'phase' && /^features-(train|val)-done$/.test(line.phase)
        ? [line.message ?? '']
        : [],
    );
}

/** The job "Extend" starts for a finished run: its saved model, fine-tuning from the start. */
function extension(job: TrainJob, epochsDone: number, freeze = job.freeze): TrainJob {
  return {
    ...job,
    config: { ...job.config, freeze, fineTune: { ...job.config.fineTune, epochs: 0 } },
    freeze,
    continueFrom: { modelDir: path.join(job.runDir, RUN_FILES.modelDir), epochsDone },
  };
}

const computed = /\(6 computed at .*\)|\(4 computed at .*\)/;
const fromCache = /\(all from the cache\)$/;
/** The train and the validation table's feature message both match `pattern`. */
const bothSplits = (pattern: RegExp) => [
  expect.stringMatching(pattern),
  expect.stringMatching(pattern),
];

describe('feature cache across Extend', () => {
  it('MobileNet v1: extensions reuse the features; a changed frozen weight recomputes them', async () => {
    // Head only: the run computes, its extension finds them.
    const headOnly = await newJob({});
    expect(await featureMessages(headOnly)).toEqual(bothSplits(computed));
    expect(await featureMessages(extension(headOnly, 1))).toEqual(bothSplits(fromCache));

    // The top block fine-tunes: its weights change, but it is above the boundary, so the
    // frozen part (and the cache) is the same for the extension.
    const fineTuned = await newJob({
      freeze: { mode: 'custom', trainableLayers: TOP_BLOCK },
      fineTune: { epochs: 0, learningRateFactor: 0.5 },
    });
    expect(await featureMessages(fineTuned)).toEqual(bothSplits(computed));
    expect(await featureMessages(extension(fineTuned, 1))).toEqual(bothSplits(fromCache));

    // Continued with the base frozen, the fine-tuned top block is now below the boundary: its
    // weights differ from the base's, so the head-only run's features must not be reused.
    const frozenAgain = extension(fineTuned, 2, { mode: 'feature-extractor', trainableLayers: [] });
    expect(await featureMessages(frozenAgain)).toEqual(bothSplits(computed));
  });

  it('Teachable Machine: the extension (flat saved model) reuses the nested base’s features', async () => {
    const job = {
      ...(await newJob({})),
      modelDir: teachableMachineDir,
      nestedBase: [0, 0],
      featureLayer: 'out_relu',
      baseModelName: 'MobileNetV2 0.35 (Teachable Machine)',
    };
    expect(await featureMessages(job)).toEqual(bothSplits(computed));
    expect(await featureMessages(extension(job, 1))).toEqual(bothSplits(fromCache));
  });
});
