/**
 * Workloads 1–3 of the benchmark on one TF.js backend and one base model, in their own process
 * (bundled by scripts/bench.mjs and run as `node tfjs-workloads.cjs --backend B --model M`):
 *   1. feature extraction through the frozen base, batch 32 at 224×224 (layers model; the
 *      folded/fused inference graph when the worker has one);
 *   2. one epoch of head training on cached features (244 images, and 16,384 rows), and the
 *      same epoch without the cache;
 *   3. a full fine-tuning step through every layer.
 * It uses the worker's own code (backend chain, model loading, image decoding, feature cache,
 * head, freeze plan), so it measures what the studio runs. Each result is printed as soon as
 * it is known, one JSON line each, so a slow backend stopped by the parent keeps what it did.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { noAugmentation, type BackendName } from '../shared/domain';
import { loadBaseModel } from '../main/services/models/load-layers-model';
import { selectBackend } from '../main/worker/backends/backend-chain';
import { imageBatches, type ImageItem } from '../main/worker/images/image-batches';
import { CancelSignal } from '../main/worker/training/cancel-signal';
import { CachedSource, LiveSource, type BatchSource } from '../main/worker/training/batch-source';
import { buildFeatureTable, FeatureTable } from '../main/worker/training/feature-cache';
import { TfjsFeatureEngine } from '../main/worker/training/feature-engine';
import { InferenceGraph } from '../main/worker/training/inference-graph';
import {
  applyFreezePlan,
  createHead,
  fullModel,
  headModel,
} from '../main/worker/training/model-parts';
import { seededRandom } from '../main/worker/training/seeded-random';
import { splitAtFrozenPart } from '../main/worker/training/split-model';
import { TrainableNet } from '../main/worker/training/trainable-net';
import {
  BATCH,
  IMAGE_SIZE,
  PREPROCESSING,
  benchModels,
  hymenopteraItems,
  type BenchModel,
} from './bench-fixtures';
import { measureRate, measureSeconds, type RateOptions } from './measure';
import { macsPerImage } from './model-macs';

const { values } = parseArgs({
  options: {
    backend: { type: 'string' },
    model: { type: 'string' },
    runs: { type: 'string', default: '5' },
    'min-run': { type: 'string', default: '2' },
    budget: { type: 'string', default: '40' },
    skip: { type: 'string', multiple: true, default: [] },
    'fine-tune-batch': { type: 'string', default: String(BATCH) },
  },
});
const root = process.cwd();
const rateOptions: RateOptions = {
  runs: Number(values.runs),
  minRunSeconds: Number(values['min-run']),
  budgetSeconds: Number(values.budget),
};
const skip = new Set(values.skip);

function emit(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

/** Runs one workload; a failure becomes a result row saying why, never the end of the process. */
async function workload(name: string, run: () => Promise<Record<string, unknown>>): Promise<void> {
  if (skip.has(name)) {
    emit({
      workload: name,
      skipped: 'not measured on this backend (too slow; see bench/README.md)',
    });
    return;
  }
  try {
    emit({ workload: name, ...(await run()) });
  } catch (error) {
    emit({
      workload: name,
      error: (error instanceof Error ? error.message : String(error)).split('\n')[0],
    });
  }
}

/** A batch of 32 training images spread over both classes, decoded as the worker does. */
async function imageBatch(
  items: readonly ImageItem[],
): Promise<{ x: tf.Tensor4D; labels: number[] }> {
  const picked = Array.from(
    { length: BATCH },
    (_, i) => items[Math.floor((i * items.length) / BATCH)]!,
  );
  for await (const batch of imageBatches(picked, {
    size: IMAGE_SIZE,
    preprocessing: PREPROCESSING,
    batchSize: BATCH,
  })) {
    if (batch.items.length !== BATCH)
      throw new Error('an image of the benchmark batch did not decode');
    return {
      x: tf.tensor4d(batch.pixels, [BATCH, IMAGE_SIZE[0], IMAGE_SIZE[1], 3]),
      labels: batch.items.map((item) => item.label),
    };
  }
  throw new Error('no image of the benchmark batch decoded');
}

/** Rows of the real-size cached head epoch (a 20k-photo folder's training split, about). */
const LARGE_ROWS = 16_384;

/** A feature table of LARGE_ROWS rows in memory: the real table's rows, repeated in order. */
function largeTable(table: FeatureTable): FeatureTable {
  const count = table.items.length;
  const real = table.rows(table.items.map((_, item) => ({ item, view: 0 })));
  const values = real[0]!.dataSync() as Float32Array;
  tf.dispose(real);
  const memory = new Float32Array(LARGE_ROWS * table.width);
  const items = Array.from({ length: LARGE_ROWS }, (_, row) => {
    memory.set(
      values.subarray((row % count) * table.width, ((row % count) + 1) * table.width),
      row * table.width,
    );
    return table.items[row % count]!;
  });
  return new FeatureTable(
    items,
    items.map((_, row) => row),
    1,
    table.partShapes,
    memory,
    '',
    {
      ...table.stats,
      bytes: memory.byteLength,
    },
  );
}

async function main(): Promise<void> {
  const backend = values.backend as BackendName;
  const model = benchModels(root).find((m) => m.key === values.model) as BenchModel;
  if (!model)
    throw new Error(
      `--model must be one of ${benchModels(root)
        .map((m) => m.key)
        .join(', ')}`,
    );
  const report = await selectBackend(backend);
  emit({ workload: 'backend', backend: report.chosen, description: report.description });

  const loaded = await loadBaseModel(model.dir, {
    nestedBase: model.nestedBase,
    featureLayer: model.featureLayer,
  });
  const { cut } = loaded;
  const featureShape = cut.outputs[0]!.shape;
  emit({
    workload: 'model',
    macsPerImage: macsPerImage(cut),
    params: cut.countParams(),
    featureShape,
  });

  const train = hymenopteraItems(root, 'train');
  const { x, labels: batchLabels } = await imageBatch(train);

  // 1. Feature extraction through the frozen base.
  await workload('features', async () => ({
    rate: await measureRate(
      BATCH,
      async () => {
        const features = cut.predict(x) as tf.Tensor;
        await features.data();
        features.dispose();
      },
      rateOptions,
    ),
  }));
  await workload('features-fused', async () => {
    const graph = InferenceGraph.fromModel(cut);
    try {
      return {
        rate: await measureRate(
          BATCH,
          async () => {
            const features = graph.predict(x);
            await features.data();
            features.dispose();
          },
          rateOptions,
        ),
        description:
          `${graph.foldedBatchNorms} BatchNorms folded, ` +
          `${graph.fusedActivations} activations fused`,
      };
    } finally {
      graph.dispose();
    }
  });

  // 2. One epoch of head training, with and without the feature cache, through the training
  // engine's own pieces: the feature table (cached pooled features) read by CachedSource, and
  // LiveSource (decode, frozen graph every epoch), both feeding TrainableNet's step.
  await workload('head-epoch', async () => {
    const head = createHead(featureShape, 2, 0.2, 42);
    headModel(head); // builds the head's weights, which TrainableNet collects
    const random = seededRandom(42);
    const netOptions = {
      head,
      classCount: 2,
      labelSmoothing: 0,
      optimizer: 'adam' as const,
      momentum: 0.9,
      batchNormTrains: false,
      random,
    };
    const rates = { head: 1e-3, base: 0 };
    const sourceOptions = {
      size: IMAGE_SIZE,
      preprocessing: PREPROCESSING,
      augmentation: noAugmentation,
      seed: 42,
      cancel: new CancelSignal(),
      onSkip: () => {},
    };
    const graph = InferenceGraph.fromModel(cut);
    const engine = new TfjsFeatureEngine(graph, { size: IMAGE_SIZE, pool: true });
    const table = await buildFeatureTable(engine, [featureShape.slice(1) as number[]], train, {
      ...sourceOptions,
      identity: { bench: model.key },
      memoryBudgetBytes: 1 << 30,
      batchSize: BATCH,
      views: 1,
      pool: true,
      onProgress: () => {},
    });
    const count = table.items.length;
    const epochOf = (source: BatchSource, net: TrainableNet) => async () => {
      for await (const batch of source.trainBatches(1, BATCH, random)) {
        await net.trainStep(batch.inputs, batch.labels, rates);
        tf.dispose(batch.inputs);
      }
    };
    const cachedNet = new TrainableNet({ ...netOptions, inputsPooled: true });
    const cachedSource = new CachedSource(table, table);
    const cached = await measureSeconds(epochOf(cachedSource, cachedNet), rateOptions);
    // The same epoch over a real-size training set: the real rows repeated to LARGE_ROWS.
    const large = largeTable(table);
    const largeNet = new TrainableNet({ ...netOptions, inputsPooled: true });
    const largeEpoch = await measureSeconds(epochOf(new CachedSource(large, large), largeNet), {
      ...rateOptions,
      runs: Math.min(3, rateOptions.runs),
    });
    largeNet.dispose();
    // Without the cache, as the engine runs it when it cannot cache: decoded images are kept
    // in memory within the budget, and the frozen part runs again every epoch.
    const liveNet = new TrainableNet({ ...netOptions, inputsPooled: false });
    const live = new LiveSource(InferenceGraph.fromModel(cut), train, [], {
      ...sourceOptions,
      augment: false,
      // The uncached head here takes the frozen part's unpooled output (inputsPooled: false).
      pool: false,
      memoryBudgetBytes: 1 << 30,
    });
    const withDecodeStart = performance.now();
    await epochOf(live, liveNet)(); // the first epoch decodes every image (and warms up)
    const withDecodeSeconds = (performance.now() - withDecodeStart) / 1000;
    const uncached = await measureSeconds(epochOf(live, liveNet), {
      runs: Math.min(3, rateOptions.runs),
      budgetSeconds: rateOptions.budgetSeconds,
      warmup: false,
    });
    cachedNet.dispose();
    liveNet.dispose();
    await live.dispose();
    await cachedSource.dispose();
    graph.dispose();
    return {
      images: count,
      batches: Math.ceil(count / BATCH),
      cacheBuildSeconds: Number(table.stats.seconds.toPrecision(4)),
      cachedEpochSeconds: cached,
      headEngine: cachedNet.engine,
      largeEpochRows: LARGE_ROWS,
      largeEpochSeconds: largeEpoch,
      uncachedEpochSeconds: uncached,
      uncachedWithDecodeSeconds: Number(withDecodeSeconds.toPrecision(4)),
      speedup: Number((uncached.median / cached.median).toPrecision(4)),
    };
  });

  // 3. Full fine-tuning: every base layer trainable (BatchNorm held in inference mode, the
  // engine's default policy), split as the engine splits it (nothing frozen is left but
  // weightless input layers), the step of TrainableNet with both learning rates on.
  await workload('fine-tune', async () => {
    const plan = applyFreezePlan(cut, {
      mode: 'custom',
      trainableLayers: cut.layers.map((layer) => layer.name),
    });
    const split = splitAtFrozenPart(cut, new Set(plan.trainable));
    if (!split.trainable) throw new Error('the split left nothing of the base to train');
    const head = createHead(featureShape, 2, 0.2, 42);
    fullModel(cut, head); // builds the head's weights (this is the model the run saves)
    const net = new TrainableNet({
      head,
      trainable: split.trainable,
      inputsPooled: false,
      classCount: 2,
      labelSmoothing: 0,
      optimizer: 'adam',
      momentum: 0.9,
      batchNormTrains: false,
      random: seededRandom(42),
    });
    const frozen = split.boundaryIsInput ? undefined : InferenceGraph.fromModel(split.frozen);
    const batch = Number(values['fine-tune-batch']);
    const images = batch === BATCH ? x : x.slice(0, batch);
    const labels = batchLabels.slice(0, batch);
    const inputs = frozen ? frozen.predictAll(images) : [images];
    const rate = await measureRate(
      batch,
      () => net.trainStep(inputs, labels, { head: 1e-3, base: 1e-4 }),
      rateOptions,
    );
    return {
      rate,
      batch,
      trainableLayers: plan.trainable.length,
      trainableWeights: split.trainable.trainableWeights.length,
      frozenInputLayers: split.boundaryIsInput ? 0 : split.frozen.layers.length - 1,
    };
  });
  emit({ workload: 'done', peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) });
}

main().catch((error: unknown) => {
  emit({
    workload: 'fatal',
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exitCode = 1;
});
