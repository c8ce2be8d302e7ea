/**
 * The training flags shared by `train` and `lr-find`: every setting of TrainConfig, with the
 * recipe's values (shared/recipe.ts) as defaults, so a bare `transfer-studio train <dir>`
 * trains exactly like the app's default settings.
 */
import path from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { defaultCatalogId } from '../../../shared/catalog';
import { describeIssues } from '../../../shared/contract';
import {
  TrainConfig,
  type Augmentation,
  type FreezePlan,
  type TrainConfigInput,
} from '../../../shared/domain';
import { fineTuneTopPlan } from '../../../shared/freeze-plan';
import { MAX_IMAGE_SIZE, MIN_IMAGE_SIZE } from '../../../shared/image-size';
import { defaultTrainSettings as recipe } from '../../../shared/recipe';
import type { CliContext } from '../cli-context';
import { CliUsageError, numberFlag, request } from '../parse-args';
import { modelRefFromArg } from './model-ref';

export const trainFlags = {
  json: { type: 'boolean', default: false },
  model: { type: 'string', default: defaultCatalogId },
  'feature-layer': { type: 'string' },
  freeze: { type: 'string' },
  'bn-policy': { type: 'string' },
  epochs: { type: 'string' },
  'learning-rate': { type: 'string' },
  'batch-size': { type: 'string' },
  'val-split': { type: 'string' },
  dropout: { type: 'string' },
  'hidden-units': { type: 'string' },
  optimizer: { type: 'string' },
  momentum: { type: 'string' },
  schedule: { type: 'string' },
  'label-smoothing': { type: 'string' },
  'class-weights': { type: 'string' },
  'early-stopping': { type: 'string' },
  'fine-tune-epochs': { type: 'string' },
  'fine-tune-lr-factor': { type: 'string' },
  augment: { type: 'string' },
  views: { type: 'string' },
  'image-size': { type: 'string' },
  seed: { type: 'string' },
  backend: { type: 'string' },
  name: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export const trainFlagsUsage = `      --model ID|DIR  --feature-layer NAME  --backend auto|tensorflow-gpu|tensorflow|wasm|cpu
      --freeze feature-extractor|top:N|layers:NAME,NAME…  (${recipe.freeze.mode})
      --bn-policy frozen|adapt  --fine-tune-epochs N (${recipe.fineTune.epochs})  --fine-tune-lr-factor X (${recipe.fineTune.learningRateFactor})
      --epochs N (${recipe.epochs})  --learning-rate X (${recipe.learningRate})  --batch-size N (${recipe.batchSize})
      --optimizer adam|sgd (${recipe.optimizer})  --momentum X (${recipe.momentum})  --schedule constant|step|cosine|one-cycle (${recipe.schedule})
      --label-smoothing X (${recipe.labelSmoothing})  --class-weights none|balanced (${recipe.classWeights})
      --early-stopping PATIENCE|off (${recipe.earlyStopping.enabled ? recipe.earlyStopping.patience : 'off'})  --dropout X (${recipe.dropout})  --hidden-units N (${recipe.hiddenUnits})
      --augment off|flip,rotation=S,zoom=S,exposure=S,noise=S,blur=S (S: strength 0..1)  --views N (at most ${recipe.augmentation.viewsPerImage}; fewer on large classes)
      --image-size auto|native|PX (${recipe.imageSize})  --val-split X (${recipe.validationSplit})  --seed N (${recipe.seed})  --name TEXT`;

type FlagValues = {
  [K in keyof typeof trainFlags]?: (typeof trainFlags)[K] extends { type: 'boolean' }
    ? boolean
    : string;
};

const AUGMENTATIONS = ['flip', 'rotation', 'zoom', 'exposure', 'noise', 'blur'] as const;

/** "off", or a comma list of augmentations with optional strengths ("flip,zoom=0.4"). */
export function parseAugmentation(
  value: string | undefined,
  views: number | undefined,
): Augmentation {
  const base = recipe.augmentation;
  if (value === undefined) {
    return { ...base, ...(views !== undefined ? { viewsPerImage: views } : {}) };
  }
  const result: Augmentation = { ...base, viewsPerImage: views ?? base.viewsPerImage };
  for (const name of AUGMENTATIONS)
    result[name] = { enabled: false, strength: base[name].strength };
  if (value.trim() === 'off' || value.trim() === '') return result;
  for (const part of value.split(',')) {
    const [rawName, rawStrength] = part.split('=');
    const name = rawName!.trim() as (typeof AUGMENTATIONS)[number];
    if (!AUGMENTATIONS.includes(name)) {
      throw new CliUsageError(
        `--augment: unknown augmentation "${rawName}"; use ${AUGMENTATIONS.join(', ')} or off.`,
      );
    }
    const strength = rawStrength === undefined ? base[name].strength : Number(rawStrength);
    if (!Number.isFinite(strength) || strength < 0 || strength > 1) {
      throw new CliUsageError(
        `--augment: the strength of ${name} must be 0..1, got "${rawStrength}".`,
      );
    }
    result[name] = { enabled: true, strength };
  }
  return result;
}

/** The freeze plan of --freeze; top:N asks the services for the base's blocks. */
async function parseFreeze(
  ctx: CliContext,
  value: string | undefined,
  model: TrainConfigInput['model'],
  featureLayer: string | undefined,
  bnPolicy: string | undefined,
): Promise<FreezePlan> {
  if (bnPolicy !== undefined && bnPolicy !== 'frozen' && bnPolicy !== 'adapt') {
    throw new CliUsageError(`--bn-policy must be frozen or adapt, got "${bnPolicy}".`);
  }
  const policy = bnPolicy ? { bnPolicy: bnPolicy as 'frozen' | 'adapt' } : {};
  if (value === undefined || value === 'feature-extractor') return { ...recipe.freeze, ...policy };
  if (value.startsWith('layers:')) {
    const layers = value
      .slice('layers:'.length)
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    return {
      mode: layers.length ? 'custom' : 'feature-extractor',
      trainableLayers: layers,
      ...policy,
    };
  }
  if (value.startsWith('top:')) {
    const blocks = Number(value.slice('top:'.length));
    if (!Number.isInteger(blocks) || blocks < 0) {
      throw new CliUsageError(`--freeze top:N needs a whole number of blocks, got "${value}".`);
    }
    const info = await request(ctx, 'models:inspect', {
      ref: model,
      ...(featureLayer ? { featureLayer } : {}),
    });
    return { ...fineTuneTopPlan(info, blocks), ...policy };
  }
  throw new CliUsageError(
    `--freeze must be feature-extractor, top:N (train the top N blocks) or layers:NAME,NAME…; got "${value}".`,
  );
}

function choice<T extends string>(
  value: string | undefined,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new CliUsageError(`--${name} must be one of ${allowed.join(', ')}; got "${value}".`);
  }
  return value as T;
}

function parseImageSize(value: string | undefined): TrainConfigInput['imageSize'] {
  if (value === undefined) return recipe.imageSize;
  if (value === 'auto' || value === 'native') return value;
  const size = Number(value);
  if (!Number.isInteger(size) || size < MIN_IMAGE_SIZE || size > MAX_IMAGE_SIZE) {
    throw new CliUsageError(
      `--image-size must be auto, native or a whole number of pixels from ${MIN_IMAGE_SIZE} to ${MAX_IMAGE_SIZE}; got "${value}".`,
    );
  }
  return size;
}

/** Builds and validates the TrainConfig of the command line. */
export async function trainConfigFromFlags(
  ctx: CliContext,
  values: FlagValues,
  positionals: string[],
): Promise<TrainConfig> {
  if (positionals.length === 0) throw new CliUsageError('Give at least one dataset folder.');
  const model = modelRefFromArg(values.model ?? defaultCatalogId);
  const featureLayer = values['feature-layer'];
  const early = values['early-stopping'];
  const views = values.views === undefined ? undefined : numberFlag(values.views, 'views', 1);
  const input: TrainConfigInput = {
    datasetRoots: positionals.map((dir) => path.resolve(dir)),
    model,
    freeze: await parseFreeze(ctx, values.freeze, model, featureLayer, values['bn-policy']),
    epochs: numberFlag(values.epochs, 'epochs', recipe.epochs),
    learningRate: numberFlag(values['learning-rate'], 'learning-rate', recipe.learningRate),
    batchSize: numberFlag(values['batch-size'], 'batch-size', recipe.batchSize),
    validationSplit: numberFlag(values['val-split'], 'val-split', recipe.validationSplit),
    dropout: numberFlag(values.dropout, 'dropout', recipe.dropout),
    hiddenUnits: numberFlag(values['hidden-units'], 'hidden-units', recipe.hiddenUnits),
    optimizer: choice(values.optimizer, 'optimizer', ['adam', 'sgd'] as const, recipe.optimizer),
    momentum: numberFlag(values.momentum, 'momentum', recipe.momentum),
    schedule: choice(
      values.schedule,
      'schedule',
      ['constant', 'step', 'cosine', 'one-cycle'] as const,
      recipe.schedule,
    ),
    labelSmoothing: numberFlag(values['label-smoothing'], 'label-smoothing', recipe.labelSmoothing),
    classWeights: choice(
      values['class-weights'],
      'class-weights',
      ['none', 'balanced'] as const,
      recipe.classWeights,
    ),
    earlyStopping:
      early === undefined
        ? recipe.earlyStopping
        : early === 'off'
          ? { enabled: false, patience: recipe.earlyStopping.patience }
          : { enabled: true, patience: numberFlag(early, 'early-stopping', 5) },
    fineTune: {
      epochs: numberFlag(values['fine-tune-epochs'], 'fine-tune-epochs', recipe.fineTune.epochs),
      learningRateFactor: numberFlag(
        values['fine-tune-lr-factor'],
        'fine-tune-lr-factor',
        recipe.fineTune.learningRateFactor,
      ),
    },
    augmentation: parseAugmentation(values.augment, views),
    imageSize: parseImageSize(values['image-size']),
    seed: numberFlag(values.seed, 'seed', recipe.seed),
    backend: (values.backend ?? recipe.backend) as TrainConfigInput['backend'],
    ...(featureLayer ? { featureLayer } : {}),
    ...(values.name ? { name: values.name } : {}),
  };
  const parsed = TrainConfig.safeParse(input);
  if (!parsed.success) throw new CliUsageError(describeIssues(parsed.error).join('\n'));
  return parsed.data;
}
