/**
 * What the diagram shows for a model and a plan: each block's state (frozen, training, split),
 * whether a backward pass goes through it, and where the "freeze everything below here" handle
 * sits. Pure, so every toggle recomputes it at once.
 */
import type { FreezePlan, ModelBlock, ModelInfo } from '../../../shared/domain';
import {
  blockStates,
  effectiveTrainableLayers,
  freezableBlocks,
  topBlockCount,
} from '../../../shared/freeze-plan';

export interface BlockView {
  block: ModelBlock;
  /** 'fixed' for blocks without weights (the input). */
  state: 'frozen' | 'trains' | 'partial' | 'fixed';
  /** A backward pass goes through this block (it trains, or a block below it does). */
  backward: boolean;
  /** Index among the freezable blocks (bottom = 0), or -1. */
  freezableIndex: number;
}

export interface DiagramModel {
  /** Blocks bottom (input) to top (feature layer). */
  blocks: BlockView[];
  freezableCount: number;
  /**
   * Frozen blocks below the handle when the plan is "train the top K" (0 = everything trains,
   * freezableCount = feature extractor); otherwise the gap just below the lowest training block.
   */
  handleAt: number;
  /** False when the plan is not a plain "top K" plan (custom toggles). */
  handleExact: boolean;
  maxBlockMacs: number;
}

export function diagramModel(info: ModelInfo, plan: FreezePlan): DiagramModel {
  const states = blockStates(info, plan);
  const freezable = freezableBlocks(info);
  const trainable = effectiveTrainableLayers(info, plan);
  const lowest = info.blocks.findIndex((block) => block.layers.some((name) => trainable.has(name)));
  const blocks = info.blocks.map((block, index): BlockView => {
    const state = states.get(block.id);
    return {
      block,
      state: state ?? 'fixed',
      backward: lowest >= 0 && index >= lowest,
      freezableIndex: freezable.findIndex((candidate) => candidate.id === block.id),
    };
  });
  const top = topBlockCount(info, plan);
  const firstTraining = blocks.find((view) => view.state !== 'frozen' && view.state !== 'fixed');
  return {
    blocks,
    freezableCount: freezable.length,
    handleAt:
      top !== undefined
        ? freezable.length - top
        : Math.max(0, firstTraining?.freezableIndex ?? freezable.length),
    handleExact: top !== undefined,
    maxBlockMacs: Math.max(1, ...info.blocks.map((block) => block.macs)),
  };
}
