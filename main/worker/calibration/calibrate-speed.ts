/**
 * A short, measured calibration of this machine's training backend on one base model: decoding a
 * few real images, the base's forward pass, a head-only training step, and a full training step
 * with every base layer trainable, each timed on a small batch after a warm-up step. The Model
 * screen turns these into seconds per epoch for any freeze plan (shared/training-estimate.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { SpeedCalibration } from '../../../shared/domain';
import type { CalibrateJob, WorkerMessage } from '../../../shared/worker-protocol';
import { loadBaseModel } from '../../services/models/load-layers-model';
import { resolveBackendChoice, selectBackend } from '../backends/backend-chain';
import { imageBatches } from '../images/image-batches';
import { InferenceGraph } from '../training/inference-graph';
import { applyFreezePlan, createHead, fullModel } from '../training/model-parts';
import { seededRandom } from '../training/seeded-random';
import { splitAtFrozenPart } from '../training/split-model';
import { TrainableNet } from '../training/trainable-net';

/** Images of the first, untimed step with every layer trainable (to size the timed one). */
const PROBE_ROWS = 2;
/** About how long the timed all-layers step and the middle step may take. */
const ALL_STEP_BUDGET_MS = 2_500;
const MID_STEP_BUDGET_MS = 1_500;

export interface CalibrationHooks {
  emit(message: WorkerMessage): void;
  env?: NodeJS.ProcessEnv;
}

/** A step whose warm-up took this long is timed once: its noise is small next to it. */
const LONG_STEP_MS = 2_000;
/** Cheap steps keep warming up (allocators, thread pools, kernel choices) for about this long. */
const WARM_UP_MS = 1_000;
const MAX_EXTRA_WARM_UPS = 6;

/**
 * Median milliseconds of `repeats` runs of `step`, after warming up: one untimed run (`warmUp`,
 * when given, replaces it, e.g. a profiled run), then more of them while they are cheap: the first
 * few steps on a fresh model run up to twice as slow as the steady state a training epoch sees.
 */
async function timed(
  repeats: number,
  step: () => Promise<void>,
  warmUp: () => Promise<void> = step,
): Promise<number> {
  const warmStart = performance.now();
  await warmUp();
  let extra = 0;
  while (performance.now() - warmStart < WARM_UP_MS && extra < MAX_EXTRA_WARM_UPS) {
    await step();
    extra += 1;
  }
  const runs = performance.now() - warmStart > LONG_STEP_MS && extra === 0 ? 1 : repeats;
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await step();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Decodes the sample images (timed) and returns a batch of real pixels, or random ones. */
async function inputBatch(job: CalibrateJob): Promise<{ x: tf.Tensor4D; decodeMs: number }> {
  const [height, width] = job.inputSize;
  const perImage = height * width * 3;
  if (job.images.length === 0) {
    return { x: tf.randomUniform([job.batchSize, height, width, 3], -1, 1), decodeMs: 0 };
  }
  const items = job.images.map((path) => ({ path, label: 0 }));
  const decodeAll = async (): Promise<Float32Array> => {
    let pixels = new Float32Array(0);
    for await (const batch of imageBatches(items, {
      size: job.inputSize,
      preprocessing: job.preprocessing,
      batchSize: items.length,
      prefetch: 0,
    })) {
      pixels = batch.pixels.slice(0, batch.items.length * perImage);
    }
    return pixels;
  };
  // The first pass pays for loading the decoder and reading the files from disk; time the second.
  await decodeAll();
  const started = performance.now();
  const decoded = await decodeAll();
  const count = decoded.length / perImage;
  const decodeMs = count > 0 ? (performance.now() - started) / count : 0;
  if (count === 0) {
    return { x: tf.randomUniform([job.batchSize, height, width, 3], -1, 1), decodeMs: 0 };
  }
  const pixels = new Float32Array(job.batchSize * perImage);
  for (let i = 0; i < job.batchSize; i += 1) {
    pixels.set(
      decoded.subarray((i % count) * perImage, ((i % count) + 1) * perImage),
      i * perImage,
    );
  }
  return { x: tf.tensor4d(pixels, [job.batchSize, height, width, 3]), decodeMs };
}

export async function calibrateSpeed(
  job: CalibrateJob,
  hooks: CalibrationHooks,
): Promise<SpeedCalibration> {
  const started = Date.now();
  const { choice } = resolveBackendChoice(job.backend, hooks.env);
  const report = await selectBackend(choice);
  hooks.emit({ type: 'backend', report });
  const loaded = await loadBaseModel(job.modelDir, {
    nestedBase: job.nestedBase,
    featureLayer: job.featureLayer,
    inputSize: job.inputSize,
  });
  const disposables: tf.Tensor[] = [];
  try {
    const { x, decodeMs } = await inputBatch(job);
    disposables.push(x);
    const batch = job.batchSize;

    // The forward pass the feature cache runs: the folded, fused inference graph.
    applyFreezePlan(loaded.cut, { mode: 'feature-extractor', trainableLayers: [] });
    const graph = InferenceGraph.fromModel(loaded.cut);
    const forwardMs = await timed(job.repeats, async () => {
      const out = graph.predict(x);
      await out.data();
      out.dispose();
    }).finally(() => graph.dispose());

    // Training steps as the worker runs them (TrainableNet: the trainable part from its cached
    // input, plus the head), on a smaller batch: a full step costs many times a forward pass.
    const featureShape = loaded.cut.outputs[0]!.shape;
    const stepFor = async (
      trainableLayers: string[] | undefined,
      rows: number,
      profiled: boolean,
      repeats = job.repeats,
    ): Promise<{ ms: number; peak?: number }> => {
      const freeze = applyFreezePlan(loaded.cut, {
        mode: trainableLayers ? 'custom' : 'feature-extractor',
        trainableLayers: trainableLayers ?? [],
      });
      const split = splitAtFrozenPart(loaded.cut, new Set(freeze.trainable));
      const head = createHead(featureShape, 2, 0.2, 42);
      // Building the full model builds the head's layers, as prepareTraining does.
      fullModel(loaded.cut, head);
      let inputs: tf.Tensor[];
      if (!split.trainable) {
        inputs = [tf.randomUniform([rows, head.featureCount])];
      } else if (split.boundaryIsInput) {
        inputs = [x.slice(0, rows)];
      } else {
        const frozen = InferenceGraph.fromModel(split.frozen);
        const xRows = x.slice(0, rows);
        inputs = frozen.predictAll(xRows);
        frozen.dispose();
        xRows.dispose();
      }
      disposables.push(...inputs);
      const net = new TrainableNet({
        head,
        ...(split.trainable ? { trainable: split.trainable } : {}),
        inputsPooled: !split.trainable,
        classCount: 2,
        labelSmoothing: 0,
        optimizer: 'adam',
        momentum: 0.9,
        batchNormTrains: false,
        random: seededRandom(42),
      });
      const labels = Array.from({ length: rows }, (_, i) => i % 2);
      const step = async () => {
        await net.trainStep(inputs, labels, { head: 1e-3, base: 1e-4 });
      };
      let peak: number | undefined;
      const warmUp = async () => {
        peak = (await tf.profile(step)).peakBytes;
      };
      try {
        const ms = await timed(repeats, step, profiled ? warmUp : step);
        return { ms, ...(peak !== undefined ? { peak } : {}) };
      } finally {
        net.dispose();
      }
    };
    // The head and the top block at the training batch size, so per-step costs count as they
    // will; every layer on as many images as fit in a couple of seconds (a full step on wasm
    // can take over a second per image).
    const headMs = (await stepFor(undefined, batch, false, Math.max(3, job.repeats))).ms;
    const top = job.topLayers.length ? await stepFor(job.topLayers, batch, false) : undefined;
    /** Rows that keep a step of these layers within the time budget (probed on 2 images). */
    const rowsFor = async (layers: string[], budgetMs: number) => {
      const probe = await stepFor(layers, PROBE_ROWS, false, 1);
      const perImage = probe.ms / PROBE_ROWS;
      return Math.max(
        PROBE_ROWS,
        Math.min(batch, job.trainBatchSize, Math.floor(budgetMs / perImage)),
      );
    };
    const midRows = job.midLayers.length ? await rowsFor(job.midLayers, MID_STEP_BUDGET_MS) : 0;
    const mid = midRows ? await stepFor(job.midLayers, midRows, false) : undefined;
    const weighted = loaded.cut.layers.filter((l) => l.weights.length > 0).map((l) => l.name);
    const trainRows = await rowsFor(weighted, ALL_STEP_BUDGET_MS);
    const all = await stepFor(weighted, trainRows, true);
    return {
      backend: report.description,
      batchSize: batch,
      forwardMsPerImage: forwardMs / batch,
      trainAllMsPerImage: all.ms / trainRows,
      ...(top ? { trainTopMsPerImage: top.ms / batch } : {}),
      ...(mid ? { trainMidMsPerImage: mid.ms / midRows } : {}),
      trainBatchSize: trainRows,
      headMsPerImage: headMs / batch,
      decodeMsPerImage: decodeMs,
      ...(all.peak !== undefined ? { peakTrainBytes: all.peak } : {}),
      measuredAt: new Date().toISOString(),
      durationMs: Date.now() - started,
    };
  } finally {
    tf.dispose(disposables);
    loaded.model.dispose();
  }
}
