/**
 * The feature cache's compute loop: decodes the images it lacks in batches (sharp, on its own
 * threads) and runs each batch either here or, given a pool, on a free feature thread, so that
 * decoding here overlaps several batches computing there. A batch whose thread dies is computed
 * here instead; a cancelled or failed build ends the threads at once.
 */
import {
  decodedBatches,
  type DecodedBatch,
  type ImageItem,
  type StageTimes,
} from '../images/image-batches';
import type { CancelSignal } from './cancel-signal';
import { extractBatch, viewsOf, type ViewSettings } from './extract-batch';
import { ThreadLostError, type ExtractionPool } from './extraction-pool';
import type { FeatureEngine } from './feature-engine';

export interface ExtractOptions {
  /** Examples per graph call; a batch holds floor(batchSize / views) images. */
  batchSize: number;
  cancel: CancelSignal;
  /** The feature threads, asked for only when there is something to compute. */
  threads?: () => Promise<ExtractionPool | undefined>;
}

/**
 * Where the time of a feature build went, in seconds. Decoding and augmenting run on sharp's
 * threads, several at once, so theirs is busy time summed over them; `waitingForInput` is how
 * long the compute loop waited for a decoded batch (high: the input pipeline is the bottleneck).
 */
export interface ExtractProfile extends StageTimes {
  compute: number;
  cacheWrite: number;
  waitingForInput: number;
}

export function emptyProfile(): ExtractProfile {
  return { decode: 0, augment: 0, compute: 0, cacheWrite: 0, waitingForInput: 0 };
}

export interface ExtractHooks {
  /** Takes a batch's outputs (one array per boundary tensor, image-major then view). */
  store: (batch: DecodedBatch, values: Float32Array[]) => void;
  onSkip: (item: ImageItem, reason: string) => void;
  profile: ExtractProfile;
}

/** Batches of decoded images with their views, prefetched ahead of the compute loop. */
function inputBatches(
  items: readonly ImageItem[],
  settings: ViewSettings,
  options: ExtractOptions,
  hooks: ExtractHooks,
  pool: ExtractionPool | undefined,
): AsyncGenerator<DecodedBatch> {
  return decodedBatches(items, {
    size: settings.size,
    batchSize: Math.max(1, Math.floor(options.batchSize / settings.views)),
    // Enough decoded ahead to keep every thread busy; a few batches at most (memory).
    prefetch: pool ? pool.alive + 1 : 3,
    expand: viewsOf(settings),
    times: hooks.profile,
    onSkip: hooks.onSkip,
  });
}

/** Computes `items` batch by batch; answers how many threads computed (0: all done here). */
export async function extractMissing(
  engine: FeatureEngine,
  items: readonly ImageItem[],
  settings: ViewSettings,
  options: ExtractOptions,
  hooks: ExtractHooks,
): Promise<number> {
  const started = items.length ? await options.threads?.() : undefined;
  const pool = started && started.alive > 0 ? started : undefined;
  const { profile } = hooks;
  const store = (batch: DecodedBatch, values: Float32Array[]): void => {
    const begun = performance.now();
    hooks.store(batch, values);
    profile.cacheWrite += (performance.now() - begun) / 1000;
  };
  const here = async (batch: DecodedBatch): Promise<void> => {
    const begun = performance.now();
    const values = await extractBatch(engine, batch.examples!, settings);
    profile.compute += (performance.now() - begun) / 1000;
    store(batch, values);
  };
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  // A paused run also stops computing features (a RunControl waits; a CancelSignal does not).
  const control = options.cancel as CancelSignal & { waitWhilePaused?: () => Promise<void> };
  const batches = inputBatches(items, settings, options, hooks, pool);
  try {
    for (;;) {
      const waited = performance.now();
      const next = await batches.next();
      profile.waitingForInput += (performance.now() - waited) / 1000;
      if (next.done) break;
      const batch = next.value;
      if (failure) throw failure.error;
      if (control.waitWhilePaused) await control.waitWhilePaused();
      options.cancel.throwIfCancelled();
      if (!pool || !(await pool.waitForIdle())) {
        await here(batch);
        continue;
      }
      options.cancel.throwIfCancelled();
      const task = onThread(pool, batch, settings, { here, store, profile }).catch(
        (error: unknown) => {
          failure ??= { error };
        },
      );
      inFlight.add(task);
      void task.then(() => inFlight.delete(task));
    }
    await Promise.all(inFlight);
    if (failure) throw failure.error;
  } catch (error) {
    // Cancelled or failed: the run ends, so end the threads now; the batches still out settle
    // before the caller closes the file they write to.
    await batches.return(undefined);
    await pool?.terminate();
    await Promise.all(inFlight);
    throw error;
  }
  return pool?.used ?? 0;
}

/** One batch on a feature thread; here instead when the thread is lost or none is left. */
async function onThread(
  pool: ExtractionPool,
  batch: DecodedBatch,
  settings: ViewSettings,
  run: {
    here: (batch: DecodedBatch) => Promise<void>;
    store: (batch: DecodedBatch, values: Float32Array[]) => void;
    profile: ExtractProfile;
  },
): Promise<void> {
  const begun = performance.now();
  let values: Float32Array[] | undefined;
  try {
    values = await pool.run(batch.examples!, settings);
  } catch (error) {
    if (pool.isClosed) return;
    if (error instanceof ThreadLostError) return run.here(batch);
    throw error;
  }
  // Threads compute side by side: this is their busy time summed, like decoding's.
  run.profile.compute += (performance.now() - begun) / 1000;
  return values ? run.store(batch, values) : run.here(batch);
}

/** The profile in words, e.g. for `transfer-studio train --profile` (times in seconds). */
export function describeProfile(profile: ExtractProfile, wallSeconds: number): string {
  const s = (value: number) => `${value.toFixed(1)} s`;
  const waitShare = profile.waitingForInput / Math.max(wallSeconds, 1e-3);
  return (
    `wall ${s(wallSeconds)}; decode ${s(profile.decode)} and augment ${s(profile.augment)} ` +
    `(busy time on sharp's threads, summed), compute ${s(profile.compute)}, ` +
    `cache write ${s(profile.cacheWrite)}; the compute loop waited ${s(profile.waitingForInput)} ` +
    `for input` +
    (waitShare > 0.25
      ? ' (the input pipeline is the bottleneck)'
      : ' (the compute engine is the bottleneck)')
  );
}
