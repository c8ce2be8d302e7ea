/**
 * "Try it": top-k predictions of a trained model for a few images, given as files or as encoded
 * bytes. Each image decodes on its own, so one bad file gets an error line and the rest still
 * get predictions.
 */
import * as tf from '@tensorflow/tfjs';
import type { Prediction } from '../../../shared/evaluation';
import type { PredictJob } from '../../../shared/worker-protocol';
import { decodeToRgb } from '../../services/datasets/decode-image';
import { writeModelInput } from '../images/decode-image';
import type { TrainedModel } from './trained-model';

/** Encoded images larger than this are refused before decoding. */
export const MAX_PREDICT_BYTES = 20 * 1024 * 1024;

function sourceOf(input: PredictJob['inputs'][number]): string | Buffer {
  if ('path' in input) return input.path;
  const bytes = Buffer.from(input.base64, 'base64');
  if (bytes.byteLength === 0) throw new Error('the image is empty');
  if (bytes.byteLength > MAX_PREDICT_BYTES) {
    throw new Error(`the image is larger than ${MAX_PREDICT_BYTES / 1024 / 1024} MB`);
  }
  return bytes;
}

export async function predictImages(trained: TrainedModel, job: PredictJob): Promise<Prediction[]> {
  const { model, metadata } = trained;
  const [height, width] = metadata.inputSize;
  const stride = height * width * 3;
  const pixels = new Float32Array(job.inputs.length * stride);
  const errors = new Map<number, string>();
  await Promise.all(
    job.inputs.map(async (input, index) => {
      try {
        const rgb = await decodeToRgb(sourceOf(input), metadata.inputSize);
        writeModelInput(rgb.data, metadata.preprocessing, pixels, index * stride);
      } catch (error) {
        errors.set(index, error instanceof Error ? error.message : String(error));
      }
    }),
  );
  const decoded = job.inputs.map((_, index) => index).filter((index) => !errors.has(index));
  const probabilities = new Map<number, number[]>();
  if (decoded.length > 0) {
    const batch = new Float32Array(decoded.length * stride);
    decoded.forEach((index, row) =>
      batch.set(pixels.subarray(index * stride, (index + 1) * stride), row * stride),
    );
    const output = tf.tidy(
      () => model.predict(tf.tensor4d(batch, [decoded.length, height, width, 3])) as tf.Tensor,
    );
    const values = (await output.data()) as Float32Array;
    output.dispose();
    const classes = metadata.labels.length;
    decoded.forEach((index, row) =>
      probabilities.set(index, Array.from(values.subarray(row * classes, (row + 1) * classes))),
    );
  }
  const topK = Math.min(job.topK, metadata.labels.length);
  return job.inputs.map((input, index) => {
    const row = probabilities.get(index);
    if (!row) {
      return {
        name: input.name,
        top: [],
        error: `This image could not be read (${errors.get(index) ?? 'unknown error'}). Use a JPEG, PNG, WebP, GIF or TIFF file.`,
      };
    }
    const top = row
      .map((probability, label) => ({ label: metadata.labels[label]!, probability }))
      .sort((a, b) => b.probability - a.probability)
      .slice(0, topK);
    return { name: input.name, top };
  });
}
