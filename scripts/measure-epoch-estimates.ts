/**
 * Measures how well the Model screen's per-epoch estimates match real training: for each model
 * and plan, calibrates this machine's backend (as the screen does), computes the estimate, then
 * trains the real job in this process and reads the real times from the run's metrics.jsonl.
 *
 *   npx vite-node scripts/measure-epoch-estimates.ts -- [--backend tensorflow|wasm] [--epochs 3]
 *
 * Prints one JSON line per plan and a Markdown table. Uses the fixtures in ../shared/fixtures
 * (hymenoptera train/val), augmentation off, one phase (fineTune.epochs 0).
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { findCatalogEntry } from '../shared/catalog';
import { TrainConfig, noAugmentation, type FreezePlan, type ModelInfo } from '../shared/domain';
import { featureExtractorPlan, fineTuneTopPlan } from '../shared/freeze-plan';
import { estimateEpoch, midCalibrationPlan } from '../shared/training-estimate';
import type { TrainJob } from '../shared/worker-protocol';
import { inspectModel, resolveModel } from '../main/services/models/model-store';
import { sampleImages } from '../main/services/models/speed-calibration';
import { fixtureModelsDir, hymenopteraDir } from '../main/services/models/test-fixtures';
import { readMetricsLines } from '../main/services/runs/run-files';
import { RunStore } from '../main/services/runs/run-store';
import { HYMENOPTERA_LABELS, hymenopteraItems } from '../main/services/training/test-jobs';
import { calibrateSpeed } from '../main/worker/calibration/calibrate-speed';
import { CancelSignal } from '../main/worker/training/cancel-signal';
import { runTrainJob } from '../main/worker/training/train-job';

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    backend: { type: 'string', default: 'tensorflow' },
    epochs: { type: 'string', default: '3' },
    batch: { type: 'string', default: '16' },
  },
});
const backend = values.backend as 'tensorflow' | 'wasm';
const epochs = Number(values.epochs);
const batchSize = Number(values.batch);

interface Case {
  catalogId: string;
  label: string;
  plan: (info: ModelInfo) => FreezePlan;
}

const cases: Case[] = [
  {
    catalogId: 'mobilenet_v1_0.25_224',
    label: 'feature extractor',
    plan: () => featureExtractorPlan(),
  },
  {
    catalogId: 'mobilenet_v1_0.25_224',
    label: 'fine-tune top 2',
    plan: (i) => fineTuneTopPlan(i, 2),
  },
  {
    catalogId: 'mobilenet_v2_0.35_224',
    label: 'feature extractor',
    plan: () => featureExtractorPlan(),
  },
  {
    catalogId: 'mobilenet_v2_0.35_224',
    label: 'fine-tune top 3',
    plan: (i) => fineTuneTopPlan(i, 3),
  },
];

const HEAD = { hiddenUnits: 0, dropout: 0.2, classes: 2 };
const seconds = (ms: number) => ms / 1000;
const at = (time: string) => Date.parse(time);

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-estimates-'));
  const runs = new RunStore(path.join(work, 'runs'));
  const train = hymenopteraItems('train');
  const val = hymenopteraItems('val');
  const images = await sampleImages([path.join(hymenopteraDir, 'train')]);
  const rows: string[] = [];
  const calibrations = new Map<string, Awaited<ReturnType<typeof calibrateSpeed>>>();
  try {
    for (const testCase of cases) {
      const entry = findCatalogEntry(testCase.catalogId)!;
      const resolved = await resolveModel({ catalogId: entry.id }, [fixtureModelsDir]);
      const info = await inspectModel(resolved);
      const plan = testCase.plan(info);
      let calibration = calibrations.get(entry.id);
      if (!calibration) {
        calibration = await calibrateSpeed(
          {
            modelDir: resolved.dir,
            nestedBase: resolved.nestedBase,
            featureLayer: resolved.featureLayer,
            inputSize: resolved.inputSize,
            preprocessing: resolved.preprocessing,
            backend,
            batchSize,
            images,
            repeats: 3,
            trainBatchSize: 16,
            topLayers: fineTuneTopPlan(info, 1).trainableLayers,
            midLayers: midCalibrationPlan(info, HEAD).trainableLayers,
          },
          { emit: () => undefined },
        );
        calibrations.set(entry.id, calibration);
        process.stdout.write(`${JSON.stringify({ calibration })}\n`);
      }
      const estimate = estimateEpoch(
        info,
        plan,
        HEAD,
        calibration,
        { train: train.length, val: val.length },
        batchSize,
      );
      const config = TrainConfig.parse({
        datasetRoots: [hymenopteraDir],
        model: { catalogId: entry.id },
        freeze: plan,
        epochs,
        learningRate: plan.mode === 'custom' ? 0.0001 : 0.001,
        batchSize,
        backend,
        augmentation: noAugmentation,
        fineTune: { epochs: 0, learningRateFactor: 1 },
      });
      const run = await runs.create(config, { baseModel: entry.name, labels: HYMENOPTERA_LABELS });
      const job: TrainJob = {
        runId: run.id,
        runDir: run.dir,
        config,
        modelDir: resolved.dir,
        nestedBase: resolved.nestedBase,
        featureLayer: resolved.featureLayer,
        inputSize: resolved.inputSize,
        preprocessing: resolved.preprocessing,
        labels: HYMENOPTERA_LABELS,
        train,
        val,
        freeze: plan,
        baseModelName: entry.name,
      };
      const summary = await runTrainJob(job, { emit: () => undefined, cancel: new CancelSignal() });
      if (summary.status !== 'completed') throw new Error(`${testCase.label}: ${summary.error}`);
      const lines = await readMetricsLines(run.dir);
      const phases = lines.filter((l) => l.type === 'phase');
      const epochLines = lines.filter((l) => l.type === 'epoch');
      const featuresStart = phases.find((l) => l.type === 'phase' && l.phase === 'features-train');
      const fitStart = phases.find((l) => l.type === 'phase' && l.phase.startsWith('training-'));
      const setup =
        featuresStart && fitStart ? seconds(at(fitStart.time) - at(featuresStart.time)) : 0;
      const epochTimes = epochLines.map((line, index) =>
        seconds(at(line.time) - at(index === 0 ? fitStart!.time : epochLines[index - 1]!.time)),
      );
      const result = {
        backend: calibration.backend,
        model: entry.name,
        plan: testCase.label,
        calibrationSeconds: seconds(calibration.durationMs),
        estimate: {
          setup: estimate.setupSeconds,
          epoch: estimate.epochSeconds,
          cached: estimate.cached,
        },
        real: { setup, epochs: epochTimes },
      };
      process.stdout.write(`${JSON.stringify(result)}\n`);
      const later = epochTimes.slice(1);
      const realEpoch = later.length
        ? later.reduce((a, b) => a + b, 0) / later.length
        : epochTimes[0]!;
      rows.push(
        `| ${entry.name} | ${testCase.label} | ${estimate.setupSeconds.toFixed(1)} s | ${setup.toFixed(1)} s | ` +
          `${estimate.epochSeconds.toFixed(2)} s | ${realEpoch.toFixed(2)} s (${epochTimes.map((t) => t.toFixed(2)).join(', ')}) |`,
      );
    }
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
  process.stdout.write(
    `\nBackend: ${[...calibrations.values()][0]?.backend}, batch ${batchSize}, ${train.length} train / ${val.length} val images\n\n` +
      '| model | plan | setup estimate | setup real | epoch estimate | epoch real (mean of epochs 2+; all) |\n' +
      '|---|---|---|---|---|---|\n' +
      `${rows.join('\n')}\n`,
  );
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
