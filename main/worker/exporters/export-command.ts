/** The worker's answer to an 'export' command: the result, or an error with its code. */
import type { ExportJob, WorkerMessage } from '../../../shared/worker-protocol';
import { ExportError } from './export-errors';
import { runExportJob, type ExportJobHooks } from './run-export-job';

/** Runs the export; never throws (a failure becomes an 'error' message). */
export async function runExportCommand(
  job: ExportJob,
  hooks: ExportJobHooks,
): Promise<WorkerMessage> {
  try {
    return { type: 'exported', result: await runExportJob(job, hooks) };
  } catch (error) {
    const code =
      error instanceof ExportError
        ? error.code
        : (error as { code?: unknown }).code === 'invalid-request' ||
            (error as { name?: unknown }).name === 'UnsupportedLayerError' ||
            (error as { name?: unknown }).name === 'UnsupportedModelError'
          ? 'invalid-request'
          : 'failed';
    return {
      type: 'error',
      code,
      message: error instanceof Error ? error.message : String(error),
      ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
    };
  }
}
