/**
 * Everything between "a job arrived" and "the first batch can train", shared by training and
 * the learning-rate finder: load and cut the base, apply the freeze plan, split the frozen part
 * off, build the head, and fill the feature cache (or set up live batches when none fits).
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { classWeights } from '../../services/datasets/class-balance';
import { loadBaseModel, type LoadedBase } from '../../services/models/load-layers-model';
import { FEATURE_CACHE_MAX_FLOATS as MAX_CACHED_FLOATS } from '../../../shared/training-estimate';
import type { TrainJob } from '../../../shared/worker-protocol';
import { augmentationEnabled, describeAugmentation } from '../images/augment';
import type { ImageItem } from '../images/image-batches';
import { LiveSource, type BatchSource } from './batch-source';
import { cachedFeatures, megabytes } from './cached-features';
import { InferenceGraph } from './inference-graph';
import { applyFreezePlan, createHead, fullModel, headLayers, type Head } from './model-parts';
import type { RunControl } from './run-control';
import type { RunRecorder } from './run-recorder';
import { seededRandom } from './seeded-random';
import { splitAtFrozenPart, type SplitModel } from './split-model';
import { TrainableNet } from './trainable-net';

const DEFAULT_CACHE_MB = 1024;

export interface Prepared {
  loaded: LoadedBase;
  head: Head;
  split: SplitModel;
  /** Base cut + head: what gets saved. */
  model: tf.LayersModel;
  net: TrainableNet;
  source: BatchSource;
  /** Names of the base layers that train in a fine-tuning phase. */
  trainableLayers: string[];
  random: () => number;
  dispose(): Promise<void>;
}

export interface PrepareHooks {
  recorder: RunRecorder;
  control: RunControl;
  env?: NodeJS.ProcessEnv;
  /** TF.js trains on a GPU (then it also computes features unless onnxruntime has a GPU). */
  tfjsUsesGpu?: boolean;
}

/** Memory the caches may use: TRANSFER_STUDIO_CACHE_MB, else 1 GiB or a quarter of free memory. */
export function cacheBudgetBytes(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.TRANSFER_STUDIO_CACHE_MB);
  if (Number.isFinite(fromEnv) && fromEnv >= 0) return fromEnv * 1024 * 1024;
  return Math.min(DEFAULT_CACHE_MB * 1024 * 1024, os.freemem() / 4);
}

async function loadForJob(job: TrainJob): Promise<LoadedBase> {
  if (!job.continueFrom) {
    return loadBaseModel(job.modelDir, {
      nestedBase: job.nestedBase,
      featureLayer: job.featureLayer,
      inputSize: job.inputSize,
    });
  }
  // A saved run model is flat: the base's layers up to the feature layer, then the head.
  return loadBaseModel(job.continueFrom.modelDir, {
    nestedBase: [],
    featureLayer: job.featureLayer,
    inputSize: job.inputSize,
  });
}

/** Copies the head weights of a saved run model into the new head (same layer names). */
function restoreHead(saved: tf.LayersModel, head: Head): void {
  for (const layer of headLayers(head)) {
    const from = saved.layers.find((candidate) => candidate.name === layer.name);
    if (!from) {
      throw new Error(
        `The saved model of this run has no layer "${layer.name}"; it cannot be continued with ` +
          'these settings (was the hidden layer changed?).',
      );
    }
    layer.setWeights(from.getWeights());
  }
}

export async function prepareTraining(job: TrainJob, hooks: PrepareHooks): Promise<Prepared> {
  const { recorder, control } = hooks;
  const config = job.config;
  const budget = cacheBudgetBytes(hooks.env);
  const [height, width] = job.inputSize;
  recorder.phase(
    'loading-model',
    `Loading ${job.baseModelName} for images at ${job.inputSizeReason ?? `${height}×${width} px`}`,
  );
  const loaded = await loadForJob(job);
  const disposables: Array<() => unknown> = [() => loaded.model.dispose()];
  try {
    const freeze = applyFreezePlan(loaded.cut, job.freeze);
    if (freeze.unknown.length || freeze.withoutWeights.length) {
      recorder.phase(
        'freeze',
        [
          freeze.unknown.length ? `Not in the base, ignored: ${freeze.unknown.join(', ')}.` : '',
          freeze.withoutWeights.length
            ? `No weights to train, ignored: ${freeze.withoutWeights.join(', ')}.`
            : '',
        ]
          .filter(Boolean)
          .join(' '),
      );
    }
    const split = splitAtFrozenPart(loaded.cut, new Set(freeze.trainable));
    const head = createHead(
      loaded.cut.outputs[0]!.shape,
      job.labels.length,
      config.dropout,
      config.seed,
      config.hiddenUnits,
    );
    // Building the full model builds the head's layers (their weights exist from here on).
    const model = fullModel(loaded.cut, head);
    if (job.continueFrom) restoreHead(loaded.model, head);
    const random = seededRandom(config.seed);
    const counts = job.labels.map((_, label) => job.train.filter((i) => i.label === label).length);
    const net = new TrainableNet({
      head,
      ...(split.trainable ? { trainable: split.trainable } : {}),
      inputsPooled: !split.trainable && Boolean(head.pool),
      classCount: job.labels.length,
      labelSmoothing: config.labelSmoothing,
      ...(config.classWeights === 'balanced' ? { classWeights: classWeights(counts) } : {}),
      optimizer: config.optimizer,
      momentum: config.momentum,
      batchNormTrains: job.freeze.bnPolicy === 'adapt',
      random,
    });
    disposables.push(() => net.dispose());

    const graph = InferenceGraph.fromModel(split.frozen);
    const augment = augmentationEnabled(config.augmentation);
    // A frozen base's map is pooled before it is cached: one row is its channels, whatever the
    // image size (as the Model screen's estimate assumes).
    const floats =
      !split.trainable && head.pool
        ? split.boundaryShapes[0]!.at(-1)!
        : split.boundaryShapes.reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);
    const skipped = new Set<string>();
    const onSkip = (item: ImageItem, reason: string): void => {
      if (skipped.has(item.path)) return;
      skipped.add(item.path);
      recorder.phase('skipped-image', `Skipped ${item.path}: it could not be decoded (${reason}).`);
    };
    let source: BatchSource;
    // TRANSFER_STUDIO_FEATURE_CACHE=off computes the frozen part live every epoch (to measure
    // what the cache saves, or to draw fresh augmentations every epoch).
    const cacheOff = (hooks.env ?? process.env).TRANSFER_STUDIO_FEATURE_CACHE === 'off';
    if (split.boundaryIsInput || floats > MAX_CACHED_FLOATS || cacheOff) {
      source = new LiveSource(graph, job.train, job.val, {
        size: job.inputSize,
        preprocessing: job.preprocessing,
        augmentation: config.augmentation,
        augment,
        seed: config.seed,
        pool: !split.trainable && Boolean(head.pool),
        memoryBudgetBytes: budget,
        cancel: control,
        onSkip,
      });
      recorder.phase(
        'cache',
        `No feature cache: ${
          cacheOff
            ? 'switched off (TRANSFER_STUDIO_FEATURE_CACHE=off)'
            : split.boundaryIsInput
              ? 'the first layers train'
              : 'the frozen part’s output is larger than the image'
        }, ` +
          `so every epoch runs the frozen layers live${augment ? ` on freshly augmented images (${describeAugmentation(config.augmentation)})` : ''}. ` +
          `Decoded images are kept in memory up to ${megabytes(budget)}.`,
      );
    } else {
      source = await cachedFeatures(job, split, graph, {
        ...hooks,
        pool: !split.trainable && Boolean(head.pool),
        budget,
        onSkip,
        disposables,
      });
    }
    disposables.push(() => source.dispose());
    return {
      loaded,
      head,
      split,
      model,
      net,
      source,
      trainableLayers: freeze.trainable,
      random,
      dispose: async () => {
        for (const dispose of disposables.reverse()) await dispose();
      },
    };
  } catch (error) {
    for (const dispose of disposables.reverse()) await dispose();
    throw error;
  }
}
