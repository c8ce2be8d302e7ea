/**
 * Request handlers of the run history, evaluation, "try it" and file channels, wired by the
 * studio facade (studio-services.ts) with the services they need.
 */
import path from 'node:path';
import type { EventSink, RequestHandlers } from '../../../shared/contract';
import type { TrainConfig } from '../../../shared/domain';
import { FileMoves, folderOf } from '../files/file-moves';
import { compareSettings } from '../runs/run-compare';
import { readRunConfig, readRunDetails } from '../runs/run-details';
import type { RunStore } from '../runs/run-store';
import { ServiceError } from '../service-error';
import { listFolderEvaluations, readEvaluation } from './evaluation-files';
import type { EvaluationService } from './evaluation-service';

type Channels =
  | 'runs:rename'
  | 'runs:delete'
  | 'runs:compare'
  | 'runs:retrain'
  | 'evaluation:get'
  | 'evaluation:list'
  | 'evaluation:images'
  | 'evaluation:folder'
  | 'preview:predict'
  | 'files:show-in-folder'
  | 'files:move-to-class'
  | 'files:undo';

export interface EvaluationHandlerDeps {
  runs: RunStore;
  evaluation: EvaluationService;
  moves: FileMoves;
  emit: EventSink;
  /** Whether the run's worker is still training (cancelling counts; a run that reported its end does not). */
  isTraining(runId: string): boolean;
  /** Resolves once a run that has ended has no worker left (it exits shortly after its end). */
  workerGone(runId: string): Promise<void>;
  startTraining(config: TrainConfig): Promise<{ runId: string; dir: string }>;
  /** Electron: shows the file in the system file manager. Absent in the web shell. */
  revealInFolder?: (filePath: string) => void;
}

export function createEvaluationHandlers(
  deps: EvaluationHandlerDeps,
): Pick<RequestHandlers, Channels> {
  const { runs, evaluation, moves } = deps;
  return {
    'runs:rename': async ({ runId, name }) => runs.rename(runId, name),
    'runs:delete': async ({ runId }) => {
      // A run that just finished may still have its worker exiting: let it go first, so the
      // folder is not removed under it (and the user is not told the run is still training).
      if (!deps.isTraining(runId)) await deps.workerGone(runId);
      await runs.delete(runId, deps.isTraining);
      return { deleted: true };
    },
    'runs:compare': async ({ runIds }) => {
      const details = await Promise.all(
        runIds.map(async (runId) => readRunDetails((await runs.get(runId)).summary)),
      );
      return { runs: details, settings: compareSettings(details) };
    },
    'runs:retrain': async ({ runId }) => {
      const summary = await runs.readSummary(runId);
      const config = await readRunConfig(summary.dir);
      if (!config) {
        throw new ServiceError(
          'invalid-request',
          `The settings of run "${summary.name}" (config.json) are missing or from another version; start a new run from the Train tab.`,
        );
      }
      // The new run gets its own default name (base model + date) unless the old one was named.
      const { name, ...rest } = config;
      return deps.startTraining({ ...rest, ...(name ? { name: `${name} (retrained)` } : {}) });
    },
    'evaluation:get': async ({ runId, evaluationId }) => evaluation.report(runId, evaluationId),
    'evaluation:list': async ({ runId }) => {
      const { dir } = await runs.readSummary(runId);
      const ids = await listFolderEvaluations(dir);
      const listed = await Promise.all(
        ids.map(async (evaluationId) => {
          try {
            const file = await readEvaluation(dir, evaluationId);
            return {
              evaluationId,
              source: file.source ?? { kind: 'folder' as const, roots: [] },
              ...(file.createdAt ? { createdAt: file.createdAt } : {}),
              count: file.metrics.count,
              accuracy: file.metrics.accuracy,
            };
          } catch {
            return undefined; // damaged file: not listed
          }
        }),
      );
      return listed.filter((entry) => entry !== undefined);
    },
    'evaluation:images': async ({ runId, evaluationId, ...query }) =>
      evaluation.images(runId, evaluationId, query),
    'evaluation:folder': async ({ runId, paths }) => {
      const { dir } = await runs.readSummary(runId);
      const result = await evaluation.evaluateFolder(dir, paths, {
        save: true,
        onPhase: (phase) =>
          deps.emit('evaluation:progress', {
            runId,
            ...(phase.message ? { message: phase.message } : {}),
            ...(phase.progress !== undefined ? { progress: phase.progress } : {}),
          }),
      });
      return {
        report: await evaluation.report(runId, result.evaluationId),
        unknownClasses: result.unknownClasses,
      };
    },
    'preview:predict': async ({ runId, images, topK }) => ({
      predictions: await evaluation.predict(runId, images, topK),
    }),
    'files:show-in-folder': async ({ path: filePath }) => {
      const folder = await folderOf(filePath);
      if (!deps.revealInFolder) return { folder, revealed: false };
      deps.revealInFolder(path.resolve(filePath));
      return { folder, revealed: true };
    },
    'files:move-to-class': async ({ runId, evaluationId, path: filePath, className }) => {
      const summary = await runs.readSummary(runId);
      const report = await evaluation.report(runId, evaluationId);
      const known = (await readEvaluation(summary.dir, evaluationId)).items.some(
        (item) => item.path === filePath,
      );
      if (!known) {
        throw new ServiceError(
          'invalid-request',
          `${filePath} is not an image of this evaluation, so it is not moved.`,
        );
      }
      const record = await moves.move({
        path: filePath,
        className,
        roots: report.datasetRoots,
        labels: report.labels,
      });
      return { moveId: record.moveId, from: record.from, to: record.to };
    },
    'files:undo': async ({ moveId }) => ({ restored: (await moves.undo(moveId)).from }),
  };
}
