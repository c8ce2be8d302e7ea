/**
 * Runs the training worker's 'calibrate' command (a few timed steps of the base on the training
 * backend) and remembers the answer per model, feature layer, backend and batch size, so the
 * Model screen measures once and then recomputes estimates instantly.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { SpeedCalibration } from '../../../shared/domain';
import type { CalibrateJob } from '../../../shared/worker-protocol';
import type { WorkerLauncher } from '../training/worker-launcher';
import { runWorkerTask } from '../training/worker-task';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.tif', '.tiff']);

export interface SpeedCalibrationsOptions {
  launchWorker: WorkerLauncher;
  env?: NodeJS.ProcessEnv;
  /** How long a calibration may take before it is given up. */
  timeoutMs?: number;
}

export class SpeedCalibrations {
  private readonly cache = new Map<string, Promise<SpeedCalibration>>();

  constructor(private readonly options: SpeedCalibrationsOptions) {}

  /** The calibration of `job`, measured now or remembered from earlier (unless `fresh`). */
  calibrate(job: CalibrateJob, fresh = false): Promise<SpeedCalibration> {
    const env = this.options.env ?? process.env;
    const key = JSON.stringify([
      job.modelDir,
      job.nestedBase,
      job.featureLayer,
      job.backend,
      job.backend === 'auto' ? (env.TRANSFER_STUDIO_BACKEND ?? '') : '',
      job.batchSize,
      job.images.length > 0,
    ]);
    const known = this.cache.get(key);
    if (known && !fresh) return known;
    const running = this.run(job);
    this.cache.set(key, running);
    // A failed measurement is not remembered: the next request tries again.
    running.catch(() => this.cache.delete(key));
    return running;
  }

  private run(job: CalibrateJob): Promise<SpeedCalibration> {
    const timeoutMs = this.options.timeoutMs ?? 300_000;
    return runWorkerTask(
      { type: 'calibrate', job },
      (message) => (message.type === 'calibration' ? message.result : undefined),
      {
        launchWorker: this.options.launchWorker,
        ...(this.options.env ? { env: this.options.env } : {}),
        timeoutMs,
        timeoutMessage:
          `Measuring the training speed took longer than ${Math.round(timeoutMs / 1000)} s ` +
          'and was stopped. The machine may be busy; try again when training has finished.',
        workerName: 'speed measurement worker',
        errorPrefix: 'Measuring the training speed failed',
        exitGraceMs: 2_000,
      },
    );
  }
}

/**
 * Up to `max` image files under `roots` (train folders first when there are any), found with a
 * bounded walk so that a huge dataset costs no more than a few directory reads.
 */
export async function sampleImages(roots: readonly string[], max = 8): Promise<string[]> {
  const found: string[] = [];
  let budget = 200;
  const queue = [...roots];
  while (queue.length && found.length < max && budget > 0) {
    const dir = queue.shift()!;
    budget -= 1;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.'));
    // Training images first: a 'train' folder is where epochs spend their time.
    subdirs.sort((a, b) => Number(b.name === 'train') - Number(a.name === 'train'));
    for (const entry of entries) {
      if (found.length >= max) break;
      if (entry.isFile() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
        found.push(path.join(dir, entry.name));
      }
    }
    queue.unshift(...subdirs.map((entry) => path.join(dir, entry.name)));
  }
  return found;
}
