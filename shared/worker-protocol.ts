/**
 * Messages between the training supervisor (main) and the training worker process. Both
 * sides validate what they receive against these schemas.
 */
import { z } from 'zod';
import {
  BackendChoice,
  BackendReport,
  BatchMetrics,
  EpochMetrics,
  ExportFormat,
  ExportResult,
  FreezePlan,
  RunSummary,
  SpeedCalibration,
  TrainConfig,
} from './domain';
import { EvaluationFile, EvaluationSource, Prediction } from './evaluation';

/** Everything the worker needs to train, resolved by main (paths checked, split decided). */
export const TrainJob = z.object({
  runId: z.string(),
  runDir: z.string(),
  config: TrainConfig,
  modelDir: z.string(),
  /** Index path into nested models (Teachable Machine exports); empty for flat models. */
  nestedBase: z.array(z.number().int().nonnegative()),
  featureLayer: z.string(),
  inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  /** Why this input size (the config's image size, decided), for the run log. */
  inputSizeReason: z.string().optional(),
  preprocessing: z.object({ scale: z.number(), offset: z.number() }),
  labels: z.array(z.string()).min(2),
  train: z.array(z.object({ path: z.string(), label: z.number().int().nonnegative() })),
  val: z.array(z.object({ path: z.string(), label: z.number().int().nonnegative() })),
  freeze: FreezePlan,
  baseModelName: z.string(),
  /** Root of the persistent feature cache (<dataDir>/cache); a run-only cache when absent. */
  cacheDir: z.string().optional(),
  /**
   * Continues a finished run: start from its saved model (base and head) and number the
   * epochs after the ones it already has.
   */
  continueFrom: z
    .object({ modelDir: z.string(), epochsDone: z.number().int().nonnegative() })
    .optional(),
});
export type TrainJob = z.infer<typeof TrainJob>;

/** fastai's lr_find: loss against an exponentially growing learning rate, and a suggestion. */
export const LrFindResult = z.object({
  points: z.array(z.object({ learningRate: z.number(), loss: z.number() })),
  suggested: z.number().positive(),
});
export type LrFindResult = z.infer<typeof LrFindResult>;

/** Runs a trained model (a run's model/ folder) over labelled images: an evaluation. */
export const EvaluateJob = z.object({
  modelDir: z.string(),
  /** Labels index the model's classes (metadata.json order). */
  items: z.array(z.object({ path: z.string(), label: z.number().int().nonnegative() })),
  source: EvaluationSource,
  backend: BackendChoice,
  batchSize: z.number().int().min(1).max(256).default(32),
});
export type EvaluateJob = z.infer<typeof EvaluateJob>;

/** Top-k predictions of a trained model for files or image bytes ("try it"). */
export const PredictJob = z.object({
  modelDir: z.string(),
  inputs: z.array(
    z.union([
      z.object({ name: z.string(), path: z.string() }),
      z.object({ name: z.string(), base64: z.string() }),
    ]),
  ),
  topK: z.number().int().min(1).max(20),
  backend: BackendChoice,
  /**
   * Stream: answer in 'prediction-batch' messages of this many images as they are done, then an
   * empty 'predictions' (so thousands of images never sit in one message or in memory).
   */
  streamBatch: z.number().int().min(1).max(256).optional(),
});
export type PredictJob = z.infer<typeof PredictJob>;

/**
 * Exports a finished run's model and proves it: main has read the run folder (model, labels,
 * the validation split the worker evaluated) and checked the target; the worker does the rest.
 */
export const ExportJob = z.object({
  runId: z.string(),
  runDir: z.string(),
  /** The run's model/ folder (model.json, weights, metadata.json). */
  modelDir: z.string(),
  format: ExportFormat,
  outDir: z.string(),
  overwrite: z.boolean(),
  zip: z.boolean(),
  /** Backend of the studio's own model, the reference of the proof. */
  backend: BackendChoice,
  modelName: z.string(),
  labels: z.array(z.string()).min(1),
  inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  preprocessing: z.object({ scale: z.number(), offset: z.number() }),
  /** The validation images to run through both models. */
  val: z.array(z.object({ path: z.string(), label: z.number().int().nonnegative() })),
  /** How the manifest names those images, e.g. "validation split of the run". */
  validationName: z.string(),
  /** int8 formats: training images the quantization ranges are calibrated on. */
  representative: z.array(z.string()).optional(),
  tolerance: z.number().positive().optional(),
  /** Recorded in the manifest (run id, base model, ...). */
  source: z.record(z.string(), z.string()),
  producerVersion: z.string(),
});
export type ExportJob = z.infer<typeof ExportJob>;

/** A short timed run of the base model on this machine's backend (see SpeedCalibration). */
export const CalibrateJob = z.object({
  modelDir: z.string(),
  nestedBase: z.array(z.number().int().nonnegative()),
  featureLayer: z.string(),
  inputSize: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  preprocessing: z.object({ scale: z.number(), offset: z.number() }),
  backend: BackendChoice,
  batchSize: z.number().int().min(1).max(64),
  /** A few dataset images, decoded to time decoding and used as the input batch. */
  images: z.array(z.string()).max(64),
  /** Timed repetitions of each step, after one warm-up. */
  repeats: z.number().int().min(1).max(10).default(2),
  /** At most this many images in the timed all-layers step (it costs far more than inference). */
  trainBatchSize: z.number().int().min(1).max(64).default(16),
  /** Weighted layers of the top block: a training step is timed with only these trainable. */
  topLayers: z.array(z.string()).default([]),
  /** Weighted layers of the middle point (midCalibrationPlan): another step is timed. */
  midLayers: z.array(z.string()).default([]),
});
export type CalibrateJob = z.infer<typeof CalibrateJob>;

export const WorkerCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('calibrate'), job: CalibrateJob }),
  z.object({ type: z.literal('export'), job: ExportJob }),
  z.object({ type: z.literal('train'), job: TrainJob }),
  /** A learning-rate sweep on the job's data (the run folder only receives its log). */
  z.object({ type: z.literal('lr-find'), job: TrainJob }),
  /** Controls of a running 'train' job, taken between batches. */
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  z.object({ type: z.literal('extend'), epochs: z.number().int().min(1).max(1000) }),
  z.object({ type: z.literal('evaluate'), job: EvaluateJob }),
  z.object({ type: z.literal('predict'), job: PredictJob }),
  z.object({ type: z.literal('doctor'), backend: BackendChoice }),
  z.object({ type: z.literal('cancel') }),
]);
export type WorkerCommand = z.infer<typeof WorkerCommand>;

export const WorkerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('backend'), report: BackendReport }),
  z.object({ type: z.literal('calibration'), result: SpeedCalibration }),
  z.object({
    type: z.literal('phase'),
    phase: z.string(),
    message: z.string().optional(),
    progress: z.number().min(0).max(1).optional(),
    /** Milliseconds left in this phase at its rate so far, once there is a rate. */
    etaMs: z.number().nonnegative().optional(),
  }),
  z.object({ type: z.literal('batch'), batch: BatchMetrics }),
  z.object({ type: z.literal('epoch'), metrics: EpochMetrics }),
  z.object({ type: z.literal('done'), summary: RunSummary }),
  z.object({ type: z.literal('lr-find'), result: LrFindResult }),
  /** The answer to pause/resume/extend: the job's state after the command. */
  z.object({
    type: z.literal('control'),
    paused: z.boolean(),
    /** Epochs the job will have run in all when it ends, as planned now. */
    epochsPlanned: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal('evaluation'), evaluation: EvaluationFile }),
  z.object({ type: z.literal('predictions'), predictions: z.array(Prediction) }),
  /** Part of a streamed 'predict' answer: the predictions of inputs[offset...]. */
  z.object({
    type: z.literal('prediction-batch'),
    offset: z.number().int().nonnegative(),
    predictions: z.array(Prediction),
  }),
  z.object({ type: z.literal('exported'), result: ExportResult }),
  z.object({
    type: z.literal('error'),
    message: z.string(),
    stack: z.string().optional(),
    /** How the host should report it (ErrorPayload codes); 'failed' when absent. */
    code: z.enum(['invalid-request', 'not-found', 'conflict', 'failed']).optional(),
  }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessage>;
