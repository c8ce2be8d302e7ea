/** Schemas of an export and the proof that it reproduces the studio's model. */
import { z } from 'zod';

export const ExportFormat = z.enum(['tfjs', 'onnx', 'tflite', 'tflite-int8']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** How each format is named to people. */
export const EXPORT_FORMAT_NAMES: Record<ExportFormat, string> = {
  tfjs: 'TF.js',
  onnx: 'ONNX',
  tflite: 'TFLite (float32)',
  'tflite-int8': 'TFLite int8',
};

/** What each format is for, in the words the Export screen and docs use. */
export const EXPORT_FORMAT_USES: Record<ExportFormat, string> = {
  tfjs: 'Web pages and Node.js (TensorFlow.js); Teachable Machine libraries',
  onnx: 'Python, C#, C++, Java services (ONNX Runtime)',
  tflite: 'Android / iOS / Python (LiteRT), full precision',
  'tflite-int8': 'Android / iOS / microcontrollers: TFLite int8 (4x smaller, integer-only)',
};

/** int8 tensors: real value = (q - zeroPoint) * scale. */
export const Int8Quantization = z.object({ scale: z.number(), zeroPoint: z.number().int() });
export type Int8Quantization = z.infer<typeof Int8Quantization>;

const ExportedFileInfo = z.object({
  name: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
});

/**
 * The outcome of an export and of its proof: the exported file, loaded back in its real runtime,
 * ran the whole validation split next to the studio's own model. A failed proof is a result (not
 * an error): its files lie in `<outDir>.failed`, never at the requested folder.
 */
export const ExportResult = z.object({
  format: ExportFormat,
  /** Where the files are: the requested folder, or `<folder>.failed` when the proof failed. */
  outDir: z.string(),
  files: z.array(ExportedFileInfo),
  labels: z.array(z.string()),
  passed: z.boolean(),
  /** Why the proof failed, in words. */
  failure: z.string().optional(),
  /** Validation images run through both models. */
  samples: z.number().int().nonnegative(),
  /** Top-1 accuracy of the exported file on them (null without labels). */
  accuracy: z.number().min(0).max(1).nullable(),
  referenceAccuracy: z.number().min(0).max(1).nullable(),
  /** Largest |p_export - p_studio| over all images and classes (null: the export gave NaN). */
  maxProbDiff: z.number().nonnegative().nullable(),
  tolerance: z.number().positive(),
  changedPredictions: z.number().int().nonnegative(),
  /** Runtime the exported file was loaded in for the proof, e.g. "onnxruntime-node (CPU)". */
  runtime: z.string(),
  /** Package and platform versions (tfjs, backends, onnxruntime-node, node). */
  runtimes: z.record(z.string(), z.string()),
  manifestPath: z.string(),
  readmePath: z.string(),
  /** The ZIP of the export folder, beside it, when one was asked for (only for a passed proof). */
  zip: ExportedFileInfo.extend({ path: z.string() }).optional(),
  /** Wall time of the whole export and of the proof, in milliseconds. */
  timings: z.object({ totalMs: z.number().nonnegative(), verifyMs: z.number().nonnegative() }),
});
export type ExportResult = z.infer<typeof ExportResult>;
