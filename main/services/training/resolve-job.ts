/**
 * Turns a training config into what the worker needs: the resolved base model, the checked
 * freeze plan, the dataset's labels and split. Shared by starting a run, continuing a finished
 * one and the learning-rate finder (which trains no run), so all three see the same data.
 */
import { chooseImageSize, type FreezePlan, type TrainConfig } from '../../../shared/domain';
import type { TrainJob } from '../../../shared/worker-protocol';
import type { ScannedDataset } from '../datasets/dataset-types';
import { BLOCKING_KINDS } from '../datasets/class-balance';
import { scanDataset } from '../datasets/scan-dataset';
import type { ResolvedModel } from '../models/model-types';
import { resolveModel } from '../models/model-store';
import { ServiceError } from '../service-error';

export interface JobResolverDeps {
  modelsDirs: string[];
  /** Root of the persistent feature cache. */
  cacheDir: string;
  exclusionsOf(roots: string[]): Promise<string[]>;
  /** Checks the freeze plan against the base and returns it normalised. */
  checkPlan(
    model: ResolvedModel,
    featureLayer: string,
    plan: FreezePlan,
  ): Promise<{ plan: FreezePlan; label: string }>;
}

export interface ResolvedTraining {
  config: TrainConfig;
  model: ResolvedModel;
  labels: string[];
  train: TrainJob['train'];
  val: TrainJob['val'];
  featureLayer: string;
  scanned: ScannedDataset;
  /** [height, width] the base sees the images at (the config's image size, decided). */
  inputSize: [number, number];
  inputSizeReason: string;
  /** The plan in words (describePlan), for the run's name and the Runs table. */
  planLabel: string;
}

export async function resolveTraining(
  input: TrainConfig,
  deps: JobResolverDeps,
): Promise<ResolvedTraining> {
  const model = await resolveModel(input.model, deps.modelsDirs);
  const featureLayer = input.featureLayer ?? model.featureLayer;
  // The freeze plan is checked against the base and saved, normalised, with the run.
  const checked = await deps.checkPlan(model, featureLayer, input.freeze);
  const config = { ...input, freeze: checked.plan };
  const scanned = await scanDataset(config.datasetRoots, {
    valRatio: config.validationSplit,
    seed: config.seed,
    exclusions: await deps.exclusionsOf(config.datasetRoots),
  });
  if (!scanned.summary.trainable) {
    const blocking = scanned.summary.problems.find((p) => BLOCKING_KINDS.has(p.kind));
    throw new ServiceError(
      'invalid-request',
      blocking
        ? `This dataset cannot be trained: ${blocking.message} ${blocking.action}`
        : 'This dataset cannot be trained: it needs at least two classes with usable images. ' +
            'Add a folder with one sub-folder per class.',
    );
  }
  const labels = scanned.summary.classes.filter((c) => c.count > 0).map((c) => c.name);
  const labelIndex = new Map(labels.map((name, index) => [name, index]));
  const toItem = (file: { path: string; className: string }) => ({
    path: file.path,
    label: labelIndex.get(file.className) ?? -1,
  });
  const usable = scanned.files.filter((file) => labelIndex.has(file.className));
  const train = usable.filter((file) => file.split === 'train').map(toItem);
  const val = usable.filter((file) => file.split === 'val').map(toItem);
  if (train.length === 0 || val.length === 0) {
    throw new ServiceError(
      'invalid-request',
      `The dataset has ${train.length} training and ${val.length} validation images; both must be non-empty.`,
    );
  }
  const size = chooseImageSize(
    config.imageSize,
    model.inputSize[0],
    scanned.summary.medianShorterSide,
  );
  // 'native' keeps a non-square base's own shape.
  const inputSize: [number, number] =
    size.size === model.inputSize[0] ? [...model.inputSize] : [size.size, size.size];
  return {
    config,
    model,
    labels,
    train,
    val,
    featureLayer,
    scanned,
    inputSize,
    inputSizeReason: size.reason,
    planLabel: checked.label,
  };
}

/** The worker's job for a resolved config and its run folder. */
export function jobFor(
  run: { id: string; dir: string },
  resolved: ResolvedTraining,
  extra: Pick<TrainJob, 'cacheDir' | 'continueFrom'> = {},
): TrainJob {
  const { config, model } = resolved;
  return {
    runId: run.id,
    runDir: run.dir,
    config,
    modelDir: model.dir,
    nestedBase: model.nestedBase,
    featureLayer: resolved.featureLayer,
    inputSize: resolved.inputSize,
    inputSizeReason: resolved.inputSizeReason,
    preprocessing: model.preprocessing,
    labels: resolved.labels,
    train: resolved.train,
    val: resolved.val,
    freeze: config.freeze,
    baseModelName: model.name,
    ...extra,
  };
}
