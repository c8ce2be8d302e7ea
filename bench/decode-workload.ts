/**
 * Workload 4 of the benchmark, in its own process: decoding and resizing every file of the
 * hymenoptera fixture with sharp to 224×224 RGB floats, through the worker's own batch stream
 * (batch 32, its default concurrency and prefetch), as training and feature extraction do.
 * Prints one JSON line: images/s (median of the runs after a warm-up pass) and peak RSS.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { imageBatches, type ImageItem } from '../main/worker/images/image-batches';
import { BATCH, IMAGE_SIZE, PREPROCESSING, hymenopteraDir } from './bench-fixtures';
import { measureRate } from './measure';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    budget: { type: 'string', default: '30' },
  },
});

/** Every file of the fixture's class folders (the GIF placeholder included: it is skipped). */
function allFiles(root: string): ImageItem[] {
  return ['train', 'val'].flatMap((split) =>
    ['ants', 'bees'].flatMap((className, label) => {
      const dir = path.join(root, split, className);
      return readdirSync(dir)
        .sort()
        .map((name) => ({ path: path.join(dir, name), label }));
    }),
  );
}

async function main(): Promise<void> {
  const items = allFiles(hymenopteraDir(process.cwd()));
  let decoded = 0;
  let skipped = 0;
  const pass = async (): Promise<void> => {
    decoded = 0;
    skipped = 0;
    for await (const batch of imageBatches(items, {
      size: IMAGE_SIZE,
      preprocessing: PREPROCESSING,
      batchSize: BATCH,
      onSkip: () => {
        skipped += 1;
      },
    })) {
      decoded += batch.items.length;
    }
  };
  // The first pass is the warm-up (file cache, libvips start) and counts the decodable files.
  const warmupStart = performance.now();
  await pass();
  const warmupSeconds = (performance.now() - warmupStart) / 1000;
  const perPass = decoded;
  const rate = await measureRate(perPass, pass, {
    runs: Number(values.runs),
    minRunSeconds: 0,
    budgetSeconds: Number(values.budget),
    warmup: false,
  });
  rate.warmupSeconds = Number(warmupSeconds.toPrecision(4));
  process.stdout.write(
    `${JSON.stringify({
      workload: 'decode',
      rate,
      files: items.length,
      decoded: perPass,
      skipped,
      sharp: sharp.versions.sharp,
      libvips: sharp.versions.vips,
      sharpConcurrency: sharp.concurrency(),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stdout.write(
    `${JSON.stringify({ workload: 'decode', error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exitCode = 1;
});
