import path from 'node:path';
import { ExportFormat, type ExportResult } from '../../../shared/domain';
import { EXPORT_FORMAT_NAMES } from '../../../shared/export-types';
import { exportRun } from '../../services/exports/export-run';
import { ServiceError } from '../../services/service-error';
import { nodeWorkerLauncher } from '../../services/training/node-worker-launcher';
import { readExportManifest } from '../../worker/exporters/export-manifest';
import { formatTable, packageVersion, printJson } from '../cli-context';
import { CliUsageError, parseCommandArgs } from '../parse-args';

function percent(value: number | null): string {
  return value === null ? 'n/a' : `${(value * 100).toFixed(1)}%`;
}

function summaryLines(result: ExportResult): string {
  const name = EXPORT_FORMAT_NAMES[result.format];
  const verdict = result.passed ? 'PASSED' : 'FAILED';
  const diff = result.maxProbDiff === null ? 'NaN' : result.maxProbDiff.toExponential(2);
  const zip: [string, string][] = result.zip
    ? [['zip', `${result.zip.path} (${result.zip.bytes} bytes, sha256 ${result.zip.sha256})`]]
    : [];
  const rows: [string, string][] = [
    ['folder', result.outDir],
    ...zip,
    [
      'proof',
      `${result.samples} validation images in ${result.runtime}: accuracy ${percent(result.accuracy)} ` +
        `(studio ${percent(result.referenceAccuracy)})`,
    ],
    [
      'max |dp|',
      `${diff} (allowed ${result.tolerance}); predictions changed: ${result.changedPredictions}`,
    ],
    [
      'runtimes',
      Object.entries(result.runtimes)
        .map(([key, value]) => `${key} ${value}`)
        .join(', '),
    ],
    ['README', result.readmePath],
    ['manifest', result.manifestPath],
    [
      'took',
      `${(result.timings.totalMs / 1000).toFixed(1)} s (proof ${(result.timings.verifyMs / 1000).toFixed(1)} s)`,
    ],
  ];
  const width = Math.max(...rows.map(([key]) => key.length));
  return [
    `${name} export ${verdict}${result.failure ? `: ${result.failure}` : ''}`,
    ...rows.map(([key, value]) => `  ${key.padEnd(width)}  ${value}`),
  ].join('\n');
}

/** `transfer-studio export <runDir> --format tfjs|onnx|tflite|tflite-int8 --out <dir> [--zip] [--force] [--json]` */
export async function runExportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
    format: { type: 'string', default: 'tfjs' },
    out: { type: 'string' },
    zip: { type: 'boolean', default: false },
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
  let lastPhase = '';
  let result: ExportResult;
  try {
    result = await exportRun(
      path.resolve(runDir),
      {
        format: format.data,
        outDir: path.resolve(values.out),
        overwrite: values.force ?? false,
        zip: values.zip ?? false,
      },
      {
        launchWorker: nodeWorkerLauncher,
        producerVersion: packageVersion(),
        // Progress goes to stderr, so --json output on stdout stays one clean document.
        onProgress: (progress) => {
          if (!progress.message || (progress.phase === lastPhase && progress.phase !== 'verifying'))
            return;
          lastPhase = progress.phase;
          process.stderr.write(`${progress.message}\n`);
        },
      },
    );
  } catch (error) {
    if (error instanceof ServiceError && error.code === 'conflict') {
      throw new Error(`${error.message} Pass --force to replace an earlier export.`);
    }
    throw error;
  }
  if (values.json) {
    printJson({ ...result, manifest: await readExportManifest(result.outDir) });
  } else {
    process.stdout.write(`${summaryLines(result)}\n\n`);
    const rows = result.files.map((file) => [file.name, file.bytes, file.sha256]);
    process.stdout.write(`${formatTable(['file', 'bytes', 'sha256'], rows)}\n`);
  }
  return result.passed ? 0 : 1;
}
