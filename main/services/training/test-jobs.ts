/**
 * Builds real training jobs from the hymenoptera fixture for tests (the dataset scan is
 * another module; tests list the fixture's train/ and val/ folders directly).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { findCatalogEntry } from '../../../shared/catalog';
import { TrainConfig, type TrainConfigInput } from '../../../shared/domain';
import type { TrainJob } from '../../../shared/worker-protocol';
import { hymenopteraDir, mobilenetV1Dir } from '../models/test-fixtures';
import type { RunStore } from '../runs/run-store';

export const HYMENOPTERA_LABELS = ['ants', 'bees'];

/** The fixture's files of one split, sorted; `perClass` keeps only the first n of each class. */
export function hymenopteraItems(split: 'train' | 'val', perClass?: number): TrainJob['train'] {
  return HYMENOPTERA_LABELS.flatMap((label, index) => {
    const dir = path.join(hymenopteraDir, split, label);
    const names = readdirSync(dir).sort();
    return names
      .slice(0, perClass ?? names.length)
      .map((name) => ({ path: path.join(dir, name), label: index }));
  });
}

export interface TestJobOptions {
  config?: Partial<TrainConfigInput>;
  trainPerClass?: number;
  valPerClass?: number;
}

/** Creates a run in `runs` and the job that trains MobileNet v1 0.25 on ants vs bees. */
export async function createHymenopteraJob(
  runs: RunStore,
  options: TestJobOptions = {},
): Promise<TrainJob> {
  const entry = findCatalogEntry('mobilenet_v1_0.25_224')!;
  const config = TrainConfig.parse({
    datasetRoots: [hymenopteraDir],
    model: { catalogId: entry.id },
    freeze: { mode: 'feature-extractor', trainableLayers: [] },
    epochs: 3,
    learningRate: 0.001,
    batchSize: 32,
    backend: 'wasm',
    ...options.config,
  });
  const run = await runs.create(config, { baseModel: entry.name, labels: HYMENOPTERA_LABELS });
  return {
    runId: run.id,
    runDir: run.dir,
    config,
    modelDir: mobilenetV1Dir,
    nestedBase: [],
    featureLayer: entry.featureLayer,
    inputSize: [entry.inputSize, entry.inputSize],
    preprocessing: entry.preprocessing,
    labels: HYMENOPTERA_LABELS,
    train: hymenopteraItems('train', options.trainPerClass),
    val: hymenopteraItems('val', options.valPerClass),
    freeze: config.freeze,
    baseModelName: entry.name,
  };
}
