/**
 * The slow path, when some base layers train: every epoch decodes the images again and runs
 * the whole model (base cut + head) forward and backward. Correct first; fast only in the
 * sense that decoding overlaps compute.
 */
import * as tf from '@tensorflow/tfjs';
import { imageBatches, type ImageBatch, type ImageItem } from '../images/image-batches';
import { buildEvaluation } from './evaluation';
import { runEpochs, type PassTotals } from './fit-loop';
import { fullModel, lossAndAccuracy } from './model-parts';
import { shuffledIndices } from './seeded-random';
import { inferenceBatchSize, type TrainContext, type TrainOutcome } from './train-context';

function batchesOf(
  context: TrainContext,
  items: readonly ImageItem[],
  batchSize: number,
): AsyncGenerator<ImageBatch> {
  return imageBatches(items, {
    size: context.job.inputSize,
    preprocessing: context.job.preprocessing,
    batchSize,
    onSkip: context.onSkip,
  });
}

function pixelsOf(context: TrainContext, batch: ImageBatch): tf.Tensor4D {
  const [height, width] = context.job.inputSize;
  return tf.tensor4d(batch.pixels, [batch.items.length, height, width, 3]);
}

export async function trainEndToEnd(context: TrainContext): Promise<TrainOutcome> {
  const { job, recorder } = context;
  const classCount = job.labels.length;
  const model = fullModel(context.cut, context.head);
  model.compile({
    optimizer: tf.train.adam(job.config.learningRate),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const batchSize = job.config.batchSize;
  const batches = Math.ceil(job.train.length / batchSize);
  recorder.phase(
    'training',
    `Fine-tuning the base and training the head on ${job.train.length} images, ${batches} batches per epoch`,
  );

  const trainEpoch = async (epoch: number): Promise<PassTotals> => {
    const order = shuffledIndices(job.train.length, context.random).map(
      (index) => job.train[index]!,
    );
    const totals: PassTotals = { lossSum: 0, correct: 0, count: 0 };
    let batch = 0;
    for await (const images of batchesOf(context, order, batchSize)) {
      context.cancel.throwIfCancelled();
      batch += 1;
      const x = pixelsOf(context, images);
      const y = tf.tidy(() =>
        tf
          .oneHot(
            tf.tensor1d(
              images.items.map((item) => item.label),
              'int32',
            ),
            classCount,
          )
          .toFloat(),
      );
      const [loss, accuracy] = (await model.trainOnBatch(x, y)) as number[];
      x.dispose();
      y.dispose();
      totals.lossSum += loss! * images.items.length;
      totals.correct += accuracy! * images.items.length;
      totals.count += images.items.length;
      recorder.batch({
        epoch,
        batch,
        batches: Math.max(batches, batch),
        loss: loss!,
        accuracy: accuracy!,
      });
    }
    return totals;
  };

  /** Runs the model over the validation images; collects probabilities when asked. */
  const overValidation = async (collect?: {
    items: ImageItem[];
    rows: Float32Array[];
  }): Promise<PassTotals> => {
    const totals: PassTotals = { lossSum: 0, correct: 0, count: 0 };
    for await (const images of batchesOf(context, job.val, inferenceBatchSize(job))) {
      context.cancel.throwIfCancelled();
      const probabilities = tf.tidy(() => model.predict(pixelsOf(context, images)) as tf.Tensor2D);
      const { lossSum, correct } = lossAndAccuracy(
        probabilities,
        images.items.map((item) => item.label),
        classCount,
      );
      totals.lossSum += (await lossSum.data())[0]!;
      totals.correct += (await correct.data())[0]!;
      totals.count += images.items.length;
      if (collect) {
        collect.items.push(...images.items);
        collect.rows.push((await probabilities.data()) as Float32Array);
      }
      tf.dispose([probabilities, lossSum, correct]);
    }
    return totals;
  };

  const epochs = await runEpochs({
    epochs: job.config.epochs,
    learningRate: job.config.learningRate,
    startedAt: context.startedAt,
    recorder,
    cancel: context.cancel,
    trainEpoch,
    validate: () => overValidation(),
  });
  const collected = { items: [] as ImageItem[], rows: [] as Float32Array[] };
  await overValidation(collected);
  const probabilities = new Float32Array(collected.items.length * classCount);
  collected.rows.reduce((offset, row) => (probabilities.set(row, offset), offset + row.length), 0);
  const evaluation = buildEvaluation(job.labels, collected.items, probabilities);
  return { epochs, evaluation, model, disposables: [] };
}
