/**
 * The feature cache of a run: choose the engine that computes the frozen part (engine-choice.ts),
 * build the training and validation tables with it, and say in the run what computed them and
 * where they are. The trainable part then trains on these rows (CachedSource).
 */
import type { FeatureEngineReport } from '../../../shared/domain';
import { viewsForDataset } from '../../../shared/recipe';
import type { TrainJob } from '../../../shared/worker-protocol';
import { describeAugmentation, augmentationEnabled } from '../images/augment';
import type { ImageItem } from '../images/image-batches';
import { CachedSource } from './batch-source';
import { chooseFeatureEngine } from './engine-choice';
import { describeProfile } from './extract-missing';
import { featureThreads } from './extraction-pool';
import { buildFeatureTable, type FeatureTable } from './feature-cache';
import { LazyFeatureEngine, TfjsFeatureEngine } from './feature-engine';
import { hashFrozenPart } from './frozen-part-hash';
import type { InferenceGraph } from './inference-graph';
import type { RunControl } from './run-control';
import type { RunRecorder } from './run-recorder';
import type { SplitModel } from './split-model';

export interface CachedFeaturesHooks {
  recorder: RunRecorder;
  control: RunControl;
  env?: NodeJS.ProcessEnv;
  /** TF.js trains on a GPU (then it computes features too, unless onnxruntime has a GPU). */
  tfjsUsesGpu?: boolean;
  /** Pool the (single) boundary tensor: the base is frozen and the head pools. */
  pool: boolean;
  budget: number;
  onSkip: (item: ImageItem, reason: string) => void;
  /** Where to add what the run must free at its end. */
  disposables: Array<() => unknown>;
}

export const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** "Features computed by X" and, for each engine not chosen, why. */
export function describeEngineChoice(report: FeatureEngineReport): string {
  const others = report.attempts.filter((attempt) => !attempt.ok && attempt.name !== report.chosen);
  return (
    `Features computed by ${report.description}` +
    (others.length
      ? `; not used: ${others.map((attempt) => `${attempt.name} (${attempt.detail})`).join('; ')}`
      : '') +
    '.'
  );
}

/** Builds both feature tables and answers the source that trains on them. */
export async function cachedFeatures(
  job: TrainJob,
  split: SplitModel,
  graph: InferenceGraph,
  hooks: CachedFeaturesHooks,
): Promise<CachedSource> {
  const { recorder } = hooks;
  // The frozen part itself (graph, boundary, weight values), not the folder it came from:
  // extending a finished run loads its saved model, whose frozen layers are the base's, and
  // finds the features the run computed. Not the engine: see docs/training-engine.md.
  const identity = { frozenPart: await hashFrozenPart(split.frozen) };
  const tables: FeatureTable[] = [];
  hooks.disposables.push(async () => {
    await Promise.all(tables.map((table) => table.dispose()));
  });
  const shape = { size: job.inputSize, pool: hooks.pool };
  // Chosen when the first image needs computing; a run read wholly from the cache needs none.
  const engine = new LazyFeatureEngine(shape, async () => {
    const chosen = await chooseFeatureEngine(
      split.frozen,
      () => new TfjsFeatureEngine(graph, shape),
      shape,
      {
        ...(hooks.env ? { env: hooks.env } : {}),
        ...(hooks.tfjsUsesGpu ? { tfjsUsesGpu: true } : {}),
        onNotice: (message) => recorder.phase('feature-engine', message),
      },
    );
    recorder.phase('feature-engine', describeEngineChoice(chosen.report));
    return chosen.engine;
  });
  // On wasm and cpu, TF.js batches spread over worker threads (each its own copy of the graph).
  const threads = featureThreads(split.frozen, {
    ...(hooks.env ? { env: hooks.env } : {}),
    onNotice: (message) => recorder.phase('feature-threads', message),
  });
  hooks.disposables.push(() => threads.terminate());
  try {
    for (const name of ['train', 'val'] as const) {
      tables.push(await buildTable(job, split, engine, name, { ...hooks, identity, threads }));
    }
  } finally {
    await threads.terminate();
    await engine.dispose();
  }
  graph.dispose();
  const [trainTable, valTable] = tables as [FeatureTable, FeatureTable];
  if (trainTable.items.length === 0 || valTable.items.length === 0) {
    throw new Error(
      `No ${trainTable.items.length === 0 ? 'training' : 'validation'} image could be decoded; check the dataset.`,
    );
  }
  announceCache(job, split, trainTable, valTable, recorder);
  return new CachedSource(trainTable, valTable);
}

/** Views per training image: the setting, fewer on large classes (the recipe's rule, said). */
function trainViews(job: TrainJob, recorder: RunRecorder): number {
  const { augmentation } = job.config;
  if (!augmentationEnabled(augmentation)) return 1;
  const chosen = viewsForDataset(augmentation.viewsPerImage, job.train.length, job.labels.length);
  if (chosen.reason) recorder.phase('views', `Computing ${chosen.reason}.`);
  return chosen.views;
}

/**
 * Time left in a phase that reports done-of-total: the rate since the first report (which may
 * jump ahead over rows reused from the cache), once a second of work gives one.
 */
function phaseEstimate(): (done: number, total: number) => { etaMs?: number } {
  let first: { at: number; done: number } | undefined;
  return (done, total) => {
    const now = Date.now();
    first ??= { at: now, done };
    const elapsed = now - first.at;
    const rate = (done - first.done) / Math.max(1, elapsed);
    return elapsed >= 1000 && rate > 0 ? { etaMs: (total - done) / rate } : {};
  };
}

/** One split's table, with its progress and the rate it was computed at. */
async function buildTable(
  job: TrainJob,
  split: SplitModel,
  engine: LazyFeatureEngine,
  name: 'train' | 'val',
  hooks: CachedFeaturesHooks & {
    identity: Record<string, unknown>;
    threads: ReturnType<typeof featureThreads>;
  },
): Promise<FeatureTable> {
  const { recorder } = hooks;
  const config = job.config;
  const items = name === 'train' ? job.train : job.val;
  const views = name === 'train' ? trainViews(job, recorder) : 1;
  const phase = `features-${name}`;
  const what = `${name === 'train' ? 'training' : 'validation'} images`;
  recorder.phase(phase, `Computing features of ${items.length} ${what}`, { progress: 0 });
  const eta = phaseEstimate();
  const table = await buildFeatureTable(engine, split.boundaryShapes, items, {
    // Each split keeps its own folder, so one never overwrites the other's rows.
    identity: { ...hooks.identity, split: name },
    ...(job.cacheDir ? { cacheDir: job.cacheDir } : {}),
    memoryBudgetBytes: hooks.budget,
    size: job.inputSize,
    preprocessing: job.preprocessing,
    batchSize: 32,
    views,
    augmentation: config.augmentation,
    seed: config.seed,
    pool: hooks.pool,
    cancel: hooks.control,
    // Feature threads run TF.js: only for the TF.js engine (also after onnxruntime failed).
    threads: async () => ((await engine.get()).kind === 'tfjs' ? hooks.threads.get() : undefined),
    onSkip: hooks.onSkip,
    onProgress: (done, total) =>
      recorder.phase(phase, `Computed features of ${done} of ${total} ${what}`, {
        progress: done / Math.max(1, total),
        ...eta(done, total),
      }),
  });
  const { stats } = table;
  const imagesPerSecond = (stats.computedImages * views) / Math.max(stats.seconds, 1e-3);
  recorder.phase(
    `${phase}-done`,
    `Features of ${table.items.length} ${what} in ${stats.seconds.toFixed(1)} s` +
      (stats.computedImages
        ? ` (${stats.computedImages} computed at ${imagesPerSecond.toFixed(1)} images/s` +
          `${stats.threads > 1 ? ` on ${stats.threads} threads` : ''}` +
          `${stats.reusedImages ? `, ${stats.reusedImages} from the cache` : ''})`
        : ' (all from the cache)'),
    { progress: 1, imagesPerSecond },
  );
  if (stats.computedImages) {
    recorder.phase(
      `${phase}-profile`,
      `Where the time of the ${what}' features went: ${describeProfile(stats.profile, stats.seconds)}`,
    );
  }
  return table;
}

function announceCache(
  job: TrainJob,
  split: SplitModel,
  trainTable: FeatureTable,
  valTable: FeatureTable,
  recorder: RunRecorder,
): void {
  const { augmentation } = job.config;
  const views = trainTable.views;
  const what = split.trainable
    ? `the output of the frozen layers (below the first trainable one)`
    : 'the base’s features';
  recorder.phase(
    'cache',
    `Feature cache: ${what} computed once per image` +
      (views > 1
        ? ` and per augmented view (${views} views of each training image: the image and ` +
          `${views - 1} augmented with ${describeAugmentation(augmentation)}; each epoch picks one)`
        : '') +
      `, ${megabytes(trainTable.stats.bytes + valTable.stats.bytes)} ` +
      `${trainTable.stats.location === 'memory' ? 'in memory' : 'on disk (over the memory budget)'}; ` +
      `each epoch trains only ${split.trainable ? 'the unfrozen layers and the head' : 'the head'}.`,
  );
}
