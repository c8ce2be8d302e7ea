/**
 * Domain types of Transfer Studio, each defined once as a runtime schema (zod) with its
 * TypeScript type inferred from it, so the compiler and the receiving side of every
 * process boundary agree. Pure TypeScript: no Node, DOM or Electron imports here.
 */
import { z } from 'zod';
import { MAX_DATASET_ROOTS } from './absolute-path';
import { ImageSizeChoice } from './image-size';

export * from './absolute-path';
export * from './dataset-types';
export * from './export-types';
export * from './image-size';

export const LayerInfo = z.object({
  index: z.number().int().nonnegative(),
  name: z.string(),
  className: z.string(),
  outputShape: z.array(z.number().int().nullable()),
  params: z.number().int().nonnegative(),
  trainableParams: z.number().int().nonnegative(),
  isBatchNorm: z.boolean(),
  /** Whether the layer has weights at all (only those can be frozen or unfrozen). */
  hasWeights: z.boolean(),
  /** Multiply-accumulates per image (convolutions and dense layers; 0 for element-wise layers). */
  macs: z.number().nonnegative().default(0),
  /** Id of the block (see ModelBlock) the layer belongs to. */
  blockId: z.string().optional(),
});
export type LayerInfo = z.infer<typeof LayerInfo>;

/**
 * Layers that are frozen or trained together: a depthwise + pointwise pair, an (inverted)
 * residual unit from its fork to its merge, or consecutive layers sharing a name prefix.
 */
export const ModelBlock = z.object({
  /** Name of the block's first layer (unique). */
  id: z.string(),
  label: z.string(),
  kind: z.enum([
    'input',
    'convolution',
    'depthwise-separable',
    'inverted-bottleneck',
    'inverted-residual',
    'residual',
    'dense',
    'other',
  ]),
  /** True when the block ends in a merge of a skip connection (never split by default). */
  residual: z.boolean(),
  layers: z.array(z.string()),
  outputShape: z.array(z.number().int().nullable()),
  params: z.number().int().nonnegative(),
  trainableParams: z.number().int().nonnegative(),
  macs: z.number().nonnegative(),
  hasBatchNorm: z.boolean(),
});
export type ModelBlock = z.infer<typeof ModelBlock>;

/** Which base model to use: an entry of the catalog, or a model folder on disk. */
export const ModelRef = z.union([
  z.object({ catalogId: z.string().min(1) }),
  z.object({ path: z.string().min(1) }),
]);
export type ModelRef = z.infer<typeof ModelRef>;

export const ModelInfo = z.object({
  ref: ModelRef,
  name: z.string(),
  /** Folder holding model.json. */
  dir: z.string(),
  inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  featureLayer: z.string(),
  featureShape: z.array(z.number().int().nullable()),
  totalParams: z.number().int().nonnegative(),
  /** Layers of the base up to and including the feature layer. */
  layers: z.array(LayerInfo),
  /** The same layers grouped into blocks, input first. */
  blocks: z.array(ModelBlock).default([]),
  /** Multiply-accumulates per image of the base up to the feature layer. */
  totalMacs: z.number().nonnegative().default(0),
  /** The feature layer the catalog recommends or the studio proposes for this model. */
  recommendedFeatureLayer: z.string().optional(),
  /** Layers of the base that can serve as the feature layer (spatial maps and vectors), in order. */
  featureCandidates: z.array(z.string()).default([]),
  preprocessing: z.object({ scale: z.number(), offset: z.number() }).optional(),
  /** Catalog id when the model is (or was found as) a catalog entry. */
  catalogId: z.string().optional(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

/**
 * What frozen BatchNorm layers do while the rest trains. 'frozen' (default, as the Keras
 * transfer-learning guide prescribes): they normalise with their moving statistics, which stay
 * unchanged. 'adapt' (fastai's train_bn): every BatchNorm layer trains its scale and offset and
 * normalises with batch statistics, updating its moving averages.
 */
export const BatchNormPolicy = z.enum(['frozen', 'adapt']);
export type BatchNormPolicy = z.infer<typeof BatchNormPolicy>;

/**
 * Which base layers train. 'feature-extractor' freezes the whole base; 'custom' trains the
 * layers named in `trainableLayers` (every other base layer stays frozen). The head always trains.
 */
export const FreezePlan = z.object({
  mode: z.enum(['feature-extractor', 'custom']),
  trainableLayers: z.array(z.string()),
  /** BatchNorm behaviour; absent means 'frozen'. */
  bnPolicy: BatchNormPolicy.optional(),
  /** Set in advanced mode when the user insists on training part of a residual block. */
  allowSplitBlocks: z.boolean().optional(),
});
export type FreezePlan = z.infer<typeof FreezePlan>;

/**
 * Speed of this machine's backend on one base model, measured by the training worker with a few
 * timed steps on a small batch. The Model screen turns it into seconds per epoch for any plan.
 */
export const SpeedCalibration = z.object({
  /** Backend that ran the measurement, e.g. "wasm (SIMD, 2 threads)". */
  backend: z.string(),
  batchSize: z.number().int().positive(),
  /** Base forward pass up to the feature layer (inference), per image. */
  forwardMsPerImage: z.number().nonnegative(),
  /** A full training step of base + head with every base layer trainable, per image. */
  trainAllMsPerImage: z.number().nonnegative(),
  /** A step with only the top block of the base trainable (from its cached input), per image. */
  trainTopMsPerImage: z.number().nonnegative().optional(),
  /** A step with the top blocks making a quarter of the backward work trainable, per image. */
  trainMidMsPerImage: z.number().nonnegative().optional(),
  /** Images of the measured all-layers step (fewer than batchSize where a step is slow). */
  trainBatchSize: z.number().int().positive().optional(),
  /** A training step of the head alone on cached features (at batchSize), per image. */
  headMsPerImage: z.number().nonnegative(),
  /** Reading, decoding and resizing one image (0 when no images were given). */
  decodeMsPerImage: z.number().nonnegative(),
  /** Peak tensor bytes of the all-trainable step, as TF.js's profiler reports it. */
  peakTrainBytes: z.number().nonnegative().optional(),
  measuredAt: z.string(),
  /** How long the calibration took. */
  durationMs: z.number().nonnegative(),
});
export type SpeedCalibration = z.infer<typeof SpeedCalibration>;

export const BackendName = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
export type BackendName = z.infer<typeof BackendName>;

export const BackendChoice = z.union([BackendName, z.literal('auto')]);
export type BackendChoice = z.infer<typeof BackendChoice>;

export const LrSchedule = z.enum(['constant', 'step', 'cosine', 'one-cycle']);
export type LrSchedule = z.infer<typeof LrSchedule>;

const AugmentOption = z.object({
  enabled: z.boolean(),
  /** 0..1, mapped by the augmenter to e.g. degrees of rotation or zoom range. */
  strength: z.number().min(0).max(1),
});

/** Create ML's augmentation set; each on/off with a strength. */
export const Augmentation = z.object({
  flip: AugmentOption,
  rotation: AugmentOption,
  zoom: AugmentOption,
  exposure: AugmentOption,
  noise: AugmentOption,
  blur: AugmentOption,
  /** With a frozen base, how many augmented views per image are computed and cached. */
  viewsPerImage: z.number().int().min(1).max(32),
});
export type Augmentation = z.infer<typeof Augmentation>;

const off = { enabled: false, strength: 0.5 } as const;
export const noAugmentation: Augmentation = {
  flip: off,
  rotation: off,
  zoom: off,
  exposure: off,
  noise: off,
  blur: off,
  viewsPerImage: 1,
};

export const TrainConfig = z.object({
  /** Capped like a scan's folders, so a request cannot make the studio walk thousands. */
  datasetRoots: z.array(z.string().min(1)).min(1).max(MAX_DATASET_ROOTS),
  model: ModelRef,
  /** Layer at which the base is cut; defaults to the model's recommended feature layer. */
  featureLayer: z.string().optional(),
  freeze: FreezePlan,
  epochs: z.number().int().min(1).max(1000),
  learningRate: z.number().positive().max(10),
  batchSize: z.number().int().min(1).max(1024),
  validationSplit: z.number().min(0.05).max(0.5).default(0.2),
  dropout: z.number().min(0).max(0.9).default(0.2),
  seed: z.number().int().nonnegative().default(42),
  backend: BackendChoice.default('auto'),
  /** Human name of the run; defaults to base model + date. */
  name: z.string().max(200).optional(),
  /** Units of an optional hidden dense layer in the head (0 = none). */
  hiddenUnits: z.number().int().min(0).max(4096).default(0),
  optimizer: z.enum(['adam', 'sgd']).default('adam'),
  /** SGD momentum (ignored by Adam). */
  momentum: z.number().min(0).max(0.999).default(0.9),
  schedule: LrSchedule.default('constant'),
  labelSmoothing: z.number().min(0).max(0.5).default(0),
  /** 'balanced' weighs each class by n_total / (n_classes * n_class), as the doctor reports. */
  classWeights: z.enum(['none', 'balanced']).default('none'),
  earlyStopping: z
    .object({
      enabled: z.boolean(),
      /** Epochs without a better validation loss before stopping (best weights restored). */
      patience: z.number().int().min(1).max(100),
    })
    .default({ enabled: false, patience: 5 }),
  /**
   * Second phase of the two-phase schedule, used when the freeze plan unfreezes base layers:
   * after `epochs` of head training, `epochs` more with the planned base layers trainable at
   * `learningRate * learningRateFactor` (the head keeps its own rate).
   */
  fineTune: z
    .object({
      epochs: z.number().int().min(0).max(1000),
      learningRateFactor: z.number().positive().max(1),
    })
    .default({ epochs: 0, learningRateFactor: 0.1 }),
  augmentation: Augmentation.default(noAugmentation),
  /** Resolution of the images given to the base ('native' for runs saved before it existed). */
  imageSize: ImageSizeChoice.default('native'),
});
export type TrainConfig = z.infer<typeof TrainConfig>;
export type TrainConfigInput = z.input<typeof TrainConfig>;

export const BatchMetrics = z.object({
  /** 1-based epoch number. */
  epoch: z.number().int().nonnegative(),
  batch: z.number().int().nonnegative(),
  batches: z.number().int().positive(),
  loss: z.number(),
  accuracy: z.number(),
});
export type BatchMetrics = z.infer<typeof BatchMetrics>;

export const EpochMetrics = z.object({
  /** 1-based epoch number. */
  epoch: z.number().int().nonnegative(),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  valLoss: z.number(),
  valAccuracy: z.number(),
  learningRate: z.number(),
  imagesPerSecond: z.number().nonnegative(),
  elapsedMs: z.number().nonnegative(),
  etaMs: z.number().nonnegative(),
  /** Which phase trained it: the head alone, fine-tuning base layers, or extra epochs. */
  phase: z.enum(['head', 'fine-tune', 'extension']).optional(),
});
export type EpochMetrics = z.infer<typeof EpochMetrics>;

export const RunStatus = z.enum(['running', 'completed', 'cancelled', 'failed']);
export type RunStatus = z.infer<typeof RunStatus>;

export const BackendAttempt = z.object({
  name: BackendName,
  ok: z.boolean(),
  /** Why it did not load (or a detail of what loaded). */
  detail: z.string(),
  /** What the user can do to make it load. */
  fix: z.string().optional(),
});
export type BackendAttempt = z.infer<typeof BackendAttempt>;

/** Engines that compute the frozen part's features, best first (docs/training-engine.md). */
export const FeatureEngineName = z.enum([
  'onnxruntime-cuda',
  'onnxruntime-coreml',
  'onnxruntime-dml',
  'onnxruntime-cpu',
  'tfjs',
]);
export type FeatureEngineName = z.infer<typeof FeatureEngineName>;

export const FeatureEngineAttempt = z.object({
  name: FeatureEngineName,
  ok: z.boolean(),
  /** What it runs on, or why it was not used. */
  detail: z.string(),
  /** What the user can do to make it load. */
  fix: z.string().optional(),
});
export type FeatureEngineAttempt = z.infer<typeof FeatureEngineAttempt>;

/** Which engine computes features (the frozen part) and why the others were not chosen. */
export const FeatureEngineReport = z.object({
  chosen: FeatureEngineName,
  /** e.g. "onnxruntime 1.30 (CPU, 2 threads)" or "TensorFlow.js (wasm)". */
  description: z.string(),
  attempts: z.array(FeatureEngineAttempt),
});
export type FeatureEngineReport = z.infer<typeof FeatureEngineReport>;

export const BackendReport = z.object({
  chosen: BackendName,
  /** e.g. "wasm (SIMD, 2 threads)" or "tensorflow (native, TF 2.21 from pip)". */
  description: z.string(),
  attempts: z.array(BackendAttempt),
  tfjsVersion: z.string(),
  /** The feature engine (the doctor reports it; a training run says it in its log). */
  featureEngine: FeatureEngineReport.optional(),
});
export type BackendReport = z.infer<typeof BackendReport>;

export const RunSummary = z.object({
  id: z.string(),
  dir: z.string(),
  name: z.string(),
  status: RunStatus,
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  baseModel: z.string(),
  backend: z.string().optional(),
  labels: z.array(z.string()),
  epochsPlanned: z.number().int().nonnegative(),
  epochsDone: z.number().int().nonnegative(),
  bestValAccuracy: z.number().optional(),
  finalValAccuracy: z.number().optional(),
  durationMs: z.number().nonnegative().optional(),
  error: z.string().optional(),
  /** What the run trained on, to tell runs apart and to know whether it can be extended. */
  dataset: z
    .object({ name: z.string(), roots: z.array(z.string()), fingerprint: z.string() })
    .optional(),
  /** Which part of the base trained, in words (describePlan): "head only (base frozen)". */
  plan: z.string().optional(),
  /**
   * Set on a run made by extending a finished one: the finished run stays as it was (its
   * evaluations and exports keep matching it) and this run starts from its saved model.
   */
  continuedFrom: z
    .object({ runId: z.string(), name: z.string(), epochsDone: z.number().int().nonnegative() })
    .optional(),
});
export type RunSummary = z.infer<typeof RunSummary>;

export const CatalogEntry = z.object({
  id: z.string(),
  name: z.string(),
  family: z.enum(['mobilenet_v1', 'mobilenet_v2']),
  alpha: z.number(),
  inputSize: z.number().int().positive(),
  url: z.string(),
  featureLayer: z.string(),
  /** Pixel preprocessing: x * scale + offset. */
  preprocessing: z.object({ scale: z.number(), offset: z.number() }),
  sizeBytes: z.number().int().nonnegative(),
  license: z.string(),
  /** Folder names under the local models folder that hold this model. */
  localDirNames: z.array(z.string()),
  /** For a nested export (Teachable Machine), the path of layer indices to the base. */
  nestedBase: z.array(z.number().int().nonnegative()).optional(),
  /**
   * sha256 of model.json and of all weight shards concatenated in manifest order, where known.
   * Google publishes none for these URLs; entries carry the digests of a verified copy.
   */
  sha256: z.object({ modelJson: z.string(), weights: z.string() }).optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const CatalogItem = CatalogEntry.extend({
  /** Where the model was found on this machine, if anywhere. */
  localDir: z.string().optional(),
  /** True when localDir is the studio's download cache (not a user's models folder). */
  downloaded: z.boolean().optional(),
});
export type CatalogItem = z.infer<typeof CatalogItem>;
