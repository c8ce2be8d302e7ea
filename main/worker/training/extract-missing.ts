/**
 * The feature cache's compute loop: decodes the images it lacks in batches (sharp, on its own
 * threads) and runs each batch either here or, given a pool, on a free feature thread, so that
 * decoding here overlaps several batches computing there. A batch whose thread dies is computed
 * here instead; a cancelled or failed build ends the threads at once.
 */
import { decodedBatches, type DecodedBatch, type ImageItem } from '../images/image-batches';
import type { CancelSignal } from './cancel-signal';
import { extractBatch, type ViewSettings } from './extract-batch';
import { ThreadLostError, type ExtractionPool } from './extraction-pool';
import type { FeatureEngine } from './feature-engine';

export interface ExtractOptions {
  /** Examples per graph call; a batch holds floor(batchSize / views) images. */
  batchSize: number;
  cancel: CancelSignal;
  /** The feature threads, asked for only when there is something to compute. */
  threads?: () => Promise<ExtractionPool | undefined>;
}

export interface ExtractHooks {
  /** Takes a batch's outputs (one array per boundary tensor, image-major then view). */
  store: (batch: DecodedBatch, values: Float32Array[]) => void;
  onSkip: (item: ImageItem, reason: string) => void;
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
  const paths = (batch: DecodedBatch): string[] => batch.items.map((item) => item.path);
  const here = async (batch: DecodedBatch): Promise<void> => {
    hooks.store(batch, await extractBatch(engine, batch.images, paths(batch), settings));
  };
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  // A paused run also stops computing features (a RunControl waits; a CancelSignal does not).
  const control = options.cancel as CancelSignal & { waitWhilePaused?: () => Promise<void> };
  try {
    for await (const batch of decodedBatches(items, {
      size: settings.size,
      batchSize: Math.max(1, Math.floor(options.batchSize / settings.views)),
      // Enough decoded ahead to keep every thread busy.
      ...(pool ? { prefetch: pool.alive + 1 } : {}),
      onSkip: hooks.onSkip,
    })) {
      if (failure) throw failure.error;
      if (control.waitWhilePaused) await control.waitWhilePaused();
      options.cancel.throwIfCancelled();
      if (!pool || !(await pool.waitForIdle())) {
        await here(batch);
        continue;
      }
      options.cancel.throwIfCancelled();
      const task = pool
        .run(batch.images, paths(batch), settings)
        .then(
          (values) => (values ? hooks.store(batch, values) : here(batch)),
          (error: unknown) => {
            if (pool.isClosed) return undefined;
            if (error instanceof ThreadLostError) return here(batch);
            throw error;
          },
        )
        .catch((error: unknown) => {
          failure ??= { error };
        });
      inFlight.add(task);
      void task.then(() => inFlight.delete(task));
    }
    await Promise.all(inFlight);
    if (failure) throw failure.error;
  } catch (error) {
    // Cancelled or failed: the run ends, so end the threads now; the batches still out settle
    // before the caller closes the file they write to.
    await pool?.terminate();
    await Promise.all(inFlight);
    throw error;
  }
  return pool?.used ?? 0;
}
