import { describe, expect, it } from 'vitest';
// eslint-disable-next-line no-restricted-imports -- a test only: the UI's weights must match the doctor's.
import { classWeights } from '../../main/services/datasets/class-balance';
import type { DatasetSummary } from '../../shared/domain';
import { TrainConfig } from '../../shared/domain';
import { defaultTrainSettings } from '../../shared/recipe';
import {
  augmentationOn,
  balancedClassWeights,
  paramsFromSettings,
  parseTrainParams,
} from './training-settings';

const recipeParams = () => paramsFromSettings(defaultTrainSettings);

describe('Train form settings', () => {
  it('round-trips the recipe: the untouched form trains exactly with the recipe', () => {
    const { settings, errors } = parseTrainParams(
      recipeParams(),
      defaultTrainSettings.augmentation,
      { fineTunes: true },
    );
    expect(errors).toEqual([]);
    const { freeze: _freeze, ...recipe } = defaultTrainSettings;
    expect(settings).toEqual(recipe);
  });

  it('produces a config the contract accepts', () => {
    const { settings } = parseTrainParams(recipeParams(), defaultTrainSettings.augmentation);
    const parsed = TrainConfig.safeParse({
      datasetRoots: ['/data/flowers'],
      model: { catalogId: 'mobilenet_v1_0.25_224' },
      freeze: defaultTrainSettings.freeze,
      ...settings,
    });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it('names each wrong field in words, with what to try', () => {
    const params = {
      ...recipeParams(),
      batchSize: '0',
      labelSmoothing: '0.9',
      seed: '-1',
      optimizer: 'sgd' as const,
      momentum: '1.5',
    };
    const { settings, errors } = parseTrainParams(params, defaultTrainSettings.augmentation);
    expect(settings).toBeUndefined();
    expect(errors).toEqual([
      'Batch size must be a whole number from 1 to 1024 (try 16 or 32).',
      'Momentum must be a number from 0 to 0.999 (try 0.9).',
      'Label smoothing must be a number from 0 to 0.5 (try 0.1).',
      'Seed must be a whole number from 0 to 9007199254740991.',
    ]);
  });

  it('takes auto, native or a pixel count as the image size', () => {
    const parse = (imageSize: string) =>
      parseTrainParams({ ...recipeParams(), imageSize }, defaultTrainSettings.augmentation);
    expect(recipeParams().imageSize).toBe('auto');
    expect(parse('native').settings?.imageSize).toBe('native');
    expect(parse('352').settings?.imageSize).toBe(352);
    expect(parse('50').errors).toEqual([
      'Image size must be a whole number from 96 to 1024 (or Auto).',
    ]);
  });

  it('checks fields only when the plan uses them', () => {
    const params = {
      ...recipeParams(),
      momentum: 'x',
      earlyStopping: false,
      patience: '',
      fineTuneEpochs: '-3',
      fineTuneFactor: '7',
    };
    const unused = parseTrainParams(params, defaultTrainSettings.augmentation);
    expect(unused.errors).toEqual([]);
    // A stale value in a field the plan does not use never reaches the config: the recipe's does.
    expect(unused.settings?.momentum).toBe(defaultTrainSettings.momentum);
    expect(unused.settings?.fineTune).toEqual(defaultTrainSettings.fineTune);
    expect(
      parseTrainParams({ ...params, momentum: '2' }, defaultTrainSettings.augmentation).settings
        ?.momentum,
    ).toBe(defaultTrainSettings.momentum);
    expect(
      parseTrainParams({ ...params, momentum: '0.5' }, defaultTrainSettings.augmentation).settings
        ?.momentum,
    ).toBe(0.5);
    expect(
      parseTrainParams(params, defaultTrainSettings.augmentation, { fineTunes: true }).errors,
    ).toEqual([
      'Fine-tuning epochs must be a whole number from 0 to 1000.',
      'Fine-tuning rate factor must be a number above 0 and at most 1 (try 0.1).',
    ]);
    expect(
      parseTrainParams({ ...params, earlyStopping: true }, defaultTrainSettings.augmentation)
        .errors,
    ).toEqual(['Patience must be a whole number from 1 to 100 (try 10).']);
  });

  it('says whether any augmentation is on', () => {
    const recipe = defaultTrainSettings.augmentation;
    const off = { enabled: false, strength: 0.5 };
    const none = {
      ...recipe,
      flip: off,
      rotation: off,
      zoom: off,
      exposure: off,
      noise: off,
      blur: off,
    };
    expect(augmentationOn(none)).toBe(false);
    expect(augmentationOn({ ...none, blur: { enabled: true, strength: 0.2 } })).toBe(true);
  });
});

describe('balancedClassWeights', () => {
  const summary = (counts: [string, number, number][], imbalanced: boolean): DatasetSummary => ({
    id: 'd',
    roots: ['/d'],
    layout: 'folder-per-class',
    classes: counts.map(([name, trainCount, valCount]) => ({
      name,
      count: trainCount + valCount,
      trainCount,
      valCount,
      thumbnails: [],
    })),
    totalImages: counts.reduce((sum, [, t, v]) => sum + t + v, 0),
    split: { source: 'generated', valRatio: 0.2, train: 0, val: 0 },
    problems: imbalanced ? [{ kind: 'class-imbalance', path: '', message: 'm', action: 'a' }] : [],
    trainable: true,
    fingerprint: 'f',
  });

  it('weighs classes by n_total / (n_classes * n_class) over training images', () => {
    const { weights, imbalanced } = balancedClassWeights(
      summary(
        [
          ['cats', 300, 75],
          ['dogs', 60, 15],
          ['empty', 0, 0],
        ],
        true,
      ),
    );
    expect(imbalanced).toBe(true);
    // 360 training images over 2 classes: 360 / (2 * 300) and 360 / (2 * 60).
    expect(weights).toEqual([
      { name: 'cats', weight: 0.6 },
      { name: 'dogs', weight: 3 },
    ]);
  });

  it('shows the same weights the dataset doctor computes', () => {
    const counts: [string, number, number][] = [
      ['a', 124, 30],
      ['b', 17, 4],
      ['c', 0, 3],
      ['d', 58, 0],
    ];
    const shown = balancedClassWeights(summary(counts, true)).weights.map((w) => w.weight);
    const present = counts.filter(([, t, v]) => t + v > 0).map(([, t]) => t);
    expect(shown).toEqual(classWeights(present));
  });

  it('gives even classes weights of one', () => {
    const { weights, imbalanced } = balancedClassWeights(
      summary(
        [
          ['a', 50, 10],
          ['b', 50, 10],
        ],
        false,
      ),
    );
    expect(imbalanced).toBe(false);
    expect(weights.map((w) => w.weight)).toEqual([1, 1]);
  });
});
