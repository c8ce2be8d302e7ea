/**
 * The fit loop: phases of epochs (head with the base frozen, then fine-tuning at per-group
 * rates, then any epochs the user added), a learning-rate schedule per phase, validation after
 * each epoch, early stopping on the validation loss with the best weights kept (in memory and
 * as a checkpoint on disk), and the user's controls between batches: pause, resume, cancel and
 * extend.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochMetrics, LrSchedule } from '../../../shared/domain';
import type { ImageItem } from '../images/image-batches';
import type { BatchSource } from './batch-source';
import { learningRateAt } from './lr-schedule';
import { MemoryFittedSteps } from './memory-fallback';
import type { RunControl } from './run-control';
import type { RunRecorder } from './run-recorder';
import type { Rates, TrainableNet } from './trainable-net';

export interface Phase {
  kind: 'head' | 'fine-tune' | 'extension';
  epochs: number;
  /** Base rates of the phase's schedule (base 0: the base part stays frozen). */
  rates: Rates;
}

/** Epochs added by the user train at this fraction of the last phase's rates (a warm restart). */
export const EXTENSION_RATE_FACTOR = 0.3;
/** Smallest improvement of the validation loss that counts for early stopping. */
const MIN_DELTA = 1e-4;

export interface FitOptions {
  phases: Phase[];
  schedule: LrSchedule;
  batchSize: number;
  source: BatchSource;
  net: TrainableNet;
  control: RunControl;
  recorder: RunRecorder;
  random: () => number;
  startedAt: number;
  /** Number of the first epoch (1, or after the epochs of a run being continued). */
  firstEpoch: number;
  earlyStopping: { enabled: boolean; patience: number };
  /** Keeps the current weights on disk as the best so far. */
  saveCheckpoint(epoch: number): Promise<void>;
  /** Announces a phase in words (shown in the UI). */
  describePhase(phase: Phase): string;
}

export interface FitResult {
  epochs: EpochMetrics[];
  /** Epoch whose weights the model ends with (the best one when early stopping restored it). */
  bestEpoch: number | undefined;
  restoredBest: boolean;
  stoppedEarly: boolean;
  /** Validation probabilities of the final weights, row-major, with their items. */
  validation: { items: ImageItem[]; probabilities: Float32Array };
}

interface Totals {
  lossSum: number;
  correct: number;
  count: number;
}

const mean = (sum: number, count: number): number => (count ? sum / count : 0);

/** Runs the validation split; collects probabilities when asked. */
async function validate(
  options: FitOptions,
  collect?: { items: ImageItem[]; rows: Float32Array[] },
): Promise<Totals> {
  const totals: Totals = { lossSum: 0, correct: 0, count: 0 };
  for await (const batch of options.source.valBatches(Math.max(32, options.batchSize))) {
    options.control.throwIfCancelled();
    const result = await options.net.evaluate(batch.inputs, batch.labels);
    tf.dispose(batch.inputs);
    totals.lossSum += result.lossSum;
    totals.correct += result.correct;
    totals.count += batch.labels.length;
    if (collect) {
      collect.items.push(...batch.items);
      collect.rows.push(result.probabilities);
    }
  }
  return totals;
}

export async function fit(options: FitOptions): Promise<FitResult> {
  const { control, recorder, net, phases } = options;
  const results: EpochMetrics[] = [];
  let epoch = options.firstEpoch - 1;
  let best: { loss: number; epoch: number; weights: tf.Tensor[] } | undefined;
  let sinceBest = 0;
  let stoppedEarly = false;
  const epochMs = new Map<Phase['kind'], number[]>();
  // A step that runs out of memory is retried in smaller parts (memory-fallback.ts).
  const steps = new MemoryFittedSteps(
    net,
    recorder,
    tf.getBackend() === 'wasm' ? 'WebAssembly' : 'TensorFlow',
  );

  const takeExtension = (): void => {
    const extra = control.takeExtension();
    if (!extra) return;
    const last = phases[phases.length - 1]!;
    if (last.kind === 'extension') last.epochs += extra;
    else {
      phases.push({
        kind: 'extension',
        epochs: extra,
        rates: {
          head: last.rates.head * EXTENSION_RATE_FACTOR,
          base: last.rates.base * EXTENSION_RATE_FACTOR,
        },
      });
    }
    recorder.phase('extended', `${extra} more epoch${extra === 1 ? '' : 's'} added`);
  };

  const remainingEpochs = (phaseIndex: number, doneInPhase: number): number =>
    phases[phaseIndex]!.epochs -
    doneInPhase +
    phases.slice(phaseIndex + 1).reduce((sum, phase) => sum + phase.epochs, 0);

  for (let phaseIndex = 0; phaseIndex < phases.length; phaseIndex += 1) {
    const phase = phases[phaseIndex]!;
    if (phase.epochs === 0) continue;
    recorder.phase(`training-${phase.kind}`, options.describePhase(phase));
    sinceBest = 0;
    let stepsPerEpoch = Math.max(1, Math.ceil(options.source.trainCount / options.batchSize));
    for (let inPhase = 0; inPhase < phase.epochs; inPhase += 1) {
      epoch += 1;
      const epochStart = Date.now();
      const pausedAtStart = control.pausedMs;
      const totals: Totals = { lossSum: 0, correct: 0, count: 0 };
      let batchIndex = 0;
      let rates: Rates = phase.rates;
      for await (const batch of options.source.trainBatches(
        epoch,
        options.batchSize,
        options.random,
      )) {
        try {
          await control.waitWhilePaused(
            () =>
              recorder.phase(
                'paused',
                `Paused in epoch ${epoch}, before its batch ${batchIndex + 1}`,
              ),
            () => recorder.phase('resumed', 'Training resumed'),
          );
          const step = inPhase * stepsPerEpoch + batchIndex;
          const totalSteps = phase.epochs * stepsPerEpoch;
          rates = {
            head: learningRateAt(options.schedule, phase.rates.head, step, totalSteps),
            base: learningRateAt(options.schedule, phase.rates.base, step, totalSteps),
          };
          const result = await steps.trainStep(batch.inputs, batch.labels, rates);
          batchIndex += 1;
          totals.lossSum += result.loss * batch.labels.length;
          totals.correct += result.correct;
          totals.count += batch.labels.length;
          recorder.batch({
            epoch,
            batch: batchIndex,
            batches: Math.max(stepsPerEpoch, batchIndex),
            loss: result.loss,
            accuracy: result.correct / batch.labels.length,
          });
        } finally {
          tf.dispose(batch.inputs);
        }
      }
      stepsPerEpoch = Math.max(1, batchIndex);
      const trainEnd = Date.now();
      control.throwIfCancelled();
      const val = await validate(options);
      const now = Date.now();
      const pausedMs = control.pausedMs - pausedAtStart;
      const activeMs = Math.max(1, now - epochStart - pausedMs);
      epochMs.set(phase.kind, [...(epochMs.get(phase.kind) ?? []), activeMs]);
      takeExtension();
      const phaseTimes = epochMs.get(phase.kind)!;
      const perEpoch = phaseTimes.reduce((a, b) => a + b, 0) / phaseTimes.length;
      const valLoss = mean(val.lossSum, val.count);
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: mean(totals.lossSum, totals.count),
        trainAccuracy: mean(totals.correct, totals.count),
        valLoss,
        valAccuracy: mean(val.correct, val.count),
        learningRate: rates.head,
        imagesPerSecond: totals.count / Math.max(1e-3, (trainEnd - epochStart - pausedMs) / 1000),
        elapsedMs: now - options.startedAt - control.pausedMs,
        etaMs: perEpoch * remainingEpochs(phaseIndex, inPhase + 1),
        phase: phase.kind,
      };
      results.push(metrics);
      const improved = !best || valLoss < best.loss - MIN_DELTA;
      if (improved) {
        tf.dispose(best?.weights ?? []);
        best = { loss: valLoss, epoch, weights: net.snapshot() };
        sinceBest = 0;
        await options.saveCheckpoint(epoch);
      } else {
        sinceBest += 1;
      }
      await recorder.epoch(metrics, tf.memory().numTensors, {
        baseLearningRate: rates.base,
        best: improved,
        ...(steps.lowered ? { stepBatch: steps.lowered } : {}),
      });
      const patienceOut =
        options.earlyStopping.enabled && sinceBest >= options.earlyStopping.patience;
      if (patienceOut && inPhase + 1 < phase.epochs) {
        recorder.phase(
          'early-stopping',
          `No better validation loss for ${sinceBest} epochs; ` +
            (phaseIndex + 1 < phases.length
              ? `going on with the next phase from the best epoch (${best!.epoch}).`
              : `stopping and keeping the best epoch (${best!.epoch}).`),
        );
        if (phaseIndex + 1 === phases.length) stoppedEarly = true;
        break;
      }
    }
    // Each phase starts from the best weights so far; the next may then improve on them.
    if (options.earlyStopping.enabled && best && phaseIndex + 1 < phases.length) {
      net.restore(best.weights);
    }
    if (phaseIndex + 1 === phases.length) takeExtension();
  }

  const restoredBest = Boolean(options.earlyStopping.enabled && best && best.epoch !== epoch);
  if (restoredBest) {
    net.restore(best!.weights);
    recorder.phase(
      'restored-best',
      `Kept the weights of epoch ${best!.epoch} (lowest validation loss).`,
    );
  }
  const bestEpoch = restoredBest ? best!.epoch : epoch >= options.firstEpoch ? epoch : undefined;
  tf.dispose(best?.weights ?? []);
  const collected = { items: [] as ImageItem[], rows: [] as Float32Array[] };
  await validate(options, collected);
  const probabilities = new Float32Array(collected.rows.reduce((sum, row) => sum + row.length, 0));
  collected.rows.reduce((offset, row) => (probabilities.set(row, offset), offset + row.length), 0);
  return {
    epochs: results,
    bestEpoch,
    restoredBest,
    stoppedEarly,
    validation: { items: collected.items, probabilities },
  };
}
