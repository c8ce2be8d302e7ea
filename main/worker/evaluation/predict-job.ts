/**
 * Top-k predictions of a trained model for images given as files or as encoded bytes ("try it",
 * `transfer-studio predict`). Each image decodes on its own, so one bad file gets an error line
 * and the rest still get predictions. Images go through the model in chunks, so a streamed job
 * of thousands of files holds one chunk in memory at a time.
 */
import type { Prediction } from '../../../shared/evaluation';
import type { PredictJob } from '../../../shared/worker-protocol';
import { decodeToRgb } from '../../services/datasets/decode-image';
import { writeModelInput } from '../images/decode-image';
import type { CancelSignal } from '../training/cancel-signal';
import type { Classifier } from './classifier';

/** Encoded images larger than this are refused before decoding. */
export const MAX_PREDICT_BYTES = 20 * 1024 * 1024;

type PredictInput = PredictJob['inputs'][number];

function sourceOf(input: PredictInput): string | Buffer {
  if ('path' in input) return input.path;
  const bytes = Buffer.from(input.base64, 'base64');
  if (bytes.byteLength === 0) throw new Error('the image is empty');
  if (bytes.byteLength > MAX_PREDICT_BYTES) {
    throw new Error(`the image is larger than ${MAX_PREDICT_BYTES / 1024 / 1024} MB`);
  }
  return bytes;
}

/** Predictions for one chunk of inputs (decoded together, run as one batch). */
async function predictChunk(
  classifier: Classifier,
  inputs: PredictInput[],
  topK: number,
): Promise<Prediction[]> {
  const [height, width] = classifier.inputSize;
  const stride = height * width * 3;
  const errors = new Map<number, string>();
  const rows = new Map<number, number>();
  const pixels = new Float32Array(inputs.length * stride);
  await Promise.all(
    inputs.map(async (input, index) => {
      try {
        const rgb = await decodeToRgb(sourceOf(input), classifier.inputSize);
        writeModelInput(rgb.data, classifier.preprocessing, pixels, index * stride);
      } catch (error) {
        errors.set(index, error instanceof Error ? error.message : String(error));
      }
    }),
  );
  const decoded = inputs.map((_, index) => index).filter((index) => !errors.has(index));
  const batch = new Float32Array(decoded.length * stride);
  decoded.forEach((index, row) => {
    batch.set(pixels.subarray(index * stride, (index + 1) * stride), row * stride);
    rows.set(index, row);
  });
  const classes = classifier.labels.length;
  const values = decoded.length > 0 ? await classifier.predict(batch, decoded.length) : undefined;
  return inputs.map((input, index) => {
    const row = rows.get(index);
    if (row === undefined || !values) {
      return {
        name: input.name,
        top: [],
        error: `This image could not be read (${errors.get(index) ?? 'unknown error'}). Use a JPEG, PNG, WebP, GIF or TIFF file.`,
      };
    }
    const top = Array.from(values.subarray(row * classes, (row + 1) * classes))
      .map((probability, label) => ({ label: classifier.labels[label]!, probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, Math.min(topK, classes));
    return { name: input.name, top };
  });
}

/**
 * Predicts every input. With `job.streamBatch`, each chunk goes to `onBatch` as soon as it is
 * done and the result is empty; otherwise all predictions are returned in input order.
 */
export async function predictImages(
  classifier: Classifier,
  job: PredictJob,
  hooks: { onBatch?(offset: number, predictions: Prediction[]): void; cancel?: CancelSignal } = {},
): Promise<Prediction[]> {
  const chunk = job.streamBatch ?? Math.max(1, job.inputs.length);
  const all: Prediction[] = [];
  for (let offset = 0; offset < job.inputs.length; offset += chunk) {
    hooks.cancel?.throwIfCancelled();
    const predictions = await predictChunk(
      classifier,
      job.inputs.slice(offset, offset + chunk),
      job.topK,
    );
    if (job.streamBatch && hooks.onBatch) hooks.onBatch(offset, predictions);
    else all.push(...predictions);
  }
  return all;
}
