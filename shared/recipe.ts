/**
 * The default training recipe: the one place its values live. The CLI's flag defaults and the
 * UI's form defaults both start from `defaultTrainSettings`, so a run started with no options
 * trains the same way everywhere. The values were chosen by measurement (see docs/ for the
 * numbers), not taste, and are meant to work on any small image dataset, not one in particular.
 */
import type { Augmentation, FreezePlan, TrainConfig } from './domain';

/** Everything of a TrainConfig that is not about which data and which model. */
export type TrainSettings = Omit<TrainConfig, 'datasetRoots' | 'model' | 'featureLayer' | 'name'>;

/**
 * Mild geometric and exposure augmentation, computed once per view and cached with a frozen
 * base: a few views per image gave the frozen-base head 1-2 points of validation accuracy on
 * the measured datasets for the cost of running the base a few more times per image.
 */
export const defaultAugmentation: Augmentation = {
  flip: { enabled: true, strength: 1 },
  rotation: { enabled: true, strength: 0.3 },
  zoom: { enabled: true, strength: 0.4 },
  exposure: { enabled: true, strength: 0.3 },
  noise: { enabled: false, strength: 0.2 },
  blur: { enabled: false, strength: 0.2 },
  viewsPerImage: 4,
};

/**
 * Training examples per class that augmented views fill up to: a class with fewer images gets
 * more views (up to the setting), a class with more gets fewer, down to the image alone. Extra
 * views pay off on small classes (hymenoptera, ~120 images a class: +1-2 points) and cost
 * compute without gain on large ones (docs/training-engine.md, "Recipe by dataset size").
 */
export const VIEWS_FILL_PER_CLASS = 1000;

/**
 * The augmented views a run computes per training image: the setting (`viewsPerImage`) is the
 * most, fewer when the classes are large. Answers the views and, when fewer than asked, why.
 */
export function viewsForDataset(
  viewsPerImage: number,
  trainImages: number,
  classes: number,
): { views: number; reason?: string } {
  const perClass = trainImages / Math.max(1, classes);
  const fill = Math.max(1, Math.floor(VIEWS_FILL_PER_CLASS / Math.max(1, perClass)));
  if (fill >= viewsPerImage) return { views: viewsPerImage };
  return {
    views: fill,
    reason:
      `${fill} view${fill === 1 ? '' : 's'} per training image instead of ${viewsPerImage}: ` +
      `the classes hold about ${Math.round(perClass)} training images each, where more views ` +
      `cost time without adding accuracy`,
  };
}

/** What the UI proposes when the user switches an augmentation on (the recipe's own values). */
export const suggestedAugmentation: Augmentation = defaultAugmentation;

export const defaultFreezePlan: FreezePlan = { mode: 'feature-extractor', trainableLayers: [] };

/**
 * Head training on cached features is cheap (tens of milliseconds an epoch), so the recipe
 * affords many epochs at a fairly high learning rate with cosine decay, and early stopping on
 * the validation loss restores the best epoch's weights.
 */
export const defaultTrainSettings: TrainSettings = {
  freeze: defaultFreezePlan,
  epochs: 50,
  learningRate: 0.005,
  batchSize: 32,
  validationSplit: 0.2,
  dropout: 0.2,
  seed: 42,
  backend: 'auto',
  hiddenUnits: 0,
  optimizer: 'adam',
  momentum: 0.9,
  schedule: 'cosine',
  labelSmoothing: 0,
  classWeights: 'balanced',
  earlyStopping: { enabled: true, patience: 10 },
  fineTune: { epochs: 5, learningRateFactor: 0.1 },
  augmentation: defaultAugmentation,
  imageSize: 'auto',
};
