/**
 * Freeze plans over a model's blocks: presets, per-block toggles, the "freeze everything below
 * here" handle, and the check main runs before training. Pure functions over ModelInfo, shared by
 * the renderer (live toggles) and main (validation), so both agree on what a plan means.
 */
import type { FreezePlan, LayerInfo, ModelBlock, ModelInfo } from './domain';

type PlanModel = Pick<ModelInfo, 'layers' | 'blocks'>;

/** Blocks that hold weights (the ones a user can freeze or train), input first. */
export function freezableBlocks(model: PlanModel): ModelBlock[] {
  const weighted = new Set(model.layers.filter((l) => l.hasWeights).map((l) => l.name));
  return model.blocks.filter((block) => block.layers.some((name) => weighted.has(name)));
}

function weightedLayersOf(model: PlanModel, block: ModelBlock): string[] {
  const byName = new Map(model.layers.map((layer) => [layer.name, layer]));
  return block.layers.filter((name) => byName.get(name)?.hasWeights);
}

export type BlockState = 'frozen' | 'trains' | 'partial';

/** Whether each block's weighted layers all train, none do, or only some (advanced mode). */
export function blockStates(model: PlanModel, plan: FreezePlan): Map<string, BlockState> {
  const trainable = new Set(plan.mode === 'custom' ? plan.trainableLayers : []);
  const states = new Map<string, BlockState>();
  for (const block of freezableBlocks(model)) {
    const layers = weightedLayersOf(model, block);
    const on = layers.filter((name) => trainable.has(name)).length;
    states.set(block.id, on === 0 ? 'frozen' : on === layers.length ? 'trains' : 'partial');
  }
  return states;
}

function withLayers(plan: FreezePlan, layers: Iterable<string>): FreezePlan {
  const trainableLayers = [...new Set(layers)];
  return {
    ...plan,
    mode: trainableLayers.length ? 'custom' : 'feature-extractor',
    trainableLayers,
  };
}

/** Keeps the plan's trainable layers in model order (stable plans compare and save nicely). */
function ordered(model: PlanModel, plan: FreezePlan): FreezePlan {
  const wanted = new Set(plan.trainableLayers);
  return withLayers(
    plan,
    model.layers.filter((layer) => wanted.has(layer.name)).map((layer) => layer.name),
  );
}

/** The preset where the whole base is a fixed feature extractor; only the head trains. */
export function featureExtractorPlan(base?: FreezePlan): FreezePlan {
  return withLayers(base ?? { mode: 'feature-extractor', trainableLayers: [] }, []);
}

/** Trains the top `k` freezable blocks (nearest the head); the rest stay frozen. */
export function fineTuneTopPlan(model: PlanModel, k: number, base?: FreezePlan): FreezePlan {
  const blocks = freezableBlocks(model);
  const top = blocks.slice(Math.max(0, blocks.length - Math.max(0, Math.floor(k))));
  const plan = base ?? featureExtractorPlan();
  return withLayers(
    { ...plan, allowSplitBlocks: false },
    top.flatMap((block) => weightedLayersOf(model, block)),
  );
}

/** Every base layer trains. */
export function trainEverythingPlan(model: PlanModel, base?: FreezePlan): FreezePlan {
  return fineTuneTopPlan(model, freezableBlocks(model).length, base);
}

/** The handle: every block before `blockId` freezes, it and every block after it train. */
export function freezeBelowPlan(model: PlanModel, blockId: string, base?: FreezePlan): FreezePlan {
  const blocks = freezableBlocks(model);
  const at = blocks.findIndex((block) => block.id === blockId);
  return fineTuneTopPlan(model, at < 0 ? 0 : blocks.length - at, base);
}

/** Number of top blocks that train when the plan is exactly "top K"; undefined otherwise. */
export function topBlockCount(model: PlanModel, plan: FreezePlan): number | undefined {
  const states = freezableBlocks(model).map((b) => blockStates(model, plan).get(b.id));
  const firstTrained = states.indexOf('trains');
  if (states.includes('partial')) return undefined;
  if (firstTrained < 0) return 0;
  return states.slice(firstTrained).every((s) => s === 'trains')
    ? states.length - firstTrained
    : undefined;
}

/**
 * A plan in the words the Model screen's presets use, for run names, the Train screen and the
 * Runs table: "head only (base frozen)", "top 2 blocks fine-tuned", "all 14 blocks fine-tuned",
 * or "3 layers fine-tuned (custom)" for a plan that is no preset.
 */
export function describePlan(model: PlanModel, plan: FreezePlan): string {
  const top = topBlockCount(model, plan);
  const blocks = freezableBlocks(model).length;
  if (top === 0) return 'head only (base frozen)';
  if (top === blocks) return `all ${blocks} blocks fine-tuned`;
  if (top !== undefined) return `top ${top === 1 ? 'block' : `${top} blocks`} fine-tuned`;
  const layers = effectiveTrainableLayers(model, plan).size;
  return `${layers} layer${layers === 1 ? '' : 's'} fine-tuned (custom)`;
}

/** Turns one block on or off (all its weighted layers). */
export function toggleBlock(model: PlanModel, plan: FreezePlan, blockId: string): FreezePlan {
  const block = model.blocks.find((candidate) => candidate.id === blockId);
  if (!block) return plan;
  const layers = new Set(weightedLayersOf(model, block));
  const state = blockStates(model, plan).get(blockId);
  const current = plan.mode === 'custom' ? plan.trainableLayers : [];
  const rest = current.filter((name) => !layers.has(name));
  return ordered(model, withLayers(plan, state === 'trains' ? rest : [...rest, ...layers]));
}

/**
 * Turns one layer on or off (advanced mode). Splitting a residual block this way needs the
 * user's explicit consent, recorded in the plan as allowSplitBlocks.
 */
export function toggleLayer(model: PlanModel, plan: FreezePlan, layerName: string): FreezePlan {
  const current = plan.mode === 'custom' ? plan.trainableLayers : [];
  const next = current.includes(layerName)
    ? current.filter((name) => name !== layerName)
    : [...current, layerName];
  return ordered(model, withLayers(plan, next));
}

export interface PlanCheck {
  /** The plan as it will run: trainable layers in model order, consistent mode. */
  plan: FreezePlan;
  /** Reasons the plan cannot run, in words the user can act on. */
  errors: string[];
}

/** Checks a plan against the model it will run on. */
export function checkFreezePlan(model: PlanModel, plan: FreezePlan): PlanCheck {
  const errors: string[] = [];
  const byName = new Map<string, LayerInfo>(model.layers.map((layer) => [layer.name, layer]));
  if (plan.mode === 'feature-extractor' && plan.trainableLayers.length > 0) {
    errors.push(
      'The plan says "feature extractor" (whole base frozen) but also lists layers to train; ' +
        'choose one: clear the layers or switch to a custom plan.',
    );
  }
  const unknown = plan.trainableLayers.filter((name) => !byName.has(name));
  if (unknown.length) {
    errors.push(
      `The base (up to the feature layer) has no layer named ${unknown.map((n) => `"${n}"`).join(', ')}. ` +
        'Reopen the model and choose the layers again.',
    );
  }
  const weightless = plan.trainableLayers.filter((name) => byName.get(name)?.hasWeights === false);
  if (weightless.length) {
    errors.push(
      `${weightless.join(', ')} ${weightless.length === 1 ? 'has' : 'have'} no weights, so ` +
        'there is nothing to train; leave them out of the plan.',
    );
  }
  if (!plan.allowSplitBlocks) {
    const states = blockStates(model, plan);
    const split = model.blocks.filter((b) => b.residual && states.get(b.id) === 'partial');
    if (split.length) {
      errors.push(
        `The residual block${split.length === 1 ? '' : 's'} ${split.map((b) => b.label).join(', ')} ` +
          'would be split (some layers frozen, some training). Train the whole block or none of ' +
          'it, or allow splitting residual blocks in advanced mode.',
      );
    }
  }
  return { plan: ordered(model, plan), errors };
}

/** Layers that train under a plan, BatchNorm policy included ('adapt' trains every BN layer). */
export function effectiveTrainableLayers(model: PlanModel, plan: FreezePlan): Set<string> {
  const trainable = new Set(
    plan.mode === 'custom'
      ? plan.trainableLayers.filter((name) =>
          model.layers.some((l) => l.name === name && l.hasWeights),
        )
      : [],
  );
  // As the worker does: 'adapt' matters only when the base trains at all (a frozen base is run
  // once to cache its features, so its BatchNorm layers cannot adapt).
  if (plan.bnPolicy === 'adapt' && trainable.size > 0) {
    for (const layer of model.layers) if (layer.isBatchNorm) trainable.add(layer.name);
  }
  return trainable;
}
