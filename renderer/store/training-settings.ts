/**
 * The Train form as the user edits it (numbers as typed text, so a half-typed value is not
 * lost), its conversion from and to the recipe's TrainSettings, and the checks that turn a
 * wrong value into a sentence the user can act on. Pure functions: no store, no API.
 */
import type {
  Augmentation,
  BackendChoice,
  DatasetSummary,
  LrSchedule,
  TrainConfig,
} from '../../shared/domain';
import { MAX_IMAGE_SIZE, MIN_IMAGE_SIZE, type ImageSizeChoice } from '../../shared/image-size';
import { defaultTrainSettings as recipe, type TrainSettings } from '../../shared/recipe';

export interface TrainParams {
  epochs: string;
  learningRate: string;
  batchSize: string;
  optimizer: TrainConfig['optimizer'];
  momentum: string;
  schedule: LrSchedule;
  labelSmoothing: string;
  classWeights: TrainConfig['classWeights'];
  earlyStopping: boolean;
  patience: string;
  fineTuneEpochs: string;
  fineTuneFactor: string;
  hiddenUnits: string;
  dropout: string;
  seed: string;
  backend: BackendChoice;
  /** 'auto', 'native' or a size in pixels (the form offers a list). */
  imageSize: string;
}

/** The form's starting values: the recipe, written as the fields show it. */
export function paramsFromSettings(settings: TrainSettings): TrainParams {
  return {
    epochs: String(settings.epochs),
    learningRate: String(settings.learningRate),
    batchSize: String(settings.batchSize),
    optimizer: settings.optimizer,
    momentum: String(settings.momentum),
    schedule: settings.schedule,
    labelSmoothing: String(settings.labelSmoothing),
    classWeights: settings.classWeights,
    earlyStopping: settings.earlyStopping.enabled,
    patience: String(settings.earlyStopping.patience),
    fineTuneEpochs: String(settings.fineTune.epochs),
    fineTuneFactor: String(settings.fineTune.learningRateFactor),
    hiddenUnits: String(settings.hiddenUnits),
    dropout: String(settings.dropout),
    seed: String(settings.seed),
    backend: settings.backend,
    imageSize: String(settings.imageSize),
  };
}

/** What the form decides (the freeze plan comes from the Model screen). */
export type FormSettings = Omit<TrainSettings, 'freeze'>;

interface NumberRule {
  label: string;
  integer?: boolean;
  min: number;
  max: number;
  /** min is excluded (a learning rate of 0 trains nothing). */
  above?: boolean;
  hint?: string;
}

function readNumber(text: string, rule: NumberRule, errors: string[]): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const fits =
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    (rule.above ? value > rule.min : value >= rule.min) &&
    value <= rule.max;
  if (!fits) {
    const kind = rule.integer ? 'a whole number' : 'a number';
    const range = rule.above
      ? `above ${rule.min} and at most ${rule.max}`
      : `from ${rule.min} to ${rule.max}`;
    errors.push(`${rule.label} must be ${kind} ${range}${rule.hint ? ` (${rule.hint})` : ''}.`);
  }
  return value;
}

/** The Image size field: 'auto', 'native' or a pixel count in range (else an error, and NaN). */
export function readImageSize(text: string, errors: string[]): ImageSizeChoice {
  if (text === 'auto' || text === 'native') return text;
  return readNumber(
    text,
    {
      label: 'Image size',
      integer: true,
      min: MIN_IMAGE_SIZE,
      max: MAX_IMAGE_SIZE,
      hint: 'or Auto',
    },
    errors,
  );
}

/** A field the plan does not use: its value when valid, else the recipe's (never an error). */
function unusedNumber(text: string, rule: NumberRule, fallback: number): number {
  const errors: string[] = [];
  const value = readNumber(text, rule, errors);
  return errors.length === 0 ? value : fallback;
}

/**
 * Checks every field against the same limits as TrainConfig. Fields the current plan does not
 * use (momentum with Adam, patience without early stopping, fine-tuning with a frozen base)
 * are only checked when used, so a stale value in a hidden field never blocks Start.
 */
export function parseTrainParams(
  params: TrainParams,
  augmentation: Augmentation,
  options: { fineTunes: boolean } = { fineTunes: false },
): { settings?: FormSettings; errors: string[] } {
  const errors: string[] = [];
  const epochs = readNumber(
    params.epochs,
    { label: 'Epochs', integer: true, min: 1, max: 1000 },
    errors,
  );
  const learningRate = readNumber(
    params.learningRate,
    { label: 'Learning rate', min: 0, max: 10, above: true, hint: 'try 0.001' },
    errors,
  );
  const batchSize = readNumber(
    params.batchSize,
    { label: 'Batch size', integer: true, min: 1, max: 1024, hint: 'try 16 or 32' },
    errors,
  );
  const momentumRule = { label: 'Momentum', min: 0, max: 0.999, hint: 'try 0.9' };
  const momentum =
    params.optimizer === 'sgd'
      ? readNumber(params.momentum, momentumRule, errors)
      : unusedNumber(params.momentum, momentumRule, recipe.momentum);
  const labelSmoothing = readNumber(
    params.labelSmoothing,
    { label: 'Label smoothing', min: 0, max: 0.5, hint: 'try 0.1' },
    errors,
  );
  const patienceRule = { label: 'Patience', integer: true, min: 1, max: 100, hint: 'try 10' };
  const patience = params.earlyStopping
    ? readNumber(params.patience, patienceRule, errors)
    : unusedNumber(params.patience, patienceRule, recipe.earlyStopping.patience);
  const epochsRule = { label: 'Fine-tuning epochs', integer: true, min: 0, max: 1000 };
  const fineTuneEpochs = options.fineTunes
    ? readNumber(params.fineTuneEpochs, epochsRule, errors)
    : unusedNumber(params.fineTuneEpochs, epochsRule, recipe.fineTune.epochs);
  const factorRule = {
    label: 'Fine-tuning rate factor',
    min: 0,
    max: 1,
    above: true,
    hint: 'try 0.1',
  };
  const learningRateFactor = options.fineTunes
    ? readNumber(params.fineTuneFactor, factorRule, errors)
    : unusedNumber(params.fineTuneFactor, factorRule, recipe.fineTune.learningRateFactor);
  const hiddenUnits = readNumber(
    params.hiddenUnits,
    { label: 'Hidden units', integer: true, min: 0, max: 4096, hint: '0 means none' },
    errors,
  );
  const dropout = readNumber(params.dropout, { label: 'Dropout', min: 0, max: 0.9 }, errors);
  const seed = readNumber(
    params.seed,
    { label: 'Seed', integer: true, min: 0, max: Number.MAX_SAFE_INTEGER },
    errors,
  );
  const imageSize = readImageSize(params.imageSize, errors);
  if (errors.length > 0) return { errors };
  return {
    errors,
    settings: {
      epochs,
      learningRate,
      batchSize,
      validationSplit: recipe.validationSplit,
      dropout,
      seed,
      backend: params.backend,
      hiddenUnits,
      optimizer: params.optimizer,
      momentum,
      schedule: params.schedule,
      labelSmoothing,
      classWeights: params.classWeights,
      earlyStopping: { enabled: params.earlyStopping, patience },
      fineTune: { epochs: fineTuneEpochs, learningRateFactor },
      augmentation,
      imageSize,
    },
  };
}

export const augmentNames = ['flip', 'rotation', 'zoom', 'exposure', 'noise', 'blur'] as const;
export type AugmentName = (typeof augmentNames)[number];

export function augmentationOn(augmentation: Augmentation): boolean {
  return augmentNames.some((name) => augmentation[name].enabled);
}

export interface ClassWeight {
  name: string;
  weight: number;
}

/**
 * The weights 'balanced' applies, by the doctor's formula (n_total / (n_classes * n_class) over
 * training images of the classes that have any images), and whether the doctor found the
 * classes imbalanced enough to say so.
 */
export function balancedClassWeights(dataset: DatasetSummary): {
  weights: ClassWeight[];
  imbalanced: boolean;
} {
  const present = dataset.classes.filter((c) => c.trainCount + c.valCount > 0);
  const total = present.reduce((sum, c) => sum + c.trainCount, 0);
  const withTrain = present.filter((c) => c.trainCount > 0).length;
  return {
    weights: present.map((c) => ({
      name: c.name,
      weight: c.trainCount > 0 ? total / (withTrain * c.trainCount) : 0,
    })),
    imbalanced: dataset.problems.some((problem) => problem.kind === 'class-imbalance'),
  };
}
