import path from 'node:path';
import { ExportFormat } from '../../../shared/domain';
import { exportRun } from '../../services/exports/export-run';
import { formatTable, printJson } from '../cli-context';
import { CliUsageError, parseCommandArgs } from '../parse-args';

export async function runExportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
    format: { type: 'string', default: 'tfjs' },
    out: { type: 'string' },
    force: { type: 'boolean', default: false },
  });
  const [runDir] = positionals;
  if (!runDir || positionals.length > 1)
    throw new CliUsageError('export needs exactly one run folder.');
  if (!values.out) throw new CliUsageError('export needs --out <dir>.');
  const format = ExportFormat.safeParse(values.format);
  if (!format.success) {
    throw new CliUsageError(`--format must be one of: ${ExportFormat.options.join(', ')}.`);
  }
  const result = await exportRun(path.resolve(runDir), format.data, path.resolve(values.out), {
    overwrite: values.force ?? false,
  });
  if (values.json) {
    printJson(result);
    return 0;
  }
  process.stdout.write(
    `Exported ${result.format} model to ${result.outDir}\nlabels: ${result.labels.join(', ')}\n\n`,
  );
  const rows = result.files.map((file) => [file.name, file.bytes, file.sha256.slice(0, 16)]);
  process.stdout.write(`${formatTable(['file', 'bytes', 'sha256'], rows)}\n`);
  return 0;
}
