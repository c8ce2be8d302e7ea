import type { ExportFormat, ExportResult } from '../../../shared/domain';

export async function exportRun(
  _runDir: string,
  _format: ExportFormat,
  _outDir: string,
  _options: { overwrite: boolean },
): Promise<ExportResult> {
  throw new Error('exportRun: not implemented yet');
}
