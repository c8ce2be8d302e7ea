/**
 * The request handlers of the training controls (pause, resume, extend), the learning-rate
 * finder and the augmentation preview, wired into the studio's services.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RequestHandlers } from '../../../shared/contract';
import type { ThumbnailRegistry } from '../datasets/thumbnails';
import type { RunStore } from '../runs/run-store';
import { ServiceError } from '../service-error';
import { augmentPreview } from './augment-preview';
import { continueRun } from './continue-run';
import { jobFor, resolveTraining, type JobResolverDeps } from './resolve-job';
import type { TrainingSupervisor } from './training-supervisor';

type ControlChannels =
  | 'training:pause'
  | 'training:resume'
  | 'training:extend'
  | 'training:lr-find'
  | 'training:augment-preview';

export function createTrainingControlHandlers(
  deps: JobResolverDeps & {
    runs: RunStore;
    supervisor: TrainingSupervisor;
    thumbnails: ThumbnailRegistry;
  },
): Pick<RequestHandlers, ControlChannels> {
  const { supervisor } = deps;
  return {
    'training:pause': async ({ runId }) => ({ paused: await supervisor.pause(runId) }),
    'training:resume': async ({ runId }) => ({ resumed: await supervisor.resume(runId) }),
    'training:extend': async ({ runId, epochs }) => {
      if (supervisor.isActive(runId)) {
        const epochsPlanned = await supervisor.extend(runId, epochs);
        if (epochsPlanned !== undefined) return { runId, epochsPlanned };
        // It ended meanwhile; wait for its record, then continue it like any finished run.
        await supervisor.waitFor(runId);
      }
      return continueRun(runId, epochs, deps);
    },
    'training:lr-find': async (config) => {
      const resolved = await resolveTraining(config, deps);
      // The sweep's log goes to a scratch folder; the features it computes stay in the cache.
      const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'transfer-studio-lr-find-'));
      try {
        return await supervisor.findLearningRate(
          jobFor({ id: 'lr-find', dir: scratch }, resolved, { cacheDir: deps.cacheDir }),
        );
      } finally {
        await fs.rm(scratch, { recursive: true, force: true });
      }
    },
    'training:augment-preview': async ({ thumbnailId, augmentation, count, seed }) => {
      const file = deps.thumbnails.pathOf(thumbnailId);
      if (!file) {
        throw new ServiceError(
          'not-found',
          'That image is not known to this session (scan the dataset again and pick an image).',
        );
      }
      return augmentPreview(file, augmentation, { count, seed });
    },
  };
}
