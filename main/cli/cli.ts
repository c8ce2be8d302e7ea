/**
 * `transfer-studio` — the command-line interface over the same services as the app.
 * Each command prints a readable report, or machine-readable JSON with --json.
 */
import { runDoctorCommand } from './commands/doctor';
import { runEvalCommand } from './commands/eval';
import { runExportCommand } from './commands/export';
import { runLayersCommand } from './commands/layers';
import { runLrFindCommand } from './commands/lr-find';
import { runModelsCommand } from './commands/models';
import { runPredictCommand } from './commands/predict';
import { runScanCommand } from './commands/scan';
import { runTrainCommand } from './commands/train';
import { trainFlagsUsage } from './commands/train-options';
import { CliUsageError } from './parse-args';

const usage = `Transfer Studio — train image classifiers by transfer learning.

Usage:
  transfer-studio doctor [--json]                  which TF.js backends load and why others don't
  transfer-studio scan <dir>... [--json]           dataset summary: classes, counts, split, problems
  transfer-studio models [--json]                  base models in the catalog and what is cached
  transfer-studio models download <id> [--json]    download a catalog model into the cache
  transfer-studio layers <model> [--json] [--blocks] [--feature-layer NAME]
                                                   blocks and layers of a base model (catalog id or
                                                   folder): params, MACs, BatchNorm flags
  transfer-studio train <dir>... [--out <runDir>] [options] [--profile] [--json]
${trainFlagsUsage}
      --profile: print where feature extraction's time went (decode, augment, compute, cache write)
      while training in a terminal: p pauses, r resumes, +N adds N epochs, c cancels
  transfer-studio lr-find <dir>... [options] [--json]
                                                   learning-rate finder: loss against learning
                                                   rate and a suggestion (same options as train)
  transfer-studio eval <runDir> <dir>... [--top N] [--save] [--json]
                                                   evaluate a trained run on other labelled folders
  transfer-studio predict <model> <file|dir>... [--top K] [--json|--csv]
      classifies images (folders searched recursively) with a run folder or an export folder
      the studio wrote (TF.js, ONNX); prints each image's top K classes as it goes (JSON Lines
      with --json); exit code 1 when an image could not be read
  transfer-studio export <runDir> --format tfjs|onnx|tflite|tflite-int8 --out <dir> [--zip] [--force] [--json]
      writes the model, README and export-manifest.json, then proves the files on the run's
      validation split in their real runtime; exit code 1 when the proof fails

Environment:
  TRANSFER_STUDIO_MODELS   folder(s) of local base models (e.g. ../shared/fixtures/models)
  TRANSFER_STUDIO_DATA     data folder (runs, cache); default ~/.transfer-studio
  TRANSFER_STUDIO_BACKEND  force a TF.js backend in the training worker
  TRANSFER_STUDIO_MODEL_MIRROR  base URL holding <id>/model.json, used instead of the catalog URLs
`;

const commands: Record<string, (args: string[]) => Promise<number>> = {
  doctor: runDoctorCommand,
  scan: runScanCommand,
  models: runModelsCommand,
  layers: runLayersCommand,
  train: runTrainCommand,
  'lr-find': runLrFindCommand,
  export: runExportCommand,
  eval: runEvalCommand,
  predict: runPredictCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name ? 0 : 1;
  }
  if (name === '--version') {
    const { packageVersion } = await import('./cli-context');
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`${error.message}\n\nRun "transfer-studio --help" for usage.\n`);
      return 2;
    }
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/**
 * A reader that stops early (`transfer-studio scan DIR | head -1`) closes the pipe; that is not
 * an error of ours, so the command ends quietly instead of dying with an EPIPE stack trace.
 */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
exitQuietlyOnClosedPipe(process.stdout);
exitQuietlyOnClosedPipe(process.stderr);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  },
);
