/**
 * The fast path, for a fully frozen base: features of every image are computed once, then the
 * head alone trains on them each epoch (shuffled with the run's seed).
 */
import * as tf from '@tensorflow/tfjs';
import { buildEvaluation } from './evaluation';
import { extractFeatures, featureRows, type FeatureSet } from './feature-cache';
import { runEpochs, type PassTotals } from './fit-loop';
import { fullModel, headModel, lossAndAccuracy } from './model-parts';
import { shuffledIndices } from './seeded-random';
import { inferenceBatchSize, type TrainContext, type TrainOutcome } from './train-context';

async function featuresOf(context: TrainContext, split: 'train' | 'val'): Promise<FeatureSet> {
  const { job, recorder } = context;
  const items = job[split];
  const phase = `features-${split}`;
  const started = Date.now();
  recorder.phase(phase, `Computing features of ${items.length} ${split} images`, { progress: 0 });
  const set = await extractFeatures(context.cut, items, {
    size: job.inputSize,
    preprocessing: job.preprocessing,
    batchSize: inferenceBatchSize(job),
    pool: Boolean(context.head.pool),
    cancel: context.cancel,
    onSkip: context.onSkip,
    onProgress: (done, total) =>
      recorder.phase(phase, `Computed features of ${done} of ${total} ${split} images`, {
        progress: done / total,
      }),
  });
  const seconds = (Date.now() - started) / 1000;
  const imagesPerSecond = set.items.length / Math.max(seconds, 1e-3);
  recorder.phase(
    `${phase}-done`,
    `Features of ${set.items.length} ${split} images in ${seconds.toFixed(1)} s ` +
      `(${imagesPerSecond.toFixed(1)} images/s)`,
    { progress: 1, imagesPerSecond },
  );
  return set;
}

function oneHot(labels: readonly number[], classCount: number): tf.Tensor2D {
  return tf.tidy(() =>
    tf.oneHot(tf.tensor1d(labels as number[], 'int32'), classCount).toFloat(),
  ) as tf.Tensor2D;
}

/** Probabilities of the head for every row of a feature set, row-major. */
async function predictRows(head: tf.LayersModel, set: FeatureSet): Promise<Float32Array> {
  const all = tf.tidy(() => {
    const rows = featureRows(
      set,
      set.items.map((_, index) => index),
    );
    return head.predict(rows, { batchSize: 256 }) as tf.Tensor;
  });
  const values = (await all.data()) as Float32Array;
  all.dispose();
  return values;
}

export async function trainOnFeatures(context: TrainContext): Promise<TrainOutcome> {
  const { job, recorder, head } = context;
  const train = await featuresOf(context, 'train');
  const val = await featuresOf(context, 'val');
  if (train.items.length === 0 || val.items.length === 0) {
    throw new Error(
      `No ${train.items.length === 0 ? 'training' : 'validation'} image could be decoded; check the dataset.`,
    );
  }
  const classCount = job.labels.length;
  const model = headModel(head);
  model.compile({
    optimizer: tf.train.adam(job.config.learningRate),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
  const batchSize = job.config.batchSize;
  const batches = Math.ceil(train.items.length / batchSize);
  recorder.phase(
    'training',
    `Training the head on ${train.items.length} images, ${batches} batches per epoch`,
  );

  const trainEpoch = async (epoch: number): Promise<PassTotals> => {
    const order = shuffledIndices(train.items.length, context.random);
    const totals: PassTotals = { lossSum: 0, correct: 0, count: 0 };
    for (let batch = 0; batch < batches; batch += 1) {
      context.cancel.throwIfCancelled();
      const rows = order.slice(batch * batchSize, (batch + 1) * batchSize);
      const x = featureRows(train, rows);
      const y = oneHot(
        rows.map((row) => train.items[row]!.label),
        classCount,
      );
      const [loss, accuracy] = (await model.trainOnBatch(x, y)) as number[];
      x.dispose();
      y.dispose();
      totals.lossSum += loss! * rows.length;
      totals.correct += accuracy! * rows.length;
      totals.count += rows.length;
      recorder.batch({ epoch, batch: batch + 1, batches, loss: loss!, accuracy: accuracy! });
    }
    return totals;
  };

  const validate = async (): Promise<PassTotals> => {
    const { lossSum, correct } = tf.tidy(() => {
      const probabilities = model.predict(
        featureRows(
          val,
          val.items.map((_, i) => i),
        ),
        {
          batchSize: 256,
        },
      ) as tf.Tensor2D;
      return lossAndAccuracy(
        probabilities,
        val.items.map((item) => item.label),
        classCount,
      );
    });
    const totals = {
      lossSum: (await lossSum.data())[0]!,
      correct: (await correct.data())[0]!,
      count: val.items.length,
    };
    lossSum.dispose();
    correct.dispose();
    return totals;
  };

  const epochs = await runEpochs({
    epochs: job.config.epochs,
    learningRate: job.config.learningRate,
    startedAt: context.startedAt,
    recorder,
    cancel: context.cancel,
    trainEpoch,
    validate,
  });
  const evaluation = buildEvaluation(job.labels, val.items, await predictRows(model, val));
  return { epochs, evaluation, model: fullModel(context.cut, head), disposables: [model] };
}
