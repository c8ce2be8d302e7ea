/**
 * One export, whatever the format: write the files into a staging folder beside the target,
 * load them back in the format's real runtime and run the validation images through them and
 * through the studio's own model, then write README.md and export-manifest.json and move the
 * folder into place (or to `<outDir>.failed` when the proof fails). An optional ZIP is built
 * from the staged files and renamed into place with the folder. Any error removes what was
 * staged, so a folder or ZIP with the requested name is always a finished, proven export.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeWriteError } from './export-errors';
import { nodeExportIo, type ExportIo } from './export-io';
import {
  describeFiles,
  EXPORT_MANIFEST_FILE,
  writeExportManifest,
  type ExportManifest,
} from './export-manifest';
import { renderExportReadme, type ExportReadmeFormat } from './export-readme';
import { createStaging, discardStaging, finishStaging } from './export-staging';
import { EXPORT_FORMAT_NAMES, type Int8Quantization } from '../../../shared/export-types';
import {
  DEFAULT_PROB_TOLERANCE,
  verifyAgainstReference,
  type Predictor,
  type VerificationBatch,
  type VerificationReport,
} from './export-verification';
import { writeExportZip, type ZipInfo } from './export-zip';

export const README_FILE = 'README.md';

type Dim = number | string | null;

/** What a format wrote into the staging folder. */
export interface ExportArtifacts {
  /** Files written, in manifest order (README and manifest are added by the pipeline). */
  files: string[];
  /** The file a user opens: model.json or model.onnx. */
  modelFile: string;
  /** JSON array of the class names. */
  labelsFile: string;
  input: { name?: string; shape: Dim[] };
  output: { name?: string; shape: Dim[] };
  /** int8 formats: what the input and output integers mean. */
  quantization?: { input: Int8Quantization; output: Int8Quantization };
}

/** The exported files, loaded back from disk in the runtime users will run them in. */
export interface CandidateRuntime {
  predict: Predictor;
  release(): Promise<void>;
  /** e.g. "onnxruntime-node (CPU execution provider)". */
  runtime: string;
  /** Versions to record in the manifest. */
  versions: Record<string, string>;
  /**
   * Set when the format's runtime is not installed here: the proof did not run, and this says
   * so and how to enable it (the files are kept as an unproven export, never as a passed one).
   */
  unavailable?: string;
}

/** One export format: how to write it and how to load what was written. */
export interface ExportFormatWriter {
  readonly format: ExportReadmeFormat;
  /** Converts and checks before anything is written; throws for models the format cannot hold. */
  prepare?(): Promise<void> | void;
  write(staging: string, io: ExportIo): Promise<ExportArtifacts>;
  openCandidate(staging: string, artifacts: ExportArtifacts): Promise<CandidateRuntime>;
  /** Proof tolerance of this format (quantized formats differ by more than rounding). */
  readonly tolerance?: number;
  /** Quantized formats: allowed accuracy drop instead of "no changed prediction". */
  readonly maxAccuracyDrop?: number;
}

export interface ExportRequest {
  writer: ExportFormatWriter;
  /** The studio's own model: the reference the export must reproduce. */
  reference: Predictor;
  /** Versions of the reference runtime (tfjs and its backend). */
  referenceVersions: Record<string, string>;
  modelName: string;
  labels: string[];
  inputSize: { height: number; width: number };
  preprocessing: { scale: number; offset: number };
  outDir: string;
  overwrite?: boolean;
  /** Also write `<outDir>.zip` (only when the proof passes). */
  zip?: boolean;
  /** Preprocessed validation images with their labels; called once. */
  validation: () => AsyncIterable<VerificationBatch> | Iterable<VerificationBatch>;
  /** Number of validation images, for progress. */
  validationCount?: number;
  /**
   * How the manifest names the images that were run, e.g. "validation split"; a function is
   * asked after the proof (when it knows how many images could not be read).
   */
  validationName?: string | (() => string);
  tolerance?: number;
  /** Recorded in the manifest (run id, base model, ...). */
  source?: Record<string, string>;
  io?: ExportIo;
  onPhase?: (phase: string, message?: string, progress?: number) => void;
}

export interface ExportOutcome {
  passed: boolean;
  /** Where the files are: `outDir`, or `outDir.failed`. */
  dir: string;
  manifest: ExportManifest;
  manifestPath: string;
  readmePath: string;
  report: VerificationReport;
  zip?: ZipInfo & { path: string };
  timings: { prepareMs: number; writeMs: number; verifyMs: number; totalMs: number };
}

async function* counted(
  batches: AsyncIterable<VerificationBatch> | Iterable<VerificationBatch>,
  onCount: (done: number) => void,
): AsyncGenerator<VerificationBatch> {
  let done = 0;
  for await (const batch of batches) {
    yield batch;
    done += batch.count;
    onCount(done);
  }
}

/** The report of a proof that could not run (its runtime is not installed). */
function proofNotRun(why: string, tolerance = DEFAULT_PROB_TOLERANCE): VerificationReport {
  return {
    samples: 0,
    classes: 0,
    maxProbDiff: Number.NaN,
    predictionsChanged: 0,
    changedSamples: [],
    accuracy: null,
    referenceAccuracy: null,
    tolerance,
    passed: false,
    failure: `Not proven: ${why}`,
  };
}

function validationName(request: ExportRequest): string {
  const name = request.validationName;
  return (typeof name === 'function' ? name() : name) ?? 'validation split';
}

/** Runs an export end to end; see the module comment. */
export async function runExport(request: ExportRequest): Promise<ExportOutcome> {
  const started = performance.now();
  const io = request.io ?? nodeExportIo;
  const phase = request.onPhase ?? (() => {});
  const { writer, outDir } = request;
  const name = EXPORT_FORMAT_NAMES[writer.format];
  const zipPath = request.zip ? `${outDir}.zip` : undefined;

  phase('converting', `Preparing the ${name} export`);
  await writer.prepare?.();
  const prepareMs = performance.now() - started;

  let staging: string;
  try {
    staging = await createStaging(outDir, request.overwrite ?? false, zipPath);
  } catch (error) {
    throw await describeWriteError(error, outDir);
  }
  let zipTemp: string | undefined;
  try {
    phase('writing', `Writing the ${name} files`);
    const writeStarted = performance.now();
    const artifacts = await writer.write(staging, io);
    const writeMs = performance.now() - writeStarted;

    const total = request.validationCount;
    const verifyMessage = (done: number) =>
      `Checking the exported files on the validation images (${done}${total ? ` of ${total}` : ''})`;
    phase('verifying', verifyMessage(0), total ? 0 : undefined);
    const verifyStarted = performance.now();
    // Load the files as written on disk, not the model in memory: that is what users get.
    const candidate = await writer.openCandidate(staging, artifacts);
    let report: VerificationReport;
    const tolerance = request.tolerance ?? writer.tolerance;
    try {
      report = candidate.unavailable
        ? proofNotRun(candidate.unavailable, tolerance)
        : await verifyAgainstReference({
            reference: request.reference,
            candidate: candidate.predict,
            batches: counted(request.validation(), (done) =>
              phase(
                'verifying',
                verifyMessage(done),
                total ? Math.min(1, done / total) : undefined,
              ),
            ),
            ...(tolerance !== undefined ? { tolerance } : {}),
            ...(writer.maxAccuracyDrop !== undefined
              ? { maxAccuracyDrop: writer.maxAccuracyDrop }
              : {}),
          });
    } finally {
      await candidate.release();
    }
    const verifyMs = performance.now() - verifyStarted;

    const finiteDiff = Number.isFinite(report.maxProbDiff) ? report.maxProbDiff : null;
    await io.writeFile(
      path.join(staging, README_FILE),
      renderExportReadme({
        format: writer.format,
        modelName: request.modelName,
        labels: request.labels,
        inputSize: request.inputSize,
        preprocessing: request.preprocessing,
        modelFile: artifacts.modelFile,
        labelsFile: artifacts.labelsFile,
        verification: {
          samples: report.samples,
          accuracy: report.accuracy,
          maxProbDiff: finiteDiff,
        },
      }),
    );
    const manifest: ExportManifest = {
      manifestVersion: 1,
      format: writer.format,
      createdAt: new Date().toISOString(),
      passed: report.passed,
      ...(report.failure ? { failure: report.failure } : {}),
      files: await describeFiles(staging, [...artifacts.files, README_FILE]),
      labels: request.labels,
      input: {
        ...(artifacts.input.name ? { name: artifacts.input.name } : {}),
        shape: artifacts.input.shape,
        layout: 'NHWC',
        dtype: artifacts.quantization ? 'int8' : 'float32',
        ...(artifacts.quantization ? { quantization: artifacts.quantization.input } : {}),
        preprocessing: { color: 'RGB', resize: 'cover', ...request.preprocessing },
      },
      output: {
        ...(artifacts.output.name ? { name: artifacts.output.name } : {}),
        shape: artifacts.output.shape,
        ...(artifacts.quantization ? { quantization: artifacts.quantization.output } : {}),
      },
      verification: {
        dataset: `${validationName(request)} (${report.samples} images)`,
        samples: report.samples,
        accuracy: report.accuracy,
        referenceAccuracy: report.referenceAccuracy,
        maxProbDiff: finiteDiff,
        predictionsChanged: report.predictionsChanged,
        tolerance: report.tolerance,
        runtime: candidate.runtime,
      },
      runtimes: {
        ...request.referenceVersions,
        ...candidate.versions,
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
      },
      ...(request.source ? { source: request.source } : {}),
    };
    await writeExportManifest(staging, manifest, io);

    let zip: ExportOutcome['zip'];
    if (report.passed && zipPath) {
      phase('zipping', `Writing ${path.basename(zipPath)}`);
      zipTemp = `${zipPath}.partial-${randomBytes(4).toString('hex')}`;
      const info = await writeExportZip({
        sourceDir: staging,
        names: manifest.files.map((file) => file.name).concat(EXPORT_MANIFEST_FILE),
        rootName: path.basename(outDir),
        target: zipTemp,
        io,
      });
      zip = { path: zipPath, ...info };
    }
    const dir = await finishStaging(staging, outDir, report.passed);
    if (zipTemp && zipPath) {
      // rename replaces an earlier ZIP in one step (checkExportTarget allowed it).
      await fs.rename(zipTemp, zipPath);
      zipTemp = undefined;
    }
    return {
      passed: report.passed,
      dir,
      manifest,
      manifestPath: path.join(dir, EXPORT_MANIFEST_FILE),
      readmePath: path.join(dir, README_FILE),
      report,
      ...(zip ? { zip } : {}),
      timings: { prepareMs, writeMs, verifyMs, totalMs: performance.now() - started },
    };
  } catch (error) {
    await discardStaging(staging).catch(() => {});
    if (zipTemp) await fs.rm(zipTemp, { force: true }).catch(() => {});
    throw await describeWriteError(error, outDir);
  }
}
